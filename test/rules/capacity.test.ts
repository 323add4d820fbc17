/**
 * Capacity as deployed (rules' `replicas`), Kubernetes workloads per cluster
 * with their replica counts and claims, and replica groups only on evidence:
 * through the CLI on small stacks shaped like real ones.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ExportBuilder, aksCluster, analyze, explain, paths, workload, zoneFindings, type Explained } from './k8s-helpers.js';

type WithCapacity = Explained & {
  result: Explained['result'] & { capacity?: { count: number; from: string; note: string }; group?: string; groupFrom?: string };
};
/** Findings within the policy (not info: a region's loss is beyond the default policy) that hurt a service. */
const inPolicy = (a: Awaited<ReturnType<typeof analyze>>, service: string) =>
  a.findings.filter((f) => f.severity !== 'info' && f.affected.some((x) => x.service === service));
const explainC = async (file: string, name: string): Promise<WithCapacity> => (await explain(file, name)) as WithCapacity;

describe('ECS services over two subnets: one task vs three', () => {
  const b = new ExportBuilder();
  const aws = b.provider('aws', 'aws-provider', { region: 'eu-west-1' });
  const subnets = ['a', 'b'].map((z) =>
    b.add('aws:ec2/subnet:Subnet', `private-${z}`, {
      id: `subnet-0${z}`,
      provider: aws,
      inputs: { vpcId: 'vpc-01', availabilityZone: `eu-west-1${z}`, cidrBlock: '10.0.0.0/20' },
    }),
  );
  const cluster = b.add('aws:ecs/cluster:Cluster', 'shop', { id: 'arn:aws:ecs:eu-west-1:123456789012:cluster/shop', provider: aws, inputs: { name: 'shop' } });
  const service = (name: string, desiredCount: number) =>
    b.add('aws:ecs/service:Service', name, {
      id: `arn:aws:ecs:eu-west-1:123456789012:service/shop/${name}`,
      provider: aws,
      inputs: {
        cluster: 'arn:aws:ecs:eu-west-1:123456789012:cluster/shop',
        desiredCount,
        launchType: 'FARGATE',
        networkConfiguration: { subnets: ['subnet-0a', 'subnet-0b'], assignPublicIp: false },
        tags: { 'firebreak:service': name },
      },
      deps: { cluster: [cluster], networkConfiguration: subnets },
    });
  service('checkout', 3);
  service('worker', 1);
  const file = b.write();

  it('one task is a single point, and either zone stops it until it is rescheduled', async () => {
    const a = await analyze(file);
    const worker = inPolicy(a, 'worker').map((f) => `${f.event.what} ${f.event.id}`);
    expect(worker.sort()).toEqual(
      [
        'compute component:urn:pulumi:prod::shop::aws:ecs/service:Service::worker',
        'zone domain:aws/eu-west-1/eu-west-1a',
        'zone domain:aws/eu-west-1/eu-west-1b',
      ].sort(),
    );
    const r = await runCli(['analyze', file, '--fail-on', 'none']);
    expect(r.stdout).toContain('(one instance: a zone loss stops it until it is rescheduled)');
  });

  it('three tasks over two zones survive either zone', async () => {
    const a = await analyze(file);
    expect(zoneFindings(a, 'checkout')).toEqual([]);
    expect(inPolicy(a, 'checkout')).toEqual([]);
    const e = await explainC(file, 'checkout');
    expect(e.result.capacity).toMatchObject({ count: 3, from: 'desiredCount' });
    expect(e.result.event).toBe(false);
  });

  it('rules explain says where the capacity came from', async () => {
    const r = await runCli(['rules', 'explain', 'worker', file]);
    expect(r.stdout).toMatch(/capacity\s+1 \(from desiredCount\): one instance/);
  });
});

