/**
 * Small, realistic Pulumi stack exports for the rule-pack tests: full URNs,
 * provider references (`urn::id`), dependencies and property dependencies
 * as `pulumi stack export` writes them, secrets as Pulumi encodes them.
 * Run through the built CLI (`rules explain` and `analyze`, JSON).
 */
import { expect } from 'vitest';
import { runCli, tempFile } from '../helpers/cli.js';

export interface RawResource {
  urn: string;
  custom: boolean;
  id?: string;
  type: string;
  parent?: string;
  provider?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
}

/** A secret as a stack export holds it (ciphertext only). */
export function secret(ciphertext = 'v1:cGxhY2Vob2xkZXI=:AAAA'): Record<string, string> {
  return { '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', ciphertext };
}

export interface AddOptions {
  id?: string;
  /** Provider reference `urn::id` (from `provider()`). */
  provider?: string;
  inputs?: Record<string, unknown>;
  /** Defaults to the inputs. */
  outputs?: Record<string, unknown>;
  /** Property dependencies; their URNs also become dependencies. */
  deps?: Record<string, string[]>;
  dependsOn?: string[];
  custom?: boolean;
}

let ids = 0;

export class ExportBuilder {
  readonly resources: RawResource[] = [];
  readonly stackUrn: string;

  constructor(
    readonly project = 'shop',
    readonly stack = 'prod',
  ) {
    this.stackUrn = this.urn('pulumi:pulumi:Stack', `${project}-${stack}`);
    this.resources.push({ urn: this.stackUrn, custom: false, type: 'pulumi:pulumi:Stack' });
  }

  urn(type: string, name: string): string {
    return `urn:pulumi:${this.stack}::${this.project}::${type}::${name}`;
  }

  /** A resource; returns its URN. */
  add(type: string, name: string, o: AddOptions = {}): string {
    const urn = this.urn(type, name);
    const deps = o.deps ?? {};
    const dependencies = [...new Set([...(o.dependsOn ?? []), ...Object.values(deps).flat()])];
    const custom = o.custom ?? true;
    this.resources.push({
      urn,
      custom,
      ...(custom ? { id: o.id ?? `${name}-${(++ids).toString(16).padStart(6, '0')}` } : {}),
      type,
      parent: this.stackUrn,
      ...(o.provider ? { provider: o.provider } : {}),
      inputs: o.inputs ?? {},
      outputs: o.outputs ?? o.inputs ?? {},
      ...(dependencies.length > 0 ? { dependencies } : {}),
      ...(Object.keys(deps).length > 0 ? { propertyDependencies: deps } : {}),
    });
    return urn;
  }

  /** An explicit provider resource; returns the reference resources carry (`urn::id`). */
  provider(pkg: string, name: string, inputs: Record<string, unknown> = {}, deps: Record<string, string[]> = {}): string {
    const known = this.resources.find((r) => r.urn === this.urn(`pulumi:providers:${pkg}`, name));
    if (known) return `${known.urn}::${known.id}`;
    const id = `0a1b2c3d-${(++ids).toString(16).padStart(4, '0')}-4e5f-8a9b-${name.length.toString(16).padStart(12, '0')}`;
    const urn = this.add(`pulumi:providers:${pkg}`, name, { id, inputs, deps });
    return `${urn}::${id}`;
  }

  toJSON(): unknown {
    return {
      version: 3,
      deployment: {
        manifest: { time: '2026-11-01T10:00:00Z', magic: 'abc', version: 'v3.200.0' },
        secrets_providers: { type: 'passphrase', state: { salt: 'v1:abc' } },
        resources: this.resources,
      },
    };
  }

  write(name = 'stack.json'): string {
    return tempFile(name, JSON.stringify(this.toJSON(), null, 2));
  }
}

// ---------------------------------------------------------------- clusters

export interface Cluster {
  urn: string;
  /** The kubernetes provider reference built from the cluster's kubeconfig. */
  k8s: string;
}

/** The kubernetes provider for a cluster: kubeconfig (a secret) depends on the cluster (and whatever else it was built from). */
export function k8sProvider(b: ExportBuilder, name: string, kubeconfigDeps: string[]): string {
  return b.provider('kubernetes', name, { kubeconfig: secret(), enableServerSideApply: 'true', version: '4.18.1' }, { kubeconfig: kubeconfigDeps });
}

/** A GKE cluster (location: a zone or a region) and the kubernetes provider for it. */
export function gkeCluster(b: ExportBuilder, name: string, location: string, opts: { nodeLocations?: string[] } = {}): Cluster {
  const gcp = b.provider('gcp', 'gcp-provider', { project: 'acme-prod', region: location.replace(/-[a-z]$/, '') });
  const inputs = {
    name,
    location,
    initialNodeCount: 1,
    removeDefaultNodePool: false,
    deletionProtection: true,
    releaseChannel: { channel: 'REGULAR' },
    ...(opts.nodeLocations ? { nodeLocations: opts.nodeLocations } : {}),
  };
  const urn = b.add('gcp:container/cluster:Cluster', name, {
    id: `projects/acme-prod/locations/${location}/clusters/${name}`,
    provider: gcp,
    inputs,
    outputs: {
      ...inputs,
      endpoint: '34.70.10.20',
      selfLink: `https://container.googleapis.com/v1/projects/acme-prod/locations/${location}/clusters/${name}`,
      masterAuth: { clusterCaCertificate: secret() },
    },
  });
  return { urn, k8s: k8sProvider(b, `${name}-k8s`, [urn]) };
}

