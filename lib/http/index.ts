export { AUTH_SAMPLE_EVERY, createAlertmanagerHandler, type AlertmanagerHandlerDeps } from "./alertmanager-handler.js";
export { errorResponse } from "./error-response.js";
export { jsonResponse, MAX_BODY_BYTES, type HttpRequest, type HttpResponse } from "./types.js";
export { verifyBearer } from "./verify-bearer.js";
