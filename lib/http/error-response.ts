import { InvalidInputError, isKnownError } from "../errors.js";
import { jsonResponse, type HttpResponse } from "./types.js";

/**
 * The one place errors become responses: the taxonomy's status (400/401/409/413/415/500/503),
 * its message and input issues; anything unknown is a 500 without internals.
 */
export function errorResponse(error: unknown): HttpResponse {
  if (isKnownError(error)) {
    const body: Record<string, unknown> = { error: error.message, kind: error.name };
    if (error instanceof InvalidInputError && error.issues.length > 0) body["issues"] = error.issues;
    // e.g. an invalid fleet.yaml on the config branch (503): every problem with file:line, not only the first
    else if (Array.isArray(error.details["issues"])) body["issues"] = error.details["issues"];
    return jsonResponse(error.httpStatus, body);
  }
  return jsonResponse(500, { error: "internal error", kind: "Error" });
}
