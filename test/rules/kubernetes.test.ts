/**
 * rules/kubernetes.yaml through the built CLI: roles of Kubernetes resources,
 * and placement through the cluster behind the provider's kubeconfig
 * (runsOn): a zonal cluster's zone, a spread workload across a regional or
 * multi-zone cluster, else the cluster's region with a blind spot.
 */
import { describe, expect, it } from 'vitest';
import {
  ExportBuilder,
  aksCluster,
  analyze,
  eksCluster,
  explain,
  gkeCluster,
  helmRelease,
  k8sService,
  namespace,
  noRuleFor,
  paths,
  secret,
  workload,
  zoneFindings,
} from './k8s-helpers.js';
import { runCli } from '../helpers/cli.js';

const K8S_TYPES = [
  'kubernetes:apps/v1:Deployment',
  'kubernetes:apps/v1:StatefulSet',
  'kubernetes:apps/v1:DaemonSet',
  'kubernetes:core/v1:Service',
  'kubernetes:networking.k8s.io/v1:Ingress',
  'kubernetes:core/v1:Namespace',
  'kubernetes:core/v1:ConfigMap',
  'kubernetes:core/v1:Secret',
  'kubernetes:policy/v1:PodDisruptionBudget',
  'kubernetes:rbac.authorization.k8s.io/v1:RoleBinding',
  'kubernetes:helm.sh/v3:Release',
  'kubernetes:autoscaling/v2:HorizontalPodAutoscaler',
  'pulumi:providers:kubernetes',
];

