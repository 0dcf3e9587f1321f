/**
 * The error taxonomy (STYLE.md "Errors"). Expected outcomes are values; these are for bad input,
 * outages and bugs. Each error has a static message, a `details` object (never a secret) and an
 * optional `cause`; `httpStatus` and `retryable` drive the response mapper in `lib/http`.
 */

/** One problem found in user input, with where it is (a path like `models[1].pool` and a line). */
export interface InputIssue {
  readonly path: string;
  readonly message: string;
  /** 1-based line in the source file, when the input came from a file. */
  readonly line?: number;
  /** File name the line refers to (e.g. `fleet.yaml`). */
  readonly file?: string;
}

abstract class VllmGitopsError extends Error {
  abstract readonly httpStatus: number;
  abstract readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}

/** Bad input from a sender or a user: schema failures, bad YAML, missing headers. HTTP 400. */
export class InvalidInputError extends VllmGitopsError {
  readonly httpStatus: number;
  readonly retryable = false;
  readonly issues: readonly InputIssue[];

  constructor(message: string, issues: readonly InputIssue[] = [], options?: { cause?: unknown; httpStatus?: 400 | 413 | 415 }) {
    super(message, { issues }, options);
    this.issues = issues;
    this.httpStatus = options?.httpStatus ?? 400;
  }
}

/** Authentication failed (bearer token or HMAC mismatch). HTTP 401. */
export class UnauthorizedError extends VllmGitopsError {
  readonly httpStatus = 401;
  readonly retryable = false;
}

/** The controller's own settings are wrong (environment, data dir). Fails at cold start. */
export class ConfigError extends VllmGitopsError {
  readonly httpStatus = 500;
  readonly retryable = false;
}

/** The branch moved under us (lost compare-and-swap) and retries ran out. HTTP 409. */
export class ConflictError extends VllmGitopsError {
  readonly httpStatus = 409;
  readonly retryable = true;
}

/** A dependency (git, GitHub, EventBridge, Prometheus) failed or timed out. HTTP 503: the sender retries. */
export class UpstreamError extends VllmGitopsError {
  readonly httpStatus = 503;
  readonly retryable = true;
}

/** Something that cannot happen did: a bug. HTTP 500. */
export class InvariantError extends VllmGitopsError {
  readonly httpStatus = 500;
  readonly retryable = false;
}

export type KnownError =
  | InvalidInputError
  | UnauthorizedError
  | ConfigError
  | ConflictError
  | UpstreamError
  | InvariantError;

/** True for any error of the taxonomy above. */
export function isKnownError(error: unknown): error is KnownError {
  return error instanceof VllmGitopsError;
}
