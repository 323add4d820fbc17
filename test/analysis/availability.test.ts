/** --availability: the rare-event sum over minimal cut sets, checked by hand on small models. */
import { describe, expect, it, vi } from 'vitest';
import { analyzeModel } from '../../src/analysis/index.js';
import { COMPONENT_RELIABILITY } from '../../src/classify/index.js';
import type { Model } from '../../src/model/index.js';
import { ModelSpec } from '../helpers/model-builder.js';

const RELIABILITY = {
  region: { failuresPerYear: 0.05, hoursToRecover: 8 },
  zone: { failuresPerYear: 0.3, hoursToRecover: 4 },
  [COMPONENT_RELIABILITY]: { failuresPerYear: 1, hoursToRecover: 1 },
};
const q = (r: { failuresPerYear: number; hoursToRecover: number }): number => (r.failuresPerYear * r.hoursToRecover) / 8760;
const qRegion = q(RELIABILITY.region);
const qZone = q(RELIABILITY.zone);
const qComp = q(RELIABILITY[COMPONENT_RELIABILITY]);

function withReliability(model: Model): Model {
  return { ...model, reliability: RELIABILITY };
}

const region = () => new ModelSpec().domains(['r1', 'region'], ['r1/a', 'zone'], ['r1/b', 'zone']);

function estimate(spec: ModelSpec) {
  const result = analyzeModel(withReliability(spec.build()), [], { availability: true });
  expect(result.availability).toBeDefined();
  return result.availability!;
}

describe('availability estimate', () => {
  it('sums the single events for a lone component: itself, its zone, its region', () => {
    const a = estimate(
      region()
        .component('x', { placedIn: ['r1/a'] })
        .service('svc', ['x']),
    );
    const svc = a.services[0]!;
    expect(svc.unavailability).toBeCloseTo(qComp + qZone + qRegion, 12);
    expect(svc.cutSets).toBe(3);
    expect(svc.nines).toBeCloseTo(-Math.log10(qComp + qZone + qRegion), 2);
    expect(svc.causes[0]!.events).toEqual(['zone r1/a']); // 1.2 h/year beats the region's 0.4 and the component's 1
  });

  it('adds products of pairs for replicas in two zones', () => {
    const a = estimate(
      region()
        .component('x1', { placedIn: ['r1/a'] })
        .component('x2', { placedIn: ['r1/b'] })
        .group('x', 1, ['x1', 'x2'])
        .service('svc', ['x']),
    );
    // {r1}, {a,b}, {a,x2}, {x1,b}, {x1,x2}
    const expected = qRegion + qZone * qZone + 2 * qZone * qComp + qComp * qComp;
    expect(a.services[0]!.unavailability).toBeCloseTo(expected, 14);
    expect(a.services[0]!.cutSets).toBe(5);
    expect(a.order).toBe(2);
  });

  it('is absent unless asked for, and names domain kinds with no assumption', () => {
    const spec = region()
      .component('x', { placedIn: ['r1/a'] })
      .service('svc', ['x']);
    expect(analyzeModel(withReliability(spec.build()), [], {}).availability).toBeUndefined();
    const bare = analyzeModel({ ...spec.build(), reliability: {} }, [], { availability: true }).availability!;
    expect(bare.unassumed).toEqual(['region', 'zone']);
    expect(bare.services[0]!.nines).toBeNull();
  });

  it('orders causes of equal weight the same in every locale (never localeCompare)', () => {
    const spec = () =>
      region()
        .component('x1', { placedIn: ['r1/a'] })
        .component('x2', { placedIn: ['r1/b'] })
        .group('x', 1, ['x1', 'x2'])
        .service('svc', ['x']);
    const causes = () => estimate(spec()).services[0]!.causes.map((c) => c.events.join(' + '));
    const here = causes();
    // {a,x2} and {x1,b} weigh the same: the third cause is the first of them by code units.
    expect(here).toHaveLength(3);
    // A locale that sorts text the other way round must not change the report.
    const reversed = vi.spyOn(String.prototype, 'localeCompare').mockImplementation(function (this: string, other: string) {
      return this < other ? 1 : this > other ? -1 : 0;
    });
    try {
      expect(causes()).toEqual(here);
    } finally {
      reversed.mockRestore();
    }
  });
});
