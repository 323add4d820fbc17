/**
 * Truth tables for the failure engine on small hand-built models.
 * The semantics are DESIGN.md's "The model" section (and engine.ts's header).
 */
import { describe, expect, it } from 'vitest';
import type { ServiceState } from '../../src/analysis/engine.js';
import { C, D, G, Harness, ModelSpec, S } from '../helpers/model-builder.js';

type Row = [name: string, events: string[], expected: Record<string, ServiceState>];

/** aws > r1 > {a, b, c}, aws > r2 > {a}: the usual cloud tree. */
function cloud(): ModelSpec {
  return new ModelSpec().domains(
    ['aws', 'provider'],
    ['aws/r1', 'region'],
    ['aws/r1/a', 'zone'],
    ['aws/r1/b', 'zone'],
    ['aws/r1/c', 'zone'],
    ['aws/r2', 'region'],
    ['aws/r2/a', 'zone'],
  );
}

describe('spanning placement', () => {
  const h = new Harness(
    cloud()
      .component('single', { placedIn: ['aws/r1/a'] })
      .component('span', { placedIn: ['aws/r1/a', 'aws/r1/b'] })
      .component('zone-and-region', { placedIn: ['aws/r1/a', 'aws/r1'] })
      .component('two-regions', { placedIn: ['aws/r1/a', 'aws/r2/a'] })
      .component('nowhere')
      .service('svc', ['span'])
      .build(),
  );
  const ids = [C('single'), C('span'), C('zone-and-region'), C('two-regions'), C('nowhere'), S('svc')];
  const row = (single: ServiceState, span: ServiceState, zr: ServiceState, tr: ServiceState, nowhere: ServiceState = 'up') => ({
    [C('single')]: single,
    [C('span')]: span,
    [C('zone-and-region')]: zr,
    [C('two-regions')]: tr,
    [C('nowhere')]: nowhere,
    [S('svc')]: span,
  });

  it.each<Row>([
    ['losing zone a downs only what lives in a alone', [D('aws/r1/a')], row('down', 'up', 'up', 'up')],
    ['losing zone b alone hurts nothing', [D('aws/r1/b')], row('up', 'up', 'up', 'up')],
    ['losing zone c hurts nothing', [D('aws/r1/c')], row('up', 'up', 'up', 'up')],
    ['losing zones a and b downs the spanning component', [D('aws/r1/a'), D('aws/r1/b')], row('down', 'down', 'up', 'up')],
    ['losing zones a and c leaves the a+b span up', [D('aws/r1/a'), D('aws/r1/c')], row('down', 'up', 'up', 'up')],
    ['losing the parent region loses both zones of the span', [D('aws/r1')], row('down', 'down', 'down', 'up')],
    ['losing region r2 hurts only its own zone', [D('aws/r2')], row('up', 'up', 'up', 'up')],
    ['losing zone a of both regions downs the cross-region span', [D('aws/r1/a'), D('aws/r2/a')], row('down', 'up', 'up', 'down')],
    ['losing region r1 and zone r2/a downs the cross-region span', [D('aws/r1'), D('aws/r2/a')], row('down', 'down', 'down', 'down')],
    ['losing the provider loses everything placed under it', [D('aws')], row('down', 'down', 'down', 'down')],
    ['the spanning component failing itself is down', [C('span')], row('up', 'down', 'up', 'up')],
    ['a component without placement fails only on its own', [C('nowhere')], row('up', 'up', 'up', 'up', 'down')],
    ['the same domain twice in one scenario counts once', [D('aws/r1/a'), D('aws/r1/a')], row('down', 'up', 'up', 'up')],
    ['a zone and its own region together', [D('aws/r1/a'), D('aws/r1')], row('down', 'down', 'down', 'up')],
  ])('%s', (_name, events, expected) => {
    h.fail(...events);
    expect(h.states(ids)).toEqual(expected);
  });

  it('does not fail a placement-less component when the whole tree is lost', () => {
    h.fail(D('aws'));
    expect(h.state(C('nowhere'))).toBe('up');
  });

  it('marks every domain of the lost subtree as lost, and only those', () => {
    h.fail(D('aws/r1'));
    const lost = ['aws', 'aws/r1', 'aws/r1/a', 'aws/r1/b', 'aws/r1/c', 'aws/r2', 'aws/r2/a'].filter((p) => h.engine.isDomainLost(h.idx(D(p))));
    expect(lost).toEqual(['aws/r1', 'aws/r1/a', 'aws/r1/b', 'aws/r1/c']);
  });
});

