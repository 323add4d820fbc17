/**
 * Each finding kind on a small hand-built topology, through the whole
 * analysis: the finding is there when the pattern is, and gone when the
 * pattern is fixed.
 */
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../../src/analysis/index.js';
import type { AnalysisResult, Finding } from '../../src/analysis/types.js';
import { C, D, G, ModelSpec } from '../helpers/model-builder.js';

function region(): ModelSpec {
  return new ModelSpec().domains(['r1', 'region'], ['r1/a', 'zone'], ['r1/b', 'zone'], ['r1/c', 'zone']);
}

const of = (result: AnalysisResult, rule: string): Finding[] => result.findings.filter((f) => f.rule === rule);
const analyze = (spec: ModelSpec, order = 1): AnalysisResult => analyzeModel(spec.build(), [], { order });

describe('single-point-of-failure', () => {
  const topology = (dbPlaces: string[]) =>
    region()
      .component('w1', { placedIn: ['r1/a'], requires: ['db'] })
      .component('w2', { placedIn: ['r1/b'], requires: ['db'] })
      .component('db', { placedIn: dbPlaces, role: 'datastore' })
      .group('web', 1, ['w1', 'w2'])
      .service('shop', ['web']);

  it('names the zone of the single-zone database, with the path, and the database itself', () => {
    const findings = of(analyze(topology(['r1/a'])), 'single-point-of-failure');
    const zone = findings.find((f) => f.event.id === D('r1/a'))!;
    expect(zone.severity).toBe('high');
    expect(zone.affected[0]!.path.map((s) => s.node)).toEqual(['service:shop', G('web'), C('w2'), C('db'), D('r1/a')]);
    expect(findings.find((f) => f.event.id === C('db'))?.severity).toBe('high');
    expect(findings.some((f) => f.event.id === D('r1/b'))).toBe(false);
    expect(findings.find((f) => f.event.id === D('r1'))?.severity).toBe('info');
  });

  it('has no zone-level finding once the database spans two zones', () => {
    const findings = of(analyze(topology(['r1/a', 'r1/b'])), 'single-point-of-failure');
    expect(findings.filter((f) => f.event.kind === 'domain' && f.inPolicy)).toEqual([]);
  });
});

describe('shared-identity', () => {
  const topology = (replicated: boolean) => {
    const spec = region()
      .component('login-1', { placedIn: ['r1/a'], role: 'identity' })
      .component('pay-1', { placedIn: ['r1/a'], requires: ['login'] })
      .component('pay-2', { placedIn: ['r1/b'], requires: ['login'] })
      .component('chat-1', { placedIn: ['r1/a'], requires: ['login'] })
      .component('chat-2', { placedIn: ['r1/c'], requires: ['login'] })
      .group('pay', 1, ['pay-1', 'pay-2'])
      .group('chat', 1, ['chat-1', 'chat-2'])
      .service('pay', ['pay'])
      .service('chat', ['chat']);
    if (replicated) spec.component('login-2', { placedIn: ['r1/b'], role: 'identity' }).group('login', 1, ['login-1', 'login-2']);
    else spec.group('login', 1, ['login-1']);
    return spec;
  };

  it('names every service that logs in through a login kept in one zone', () => {
    const [f, ...rest] = of(analyze(topology(false)), 'shared-identity');
    expect(rest).toEqual([]);
    expect(f!.message).toMatch(/chat and pay/);
    expect(f!.blastRadius.services).toBe(2);
    expect(f!.evidence!.events.map((e) => e.id)).toContain(D('r1/a'));
  });

  it('is gone when the login has a replica in another zone', () => {
    expect(of(analyze(topology(true)), 'shared-identity')).toEqual([]);
  });
});

