// AWS Lambda (API Gateway HTTP API, payload v2) for POST /alertmanager: the same handler as the local
// server. Wiring only. Adapters come from the environment (lib/runtime/settings.ts); until the GitHub
// and EventBridge adapters land, the GitOps repo is a git directory (e.g. on EFS) under
// VLLM_GITOPS_DATA_DIR and the audit log a JSONL file there.
import { createLocalRuntime, loadSettings, type LocalRuntime } from "../lib/runtime/index.js";

interface ApiGatewayV2Event {
  readonly rawPath?: string;
  readonly headers?: Record<string, string | undefined>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly requestContext?: { readonly http?: { readonly method?: string } };
}

let runtime: Promise<LocalRuntime> | undefined; // built once per cold start

export async function handler(event: ApiGatewayV2Event): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
  runtime ??= createLocalRuntime(loadSettings(process.env));
  const body = event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64").toString("utf8") : (event.body ?? "");
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const response = await (await runtime).handleAlertmanager({ method: event.requestContext?.http?.method ?? "POST", path: event.rawPath ?? "/alertmanager", headers, body });
  return { statusCode: response.status, headers: { ...response.headers }, body: response.body };
}