describe('a GKE regional node pool with one node per zone', () => {
  const b = new ExportBuilder();
  const gcp = b.provider('gcp', 'gcp-provider', { project: 'acme-prod', region: 'europe-west1' });
  const zones = ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'];
  b.add('gcp:container/nodePool:NodePool', 'primary', {
    id: 'projects/acme-prod/locations/europe-west1/clusters/prod/nodePools/primary',
    provider: gcp,
    inputs: {
      cluster: 'prod',
      location: 'europe-west1',
      nodeCount: 1,
      nodeLocations: zones,
      nodeConfig: { machineType: 'e2-standard-4' },
      labels: { 'firebreak-service': 'platform' },
    },
  });
  const file = b.write();

  it('is three nodes, degraded (not down) by any one zone loss', async () => {
    const e = await explainC(file, 'primary');
    expect(e.result.capacity).toMatchObject({ count: 3, from: 'nodeCount per zone' });
    expect(e.result.event).toBe(false);
    const r = await runCli(['whatif', '--fail', 'europe-west1-c', file, '--format', 'json']);
    expect(r.code, r.stderr).not.toBe(2);
    const platform = (JSON.parse(r.stdout).services as Array<{ name: string; state: string }>).find((s) => s.name === 'platform');
    expect(platform?.state).toBe('degraded');
  });
});

describe('Deployments on a three-zone AKS cluster: 1 vs 3 replicas, with and without a zone spread', () => {
  const b = new ExportBuilder();
  const aks = aksCluster(b, 'shop-aks', ['1', '2', '3']);
  workload(b, aks, 'cart', { replicas: 1, service: 'cart' });
  workload(b, aks, 'catalog', { replicas: 3, service: 'catalog' });
  workload(b, aks, 'checkout', { replicas: 3, spread: true, service: 'checkout' });
  workload(b, aks, 'search', { replicas: 2, spread: true, service: 'search' });
  const file = b.write();

  it('one replica is a single point of its own', async () => {
    const e = await explainC(file, 'cart');
    expect(e.result.capacity).toMatchObject({ count: 1, from: 'spec.replicas' });
    expect(e.result.event).toBe(true);
  });

  it('three replicas without a zone spread are not proved spread: judged as one, and it says so', async () => {
    const e = await explainC(file, 'catalog');
    expect(e.result.capacity?.note).toMatch(/not proved spread/);
    expect(e.result.event).toBe(true);
    expect(paths(e)).toEqual(['azure/eastus']);
    expect(e.blindSpots.map((s) => s.kind)).toEqual(['unknown-zone']);
  });

  it('three replicas spread over the zones: no single point, and a zone loss degrades it', async () => {
    const e = await explainC(file, 'checkout');
    expect(paths(e)).toEqual(['azure/eastus/eastus-1', 'azure/eastus/eastus-2', 'azure/eastus/eastus-3']);
    expect(e.result.event).toBe(false);
    const a = await analyze(file);
    expect(inPolicy(a, 'checkout')).toEqual([]);
  });

  it('two replicas over three zones: any two zones may hold both', async () => {
    const state = async (...zones: string[]) => {
      const r = await runCli(['whatif', ...zones.flatMap((z) => ['--fail', `azure/eastus/${z}`]), file, '--format', 'json']);
      expect(r.code, r.stderr).not.toBe(2);
      return (JSON.parse(r.stdout).services as Array<{ name: string; state: string }>).find((s) => s.name === 'search')?.state;
    };
    expect(await state('eastus-1')).toBe('degraded');
    expect(await state('eastus-1', 'eastus-2')).toBe('down');
  });
});

