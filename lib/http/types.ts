/** A framework-free HTTP exchange, so the local server and the Lambda function share one handler. */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The raw body as received (UTF-8); empty when `bodyTooLarge`. */
  readonly body: string;
  /** Set by a transport that stopped reading past MAX_BODY_BYTES (the handler answers 413 after checking auth). */
  readonly bodyTooLarge?: boolean;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Largest accepted body, bytes (1 MiB): an Alertmanager group with `max_alerts` set is far smaller. */
export const MAX_BODY_BYTES = 1024 * 1024;

export function jsonResponse(status: number, body: unknown): HttpResponse {
  return { status, headers: { "content-type": "application/json; charset=utf-8" }, body: `${JSON.stringify(body)}\n` };
}
