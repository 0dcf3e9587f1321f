/**
 * POST /alertmanager: verify → parse → decide (through the controller) → respond. Shared by the
 * local server and the Lambda function.
 *
 * Status codes: 401 bad or missing bearer token; 415 not JSON; 413 body over 1 MiB; 400 a payload
 * that fails the webhook schema (with a message); 200 for applied, no-op, ignored and per-alert
 * rejections (the body says which); 503 for transient failures and decisions slower than the budget
 * (Alertmanager retries 5xx; a retry of a decision that did finish is answered as a duplicate).
 */
import type { AuditSink } from "../audit/port.js";
import type { Clock, Controller } from "../controller/index.js";
import { InvalidInputError, UnauthorizedError, UpstreamError } from "../errors.js";
import { parseAlertmanagerPayload } from "../signals/index.js";
import { errorResponse } from "./error-response.js";
import { jsonResponse, MAX_BODY_BYTES, type HttpRequest, type HttpResponse } from "./types.js";
import { verifyBearer } from "./verify-bearer.js";

export interface AlertmanagerHandlerDeps {
  readonly controller: Controller;
  readonly audit: AuditSink;
  readonly clock: Clock;
  readonly newDecisionId: () => string;
  readonly bearerToken: string;
  /** Answer 503 when a decision takes longer (ms); Alertmanager's webhook timeout is 10 s. Default 8000. */
  readonly decisionTimeoutMs?: number;
}

/** Authentication failures audited: the 1st, then every AUTH_SAMPLE_EVERY-th (counted, not logged in full). */
export const AUTH_SAMPLE_EVERY = 100;

export function createAlertmanagerHandler(deps: AlertmanagerHandlerDeps): (request: HttpRequest) => Promise<HttpResponse> {
  let authFailures = 0;
  const timeoutMs = deps.decisionTimeoutMs ?? 8000;

  async function audit(outcome: "rejected" | "failed", reason: string, extra: Record<string, unknown> = {}): Promise<void> {
    await deps.audit.record({
      id: deps.newDecisionId(),
      time: deps.clock.now().toISOString(),
      phase: "outcome",
      trigger: { kind: "alertmanager", ref: "POST /alertmanager" },
      outcome,
      reason,
      changes: [],
      ...extra,
    });
  }

  return async (request) => {
    try {
      if (!verifyBearer(request.headers["authorization"], deps.bearerToken)) {
        authFailures += 1;
        if (authFailures === 1 || authFailures % AUTH_SAMPLE_EVERY === 0) {
          await audit("rejected", "authentication failed", { details: { authFailures } });
        }
        throw new UnauthorizedError("missing or wrong bearer token");
      }
      let group;
      try {
        const contentType = request.headers["content-type"] ?? "";
        if (!/^application\/json\b/i.test(contentType)) {
          throw new InvalidInputError(`content-type must be application/json, got '${contentType.slice(0, 100) || "none"}'`, [], { httpStatus: 415 });
        }
        if (request.bodyTooLarge === true || Buffer.byteLength(request.body, "utf8") > MAX_BODY_BYTES) {
          throw new InvalidInputError(`body exceeds ${MAX_BODY_BYTES} bytes`, [], { httpStatus: 413 });
        }
        let json: unknown;
        try {
          json = JSON.parse(request.body);
        } catch (cause) {
          throw new InvalidInputError(`body is not valid JSON: ${(cause as Error).message}`, [{ path: "", message: (cause as Error).message }], { cause });
        }
        group = parseAlertmanagerPayload(json);
      } catch (error) {
        if (error instanceof InvalidInputError) await audit("rejected", error.message.split("\n")[0] ?? "invalid payload", { error: error.message.slice(0, 2000), details: { httpStatus: error.httpStatus } });
        throw error;
      }

      const trigger = { kind: "alertmanager" as const, ref: group.groupKey };
      const result = await withTimeout(deps.controller.onAlert(group, trigger), timeoutMs);
      return jsonResponse(200, {
        decisionId: result.decisionId,
        outcome: result.outcome,
        reason: result.reason,
        commit: result.commit,
        changes: result.changes,
        // Bounded: the first RESPONSE_ALERTS alerts, long strings cut, so a large payload is not echoed back.
        alerts: result.alerts.slice(0, RESPONSE_ALERTS).map((a) => ({ alertname: clip(a.alertname), model: clip(a.model), status: a.status, outcome: a.outcome, reason: a.reason, detail: clip(a.detail) })),
        alertsOmitted: Math.max(0, result.alerts.length - RESPONSE_ALERTS),
      });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** Per-alert results returned in a response (the audit record keeps its own bound). */
const RESPONSE_ALERTS = 100;

function clip<T extends string | null>(text: T, max = 300): T {
  return (text !== null && text.length > max ? `${text.slice(0, max)}…` : text) as T;
}

/** Resolve with the decision, or throw UpstreamError after `ms` (the decision itself goes on and finishes). */
async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UpstreamError(`decision took longer than ${ms} ms; it will finish and a retry is answered from its result`)), ms);
  });
  work.catch(() => undefined); // a late failure is audited by the controller; don't leave it unhandled
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
