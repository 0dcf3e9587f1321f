import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "@jest/globals";
import { parse } from "yaml";
import { ALERT_NAMES, buildAlertRules, renderPrometheusRule, renderRuleFile } from "../../../infra/alert-rules.js";
import { renderAlertmanagerConfig } from "../../../infra/alertmanager-config.js";
import { GENERATED_FILES, INFRA_DIR, generateInfraFiles } from "../../../infra/generate.js";
import { loadFleetConfig } from "../../../lib/config/index.js";
import { ConfigError } from "../../../lib/errors.js";
import { planFleet } from "../../../lib/planner/index.js";
import { renderFleet } from "../../../lib/render/index.js";
import { kedaCappedQuery, requestsInFlightQuery, requestsWaitingQuery } from "../../../lib/metrics/index.js";

describe("generated infra files", () => {
  it.each(Object.values(GENERATED_FILES))("keeps the committed %s equal to the generator's output", (path) => {
    const generated = generateInfraFiles().get(path);

    const committed = readFileSync(join(INFRA_DIR, path), "utf8");

    expect(generated).toBeDefined();
    expect(committed).toBe(generated);
  });

  it("renders the same rules in the rule file and in the PrometheusRule", () => {
    const ruleFile = parse(renderRuleFile()) as { groups: unknown };

    const prometheusRule = parse(renderPrometheusRule()) as { apiVersion: string; kind: string; spec: { groups: unknown } };

    expect(prometheusRule.apiVersion).toBe("monitoring.coreos.com/v1");
    expect(prometheusRule.kind).toBe("PrometheusRule");
    expect(prometheusRule.spec.groups).toEqual(ruleFile.groups);
  });
});

describe("buildAlertRules", () => {
  it("builds exactly the alert vocabulary the controller acts on", () => {
    const names = buildAlertRules().map((rule) => rule.alert);

    expect(names).toEqual([...ALERT_NAMES]);
  });

  it("uses the metrics source's expressions, so alerts and decision-time reads agree", () => {
    const [waiting, idle] = buildAlertRules();

    expect(waiting!.expr).toContain(requestsWaitingQuery());
    expect(waiting!.expr).toContain(kedaCappedQuery());
    expect(idle!.expr).toBe(`${requestsInFlightQuery()} == 0`);
  });

  it("puts the waiting count on the left of `and`, so $value (annotation `value`) is the queue depth", () => {
    const [waiting] = buildAlertRules();

    expect(waiting!.expr.indexOf(requestsWaitingQuery())).toBeLessThan(waiting!.expr.indexOf("and on (namespace, model_name)"));
    expect(waiting!.annotations.value).toBe("{{ $value }}");
  });

  it("defaults to 2m for VLLMRequestsWaiting and 15m for VLLMModelIdle", () => {
    const [waiting, idle] = buildAlertRules();

    expect([waiting!.for, idle!.for]).toEqual(["2m", "15m"]);
  });

  it("renders a fast variant with the given durations", () => {
    const [waiting, idle] = buildAlertRules({ requestsWaitingFor: "5s", modelIdleFor: "1m30s" });

    expect([waiting!.for, idle!.for]).toEqual(["5s", "1m30s"]);
  });

  it.each(["", "5", "0s", "2 m", "1m2h", "-1m", "1.5m"])("rejects %p as a for: duration", (value) => {
    expect(() => buildAlertRules({ requestsWaitingFor: value })).toThrow(ConfigError);
  });
});

describe("renderAlertmanagerConfig", () => {
  it("routes only the vllm-gitops alerts, grouped per model, with repeat_interval = group_interval", () => {
    const config = parse(renderAlertmanagerConfig({ groupInterval: "5s" })) as {
      route: { routes: { receiver: string; matchers: string[]; group_by: string[]; group_interval: string; repeat_interval: string }[] };
    };

    const route = config.route.routes[0]!;

    expect(route.receiver).toBe("vllm-gitops");
    expect(route.matchers).toEqual(['alertname=~"VLLMRequestsWaiting|VLLMModelIdle"']);
    expect(route.group_by).toEqual(["alertname", "namespace", "model_name"]);
    expect(route.repeat_interval).toBe("5s");
    expect(route.group_interval).toBe("5s");
  });

  it("sends resolved alerts, caps the body and authenticates with a bearer token file", () => {
    const config = parse(renderAlertmanagerConfig({ webhookUrl: "http://127.0.0.1:3999/alertmanager", credentialsFile: "/tmp/token" })) as {
      receivers: { name: string; webhook_configs?: unknown[] }[];
    };

    const receiver = config.receivers.find((r) => r.name === "vllm-gitops");

    expect(receiver?.webhook_configs).toEqual([
      {
        url: "http://127.0.0.1:3999/alertmanager",
        send_resolved: true,
        max_alerts: 50,
        http_config: { authorization: { type: "Bearer", credentials_file: "/tmp/token" } },
      },
    ]);
  });

  it.each([{ groupWait: "soon" }, { webhookUrl: "not a url" }, { maxAlerts: -1 }])("rejects bad options %p", (options) => {
    expect(() => renderAlertmanagerConfig(options)).toThrow(ConfigError);
  });
});

describe("manifests/ starter repository", () => {
  it("ships the same app-of-apps as infra/", () => {
    const infraCopy = readFileSync(new URL("../../../infra/argocd/app-of-apps.yaml", import.meta.url), "utf8");
    const starterCopy = readFileSync(new URL("../../../manifests/app-of-apps.yaml", import.meta.url), "utf8");

    expect(starterCopy).toBe(infraCopy);
  });

  it("names the app-of-apps differently from the child Application it syncs, so neither overwrites the other", () => {
    const parent = parse(readFileSync(new URL("../../../manifests/app-of-apps.yaml", import.meta.url), "utf8")) as { metadata: { name: string; namespace: string }; spec: { source: { path: string } } };
    const config = loadFleetConfig(readFileSync(new URL("../../../manifests/fleet.yaml", import.meta.url), "utf8"));
    const desired = Object.fromEntries(config.models.map((m) => [m.name, 1]));
    const files = renderFleet({ config, plan: planFleet({ config, desiredReplicas: desired, current: null }) });

    const child = parse(files.get(`${parent.spec.source.path}/application.yaml`)!) as { metadata: { name: string; namespace: string } };

    expect(child.metadata.namespace).toBe(parent.metadata.namespace);
    expect(child.metadata.name).not.toBe(parent.metadata.name);
  });
});