describe('a Deployment on a zonal GKE cluster', () => {
  const b = new ExportBuilder();
  const gke = gkeCluster(b, 'shop-gke', 'us-central1-a');
  namespace(b, gke, 'shop');
  workload(b, gke, 'checkout', { replicas: 3, spread: true, service: 'checkout' });
  const file = b.write();

  it("lives in the cluster's zone, whatever its replicas and spread, and requires the cluster", async () => {
    const e = await explain(file, 'checkout');
    expect(e.result.role).toBe('compute');
    expect(paths(e)).toEqual(['gcp/us-central1/us-central1-a']);
    expect(e.result.placedBy).toBe('runs on shop-gke, in its zone');
    expect(e.merged.runsOn).toMatchObject({ via: ['$provider.kubeconfig'], host: gke.urn, spreadHolds: true });
    expect(e.result.requires).toContain(gke.urn);
    expect(e.result.service).toBe('checkout');
    expect(e.rules.map((r) => r.id)).toEqual(['core-placement', 'kubernetes-workload']);
    expect(e.blindSpots).toEqual([]);
  });

  it('says so in the text of rules explain: the host, and whether the spread holds', async () => {
    const r = await runCli(['rules', 'explain', 'checkout', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^ {2}runs on\s+urn:pulumi:\S+::shop-gke \(through \$provider\.kubeconfig\); spreads over its zones: yes, when spec\.replicas >= 2 \(holds\)/m,
    );
  });

  it('makes that zone a single point of failure of its service', async () => {
    const a = await analyze(file);
    const zone = zoneFindings(a, 'checkout');
    expect(zone.map((f) => f.event.id)).toEqual(['domain:gcp/us-central1/us-central1-a']);
    expect(zone[0]!.rule).toBe('single-point-of-failure');
    expect(zone[0]!.affected.find((x) => x.service === 'checkout')!.state).toBe('down');
    expect(noRuleFor(a, K8S_TYPES)).toEqual([]);
  });
});

describe('workloads on a regional GKE cluster', async () => {
  const b = new ExportBuilder();
  const gke = gkeCluster(b, 'shop-gke', 'us-central1', { nodeLocations: ['us-central1-a', 'us-central1-b', 'us-central1-c'] });
  namespace(b, gke, 'shop');
  workload(b, gke, 'checkout', { replicas: 3, spread: true, service: 'checkout' });
  workload(b, gke, 'search', { replicas: 3, antiAffinity: true, service: 'search' });
  workload(b, gke, 'cart', { replicas: 3, service: 'cart' });
  workload(b, gke, 'pinned', { replicas: 3, nodeZones: ['us-central1-a', 'us-central1-b'], service: 'pinned' });
  workload(b, gke, 'single', { replicas: 1, spread: true, service: 'single' });
  const file = b.write();
  const a = await analyze(file);

  it('with 3 replicas and a zone topology spread: spans the region, no zone finding', async () => {
    const e = await explain(file, 'checkout');
    expect(paths(e)).toEqual(['gcp/us-central1']);
    expect(e.result.placedBy).toBe('runs on shop-gke, spread over its region');
    expect(e.result.event).toBe(false);
    expect(e.blindSpots).toEqual([]);
    expect(zoneFindings(a, 'checkout')).toEqual([]);
    expect(a.findings.filter((f) => f.affected.some((x) => x.service === 'checkout') && f.event.kind === 'component')).toEqual([]);
  });

  it('a zone pod anti-affinity spreads too', async () => {
    const e = await explain(file, 'search');
    expect(paths(e)).toEqual(['gcp/us-central1']);
    expect(e.result.event).toBe(false);
  });

  it.each([
    ['cart', '3 replicas without a zone spread'],
    ['pinned', 'node affinity to zones (restricts, does not spread)'],
    ['single', 'a zone spread but 1 replica'],
  ])('%s (%s): the region, with an unknown-zone blind spot', async (name) => {
    const e = await explain(file, name);
    expect(paths(e)).toEqual(['gcp/us-central1']);
    expect(e.result.placedBy).toBe('runs on shop-gke, zone not known');
    expect(e.result.event).toBe(true);
    expect(e.merged.runsOn!.spreadHolds).toBe(false);
    expect(e.blindSpots).toHaveLength(1);
    expect(e.blindSpots[0]).toMatchObject({ kind: 'unknown-zone', subject: b.urn('kubernetes:apps/v1:Deployment', name) });
    expect(e.blindSpots[0]!.message).toMatch(/runs on shop-gke, which spans the zones of gcp\/us-central1, but is not spread over them/);
    expect(a.blindSpots.some((s) => s.kind === 'unknown-zone' && s.subject === b.urn('kubernetes:apps/v1:Deployment', name))).toBe(true);
  });
});

describe('an AKS cluster with agent pools in three zones', async () => {
  const b = new ExportBuilder();
  const aks = aksCluster(b, 'shop-aks', ['1', '2', '3']);
  namespace(b, aks, 'shop');
  workload(b, aks, 'orders', { replicas: 3, spread: true, service: 'orders' });
  workload(b, aks, 'ledger', { kind: 'StatefulSet', replicas: 1, service: 'ledger' });
  workload(b, aks, 'node-agent', { kind: 'DaemonSet', service: 'agent' });
  k8sService(b, aks, 'orders-lb', { type: 'LoadBalancer', service: 'orders' });
  const file = b.write();
  const a = await analyze(file);
  const zones = ['azure/eastus/eastus-1', 'azure/eastus/eastus-2', 'azure/eastus/eastus-3'];

  it('the cluster skips the resource group its kubeconfig also depends on', async () => {
    expect((await explain(file, 'orders')).merged.runsOn!.host).toBe(aks.urn);
  });

  it('a spread Deployment spans the three zones; no zone finding for its service', async () => {
    const e = await explain(file, 'orders');
    expect(paths(e)).toEqual(zones);
    expect(e.result.placedBy).toBe('runs on shop-aks, spread over its zones');
    expect(e.result.event).toBe(false);
    expect(zoneFindings(a, 'orders')).toEqual([]);
  });

  it('a DaemonSet spans them always', async () => {
    expect(paths(await explain(file, 'node-agent'))).toEqual(zones);
  });

  it('a StatefulSet with one replica: the region, zone unknown', async () => {
    const e = await explain(file, 'ledger');
    expect(e.result.role).toBe('compute');
    expect(paths(e)).toEqual(['azure/eastus']);
    expect(e.blindSpots.map((s) => s.kind)).toEqual(['unknown-zone']);
  });

  it("a Service is a network path across the cluster's zones, managed", async () => {
    const e = await explain(file, b.urn('kubernetes:core/v1:Service', 'orders-lb'));
    expect(e.result.role).toBe('network-path');
    expect(paths(e)).toEqual(zones);
    expect(e.result.event).toBe(false);
    expect(noRuleFor(a, K8S_TYPES)).toEqual([]);
  });
});

describe('an EKS cluster (regional: no rule reads its zones)', () => {
  const b = new ExportBuilder();
  const eks = eksCluster(b, 'shop-eks');
  workload(b, eks, 'api', { replicas: 2, spread: true, service: 'api' });
  workload(b, eks, 'worker', { replicas: 2, service: 'worker' });
  const file = b.write();

  it('a spread Deployment spans the region; an unspread one has a blind spot', async () => {
    const api = await explain(file, 'api');
    expect(paths(api)).toEqual(['aws/us-east-1']);
    expect(api.result.event).toBe(false);
    expect(api.merged.runsOn!.host).toBe(eks.urn);
    const worker = await explain(file, 'worker');
    expect(paths(worker)).toEqual(['aws/us-east-1']);
    expect(worker.blindSpots.map((s) => s.kind)).toEqual(['unknown-zone']);
    expect(zoneFindings(await analyze(file), 'api')).toEqual([]);
  });
});

describe('configuration, helm and the provider', () => {
  const b = new ExportBuilder();
  const gke = gkeCluster(b, 'shop-gke', 'europe-west1-b');
  const ns = namespace(b, gke, 'shop');
  const meta = (name: string) => ({ name, namespace: 'shop' });
  b.add('kubernetes:core/v1:ConfigMap', 'app-config', {
    id: 'shop/app-config',
    provider: gke.k8s,
    inputs: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('app-config'), data: { LOG_LEVEL: 'info' } },
    deps: { metadata: [ns] },
  });
  b.add('kubernetes:core/v1:Secret', 'db-credentials', {
    id: 'shop/db-credentials',
    provider: gke.k8s,
    inputs: { apiVersion: 'v1', kind: 'Secret', metadata: meta('db-credentials'), stringData: secret() },
    deps: { metadata: [ns] },
  });
  b.add('kubernetes:policy/v1:PodDisruptionBudget', 'checkout-pdb', {
    id: 'shop/checkout-pdb',
    provider: gke.k8s,
    inputs: {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta('checkout-pdb'),
      spec: { minAvailable: 2, selector: { matchLabels: { app: 'checkout' } } },
    },
    deps: { metadata: [ns] },
  });
  b.add('kubernetes:rbac.authorization.k8s.io/v1:RoleBinding', 'deployer', {
    id: 'shop/deployer',
    provider: gke.k8s,
    inputs: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta('deployer'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'shop' }],
    },
    deps: { metadata: [ns] },
  });
  b.add('kubernetes:autoscaling/v2:HorizontalPodAutoscaler', 'checkout-hpa', {
    id: 'shop/checkout-hpa',
    provider: gke.k8s,
    inputs: {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta('checkout-hpa'),
      spec: { minReplicas: 3, maxReplicas: 10, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout' } },
    },
  });
  const checkout = workload(b, gke, 'checkout', { replicas: 3, spread: true, service: 'checkout' });
  b.add('kubernetes:networking.k8s.io/v1:Ingress', 'shop-ingress', {
    id: 'shop/shop-ingress',
    provider: gke.k8s,
    inputs: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { ...meta('shop-ingress'), labels: { 'firebreak.io/service': 'checkout' } },
      spec: {
        rules: [
          { host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'checkout', port: { number: 80 } } } }] } },
        ],
      },
    },
    dependsOn: [checkout],
  });
  helmRelease(b, gke, 'redis', 'redis', 'https://charts.bitnami.com/bitnami', { namespace: 'shop' });
  // A Deployment through the default provider: no kubeconfig to follow.
  const dflt = b.provider('kubernetes', 'default_4_18_1', { version: '4.18.1' });
  b.add('kubernetes:apps/v1:Deployment', 'orphan', {
    id: 'shop/orphan',
    provider: dflt,
    inputs: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('orphan'), spec: { replicas: 2 } },
  });
  const file = b.write();

  it.each(['app-config', 'db-credentials', 'checkout-pdb', 'deployer', 'checkout-hpa', 'shop'])('%s is config-only', async (name) => {
    const e = await explain(file, name);
    expect(e.result.role).toBe('config-only');
    expect(e.result.failable).toBe(false);
  });

  it("the kubernetes provider is config-only; the Ingress is a network path in the cluster's zone", async () => {
    const p = await explain(file, 'shop-gke-k8s');
    expect(p.result.role).toBe('config-only');
    const ing = await explain(file, 'shop-ingress');
    expect(ing.result.role).toBe('network-path');
    expect(paths(ing)).toEqual(['gcp/europe-west1/europe-west1-b']);
    expect(ing.result.requires).toContain(checkout);
  });

  it("a Helm release of an ordinary chart is compute, in its cluster's zone", async () => {
    const e = await explain(file, 'redis');
    expect(e.result.role).toBe('compute');
    expect(paths(e)).toEqual(['gcp/europe-west1/europe-west1-b']);
    expect(e.rules.map((r) => r.id)).toEqual(['core-placement', 'kubernetes-helm']);
  });

  it('without a kubeconfig to follow, it runs on the cluster of the ambient kubeconfig, a domain of its own', async () => {
    const e = await explain(file, 'orphan');
    expect(paths(e)).toEqual(['kubernetes/ambient kubeconfig']);
    expect(e.result.placements.map((p) => p.kinds)).toEqual(['provider/cluster']);
    expect(e.result.placedBy).toBe('the cluster of ambient kubeconfig (no cluster resource in the inputs)');
    expect(e.merged.runsOn!.host).toBeUndefined();
    expect(e.blindSpots).toEqual([]);
  });

  it("its provider and the GKE cluster's cannot be proved to be the same cluster: a blind spot naming both", async () => {
    const a = await analyze(file);
    const spots = a.blindSpots.filter((s) => s.kind === 'unknown-cluster');
    expect(spots).toHaveLength(1);
    expect(spots[0]!.message).toBe(
      'kubernetes providers default_4_18_1 (ambient kubeconfig) and shop-gke-k8s (cluster shop-gke) cannot be proved to be the same cluster or different ones; each is judged as its own cluster',
    );
  });

  it('leaves no Kubernetes type without a rule', async () => {
    expect(noRuleFor(await analyze(file), K8S_TYPES)).toEqual([]);
  });
});
