/**
 * A deterministic generator of organisation-sized `pulumi stack export`
 * documents, for `npm run bench`: an AWS estate over three zones with many
 * services (replicated app tiers, databases, caches), a shared login and
 * shared ops tooling, with the property noise real exports carry.
 */
import { createWriteStream } from 'node:fs';

export const GENERATOR_VERSION = 1;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const SIG = '4dabf18193072939515e22adb298388d';
const SECRET = '1b47061264138c4ac30d75fd1eb44270';

type Resource = Record<string, unknown>;

export interface GenerateOptions {
  resources: number;
  seed?: number;
  /** The stack in every URN (default `prod`): ten exports of ten stacks make one organisation. */
  stack?: string;
}

/** Resources one at a time, in dependency order; exactly `resources` of them. */
export function* generateResources(options: GenerateOptions): Generator<Resource> {
  const rand = mulberry32(options.seed ?? 1);
  const stack = options.stack ?? 'prod';
  const P = `urn:pulumi:${stack}::org::`;
  const PROVIDER = `${P}pulumi:providers:aws::default_6_0_0`;
  const PROVIDER_REF = `${PROVIDER}::a1b2c3d4-0000-4000-8000-000000000001`;
  const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  const n = options.resources;
  let count = 0;
  const emit = function* (r: Resource): Generator<Resource> {
    if (count < n) {
      count++;
      yield r;
    }
  };
  const arn = (service: string, kind: string, id: string) => `arn:aws:${service}:us-east-1:123456789012:${kind}/${id}`;
  yield* emit({ urn: `${P}pulumi:pulumi:Stack::org-${stack}`, custom: false, type: 'pulumi:pulumi:Stack' });
  yield* emit({
    urn: PROVIDER,
    custom: true,
    id: 'a1b2c3d4-0000-4000-8000-000000000001',
    type: 'pulumi:providers:aws',
    inputs: { region: 'us-east-1', version: '6.0.0' },
    outputs: { region: 'us-east-1', version: '6.0.0' },
  });
  const vpc = `${P}aws:ec2/vpc:Vpc::main`;
  yield* emit({
    urn: vpc,
    custom: true,
    id: 'vpc-0a1b2c3d',
    type: 'aws:ec2/vpc:Vpc',
    provider: PROVIDER_REF,
    inputs: { cidrBlock: '10.0.0.0/16' },
    outputs: { cidrBlock: '10.0.0.0/16', arn: arn('ec2', 'vpc', 'vpc-0a1b2c3d') },
  });
  const subnets = ZONES.map((z, i) => ({ urn: `${P}aws:ec2/subnet:Subnet::private-${i}`, id: `subnet-${hex(17)}`, zone: z }));
  for (const s of subnets) {
    yield* emit({
      urn: s.urn,
      custom: true,
      id: s.id,
      type: 'aws:ec2/subnet:Subnet',
      provider: PROVIDER_REF,
      parent: undefined,
      dependencies: [vpc],
      propertyDependencies: { vpcId: [vpc] },
      inputs: { vpcId: 'vpc-0a1b2c3d', availabilityZone: s.zone, cidrBlock: `10.0.${subnets.indexOf(s)}.0/24` },
      outputs: { vpcId: 'vpc-0a1b2c3d', availabilityZone: s.zone, arn: arn('ec2', 'subnet', s.id) },
    });
  }
  const instance = (name: string, zoneIndex: number, tags: Record<string, string>, deps: string[] = [], userDataDeps: string[] = []): Resource => {
    const s = subnets[zoneIndex % 3]!;
    const id = `i-${hex(17)}`;
    const allTags = { Name: name, env: 'prod', ...tags };
    return {
      urn: `${P}aws:ec2/instance:Instance::${name}`,
      custom: true,
      id,
      type: 'aws:ec2/instance:Instance',
      provider: PROVIDER_REF,
      dependencies: [s.urn, ...deps, ...userDataDeps],
      propertyDependencies: { subnetId: [s.urn], ...(userDataDeps.length > 0 ? { userData: userDataDeps } : {}) },
      inputs: { ami: 'ami-0c55b159cbfafe1f0', instanceType: 'm6i.large', subnetId: s.id, tags: allTags, userData: hex(40) },
      outputs: {
        ami: 'ami-0c55b159cbfafe1f0',
        arn: arn('ec2', 'instance', id),
        availabilityZone: s.zone,
        instanceType: 'm6i.large',
        privateIp: `10.0.${zoneIndex % 3}.${Math.floor(rand() * 250)}`,
        subnetId: s.id,
        tags: allTags,
        tagsAll: allTags,
        rootBlockDevice: [{ deleteOnTermination: true, encrypted: true, volumeSize: 20, volumeType: 'gp3', iops: 3000, throughput: 125 }],
        metadataOptions: [{ httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 }],
        userDataHash: hex(40),
        monitoring: true,
        ebsOptimized: true,
        tenancy: 'default',
      },
    };
  };
  const login: string[] = [];
  for (let z = 0; z < 3; z++) {
    const r = instance(`login-${z}`, z, { 'firebreak:service': 'login', 'firebreak:role': 'identity', 'firebreak:group': 'login' });
    login.push(r.urn as string);
    yield* emit(r);
  }
  for (const tool of ['deploy-system', 'ops-console'])
    yield* emit(instance(tool, 0, { 'firebreak:service': 'ops', 'firebreak:role': 'ops-tool', 'firebreak:critical': 'false' }));
  for (let svc = 1; count < n; svc++) {
    const name = `svc-${String(svc).padStart(5, '0')}`;
    const critical: Record<string, string> = rand() < 0.1 ? { 'firebreak:critical': 'true' } : {};
    const base = { 'firebreak:service': name, team: `team-${svc % 40}`, ...critical };
    const multiAz = rand() < 0.8;
    const dbZone = Math.floor(rand() * 3);
    const db = `${P}aws:rds/instance:Instance::${name}-db`;
    const dbTags = { ...base, 'firebreak:recovers-with': 'deploy-system, ops-console' };
    yield* emit({
      urn: db,
      custom: true,
      id: `${name}-db`,
      type: 'aws:rds/instance:Instance',
      provider: PROVIDER_REF,
      inputs: {
        engine: 'postgres',
        engineVersion: '15.4',
        instanceClass: 'db.r6g.large',
        allocatedStorage: 100,
        multiAz,
        tags: dbTags,
        password: { [SIG]: SECRET, ciphertext: `v1:${hex(24)}:${hex(48)}` },
      },
      outputs: {
        arn: `arn:aws:rds:us-east-1:123456789012:db:${name}-db`,
        availabilityZone: ZONES[dbZone],
        endpoint: `${name}-db.${hex(12)}.us-east-1.rds.amazonaws.com:5432`,
        engine: 'postgres',
        engineVersion: '15.4',
        instanceClass: 'db.r6g.large',
        allocatedStorage: 100,
        multiAz,
        storageEncrypted: true,
        backupRetentionPeriod: 7,
        tags: dbTags,
        tagsAll: dbTags,
        password: { [SIG]: SECRET, ciphertext: `v1:${hex(24)}:${hex(48)}` },
      },
    });
    const hasCache = rand() < 0.5;
    const cache = `${P}aws:elasticache/cluster:Cluster::${name}-cache`;
    if (hasCache) {
      yield* emit({
        urn: cache,
        custom: true,
        id: `${name}-cache`,
        type: 'aws:elasticache/cluster:Cluster',
        provider: PROVIDER_REF,
        inputs: { engine: 'redis', nodeType: 'cache.t4g.medium', numCacheNodes: 1, tags: base },
        outputs: {
          arn: `arn:aws:elasticache:us-east-1:123456789012:cluster:${name}-cache`,
          availabilityZone: ZONES[(dbZone + 1) % 3],
          engine: 'redis',
          tags: base,
        },
      });
    }
    const replicas = 2 + Math.floor(rand() * 3);
    for (let k = 0; k < replicas; k++) {
      const deps = [db, ...(hasCache ? [cache] : []), login[k % 3]!];
      yield* emit(instance(`${name}-app-${k}`, k, { ...base, 'firebreak:group': `${name}-app` }, [], deps));
    }
    yield* emit({
      urn: `${P}aws:ec2/securityGroup:SecurityGroup::${name}-sg`,
      custom: true,
      id: `sg-${hex(17)}`,
      type: 'aws:ec2/securityGroup:SecurityGroup',
      provider: PROVIDER_REF,
      dependencies: [vpc],
      propertyDependencies: { vpcId: [vpc] },
      inputs: { vpcId: 'vpc-0a1b2c3d', ingress: [{ fromPort: 443, toPort: 443, protocol: 'tcp', cidrBlocks: ['10.0.0.0/16'] }], tags: base },
      outputs: { arn: arn('ec2', 'security-group', `sg-${hex(8)}`), vpcId: 'vpc-0a1b2c3d', tags: base },
    });
    yield* emit({
      urn: `${P}aws:iam/role:Role::${name}-role`,
      custom: true,
      id: `${name}-role`,
      type: 'aws:iam/role:Role',
      provider: PROVIDER_REF,
      inputs: {
        assumeRolePolicy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
        tags: base,
      },
      outputs: { arn: `arn:aws:iam::123456789012:role/${name}-role`, tags: base },
    });
  }
}

