// The Jest setup (test/setup/loopback-only.ts) must stop any connection outside loopback.
import net from "node:net";
import { describe, expect, it } from "@jest/globals";

describe("loopback-only test setup", () => {
  it("refuses fetch to a non-loopback host before any packet leaves", async () => {
    await expect(fetch("http://203.0.113.7/")).rejects.toThrow(/only connect to loopback/);
  });

  it("refuses a raw socket to a non-loopback address", () => {
    expect(() => net.connect({ host: "198.51.100.1", port: 80 })).toThrow(/only connect to loopback/);
  });

  it("lets loopback through", async () => {
    const server = net.createServer((s) => s.end("ok"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const { port } = server.address() as net.AddressInfo;

    const text = await new Promise<string>((resolve, reject) => {
      const socket = net.connect({ host: "127.0.0.1", port }, () => undefined);
      let data = "";
      socket.on("data", (d) => (data += String(d)));
      socket.on("end", () => resolve(data));
      socket.on("error", reject);
    });
    await new Promise((r) => server.close(r));

    expect(text).toBe("ok");
  });
});