describe('PersistentVolumeClaims are data stores, placed by storage class', () => {
  const b = new ExportBuilder();
  const aks = aksCluster(b, 'data-aks', ['1', '2', '3']);
  const claim = (name: string, storageClassName: string) =>
    b.add('kubernetes:core/v1:PersistentVolumeClaim', name, {
      id: `shop/${name}`,
      provider: aks.k8s,
      inputs: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name, namespace: 'shop' },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName, resources: { requests: { storage: '20Gi' } } },
      },
    });
  claim('cache-data', 'local-path');
  claim('orders-data', 'managed-csi');
  claim('ledger-data', 'managed-csi-zrs');
  const file = b.write();

  it('a claim on a local storage class is bound to a node: a single point of its own', async () => {
    const e = await explainC(file, 'cache-data');
    expect(e.result.role).toBe('datastore');
    expect(e.rules.map((r) => r.id)).toContain('kubernetes-pvc-local');
    expect(e.result.event).toBe(true);
  });

  it('a zonal disk survives its node, in one zone that is not known; a zone-redundant one spans the zones', async () => {
    const zonal = await explainC(file, 'orders-data');
    expect(zonal.result).toMatchObject({ role: 'datastore', event: false });
    expect(zonal.blindSpots.map((s) => s.kind)).toEqual(['unknown-zone']);
    const zrs = await explainC(file, 'ledger-data');
    expect(paths(zrs)).toEqual(['azure/eastus/eastus-1', 'azure/eastus/eastus-2', 'azure/eastus/eastus-3']);
  });
});

describe('two Kubernetes providers with different contexts', () => {
  const b = new ExportBuilder();
  const prod = b.provider('kubernetes', 'prod-k8s', { context: 'prod-eu', version: '4.18.1' });
  const staging = b.provider('kubernetes', 'staging-k8s', { context: 'staging-eu', version: '4.18.1' });
  const deploy = (name: string, provider: string) =>
    b.add('kubernetes:apps/v1:Deployment', name, {
      id: `shop/${name}`,
      provider,
      inputs: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: 'shop' },
        spec: { replicas: 2, selector: { matchLabels: { app: name } } },
      },
    });
  deploy('web', prod);
  deploy('web-canary', staging);
  const file = b.write();

  it('each runs on the cluster its context names, a failure domain', async () => {
    expect(paths(await explain(file, 'web'))).toEqual(['kubernetes/context prod-eu']);
    expect(paths(await explain(file, 'web-canary'))).toEqual(['kubernetes/context staging-eu']);
  });

  it('a blind spot says the two cannot be proved to be the same cluster, naming both', async () => {
    const a = await analyze(file);
    const spots = a.blindSpots.filter((s) => s.kind === 'unknown-cluster');
    expect(spots.map((s) => s.message)).toEqual([
      'kubernetes providers prod-k8s (context prod-eu) and staging-k8s (context staging-eu) cannot be proved to be the same cluster or different ones; each is judged as its own cluster',
    ]);
  });
});

describe('groups only on evidence', () => {
  const b = new ExportBuilder();
  const aws = b.provider('aws', 'aws-provider', { region: 'us-east-1' });
  const bucket = (name: string) =>
    b.add('aws:s3/bucket:Bucket', name, { id: name, provider: aws, inputs: { bucket: name, tags: { 'firebreak:service': 'shop' } } });
  bucket('assets-1');
  bucket('assets-2');
  const instance = (name: string, zone: string, instanceType: string) =>
    b.add('aws:ec2/instance:Instance', name, {
      id: `i-0${name.replace(/\W/g, '')}`,
      provider: aws,
      inputs: { ami: 'ami-0abcdef1234567890', instanceType, availabilityZone: zone, tags: { Name: name, 'firebreak:service': 'shop' } },
    });
  instance('web-1', 'us-east-1a', 'm6i.large');
  instance('web-2', 'us-east-1b', 'm6i.large');
  instance('job-1', 'us-east-1a', 'm6i.large');
  instance('job-2', 'us-east-1b', 'r6i.4xlarge');
  const file = b.write();

  it('two buckets with similar names hold different data: never one group', async () => {
    for (const name of ['assets-1', 'assets-2']) expect((await explainC(file, name)).result.group).toBeUndefined();
  });

  it('stateless instances alike but for their zone form a group, and rules explain says why', async () => {
    const e = await explainC(file, 'web-2');
    expect(e.result.group).toBe('shop/web');
    expect(e.result.groupFrom).toBe(
      'compute resources named alike (web-1, web-2, the core grouping name suffix) whose properties are the same apart from placement',
    );
  });

  it('a group tag on one resource alone makes no group of one: it stays a component', async () => {
    const one = new ExportBuilder();
    const p = one.provider('aws', 'aws-provider', { region: 'us-east-1' });
    one.add('aws:ec2/instance:Instance', 'ledger', {
      id: 'i-0ledger',
      provider: p,
      inputs: { instanceType: 'm6i.large', availabilityZone: 'us-east-1a', tags: { 'firebreak:group': 'ledger' } },
    });
    const a = await analyze(one.write());
    expect(Object.values(a.nodes).filter((n) => n.kind === 'group')).toEqual([]);
    expect(a.findings.some((f) => f.event.kind === 'component')).toBe(true);
  });

  it('instances named alike with different properties are not replicas', async () => {
    for (const name of ['job-1', 'job-2']) expect((await explainC(file, name)).result.group).toBeUndefined();
  });
});