describe('capacity: n instances over z zones (a count the rules read)', () => {
  // one: 1 task over a+b (downAt 1); pool: 1 node in each of a, b, c; two: 2 instances over a, b, c (downAt 2); plain: an ALB over a+b (no count).
  const h = new Harness(
    cloud()
      .component('one', { placedIn: ['aws/r1/a', 'aws/r1/b'], capacity: 1, downAt: 1 })
      .component('pool', { placedIn: ['aws/r1/a', 'aws/r1/b', 'aws/r1/c'], capacity: 3, event: false })
      .component('two', { placedIn: ['aws/r1/a', 'aws/r1/b', 'aws/r1/c'], capacity: 2, downAt: 2, event: false })
      .component('plain', { placedIn: ['aws/r1/a', 'aws/r1/b'], event: false })
      .component('app', { requires: ['pool'] })
      .service('svc', ['app'])
      .build(),
  );
  const ids = [C('one'), C('pool'), C('two'), C('plain'), S('svc')];
  const row = (one: ServiceState, pool: ServiceState, two: ServiceState, plain: ServiceState, svc: ServiceState) => ({
    [C('one')]: one,
    [C('pool')]: pool,
    [C('two')]: two,
    [C('plain')]: plain,
    [S('svc')]: svc,
  });

  it.each<Row>([
    [
      'one instance: either zone stops it; a pool of one per zone is degraded, not down',
      [D('aws/r1/a')],
      row('down', 'degraded', 'degraded', 'up', 'degraded'),
    ],
    ['zone b alike', [D('aws/r1/b')], row('down', 'degraded', 'degraded', 'up', 'degraded')],
    ['zone c holds no instance of one; two instances over three zones are degraded', [D('aws/r1/c')], row('up', 'degraded', 'degraded', 'up', 'degraded')],
    [
      'two zones of three: the pool is degraded, two instances may have been in them',
      [D('aws/r1/a'), D('aws/r1/c')],
      row('down', 'degraded', 'down', 'up', 'degraded'),
    ],
    ['every zone: all down', [D('aws/r1/a'), D('aws/r1/b'), D('aws/r1/c')], row('down', 'down', 'down', 'down', 'down')],
    ['the one instance failing itself', [C('one')], row('down', 'up', 'up', 'up', 'up')],
  ])('%s', (_name, events, expected) => {
    h.fail(...events);
    expect(h.states(ids)).toEqual(expected);
  });

  it('explains a one-instance loss by its zone, with why', () => {
    h.fail(D('aws/r1/b'));
    const path = h.engine.explain(h.idx(C('one')));
    expect(path.at(-1)).toEqual({ edge: 'placed-in', node: D('aws/r1/b'), state: 'down', note: 'one instance: a zone loss stops it until it is rescheduled' });
  });
});

describe('nested domains (campus > building > room)', () => {
  const h = new Harness(
    new ModelSpec()
      .domains(
        ['pangyo', 'campus'],
        ['pangyo/b1', 'building'],
        ['pangyo/b1/room1', 'room'],
        ['pangyo/b1/room2', 'room'],
        ['pangyo/b2', 'building'],
        ['pangyo/b2/room3', 'room'],
        ['ansan', 'campus'],
      )
      .component('in-room1', { placedIn: ['pangyo/b1/room1'] })
      .component('in-room2', { placedIn: ['pangyo/b1/room2'] })
      .component('in-b1', { placedIn: ['pangyo/b1'] })
      .component('in-room3', { placedIn: ['pangyo/b2/room3'] })
      .component('in-campus', { placedIn: ['pangyo'] })
      .component('rooms-1-and-3', { placedIn: ['pangyo/b1/room1', 'pangyo/b2/room3'] })
      .component('in-ansan', { placedIn: ['ansan'] })
      .build(),
  );
  const names = ['in-room1', 'in-room2', 'in-b1', 'in-room3', 'in-campus', 'rooms-1-and-3', 'in-ansan'];
  const down = (...lost: string[]) => Object.fromEntries(names.map((n) => [C(n), lost.includes(n) ? 'down' : 'up'])) as Record<string, ServiceState>;

  it.each<Row>([
    ['a room takes only what is in it', [D('pangyo/b1/room1')], down('in-room1')],
    ['a building takes its rooms and itself', [D('pangyo/b1')], down('in-room1', 'in-room2', 'in-b1')],
    ['the other building takes its room', [D('pangyo/b2')], down('in-room3')],
    ['two rooms in two buildings take a component spanning them', [D('pangyo/b1/room1'), D('pangyo/b2/room3')], down('in-room1', 'rooms-1-and-3', 'in-room3')],
    ['a building and a room elsewhere', [D('pangyo/b1'), D('pangyo/b2/room3')], down('in-room1', 'in-room2', 'in-b1', 'in-room3', 'rooms-1-and-3')],
    ['the campus takes everything under it', [D('pangyo')], down('in-room1', 'in-room2', 'in-b1', 'in-room3', 'in-campus', 'rooms-1-and-3')],
    ['another campus is a separate tree', [D('ansan')], down('in-ansan')],
  ])('%s', (_name, events, expected) => {
    h.fail(...events);
    expect(h.allStates()).toEqual(expected);
  });
});