/** An AKS cluster in a resource group, and the kubernetes provider from its user credentials. */
export function aksCluster(b: ExportBuilder, name: string, zones: string[] | undefined, location = 'eastus'): Cluster & { resourceGroup: string } {
  const azure = b.provider('azure-native', 'azure-provider', { location });
  const rg = b.add('azure-native:resources:ResourceGroup', `${name}-rg`, {
    id: `/subscriptions/0000-1111/resourceGroups/${name}-rg`,
    provider: azure,
    inputs: { location, resourceGroupName: `${name}-rg` },
  });
  const pool = (poolName: string, mode: string) => ({
    name: poolName,
    mode,
    count: 3,
    vmSize: 'Standard_D4s_v5',
    osType: 'Linux',
    type: 'VirtualMachineScaleSets',
    ...(zones ? { availabilityZones: zones } : {}),
  });
  const inputs = {
    resourceGroupName: `${name}-rg`,
    resourceName: name,
    location,
    dnsPrefix: name,
    kubernetesVersion: '1.30',
    identity: { type: 'SystemAssigned' },
    agentPoolProfiles: [pool('system', 'System'), pool('user', 'User')],
  };
  const urn = b.add('azure-native:containerservice:ManagedCluster', name, {
    id: `/subscriptions/0000-1111/resourceGroups/${name}-rg/providers/Microsoft.ContainerService/managedClusters/${name}`,
    provider: azure,
    inputs,
    outputs: { ...inputs, fqdn: `${name}-abc.hcp.${location}.azmk8s.io`, provisioningState: 'Succeeded' },
    deps: { resourceGroupName: [rg] },
  });
  // listManagedClusterUserCredentials(resourceGroupName, resourceName): the resource group comes first.
  return { urn, resourceGroup: rg, k8s: k8sProvider(b, `${name}-k8s`, [rg, urn]) };
}

/** An EKS cluster over three subnets (one per zone), and its kubernetes provider. */
export function eksCluster(b: ExportBuilder, name: string): Cluster {
  const aws = b.provider('aws', 'aws-provider', { region: 'us-east-1' });
  const subnets = ['a', 'b', 'c'].map((z) =>
    b.add('aws:ec2/subnet:Subnet', `${name}-private-${z}`, {
      id: `subnet-0${z}`,
      provider: aws,
      inputs: { vpcId: 'vpc-01', availabilityZone: `us-east-1${z}`, cidrBlock: '10.0.0.0/20' },
    }),
  );
  const role = b.add('aws:iam/role:Role', `${name}-role`, { id: `${name}-role`, provider: aws, inputs: { assumeRolePolicy: '{}' } });
  const inputs = {
    name,
    roleArn: `arn:aws:iam::123456789012:role/${name}-role`,
    version: '1.30',
    vpcConfig: { subnetIds: ['subnet-0a', 'subnet-0b', 'subnet-0c'], endpointPrivateAccess: true },
  };
  const urn = b.add('aws:eks/cluster:Cluster', name, {
    id: name,
    provider: aws,
    inputs,
    outputs: { ...inputs, arn: `arn:aws:eks:us-east-1:123456789012:cluster/${name}`, endpoint: 'https://ABC.gr7.us-east-1.eks.amazonaws.com' },
    deps: { vpcConfig: subnets, roleArn: [role] },
  });
  return { urn, k8s: k8sProvider(b, `${name}-k8s`, [urn]) };
}

// ---------------------------------------------------------------- kubernetes resources

export interface WorkloadOptions {
  kind?: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  replicas?: number;
  /** topologySpreadConstraints on the zone label. */
  spread?: boolean;
  /** Pod anti-affinity on the zone label. */
  antiAffinity?: boolean;
  /** Required node affinity to these zones. */
  nodeZones?: string[];
  image?: string;
  service?: string;
  namespace?: string;
  /** Property dependencies of the pod template (env from other resources). */
  envFrom?: string[];
}

