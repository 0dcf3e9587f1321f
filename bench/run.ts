// `npm run bench`: every benchmark, one after another. Figures only; nothing here is a test.
import { benchWebhookLatency } from "./webhook-latency.js";

await benchWebhookLatency();