describe('requires chains (A requires B requires C)', () => {
  const h = new Harness(
    cloud()
      .component('A', { placedIn: ['aws/r1/a'], requires: ['B'] })
      .component('B', { placedIn: ['aws/r1/a', 'aws/r1/b'], requires: ['C'] })
      .component('C', { placedIn: ['aws/r1/c'] })
      .component('other', { placedIn: ['aws/r1/b'] })
      .service('svc', ['A'])
      .service('uses-b', ['B', 'other'])
      .build(),
  );
  const st = (a: ServiceState, b: ServiceState, c: ServiceState, other: ServiceState = 'up') => ({
    [C('A')]: a,
    [C('B')]: b,
    [C('C')]: c,
    [C('other')]: other,
    [S('svc')]: a,
    [S('uses-b')]: (['up', 'degraded', 'stranded', 'down'] as const)[
      Math.max(['up', 'degraded', 'stranded', 'down'].indexOf(b), ['up', 'degraded', 'stranded', 'down'].indexOf(other))
    ]!,
  });

  it.each<Row>([
    ['C failing takes B, A and the services', [C('C')], st('down', 'down', 'down')],
    ['B failing takes A but not C', [C('B')], st('down', 'down', 'up')],
    ['A failing takes only A and its service', [C('A')], st('down', 'up', 'up')],
    ["C's zone takes the whole chain", [D('aws/r1/c')], st('down', 'down', 'down')],
    ["A's zone takes A; B spans a and b so survives", [D('aws/r1/a')], st('down', 'up', 'up')],
    ['zone b takes `other` and the service needing it, not the chain', [D('aws/r1/b')], st('up', 'up', 'up', 'down')],
    ['zones a and b take A and B, C stays up', [D('aws/r1/a'), D('aws/r1/b')], st('down', 'down', 'up', 'down')],
    ['the region takes everything', [D('aws/r1')], st('down', 'down', 'down', 'down')],
    ['an unrelated region hurts nothing', [D('aws/r2')], st('up', 'up', 'up')],
  ])('%s', (_name, events, expected) => {
    h.fail(...events);
    expect(h.allStates()).toEqual(expected);
  });

  it('reports exactly the hurt nodes from evaluate()', () => {
    expect(new Set(h.fail(C('B')))).toEqual(new Set([C('A'), C('B'), S('svc'), S('uses-b')]));
    expect(h.fail(D('aws/r2'))).toEqual([]);
  });

  it('forgets the previous scenario', () => {
    h.fail(D('aws/r1'));
    h.fail(C('A'));
    expect(h.allStates()).toEqual(st('down', 'up', 'up'));
  });
});

describe('k-of-n groups', () => {
  const zones = ['z0', 'z1', 'z2', 'z3', 'z4'];
  function kOfN(k: number, n: number): Harness {
    const spec = new ModelSpec().domain('dc', 'datacenter');
    for (const z of zones) spec.domain(`dc/${z}`, 'zone');
    const members = Array.from({ length: n }, (_, i) => `m${i}`);
    members.forEach((m, i) => spec.component(m, { placedIn: [`dc/${zones[i]!}`] }));
    spec.component('bystander', { placedIn: ['dc/z4'] });
    return new Harness(spec.group('g', k, members).service('svc', ['g']).build());
  }
  const cases: Array<[string, number, number, number, ServiceState]> = [];
  for (const [k, n, label] of [
    [1, 1, 'a lone member'],
    [1, 2, '1-of-2 (active/standby)'],
    [2, 3, '2-of-3 majority'],
    [3, 5, '3-of-5 majority'],
    [5, 5, 'all 5 needed'],
  ] as const) {
    for (let lost = 0; lost <= n; lost++) {
      const expected: ServiceState = lost === 0 ? 'up' : n - lost < k ? 'down' : 'degraded';
      cases.push([label, k, n, lost, expected]);
    }
  }

  it.each(cases)('%s (k=%i, n=%i) losing %i member(s) is %s', (_label, k, n, lost, expected) => {
    const h = kOfN(k, n);
    const events = lost === 0 ? [C('bystander')] : Array.from({ length: lost }, (_, i) => C(`m${i}`));
    h.fail(...events);
    expect(h.state(G('g'))).toBe(expected);
    expect(h.state(S('svc'))).toBe(expected);
  });

  it.each(cases.filter(([, , n]) => n >= 2))('%s (k=%i, n=%i) losing the zones of %i member(s) is %s', (_label, k, n, lost, expected) => {
    const h = kOfN(k, n);
    const events = lost === 0 ? [C('bystander')] : Array.from({ length: lost }, (_, i) => D(`dc/z${i}`));
    h.fail(...events);
    expect(h.state(G('g'))).toBe(expected);
  });

  it('a majority group with two of three members in one zone is down with that zone', () => {
    const h = new Harness(
      cloud()
        .component('e0', { placedIn: ['aws/r1/a'] })
        .component('e1', { placedIn: ['aws/r1/a'] })
        .component('e2', { placedIn: ['aws/r1/b'] })
        .group('etcd', 2, ['e0', 'e1', 'e2'])
        .build(),
    );
    h.fail(D('aws/r1/a'));
    expect(h.state(G('etcd'))).toBe('down');
    h.fail(D('aws/r1/b'));
    expect(h.state(G('etcd'))).toBe('degraded');
  });

  it('a member that is merely degraded still counts as alive, and degrades the group', () => {
    const h = new Harness(
      cloud()
        .component('c0', { placedIn: ['aws/r1/a'] })
        .component('c1', { placedIn: ['aws/r1/b'] })
        .group('cache', 1, ['c0', 'c1'])
        .component('m0', { placedIn: ['aws/r1/a'], requires: ['cache'] })
        .component('m1', { placedIn: ['aws/r1/c'] })
        .group('g', 2, ['m0', 'm1'])
        .build(),
    );
    h.fail(D('aws/r1/b'));
    expect(h.states([G('cache'), C('m0'), G('g')])).toEqual({ [G('cache')]: 'degraded', [C('m0')]: 'degraded', [G('g')]: 'degraded' });
    // 2-of-2: the degraded m0 and the up m1 are both alive.
    h.fail(C('m1'));
    expect(h.state(G('g'))).toBe('down');
    h.fail(D('aws/r1/b'), C('m1'));
    expect(h.state(G('g'))).toBe('down');
  });
});