describe('recovery-path', () => {
  const topology = (consoles: string[][]) => {
    const spec = region()
      .component('app-1', { placedIn: ['r1/a'] })
      .component('app-2', { placedIn: ['r1/b'] });
    consoles.forEach((places, i) => spec.component(`console-${i}`, { placedIn: places, role: 'ops-tool' }));
    return spec
      .group('console', 1, consoles.map((_, i) => `console-${i}`))
      .group('app', 1, ['app-1', 'app-2'], ['console'])
      .service('talk', ['app']);
  };

  it('reports the zone that holds every recovery tool, naming the tools and the stranded service', () => {
    const result = analyze(topology([['r1/a']]));
    const found = of(result, 'recovery-path');
    // The zone, and the lone console itself.
    expect(found.map((x) => x.event.id).sort()).toEqual([C('console-0'), D('r1/a')]);
    const f = found.find((x) => x.event.id === D('r1/a'));
    expect(f!.message).toMatch(/talk/);
    expect(f!.evidence!.nodes).toContain(G('console'));
    expect(f!.evidence!.events.map((e) => e.id)).toContain(D('r1/a'));
    // The zone strands talk: its runtime survives, its failover does not.
    const spof = of(result, 'single-point-of-failure').find((x) => x.event.id === D('r1/a'))!;
    expect(spof.affected[0]!.state).toBe('stranded');
  });

  it('is gone when a console sits in another zone too', () => {
    expect(of(analyze(topology([['r1/a'], ['r1/b']])), 'recovery-path')).toEqual([]);
  });
});

describe('quorum', () => {
  const topology = (places: string[]) => {
    const spec = region();
    places.forEach((p, i) => spec.component(`etcd-${i}`, { placedIn: [p], role: 'datastore' }));
    return spec.group('etcd', 2, places.map((_, i) => `etcd-${i}`)).service('k8s', ['etcd']);
  };

  it('reports the zone that holds two of three consensus members', () => {
    const [f, ...rest] = of(analyze(topology(['r1/a', 'r1/a', 'r1/b'])), 'quorum');
    expect(rest).toEqual([]);
    expect(f!.evidence!.nodes).toContain(G('etcd'));
    expect(f!.evidence!.events.map((e) => e.id)).toEqual([D('r1/a')]);
  });

  it('is gone with one member per zone', () => {
    expect(of(analyze(topology(['r1/a', 'r1/b', 'r1/c'])), 'quorum')).toEqual([]);
  });
});

describe('shared-risk-group (--order)', () => {
  const topology = () =>
    region()
      .component('w1', { placedIn: ['r1/a'] })
      .component('w2', { placedIn: ['r1/b'] })
      .component('w3', { placedIn: ['r1/c'] })
      .component('cache-1', { placedIn: ['r1/a'] })
      .component('cache-2', { placedIn: ['r1/b'] })
      .group('web', 1, ['w1', 'w2', 'w3'])
      .group('cache', 1, ['cache-1', 'cache-2'])
      .service('shop', ['web', 'cache']);

  it('is off by default', () => {
    expect(of(analyze(topology()), 'shared-risk-group')).toEqual([]);
  });

  it('finds the pairs that take the service down when no single event does, smallest first and minimal', () => {
    const result = analyze(topology(), 2);
    expect(of(result, 'single-point-of-failure').filter((f) => f.inPolicy)).toEqual([]);
    const sets = of(result, 'shared-risk-group').map((f) => f.evidence!.events.map((e) => e.id));
    expect(sets).toContainEqual([D('r1/a'), D('r1/b')]);
    expect(sets).toContainEqual([C('cache-1'), C('cache-2')]);
    expect(sets).toContainEqual([D('r1/a'), C('cache-2')]);
    // Zone c holds only a web replica: no pair with c takes shop down (web keeps a third member).
    expect(sets.some((s) => s.includes(D('r1/c')))).toBe(false);
    // The region alone already takes shop down: no set that contains it is minimal.
    expect(sets.some((s) => s.includes(D('r1')))).toBe(false);
    const pair = of(result, 'shared-risk-group').find((f) => f.event.id === `set:${D('r1/a')}+${D('r1/b')}`)!;
    expect(pair.severity).toBe('low');
    expect(pair.affected[0]!.path[0]!.node).toBe('service:shop');
    expect(pair.message).toMatch(/zone r1\/a and zone r1\/b together takes down shop/);
  });

  it('finds the triple at order 3 that pairs miss', () => {
    const sets = of(analyze(topology(), 3), 'shared-risk-group').map((f) => f.evidence!.events.map((e) => e.id));
    expect(sets).toContainEqual([C('w1'), C('w2'), C('w3')]);
    expect(sets).not.toContainEqual([D('r1/a'), D('r1/b'), D('r1/c')]); // {a, b} already does it
  });
});