export function namespace(b: ExportBuilder, cluster: Cluster, name: string): string {
  return b.add('kubernetes:core/v1:Namespace', name, { id: name, provider: cluster.k8s, inputs: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
}

/** A Deployment (or StatefulSet, DaemonSet) as pulumi-kubernetes records it. */
export function workload(b: ExportBuilder, cluster: Cluster, name: string, o: WorkloadOptions = {}): string {
  const kind = o.kind ?? 'Deployment';
  const ns = o.namespace ?? 'shop';
  const labels = { app: name };
  const podSpec: Record<string, unknown> = {
    containers: [{ name, image: o.image ?? `ghcr.io/acme/${name}:1.4.2`, ports: [{ containerPort: 8080 }] }],
  };
  if (o.spread) {
    podSpec.topologySpreadConstraints = [
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels } },
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: labels } },
    ];
  }
  const affinity: Record<string, unknown> = {};
  if (o.antiAffinity) {
    affinity.podAntiAffinity = {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, podAffinityTerm: { topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: labels } } },
      ],
    };
  }
  if (o.nodeZones) {
    affinity.nodeAffinity = {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: o.nodeZones }] }],
      },
    };
  }
  if (Object.keys(affinity).length > 0) podSpec.affinity = affinity;
  const spec: Record<string, unknown> = {
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: podSpec },
  };
  if (kind !== 'DaemonSet' && o.replicas !== undefined) spec.replicas = o.replicas;
  if (kind === 'StatefulSet') spec.serviceName = name;
  const inputs = {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace: ns, labels: { ...labels, ...(o.service ? { 'firebreak.io/service': o.service } : {}) } },
    spec,
  };
  const nsUrn = b.urn('kubernetes:core/v1:Namespace', ns);
  const hasNs = b.resources.some((r) => r.urn === nsUrn);
  return b.add(`kubernetes:apps/v1:${kind}`, name, {
    id: `${ns}/${name}`,
    provider: cluster.k8s,
    inputs,
    outputs: { ...inputs, status: { observedGeneration: 1, replicas: o.replicas ?? 1 } },
    deps: { ...(hasNs ? { metadata: [nsUrn] } : {}), ...(o.envFrom ? { spec: o.envFrom } : {}) },
  });
}

/** A Service in front of a workload. */
export function k8sService(b: ExportBuilder, cluster: Cluster, name: string, o: { type?: string; service?: string; namespace?: string } = {}): string {
  const ns = o.namespace ?? 'shop';
  const inputs = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, labels: { app: name, ...(o.service ? { 'firebreak.io/service': o.service } : {}) } },
    spec: { type: o.type ?? 'ClusterIP', selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
  };
  return b.add('kubernetes:core/v1:Service', name, { id: `${ns}/${name}`, provider: cluster.k8s, inputs });
}

/** A helm.sh/v3 Release of a chart. */
export function helmRelease(
  b: ExportBuilder,
  cluster: Cluster,
  name: string,
  chart: string,
  repo: string,
  o: { namespace?: string; service?: string; values?: Record<string, unknown> } = {},
): string {
  const ns = o.namespace ?? name;
  const inputs = {
    name,
    chart,
    version: '7.3.11',
    namespace: ns,
    createNamespace: true,
    repositoryOpts: { repo },
    values: o.values ?? {},
    atomic: false,
    timeout: 300,
  };
  return b.add('kubernetes:helm.sh/v3:Release', name, {
    id: `${ns}/${name}`,
    provider: cluster.k8s,
    inputs,
    outputs: { ...inputs, status: { name, namespace: ns, chart, revision: 1, status: 'deployed' } },
  });
}

// ---------------------------------------------------------------- CLI

export interface Explained {
  result: {
    role: string;
    failable: boolean;
    event: boolean;
    placements: Array<{ path: string; kinds: string }>;
    placedBy: string;
    service: string;
    requires: string[];
  };
  rules: Array<{ id: string; pack: string; matchedProperty?: { path: string; pattern: string; value?: string } }>;
  merged: { specific: boolean; runsOn?: { via: string[]; host?: string; spreads: unknown; spreadHolds: boolean } };
  blindSpots: Array<{ kind: string; subject: string; message: string }>;
}

export async function explain(file: string, name: string): Promise<Explained> {
  const r = await runCli(['rules', 'explain', name, file, '--format', 'json']);
  expect(r.stderr, r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Explained;
}

export interface Analysis {
  findings: Array<{
    rule: string;
    severity: string;
    message: string;
    event: { id: string; kind: string; what: string };
    affected: Array<{ service: string; state: string }>;
  }>;
  nodes: Record<string, { kind: string; placedIn?: string[]; role?: string }>;
  blindSpots: Array<{ kind: string; subject: string; message: string }>;
}

export async function analyze(file: string): Promise<Analysis> {
  const r = await runCli(['analyze', file, '--format', 'json', '--fail-on', 'none']);
  expect(r.stderr, r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Analysis;
}

/** Domain paths a resource is placed in, sorted. */
export function paths(e: Explained): string[] {
  return e.result.placements.map((p) => p.path).sort();
}

/** Zone-loss findings that hurt a service. */
export function zoneFindings(a: Analysis, service: string): Analysis['findings'] {
  return a.findings.filter((f) => f.event.kind === 'domain' && f.event.what === 'zone' && f.affected.some((x) => x.service === service));
}

/** no-rule blind spots for these types (there should be none). */
export function noRuleFor(a: Analysis, types: string[]): string[] {
  return a.blindSpots.filter((b) => b.kind === 'no-rule' && types.includes(b.subject)).map((b) => b.subject);
}