export function generateExport(options: GenerateOptions): { version: number; deployment: Record<string, unknown> } {
  return { version: 3, deployment: { ...header(), resources: [...generateResources(options)] } };
}

function header(): Record<string, unknown> {
  return {
    manifest: { time: '2026-01-01T00:00:00Z', magic: '0000000000000000000000000000000000000000000000000000000000000000', version: 'v3.200.0' },
    secrets_providers: { type: 'passphrase', state: { salt: 'v1:AAAAAAAAAAA=:v1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==' } },
  };
}

/** Write the export to a file, one resource at a time. */
export async function writeExport(file: string, options: GenerateOptions): Promise<void> {
  const out = createWriteStream(file);
  const write = (s: string): Promise<void> => new Promise((resolve) => (out.write(s) ? resolve() : out.once('drain', resolve)));
  const h = JSON.stringify(header(), null, 2);
  await write(`{\n  "version": 3,\n  "deployment": ${h.slice(0, -2).replace(/\n/g, '\n  ')},\n    "resources": [\n`);
  let first = true;
  for (const r of generateResources(options)) {
    await write((first ? '' : ',\n') + '      ' + JSON.stringify(r, null, 2).replace(/\n/g, '\n      '));
    first = false;
  }
  await write('\n    ]\n  }\n}\n');
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}
