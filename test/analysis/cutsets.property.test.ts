/**
 * Shared risk groups against exhaustive enumeration: on random small models,
 * every subset of 2..k basic events is evaluated, and a subset is a minimal
 * cut set for a service when it takes the service down (or strands it) and
 * no proper subset does. The pruned search must find exactly those.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minimalCutSets } from '../../src/analysis/cutsets.js';
import { Engine, STRANDED } from '../../src/analysis/engine.js';
import { buildRandomModel, rawModel } from '../helpers/random-model.js';

function subsets(items: number[], size: number): number[][] {
  if (size === 0) return [[]];
  const out: number[][] = [];
  items.forEach((x, i) => {
    for (const rest of subsets(items.slice(i + 1), size - 1)) out.push([x, ...rest]);
  });
  return out;
}

function exhaustive(engine: Engine, events: number[], targets: number[], order: number): Map<string, number[]> {
  const killed = (set: number[]): Set<number> => {
    engine.evaluate(set);
    return new Set(targets.filter((t) => engine.stateOf(t) >= STRANDED));
  };
  const memo = new Map<string, Set<number>>();
  const get = (set: number[]): Set<number> => {
    const key = set.join(',');
    if (!memo.has(key)) memo.set(key, killed(set));
    return memo.get(key)!;
  };
  const out = new Map<string, number[]>();
  const sorted = [...events].sort((a, b) => a - b);
  for (let m = 2; m <= order; m++) {
    for (const set of subsets(sorted, m)) {
      const fresh = [...get(set)].filter((s) => {
        // No proper subset (of any size) takes it down.
        for (let size = 1; size < m; size++) for (const sub of subsets(set, size)) if (get(sub).has(s)) return false;
        return true;
      });
      if (fresh.length > 0)
        out.set(
          set.join(','),
          fresh.sort((a, b) => a - b),
        );
    }
  }
  return out;
}

describe('shared risk groups vs exhaustive enumeration', () => {
  for (const order of [2, 3]) {
    it(`finds exactly the minimal cut sets of order 2..${order}`, () => {
      let found = 0;
      fc.assert(
        fc.property(rawModel, (raw) => {
          const built = buildRandomModel(raw);
          const engine = new Engine(built.model);
          const events = built.events.map((id) => engine.index.get(id)!);
          const targets = engine.nodes.flatMap((n, i) => (n.kind === 'service' ? [i] : []));
          const expected = exhaustive(engine, events, targets, order);
          const got = new Map(minimalCutSets(engine, events, targets, order).sets.map((s) => [s.events.join(','), s.services]));
          found += expected.size;
          expect(Object.fromEntries(got), built.description).toEqual(Object.fromEntries(expected));
        }),
        { seed: 20261128 + order, numRuns: 300 },
      );
      // The random models must exercise the search, not only trivial cases.
      expect(found).toBeGreaterThan(50);
    });
  }
});