describe('stranded via recovers-with', () => {
  /** An active/standby database pair (primary in a, standby in b) recovered with `console`, placed where told. */
  function pair(consolePlacement: string[]): Harness {
    return new Harness(
      cloud()
        .component('primary', { placedIn: ['aws/r1/a'] })
        .component('standby', { placedIn: ['aws/r1/b'] })
        .component('console', { placedIn: consolePlacement })
        .group('db', 1, ['primary', 'standby'], ['console'])
        .component('app', { placedIn: ['aws/r1/a', 'aws/r1/b', 'aws/r1/c'], requires: ['db'] })
        .service('pay', ['app'])
        .build(),
    );
  }
  type StrandRow = [name: string, consoleAt: string[], events: string[], expected: ServiceState];

  it.each<StrandRow>([
    ['tool sits with the lost primary: stranded', ['aws/r1/a'], [D('aws/r1/a')], 'stranded'],
    ['tool sits with the lost standby: stranded', ['aws/r1/b'], [D('aws/r1/b')], 'stranded'],
    ['tool elsewhere, primary lost: degraded', ['aws/r1/c'], [D('aws/r1/a')], 'degraded'],
    ['tool with the standby, primary lost: degraded', ['aws/r1/b'], [D('aws/r1/a')], 'degraded'],
    ['tool lost but no member lost: up', ['aws/r1/c'], [D('aws/r1/c')], 'up'],
    ['tool failing on its own: up', ['aws/r1/a'], [C('console')], 'up'],
    ['tool and a member failing separately: stranded', ['aws/r1/c'], [C('console'), C('primary')], 'stranded'],
    ['a member failing on its own, tool in its zone but up: degraded', ['aws/r1/a'], [C('primary')], 'degraded'],
    ['all members lost, tool up: down', ['aws/r1/c'], [D('aws/r1/a'), D('aws/r1/b')], 'down'],
    ['all members lost, tool lost too: down', ['aws/r1/a'], [D('aws/r1/a'), D('aws/r1/b')], 'down'],
    ['the region takes members and tool: down', ['aws/r1/a'], [D('aws/r1')], 'down'],
    ['tool in another region, this region lost: down', ['aws/r2/a'], [D('aws/r1')], 'down'],
    ['tool spanning a and c survives the loss of a: degraded', ['aws/r1/a', 'aws/r1/c'], [D('aws/r1/a')], 'degraded'],
    ['tool spanning a and c, a and c lost: stranded', ['aws/r1/a', 'aws/r1/c'], [D('aws/r1/a'), D('aws/r1/c')], 'stranded'],
  ])('%s', (_name, consoleAt, events, expected) => {
    const h = pair(consoleAt);
    h.fail(...events);
    expect(h.state(G('db'))).toBe(expected);
  });

  it.each<[string, string[], ServiceState, ServiceState]>([
    ['its tools lost, it keeps running: up', [D('laptop')], 'up', 'up'],
    ['it is lost itself, tools up: down', [D('aws/r1/a')], 'down', 'down'],
    ['both: down, as without tools', [D('laptop'), D('aws/r1/a')], 'down', 'down'],
  ])('a lone component that recovers (rebuilds) with a tool: %s', (_name, events, vm, svc) => {
    const h = new Harness(
      cloud()
        .domain('laptop', 'workstation')
        .component('vm', { placedIn: ['aws/r1/a'] })
        .component('playbook', { placedIn: ['laptop'] })
        .recoversWith('vm', 'playbook')
        .service('web', ['vm'])
        .build(),
    );
    h.fail(...events);
    expect(h.state(C('vm'))).toBe(vm);
    expect(h.state(S('web'))).toBe(svc);
    expect(h.engine.hasTools(h.engine.index.get(C('vm'))!)).toBe(false);
    expect(h.engine.toolsOf(h.engine.index.get(C('vm'))!).map((t) => h.engine.ids[t])).toEqual([C('playbook')]);
  });

  it('needs only one unusable tool of several', () => {
    const h = new Harness(
      cloud()
        .component('primary', { placedIn: ['aws/r1/a'] })
        .component('standby', { placedIn: ['aws/r1/b'] })
        .component('console', { placedIn: ['aws/r1/c'] })
        .component('deployer', { placedIn: ['aws/r1/a'] })
        .group('db', 1, ['primary', 'standby'], ['console', 'deployer'])
        .build(),
    );
    h.fail(D('aws/r1/a'));
    expect(h.state(G('db'))).toBe('stranded');
    h.fail(D('aws/r1/b'));
    expect(h.state(G('db'))).toBe('degraded');
  });

  it.each<[string, string[], string[], ServiceState, ServiceState]>([
    ['a redundant tool group that keeps a replica is usable', ['aws/r1/a', 'aws/r1/c'], [D('aws/r1/a')], 'degraded', 'degraded'],
    ['a tool group whose replicas all sit with the lost member is not', ['aws/r1/a', 'aws/r1/a'], [D('aws/r1/a')], 'down', 'stranded'],
    ['a tool group down on its own, no member lost: up', ['aws/r1/c', 'aws/r1/c'], [D('aws/r1/c')], 'down', 'up'],
  ])('recovers with a group of tools: %s', (_name, [p0, p1], events, toolState, dbState) => {
    const h = new Harness(
      cloud()
        .component('primary', { placedIn: ['aws/r1/a'] })
        .component('standby', { placedIn: ['aws/r1/b'] })
        .component('console0', { placedIn: [p0!] })
        .component('console1', { placedIn: [p1!] })
        .group('consoles', 1, ['console0', 'console1'])
        .group('db', 1, ['primary', 'standby'], ['consoles'])
        .build(),
    );
    h.fail(...events);
    expect(h.state(G('consoles'))).toBe(toolState);
    expect(h.state(G('db'))).toBe(dbState);
  });

  it('a stranded 2-of-3 group still has its quorum', () => {
    const h = new Harness(
      cloud()
        .component('e0', { placedIn: ['aws/r1/a'] })
        .component('e1', { placedIn: ['aws/r1/b'] })
        .component('e2', { placedIn: ['aws/r1/c'] })
        .component('operator', { placedIn: ['aws/r1/a'] })
        .group('etcd', 2, ['e0', 'e1', 'e2'], ['operator'])
        .build(),
    );
    h.fail(D('aws/r1/a'));
    expect(h.state(G('etcd'))).toBe('stranded');
    h.fail(D('aws/r1/a'), D('aws/r1/b'));
    expect(h.state(G('etcd'))).toBe('down');
  });
});

