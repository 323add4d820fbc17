/** The shared-risk-group finding kind on a small hand-built topology, through the whole analysis: there with the pattern, gone when it is fixed. */
import { describe, expect, it } from 'vitest';
import { C, D } from '../../helpers/model-builder.js';
import { analyze, of, region } from './helpers.js';

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
