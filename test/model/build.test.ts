/**
 * The real pipeline from resource records to the model: classify (with the
 * built-in rule packs) then buildModel, on hand-made records.
 */
import { describe, expect, it } from 'vitest';
import { Engine, STATE_NAMES } from '../../src/analysis/engine.js';
import { classify } from '../../src/classify/index.js';
import { loadRuleSet } from '../../src/classify/packs.js';
import type { PropertyMap, ResourceRecord, StackInput } from '../../src/ingest/types.js';
import { buildModel, type Model, type ModelNode } from '../../src/model/index.js';

const STACK = 'prod';
const PROJECT = 'shop';
const packs = loadRuleSet();

const INSTANCE = 'aws:ec2/instance:Instance';
const urnOf = (type: string, name: string): string => `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;

interface RecordOptions {
  /** firebreak tags, without the `firebreak:` prefix. */
  tags?: Record<string, string>;
  inputs?: PropertyMap;
  outputs?: PropertyMap;
  deps?: ResourceRecord[];
  propertyDeps?: Record<string, ResourceRecord[]>;
  id?: string;
}

function res(type: string, name: string, o: RecordOptions = {}): ResourceRecord {
  const tags = Object.fromEntries(Object.entries(o.tags ?? {}).map(([k, v]) => [`firebreak:${k}`, v]));
  const propertyDependencies = Object.fromEntries(Object.entries(o.propertyDeps ?? {}).map(([k, rs]) => [k, rs.map((r) => r.urn)]));
  const deps = [...(o.deps ?? []), ...Object.values(o.propertyDeps ?? {}).flat()].map((r) => r.urn);
  return {
    urn: urnOf(type, name),
    type,
    name,
    stack: STACK,
    project: PROJECT,
    custom: true,
    ...(o.id ? { id: o.id } : {}),
    inputs: { ...(o.inputs ?? {}), ...(o.tags ? { tags } : {}) },
    outputs: o.outputs ?? {},
    dependencies: [...new Set(deps)],
    propertyDependencies,
  };
}

/** A component placed by a firebreak:domain tag (an EC2 instance, so a specific rule matches). */
function box(name: string, domain: string, tags: Record<string, string> = {}, o: Omit<RecordOptions, 'tags'> = {}): ResourceRecord {
  return res(INSTANCE, name, { ...o, tags: { domain, ...tags } });
}

function build(resources: ResourceRecord[], config: Record<string, string> = { 'aws:region': 'ap-northeast-2' }): Model {
  const input: StackInput = { input: 'test', file: 'test.json', kind: 'export', stack: STACK, project: PROJECT, config, resources, warnings: [] };
  return buildModel(classify([input], packs));
}

const cid = (r: ResourceRecord): string => `component:${r.urn}`;
const node = (m: Model, id: string): ModelNode | undefined => {
  const i = m.index.get(id);
  return i === undefined ? undefined : m.nodes[i];
};
/** Every edge as `source -kind-> target`, with components shown by name. */
function edges(m: Model): string[] {
  const label = (i: number): string => {
    const n = m.nodes[i]!;
    return n.kind === 'component' ? `component:${n.name}` : n.id;
  };
  return m.edgeKind.map((k, e) => `${label(m.edgeSource[e]!)} -${k}-> ${label(m.edgeTarget[e]!)}`).sort();
}
const edgesFrom = (m: Model, from: string, kind?: string): string[] => edges(m).filter((e) => e.startsWith(`${from} -${kind ?? ''}`));

const PANGYO = 'region=seoul/datacenter=pangyo';
const ANSAN = 'region=seoul/datacenter=ansan';

describe('groups in the model', () => {
  const primary = box('db-primary', PANGYO, { service: 'shop', group: 'db', 'recovers-with': 'console' });
  const standby = box('db-standby', ANSAN, { service: 'shop', group: 'db', 'recovers-with': 'console' }, { deps: [primary] });
  const console_ = box('console', PANGYO, { service: 'shop' });
  const api = box('api', PANGYO, { service: 'shop' }, { deps: [primary, standby] });
  const worker = box('worker', ANSAN, { service: 'shop' }, { propertyDeps: { dbHost: [primary] } });
  const web = box('web', PANGYO, { service: 'shop' }, { deps: [api] });
  const m = build([primary, standby, console_, api, worker, web]);

  it('makes one group node of the tagged members, k = 1 by default', () => {
    expect(node(m, 'group:db')).toMatchObject({ kind: 'group', name: 'db', k: 1, n: 2, quorum: false, service: 'shop' });
    expect(edges(m).filter((e) => e.includes('-member-of->'))).toEqual([
      'component:db-primary -member-of-> group:db',
      'component:db-standby -member-of-> group:db',
    ]);
    expect(node(m, cid(primary))).toMatchObject({ group: 'group:db' });
  });

  it('a dependency on several members of one group is a dependency on the group', () => {
    expect(edgesFrom(m, 'component:api', 'requires')).toEqual(['component:api -requires-> group:db']);
  });

  it('a dependency on one member is a dependency on its group too', () => {
    expect(edgesFrom(m, 'component:worker', 'requires')).toEqual(['component:worker -requires-> group:db']);
  });

  it("drops a member's dependency on its own group (a standby replicating from its primary)", () => {
    expect(edgesFrom(m, 'component:db-standby')).toEqual([
      'component:db-standby -member-of-> group:db',
      'component:db-standby -placed-in-> domain:seoul/ansan',
    ]);
  });

  it('turns firebreak:recovers-with into a recovers-with edge from the group', () => {
    expect(edgesFrom(m, 'group:db')).toEqual(['group:db -recovers-with-> component:console']);
  });

  it('services require their entry components: what nothing else in the service requires', () => {
    expect(edgesFrom(m, 'service:shop')).toEqual([
      'service:shop -requires-> component:console',
      'service:shop -requires-> component:web',
      'service:shop -requires-> component:worker',
    ]);
  });

  it('a tool that is a member of a group is recovered with through its group', () => {
    const c1 = box('ops-console-1', PANGYO, { service: 'ops', group: 'consoles' });
    const c2 = box('ops-console-2', ANSAN, { service: 'ops', group: 'consoles' });
    const db1 = box('ledger-1', PANGYO, { service: 'pay', group: 'ledger', 'recovers-with': 'ops-console-1' });
    const db2 = box('ledger-2', ANSAN, { service: 'pay', group: 'ledger', 'recovers-with': c2.urn });
    const mm = build([c1, c2, db1, db2]);
    expect(edgesFrom(mm, 'group:ledger')).toEqual(['group:ledger -recovers-with-> group:consoles']);
  });

  it("an ops tool beside what does a service's work is not one of its entry points (it is recovered with, not used); a service whose work is the tool still requires it", () => {
    const app = box('app', PANGYO, { service: 'shop' });
    const build_ = box('image-build', PANGYO, { service: 'shop', role: 'ops-tool' });
    const consoleTool = box('ops-console', ANSAN, { service: 'ops', role: 'ops-tool' });
    const uses = box('checkout', PANGYO, { service: 'pay' });
    const needed = box('token-vault', ANSAN, { service: 'pay', role: 'ops-tool' });
    const usesVault = box('ledger', PANGYO, { service: 'pay' }, { deps: [needed] });
    // A service whose work is the tool (a log store behind its load balancer, no Pulumi dependency between them).
    const front = box('logs-lb', ANSAN, { service: 'logs', role: 'network-path' });
    const logs = box('log-store', ANSAN, { service: 'logs', role: 'ops-tool' });
    const mm = build([app, build_, consoleTool, uses, needed, usesVault, front, logs]);
    expect(edgesFrom(mm, 'service:shop')).toEqual(['service:shop -requires-> component:app']);
    expect(edgesFrom(mm, 'service:ops')).toEqual(['service:ops -requires-> component:ops-console']);
    expect(edgesFrom(mm, 'service:logs')).toEqual(['service:logs -requires-> component:log-store', 'service:logs -requires-> component:logs-lb']);
    // What requires an ops tool at run time still does: losing the vault takes the ledger, and so pay, down.
    expect(edgesFrom(mm, 'service:pay')).toEqual(['service:pay -requires-> component:checkout', 'service:pay -requires-> component:ledger']);
    const engine = new Engine(mm);
    engine.evaluate([mm.index.get(cid(build_))!]);
    expect(STATE_NAMES[engine.stateOf(mm.index.get('service:shop')!)]).toBe('up');
    engine.evaluate([mm.index.get(cid(needed))!]);
    expect(STATE_NAMES[engine.stateOf(mm.index.get('service:pay')!)]).toBe('down');
  });

  it('a service whose entry is a group requires the group', () => {
    const a = box('pay-a', PANGYO, { service: 'pay', group: 'pay-web' });
    const b = box('pay-b', ANSAN, { service: 'pay', group: 'pay-web' });
    const mm = build([a, b]);
    expect(edgesFrom(mm, 'service:pay')).toEqual(['service:pay -requires-> group:pay-web']);
  });

  it('reads firebreak:quorum: majority of 3 is 2; a quorum above n is capped with a warning', () => {
    const es = ['etcd-x', 'etcd-y', 'etcd-z'].map((n, i) =>
      box(n, [PANGYO, ANSAN, 'region=seoul/datacenter=gasan'][i]!, { service: 'k8s', group: 'etcd', quorum: 'majority' }),
    );
    const zk = ['zk-x', 'zk-y'].map((n) => box(n, PANGYO, { service: 'k8s', group: 'zk', quorum: '3' }));
    const mm = build([...es, ...zk]);
    expect(node(mm, 'group:etcd')).toMatchObject({ k: 2, n: 3, quorum: true });
    expect(node(mm, 'group:zk')).toMatchObject({ k: 2, n: 2, quorum: true });
    expect(mm.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/group zk: quorum 3 is more than its 2 member/));
  });

  it('feeds the engine: losing the datacenter of the primary and the console strands the service', () => {
    const engine = new Engine(m);
    engine.evaluate([m.index.get('domain:seoul/pangyo')!]);
    const state = (id: string) => STATE_NAMES[engine.stateOf(m.index.get(id)!)];
    expect(state('group:db')).toBe('stranded');
    expect(state(cid(worker))).toBe('stranded');
    expect(state(cid(web))).toBe('down');
    expect(state('service:shop')).toBe('down');
    engine.evaluate([m.index.get('domain:seoul/ansan')!]);
    expect(state('group:db')).toBe('degraded');
    expect(state(cid(worker))).toBe('down');
  });
});

describe('placement', () => {
  it('firebreak:domain `region=seoul/datacenter=pangyo` makes a region and a datacenter within it', () => {
    const m = build([box('api', PANGYO, { service: 'shop' })]);
    expect(node(m, 'domain:seoul')).toMatchObject({ kind: 'domain', name: 'seoul', domainKind: 'region', rank: 6, path: 'seoul' });
    expect(node(m, 'domain:seoul')).not.toHaveProperty('parent');
    expect(node(m, 'domain:seoul/pangyo')).toMatchObject({
      kind: 'domain',
      name: 'pangyo',
      domainKind: 'datacenter',
      rank: 4,
      path: 'seoul/pangyo',
      parent: 'domain:seoul',
    });
    expect(edges(m)).toEqual([
      'component:api -placed-in-> domain:seoul/pangyo',
      'domain:seoul/pangyo -within-> domain:seoul',
      'service:shop -requires-> component:api',
    ]);
    expect(node(m, cid(box('api', PANGYO)))).toMatchObject({ placedBy: 'firebreak:domain tag', event: true });
  });

  it('a comma-separated firebreak:domain spans several domains, and is not a single event', () => {
    const r = box('dns', `${PANGYO}, ${ANSAN}`, { service: 'shop' });
    const m = build([r]);
    expect(edgesFrom(m, 'component:dns', 'placed-in')).toEqual([
      'component:dns -placed-in-> domain:seoul/ansan',
      'component:dns -placed-in-> domain:seoul/pangyo',
    ]);
    expect(node(m, cid(r))).toMatchObject({ event: false });
  });

  it('places a multiAz RDS instance in its region, not in a zone', () => {
    const multi = res('aws:rds/instance:Instance', 'orders-db', { inputs: { multiAz: true, availabilityZone: 'ap-northeast-2a' } });
    const single = res('aws:rds/instance:Instance', 'ledger-db', { inputs: { multiAz: false, availabilityZone: 'ap-northeast-2c' } });
    const m = build([multi, single]);
    expect(edgesFrom(m, 'component:orders-db', 'placed-in')).toEqual(['component:orders-db -placed-in-> domain:aws/ap-northeast-2']);
    expect(node(m, 'domain:aws/ap-northeast-2')).toMatchObject({ domainKind: 'region', parent: 'domain:aws' });
    expect(node(m, cid(multi))).toMatchObject({ role: 'datastore', event: false });
    expect(edgesFrom(m, 'component:ledger-db', 'placed-in')).toEqual(['component:ledger-db -placed-in-> domain:aws/ap-northeast-2/ap-northeast-2c']);
    expect(node(m, cid(single))).toMatchObject({ role: 'datastore', event: true });
    expect(m.index.has('domain:aws/ap-northeast-2/ap-northeast-2a')).toBe(false);
  });

  it('places an EC2 instance in the zone of its subnet, through subnetId', () => {
    const subnet = res('aws:ec2/subnet:Subnet', 'app-subnet', { id: 'subnet-0abc', outputs: { availabilityZone: 'ap-northeast-2b', vpcId: 'vpc-1' } });
    const server = res(INSTANCE, 'app-server', { inputs: { subnetId: 'subnet-0abc', instanceType: 't3.micro' }, propertyDeps: { subnetId: [subnet] } });
    const m = build([subnet, server]);
    expect(edges(m)).toEqual([
      'component:app-server -placed-in-> domain:aws/ap-northeast-2/ap-northeast-2b',
      'domain:aws/ap-northeast-2 -within-> domain:aws',
      'domain:aws/ap-northeast-2/ap-northeast-2b -within-> domain:aws/ap-northeast-2',
      `service:${PROJECT} -requires-> component:app-server`,
    ]);
    expect(node(m, 'domain:aws/ap-northeast-2/ap-northeast-2b')).toMatchObject({ domainKind: 'zone' });
    expect(node(m, cid(server))).toMatchObject({ placedBy: 'its zone', event: true, role: 'compute' });
    expect(node(m, cid(subnet))).toBeUndefined();
  });

  it('a firebreak:domain tag overrides the inferred zone', () => {
    const subnet = res('aws:ec2/subnet:Subnet', 'app-subnet', { outputs: { availabilityZone: 'ap-northeast-2b' } });
    const server = res(INSTANCE, 'app-server', { tags: { domain: PANGYO }, propertyDeps: { subnetId: [subnet] } });
    const m = build([subnet, server]);
    expect(edgesFrom(m, 'component:app-server', 'placed-in')).toEqual(['component:app-server -placed-in-> domain:seoul/pangyo']);
  });
});

describe('config-only resources', () => {
  it('never become components, even with firebreak tags, and dependencies through them do not count', () => {
    const role = res('aws:iam/role:Role', 'app-role', { tags: { service: 'shop', domain: PANGYO } });
    const policy = res('aws:iam/rolePolicyAttachment:RolePolicyAttachment', 'app-policy', { deps: [role] });
    const server = box('app-server', PANGYO, { service: 'shop' }, { deps: [role, policy], propertyDeps: { iamInstanceProfile: [role] } });
    const m = build([role, policy, server]);
    expect(m.nodes.filter((n) => n.kind === 'component').map((n) => n.name)).toEqual(['app-server']);
    expect(node(m, cid(role))).toBeUndefined();
    expect(node(m, cid(policy))).toBeUndefined();
    expect(edgesFrom(m, 'component:app-server', 'requires')).toEqual([]);
    expect(m.nodes.filter((n) => n.kind === 'service').map((n) => n.id)).toEqual(['service:shop']);
  });

  it('a component depending on a component through a config-only resource requires it', () => {
    const db = box('orders', ANSAN, { service: 'shop' });
    const sg = res('aws:ec2/securityGroup:SecurityGroup', 'db-access', { deps: [db] });
    const app = box('checkout', PANGYO, { service: 'shop' }, { deps: [sg] });
    const m = build([db, sg, app]);
    expect(edgesFrom(m, 'component:checkout', 'requires')).toEqual(['component:checkout -requires-> component:orders']);
    expect(node(m, cid(sg))).toBeUndefined();
  });
});