describe('stranded propagation', () => {
  const h = new Harness(
    cloud()
      .component('primary', { placedIn: ['aws/r1/a'] })
      .component('standby', { placedIn: ['aws/r1/b'] })
      .component('console', { placedIn: ['aws/r1/a'] })
      .group('db', 1, ['primary', 'standby'], ['console'])
      .component('api', { placedIn: ['aws/r1/b', 'aws/r1/c'], requires: ['db'] })
      .component('web', { placedIn: ['aws/r1/b', 'aws/r1/c'], requires: ['api'] })
      .component('batch', { placedIn: ['aws/r1/c'] })
      .component('lonely', { placedIn: ['aws/r1/a'] })
      .service('pay', ['web'])
      .service('pay-and-batch', ['web', 'batch'])
      .service('pay-and-lonely', ['web', 'lonely'])
      .service('batch-only', ['batch'])
      .build(),
  );

  it.each<Row>([
    [
      'a stranded group strands what requires it, up to the services',
      [D('aws/r1/a')],
      {
        [G('db')]: 'stranded',
        [C('api')]: 'stranded',
        [C('web')]: 'stranded',
        [S('pay')]: 'stranded',
        [S('pay-and-batch')]: 'stranded',
        [S('pay-and-lonely')]: 'down',
        [S('batch-only')]: 'up',
      },
    ],
    [
      'down beats stranded in a service needing both',
      [D('aws/r1/a'), D('aws/r1/c')],
      {
        [G('db')]: 'stranded',
        [C('api')]: 'stranded',
        [C('web')]: 'stranded',
        [S('pay')]: 'stranded',
        [S('pay-and-batch')]: 'down',
        [S('pay-and-lonely')]: 'down',
        [S('batch-only')]: 'down',
      },
    ],
    [
      'a degraded group degrades what requires it',
      [D('aws/r1/b')],
      {
        [G('db')]: 'degraded',
        [C('api')]: 'degraded',
        [C('web')]: 'degraded',
        [S('pay')]: 'degraded',
        [S('pay-and-batch')]: 'degraded',
        [S('pay-and-lonely')]: 'degraded',
        [S('batch-only')]: 'up',
      },
    ],
  ])('%s', (_name, events, expected) => {
    h.fail(...events);
    expect(h.states(Object.keys(expected))).toEqual(expected);
  });

  it('members stranded through what they require leave their group stranded, not down', () => {
    const g = new Harness(
      cloud()
        .component('primary', { placedIn: ['aws/r1/a'] })
        .component('standby', { placedIn: ['aws/r1/b'] })
        .component('console', { placedIn: ['aws/r1/a'] })
        .group('db', 1, ['primary', 'standby'], ['console'])
        .component('app0', { placedIn: ['aws/r1/b'], requires: ['db'] })
        .component('app1', { placedIn: ['aws/r1/c'], requires: ['db'] })
        .component('app2', { placedIn: ['aws/r1/c'] })
        .group('apps', 1, ['app0', 'app1'])
        .group('apps-with-spare', 1, ['app2'])
        .service('svc', ['apps'])
        .build(),
    );
    g.fail(D('aws/r1/a'));
    // alive = up or degraded: two stranded members leave none alive, but none
    // is down: the group comes back once the database is failed over.
    expect(g.states([C('app0'), C('app1'), G('apps'), S('svc')])).toEqual({
      [C('app0')]: 'stranded',
      [C('app1')]: 'stranded',
      [G('apps')]: 'stranded',
      [S('svc')]: 'stranded',
    });
  });
});