describe('rules list', () => {
  it("shows each rule's capacity and replica-group fields, in text and JSON", async () => {
    const text = await runCli(['rules', 'list']);
    expect(text.stdout).toContain('capacity: desiredCount, unless schedulingStrategy = DAEMON');
    expect(text.stdout).toContain('capacity: autoscaling.minNodeCount or nodeCount or initialNodeCount, per zone');
    expect(text.stdout).toContain('replica group: the members of the cluster clusterIdentifier names');
    const json = JSON.parse((await runCli(['rules', 'list', '--format', 'json'])).stdout) as {
      rules: Array<{ id: string; replicas?: unknown; replicaOf?: string[] }>;
    };
    expect(json.rules.find((r) => r.id === 'awsx-fargate-service')?.replicas).toMatchObject({ property: ['desiredCount'], default: 1 });
    expect(json.rules.find((r) => r.id === 'aws-rds-cluster-instance')?.replicaOf).toEqual(['clusterIdentifier']);
  });
});

describe('bad counts', () => {
  function project(program: string): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-capacity-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'Pulumi.yaml'), program);
    return dir;
  }
  const program = (desiredCount: string) => `name: shop
runtime: yaml
config:
  workerCount:
    type: integer
resources:
  subnetA:
    type: aws:ec2:Subnet
    properties: { vpcId: vpc-01, cidrBlock: 10.0.1.0/24, availabilityZone: us-east-1a }
  subnetB:
    type: aws:ec2:Subnet
    properties: { vpcId: vpc-01, cidrBlock: 10.0.2.0/24, availabilityZone: us-east-1b }
  worker:
    type: aws:ecs:Service
    properties:
      desiredCount: ${desiredCount}
      networkConfiguration:
        subnets:
          - \${subnetA.id}
          - \${subnetB.id}
`;

  it('a count from config without a value is a blind spot naming it, never a guess', async () => {
    const r = await runCli(['analyze', project(program('${workerCount}')), '--format', 'json', '--fail-on', 'none']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    const spot = (doc.blindSpots as Array<{ kind: string; message: string }>).find((s) => s.kind === 'unknown-capacity');
    expect(spot?.message).toBe('worker (aws:ecs:Service): capacity depends on config workerCount; judged by its placement alone');
  });

  it('a negative count is a warning at its file and line', async () => {
    const dir = project(program('-2'));
    const r = await runCli(['analyze', dir, '--format', 'json', '--fail-on', 'none']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    const w = (doc.warnings as Array<{ file: string; line?: number; message: string }>).find((x) => /desiredCount/.test(x.message));
    expect(w).toMatchObject({ message: 'worker: desiredCount is not a count of instances (a whole number, 0 or more); its capacity is not judged' });
    expect(w!.file).toMatch(/Pulumi\.yaml$/);
    expect(w!.line).toBeGreaterThan(0);
  });
});
