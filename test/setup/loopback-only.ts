// Jest setup: any network connection outside loopback throws, so no test can reach the internet
// (house rule: tests touch only 127.0.0.0/8 and ::1). Patches net.Socket#connect, which every
// Node client (http, https, undici/fetch) ends up calling, and guards fetch with a clear message.
import net from "node:net";

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/i;

function hostOf(args: unknown[]): string | undefined {
  const first = args[0];
  if (Array.isArray(first)) return hostOf(first);
  if (typeof first === "object" && first !== null) {
    const o = first as { host?: string; path?: string };
    if (o.path !== undefined && o.host === undefined) return "localhost"; // unix socket
    return o.host ?? "localhost";
  }
  if (typeof first === "number") return typeof args[1] === "string" ? args[1] : "localhost";
  return "localhost"; // a string first argument is a unix socket path
}

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function patchedConnect(this: net.Socket, ...args: unknown[]) {
  const host = hostOf(args);
  if (host !== undefined && !LOOPBACK.test(host)) {
    throw new Error(`test tried to reach ${host}: tests may only connect to loopback addresses`);
  }
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;

const originalFetch = globalThis.fetch;
globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
  const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!LOOPBACK.test(host)) {
    throw new Error(`test tried to fetch ${url.origin}: tests may only connect to loopback addresses`);
  }
  return originalFetch(input, init);
}) as typeof fetch;