describe('degraded propagation', () => {
  const h = new Harness(
    cloud()
      .component('w0', { placedIn: ['aws/r1/a'] })
      .component('w1', { placedIn: ['aws/r1/b'] })
      .group('web', 1, ['w0', 'w1'])
      .component('gateway', { placedIn: ['aws/r1/a', 'aws/r1/b', 'aws/r1/c'], requires: ['web'] })
      .component('x0', { placedIn: ['aws/r1/c'], requires: ['gateway'] })
      .component('x1', { placedIn: ['aws/r1/c'] })
      .group('outer', 2, ['x0', 'x1'])
      .service('shop', ['outer'])
      .build(),
  );

  it.each<Row>([
    [
      'a degraded group degrades its requirers, their groups and the service',
      [D('aws/r1/a')],
      { [G('web')]: 'degraded', [C('gateway')]: 'degraded', [C('x0')]: 'degraded', [C('x1')]: 'up', [G('outer')]: 'degraded', [S('shop')]: 'degraded' },
    ],
    [
      'a lost member in a group that needs all of them is down',
      [C('x1')],
      { [G('web')]: 'up', [C('gateway')]: 'up', [C('x0')]: 'up', [C('x1')]: 'down', [G('outer')]: 'down', [S('shop')]: 'down' },
    ],
    [
      'degraded (still k alive) and a lost member together: down when below k',
      [D('aws/r1/a'), C('x1')],
      { [G('web')]: 'degraded', [C('gateway')]: 'degraded', [C('x0')]: 'degraded', [C('x1')]: 'down', [G('outer')]: 'down', [S('shop')]: 'down' },
    ],
    [
      'losing both web replicas takes the chain down',
      [D('aws/r1/a'), D('aws/r1/b')],
      { [G('web')]: 'down', [C('gateway')]: 'down', [C('x0')]: 'down', [C('x1')]: 'up', [G('outer')]: 'down', [S('shop')]: 'down' },
    ],
  ])('%s', (_name, events, expected) => {
    h.fail(...events);
    expect(h.states(Object.keys(expected))).toEqual(expected);
  });
});

describe('a tool that is itself stranded is unusable', () => {
  /** ci (ci0 in a, ci1 in b) recovers with vault in a; deployer requires ci; db (db0 in a, db1 in b) recovers with deployer in c. */
  function estate(vaultAt: string): Harness {
    return new Harness(
      cloud()
        .component('ci0', { placedIn: ['aws/r1/a'] })
        .component('ci1', { placedIn: ['aws/r1/b'] })
        .component('vault', { placedIn: [vaultAt] })
        .group('ci', 1, ['ci0', 'ci1'], ['vault'])
        .component('deployer', { placedIn: ['aws/r1/c'], requires: ['ci'] })
        .component('db0', { placedIn: ['aws/r1/a'] })
        .component('db1', { placedIn: ['aws/r1/b'] })
        .group('db', 1, ['db0', 'db1'], ['deployer'])
        .component('queue0', { placedIn: ['aws/r1/a'] })
        .component('queue1', { placedIn: ['aws/r1/b'] })
        .group('queue', 1, ['queue0', 'queue1'], ['ci'])
        .build(),
    );
  }

  it.each<[string, string, string[], Record<string, ServiceState>]>([
    [
      'a stranded component tool strands the group',
      'aws/r1/a',
      [D('aws/r1/a')],
      { [G('ci')]: 'stranded', [C('deployer')]: 'stranded', [G('db')]: 'stranded', [G('queue')]: 'stranded' },
    ],
    [
      'a degraded tool is still usable',
      'aws/r1/c',
      [D('aws/r1/a')],
      { [G('ci')]: 'degraded', [C('deployer')]: 'degraded', [G('db')]: 'degraded', [G('queue')]: 'degraded' },
    ],
    ['a down tool, no member lost: up', 'aws/r1/c', [D('aws/r1/c')], { [G('ci')]: 'up', [C('deployer')]: 'down', [G('db')]: 'up', [G('queue')]: 'up' }],
  ])('%s', (_name, vaultAt, events, expected) => {
    const h = estate(vaultAt);
    h.fail(...events);
    expect(h.states(Object.keys(expected))).toEqual(expected);
  });
});

