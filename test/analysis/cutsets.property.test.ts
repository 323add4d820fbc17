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

/**
 * The search as it was before its last level extended scenarios (Engine.extend):
 * every set evaluated afresh. Same pruning; the reference for the order of the
 * sets, the scenario count and where the budgets stop it.
 */
function freshSearch(engine: Engine, events: number[], targets: number[], order: number, budget: number, maxHeld: number) {
  let capped = false;
  let cappedBy: 'scenarios' | 'memory' | undefined;
  let completeOrder = 1;
  let evaluated = 0;
  const killedBy = new Map<string, number[]>();
  const evaluate = (set: number[]): number[] => {
    evaluated++;
    const killed = engine.evaluate(set).filter((i) => targets.includes(i) && engine.stateOf(i) >= STRANDED);
    killed.sort((a, b) => a - b);
    killedBy.set(set.join(','), killed);
    return killed;
  };
  const killedOf = (set: number[]): number[] => killedBy.get(set.join(',')) ?? evaluate(set);
  const gatesNow = () => engine.partialGates();
  type Entry = { events: number[]; gates: ReturnType<typeof gatesNow> };
  const hitters = new Map<number, Array<{ event: number; lost: number; tools: number }>>();
  let frontier: Entry[] = [];
  for (const e of events) {
    evaluate([e]);
    const gates = gatesNow();
    if (gates.length === 0) continue;
    frontier.push({ events: [e], gates });
    for (const g of gates) {
      if (!hitters.has(g.node)) hitters.set(g.node, []);
      hitters.get(g.node)!.push({ event: e, lost: g.lost, tools: g.tools });
    }
  }
  const sets: Array<{ events: number[]; services: number[] }> = [];
  const seen = new Set<string>();
  for (let m = 2; m <= order && !capped; m++) {
    const last = m === order;
    const next: Entry[] = [];
    outer: for (const t of frontier) {
      for (const g of t.gates) {
        for (const h of hitters.get(g.node) ?? []) {
          if (t.events.includes(h.event)) continue;
          if (last) {
            const breaks = g.lost + h.lost > engine.slackOf(g.node);
            const strands = engine.hasTools(g.node) && ((g.lost > 0 && h.tools > 0) || (g.tools > 0 && h.lost > 0));
            if (!breaks && !strands) continue;
          }
          const set = [...t.events, h.event].sort((a, b) => a - b);
          if (seen.has(set.join(','))) continue;
          seen.add(set.join(','));
          if (evaluated >= budget) cappedBy = 'scenarios';
          else if (seen.size + killedBy.size + next.length > maxHeld) cappedBy = 'memory';
          if (cappedBy) {
            capped = true;
            break outer;
          }
          const killed = evaluate(set);
          const gates = last ? [] : gatesNow();
          const fresh = killed.filter((s) => set.every((_, skip) => !killedOf(set.filter((__, k) => k !== skip)).includes(s)));
          if (fresh.length > 0) sets.push({ events: set, services: fresh });
          if (gates.length > 0) next.push({ events: set, gates });
        }
      }
    }
    frontier = next;
    if (!capped) completeOrder = m;
  }
  if (!capped) completeOrder = Math.max(completeOrder, order);
  return { sets, evaluated, capped, ...(cappedBy ? { cappedBy } : {}), completeOrder };
}

describe('shared risk groups: extending scenarios changes nothing', () => {
  it('gives the sets in the same order, the same scenario count and stops at the same point under a budget', () => {
    let stopped = 0;
    fc.assert(
      fc.property(rawModel, fc.constantFrom(2, 3), fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: 400 }), (raw, order, budget, maxHeld) => {
        const built = buildRandomModel(raw);
        const engine = new Engine(built.model);
        const events = built.events.map((id) => engine.index.get(id)!);
        const targets = engine.nodes.flatMap((n, i) => (n.kind === 'service' ? [i] : []));
        for (const [b, held] of [
          [budget, maxHeld],
          [2_000_000, 4_000_000],
        ] as const) {
          const expected = freshSearch(engine, events, targets, order, b, held);
          if (expected.capped) stopped++;
          expect(minimalCutSets(engine, events, targets, order, b, { maxHeld: held }), built.description).toEqual(expected);
        }
      }),
      { seed: 20261201, numRuns: 300 },
    );
    expect(stopped).toBeGreaterThan(30);
  });
});

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
