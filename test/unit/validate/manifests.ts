// Manifests shaped like what vllm-gitops renders (DESIGN.md §2, §4, §5.4), written by us for the
// validate tests. Each is valid; tests break one thing at a time.
export const SCALED_OBJECT = `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: llama-3-8b
  namespace: llm
  labels:
    vllm-gitops/model: llama-3-8b
spec:
  scaleTargetRef:
    name: llama-3-8b
  minReplicaCount: 1
  maxReplicaCount: 4
  fallback:
    failureThreshold: 3
    replicas: 1
    behavior: currentReplicasIfHigher
  advanced:
    horizontalPodAutoscalerConfig:
      behavior:
        scaleDown:
          stabilizationWindowSeconds: 900
  triggers:
    - type: prometheus
      metricType: AverageValue
      metadata:
        serverAddress: http://prometheus-operated.monitoring:9090
        query: sum(vllm:num_requests_waiting{namespace="llm",model_name="llama-3-8b"})
        threshold: "5"
        ignoreNullValues: "false"
`;

export const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: llama-3-8b
  namespace: llm
  labels:
    vllm-gitops/model: llama-3-8b
spec:
  selector:
    matchLabels:
      vllm-gitops/model: llama-3-8b
  template:
    metadata:
      labels:
        vllm-gitops/model: llama-3-8b
    spec:
      priorityClassName: vllm-gitops-100
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.11.0
          args: [--model, meta-llama/Meta-Llama-3-8B, --served-model-name, llama-3-8b]
          ports:
            - name: http
              containerPort: 8000
          resources:
            limits:
              nvidia.com/mig-1g.10gb: 1
          volumeMounts:
            - name: shm
              mountPath: /dev/shm
      volumes:
        - name: shm
          emptyDir:
            medium: Memory
            sizeLimit: 8Gi
`;

export const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: llama-3-8b
  namespace: llm
spec:
  selector:
    vllm-gitops/model: llama-3-8b
  ports:
    - name: http
      port: 8000
      targetPort: http
`;

const RAY_TEMPLATE = `      metadata:
        labels:
          scheduling.x-k8s.io/pod-group: llama-405b-0
      spec:
        schedulerName: scheduler-plugins-scheduler
        containers:
          - name: ray
            image: vllm/vllm-openai:v0.11.0
            resources:
              limits:
                nvidia.com/gpu: 8`;

export const RAY_CLUSTER = `apiVersion: ray.io/v1
kind: RayCluster
metadata:
  name: llama-405b-0
  namespace: llm
  labels:
    vllm-gitops/model: llama-405b
spec:
  rayVersion: "2.46.0"
  headGroupSpec:
    rayStartParams: {}
    template:
${RAY_TEMPLATE.replace(/^ {6}/gm, "      ")}
  workerGroupSpecs:
    - groupName: workers
      replicas: 1
      minReplicas: 1
      maxReplicas: 1
      rayStartParams: {}
      template:
${RAY_TEMPLATE.replace(/^ {6}/gm, "        ")}
`;

export const POD_GROUP = `apiVersion: scheduling.x-k8s.io/v1alpha1
kind: PodGroup
metadata:
  name: llama-405b-0
  namespace: llm
spec:
  minMember: 2
  scheduleTimeoutSeconds: 600
`;

export const APPLICATION = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: vllm-gitops-models
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/acme/llm-fleet.git
    targetRevision: rendered
    path: clusters/prod-us-east-1
  destination:
    server: https://kubernetes.default.svc
  ignoreDifferences:
    - group: apps
      kind: Deployment
      name: llama-3-8b
      namespace: llm
      jsonPointers:
        - /spec/replicas
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
    syncOptions:
      - RespectIgnoreDifferences=true
`;

export const NODE_PARTIAL = `apiVersion: v1
kind: Node
metadata:
  name: gpu-a100-0
  labels:
    nvidia.com/mig.config: vllm-gitops-3f2a9c1e
`;

export const PRIORITY_CLASS = `apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: vllm-gitops-100
value: 100
globalDefault: false
description: vllm-gitops priority tier 100
`;

export const NAMESPACE = `apiVersion: v1
kind: Namespace
metadata:
  name: llm
`;

export const CONFIG_MAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: mig-parted-config
  namespace: gpu-operator
data:
  config.yaml: |
    version: v1
    mig-configs:
      vllm-gitops-3f2a9c1e:
        - devices: [0]
          mig-enabled: true
          mig-devices: {"1g.10gb": 7}
`;