describe('cycles terminate', () => {
  /** The tool requires the group it recovers (a console running on the cluster it manages). */
  function selfManaged(toolAt: string): Harness {
    return new Harness(
      cloud()
        .component('m0', { placedIn: ['aws/r1/a'] })
        .component('m1', { placedIn: ['aws/r1/b'] })
        .component('console', { placedIn: [toolAt], requires: ['cluster'] })
        .group('cluster', 1, ['m0', 'm1'], ['console'])
        .service('svc', ['cluster'])
        .build(),
    );
  }

  it.each<[string, string, string[], ServiceState, ServiceState]>([
    ['a lost member degrades the cluster and the console on it', 'aws/r1/c', [D('aws/r1/a')], 'degraded', 'degraded'],
    ['the console lost alone leaves the cluster up', 'aws/r1/c', [D('aws/r1/c')], 'up', 'down'],
    ['a member and the console lost: stranded', 'aws/r1/c', [D('aws/r1/a'), D('aws/r1/c')], 'stranded', 'down'],
    ['the console in the lost member zone: stranded', 'aws/r1/a', [D('aws/r1/a')], 'stranded', 'down'],
    ['every member lost: down, and the console with it', 'aws/r1/c', [D('aws/r1/a'), D('aws/r1/b')], 'down', 'down'],
  ])('%s', (_name, toolAt, events, cluster, console) => {
    const h = selfManaged(toolAt);
    h.fail(...events);
    expect(h.states([G('cluster'), C('console'), S('svc')])).toEqual({ [G('cluster')]: cluster, [C('console')]: console, [S('svc')]: cluster });
  });

  it('a requires cycle A -> B -> A goes down together', () => {
    const h = new Harness(
      cloud()
        .component('A', { placedIn: ['aws/r1/a'], requires: ['B'] })
        .component('B', { placedIn: ['aws/r1/b'], requires: ['A'] })
        .service('svc', ['A'])
        .build(),
    );
    h.fail(D('aws/r1/b'));
    expect(h.allStates()).toEqual({ [C('A')]: 'down', [C('B')]: 'down', [S('svc')]: 'down' });
    h.fail(D('aws/r2'));
    expect(h.allStates()).toEqual({ [C('A')]: 'up', [C('B')]: 'up', [S('svc')]: 'up' });
  });

  it('two groups recovering with each other terminate', () => {
    const h = new Harness(
      cloud()
        .component('p0', { placedIn: ['aws/r1/a'] })
        .component('p1', { placedIn: ['aws/r1/b'] })
        .component('q0', { placedIn: ['aws/r1/a'] })
        .component('q1', { placedIn: ['aws/r1/c'] })
        .group('p', 1, ['p0', 'p1'], ['q'])
        .group('q', 1, ['q0', 'q1'], ['p'])
        .build(),
    );
    h.fail(D('aws/r1/a'));
    expect(h.states([G('p'), G('q')])).toEqual({ [G('p')]: 'degraded', [G('q')]: 'degraded' });
    h.fail(D('aws/r1/a'), D('aws/r1/c'));
    expect(h.states([G('p'), G('q')])).toEqual({ [G('p')]: 'stranded', [G('q')]: 'down' });
  });
});

