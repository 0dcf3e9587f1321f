/**
 * The local HTTP server (`npm start`): POST /alertmanager, GET /healthz, bound to 127.0.0.1.
 * Bodies over 1 MiB are refused with 413 without being buffered whole.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { jsonResponse, MAX_BODY_BYTES, type HttpResponse } from "../http/index.js";
import type { LocalRuntime } from "./local-runtime.js";

export interface LocalServer {
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startLocalServer(runtime: LocalRuntime, options: { port: number; host?: string }): Promise<LocalServer> {
  const server = http.createServer((req, res) => {
    void route(runtime, req).then(
      (response) => send(res, response),
      () => send(res, jsonResponse(500, { error: "internal error", kind: "Error" })),
    );
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function route(runtime: LocalRuntime, req: http.IncomingMessage): Promise<HttpResponse> {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  if (path === "/healthz" && req.method === "GET") {
    return (await runtime.isReady()) ? jsonResponse(200, { status: "ok" }) : jsonResponse(503, { status: "starting", reason: "first render not committed yet" });
  }
  if (path === "/alertmanager") {
    if (req.method !== "POST") return { ...jsonResponse(405, { error: "use POST", kind: "MethodNotAllowed" }), headers: { "content-type": "application/json; charset=utf-8", allow: "POST" } };
    const body = await readBody(req);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(", ") : v]));
    return runtime.handleAlertmanager({ method: "POST", path, headers, body: body ?? "", bodyTooLarge: body === null });
  }
  return jsonResponse(404, { error: `no route for ${req.method ?? "?"} ${path}`, kind: "NotFound" });
}

/** The body as UTF-8, or null when it exceeds MAX_BODY_BYTES (reading stops there). */
function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? null : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: http.ServerResponse, response: HttpResponse): void {
  res.writeHead(response.status, response.headers);
  res.end(response.body);
}