describe('explain()', () => {
  const h = new Harness(
    new ModelSpec()
      .domains(['aws', 'provider'], ['aws/r1', 'region'], ['aws/r1/a', 'zone'], ['aws/r1/b', 'zone'], ['aws/r1/c', 'zone'])
      .domains(['pangyo', 'campus'], ['pangyo/b1', 'building'], ['pangyo/b1/room1', 'room'])
      .component('db', { placedIn: ['aws/r1/a'] })
      .component('api', { placedIn: ['aws/r1/a', 'aws/r1/b'], requires: ['db'] })
      .component('primary', { placedIn: ['aws/r1/a'] })
      .component('standby', { placedIn: ['aws/r1/b'] })
      .component('console', { placedIn: ['aws/r1/a'] })
      .group('pg', 1, ['primary', 'standby'], ['console'])
      .component('rack-box', { placedIn: ['pangyo/b1/room1'] })
      .service('shop', ['api'])
      .service('ledger', ['pg'])
      .service('onprem', ['rack-box'])
      .build(),
  );

  it('starts at the node itself, without an edge', () => {
    h.fail(C('db'));
    expect(h.explain(S('shop'))[0]).toEqual({ node: S('shop'), state: 'down' });
    expect(h.explain(C('db'))).toEqual([{ node: C('db'), state: 'down' }]);
  });

  it('ends at the failed component, through requires edges', () => {
    h.fail(C('db'));
    expect(h.explain(S('shop'))).toEqual([
      { node: S('shop'), state: 'down' },
      { edge: 'requires', node: C('api'), state: 'down' },
      { edge: 'requires', node: C('db'), state: 'down' },
    ]);
  });

  it('ends at the failed zone through placed-in', () => {
    h.fail(D('aws/r1/a'));
    expect(h.explain(S('shop'))).toEqual([
      { node: S('shop'), state: 'down' },
      { edge: 'requires', node: C('api'), state: 'down' },
      { edge: 'requires', node: C('db'), state: 'down' },
      { edge: 'placed-in', node: D('aws/r1/a'), state: 'down' },
    ]);
  });

  it('climbs within edges up to the failed region', () => {
    h.fail(D('aws/r1'));
    const path = h.explain(C('db'));
    expect(path).toEqual([
      { node: C('db'), state: 'down' },
      { edge: 'placed-in', node: D('aws/r1/a'), state: 'down' },
      { edge: 'within', node: D('aws/r1'), state: 'down' },
    ]);
  });

  it('climbs several levels of nested domains, and stops at the failed one', () => {
    h.fail(D('pangyo'));
    expect(h.explain(S('onprem')).map((s) => [s.edge, s.node])).toEqual([
      [undefined, S('onprem')],
      ['requires', C('rack-box')],
      ['placed-in', D('pangyo/b1/room1')],
      ['within', D('pangyo/b1')],
      ['within', D('pangyo')],
    ]);
    h.fail(D('pangyo/b1'));
    expect(
      h
        .explain(S('onprem'))
        .map((s) => s.node)
        .at(-1),
    ).toBe(D('pangyo/b1'));
  });

  it('explains a spanning component by the domain that completed its loss', () => {
    h.fail(D('aws/r1/a'), D('aws/r1/b'));
    const path = h.explain(C('api'));
    expect(path[0]).toEqual({ node: C('api'), state: 'down' });
    // db (in a) or api's own placement; either way it ends at a failed zone.
    expect([D('aws/r1/a'), D('aws/r1/b')]).toContain(path.at(-1)!.node);
  });

  it('explains a down group through a member', () => {
    h.fail(D('aws/r1/a'), D('aws/r1/b'));
    const path = h.explain(S('ledger'));
    expect(path.slice(0, 2)).toEqual([
      { node: S('ledger'), state: 'down' },
      { edge: 'requires', node: G('pg'), state: 'down' },
    ]);
    expect(path[2]!.edge).toBe('member');
    expect([C('primary'), C('standby')]).toContain(path[2]!.node);
    expect(path[3]!.edge).toBe('placed-in');
  });

  it('explains a degraded group through its lost member', () => {
    h.fail(C('standby'));
    expect(h.explain(S('ledger'))).toEqual([
      { node: S('ledger'), state: 'degraded' },
      { edge: 'requires', node: G('pg'), state: 'degraded' },
      { edge: 'member', node: C('standby'), state: 'down' },
    ]);
  });

  it('explains a stranded group through the lost tool, naming the lost member', () => {
    h.fail(D('aws/r1/a'));
    expect(h.explain(S('ledger'))).toEqual([
      { node: S('ledger'), state: 'stranded' },
      { edge: 'requires', node: G('pg'), state: 'stranded' },
      { edge: 'recovers-with', node: C('console'), state: 'down', lostMember: C('primary') },
      { edge: 'placed-in', node: D('aws/r1/a'), state: 'down' },
    ]);
  });

  it('explains an up node by itself', () => {
    h.fail(C('db'));
    expect(h.explain(S('ledger'))).toEqual([{ node: S('ledger'), state: 'up' }]);
  });

  /**
   * A group that feeds back through a requires cycle into its own member: the
   * chain of causes can loop, and explain() must still end at the lost domain
   * (it falls back to a search over hurt nodes).
   */
  it('ends at a failed event even when a group feeds back into its member through a cycle', () => {
    const c = new Harness(
      cloud()
        .component('s0', { placedIn: ['aws/r1/a'] })
        .component('s1', { placedIn: ['aws/r1/b'] })
        .component('tool', { placedIn: ['aws/r1/a'] })
        .group('store', 1, ['s0', 's1'], ['tool'])
        .component('m', { placedIn: ['aws/r1/c'], requires: ['store', 'x'] })
        .group('g', 1, ['m'])
        .component('x', { placedIn: ['aws/r1/c'], requires: ['g'] })
        .service('svc', ['g'])
        .build(),
    );
    c.fail(D('aws/r1/a'));
    expect(c.states([G('store'), C('m'), G('g'), C('x'), S('svc')])).toEqual({
      [G('store')]: 'stranded',
      [C('m')]: 'stranded',
      [G('g')]: 'stranded',
      [C('x')]: 'stranded',
      [S('svc')]: 'stranded',
    });
    const path = c.explain(S('svc')).map((s) => s.node);
    expect(path.at(-1)).toBe(D('aws/r1/a'));
  });
});
