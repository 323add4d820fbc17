/**
 * plan's fast search against the search it replaced (test/helpers/plan-reference.ts,
 * which copies the whole graph and evaluates every single domain loss afresh for
 * each candidate set): on random models, the same plan to the byte (chosen
 * components, their order and waves, the failures before and after), by the exact
 * search and by the greedy one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { duplicateInto, plan, type PlanResult } from '../../src/analysis/plan.js';
import type { Policy } from '../../src/analysis/types.js';
import type { DomainNode, Model } from '../../src/model/index.js';
import { buildRandomModel, rawModel, type RawModel } from '../helpers/random-model.js';
import { referenceDuplicateInto, referencePlan } from '../helpers/plan-reference.js';
import { ModelSpec } from '../helpers/model-builder.js';
import { smallEstate } from '../helpers/small-estate.js';

const SEED = 20261201;
const POLICY: Policy = { tolerate: 'zone', tolerateRank: 4 };

/** Larger random models than the engine's: more components than the exact search takes, so the greedy one runs. */
const largerModel: fc.Arbitrary<RawModel> = fc.record({
  domainParents: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
  extraParents: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 2 }),
  components: fc.array(
    fc.record({
      places: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
      event: fc.integer({ min: 0, max: 4 }).map((x) => x !== 0),
      group: fc.integer({ min: -4, max: 2 }),
      capacity: fc.integer({ min: -2, max: 3 }).map((x) => Math.max(0, x)),
      downAt: fc.integer({ min: -1, max: 2 }).map((x) => Math.max(0, x)),
    }),
    { minLength: 8, maxLength: 30 },
  ),
  groupK: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
  requires: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 40 }),
  tools: fc.array(
    fc.integer({ min: 0, max: 2 }).chain((n) => fc.array(fc.nat(), { minLength: n, maxLength: n })),
    { minLength: 3, maxLength: 3 },
  ),
  services: fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }),
});

/** A plan, or the message of what it threw (both searches must throw alike). */
function attempt(f: () => PlanResult): PlanResult | string {
  try {
    return f();
  } catch (e) {
    return `threw ${(e as Error).name}: ${(e as Error).message}`;
  }
}

function samePlans(model: Model, exactLimit: number): { fast: PlanResult | string; ref: PlanResult | string } {
  const options = { policy: POLICY, addDomain: 'new', inputs: [] };
  return {
    fast: attempt(() => plan(model, { ...options, exactLimit })),
    ref: attempt(() => referencePlan(model, options, exactLimit)),
  };
}

/** The model as plain arrays, to compare two models exactly (node order and edge order included). */
function flat(model: Model): unknown {
  return {
    nodes: model.nodes,
    index: [...model.index],
    edges: model.edgeKind.map((k, e) => [model.nodes[model.edgeSource[e]!]!.id, k, model.nodes[model.edgeTarget[e]!]!.id]),
    rest: [model.allCritical, model.domainRanks, model.reliability, model.blindSpots, model.warnings],
  };
}

describe('plan: the fast search gives the plan the reference search gives', () => {
  it('on random small models, by the exact search and by the greedy one', () => {
    const methods = new Set<string>();
    fc.assert(
      fc.property(rawModel, (raw) => {
        const { model } = buildRandomModel(raw);
        for (const limit of [12, 0]) {
          const { fast, ref } = samePlans(model, limit);
          expect(JSON.stringify(fast)).toBe(JSON.stringify(ref));
          if (typeof ref !== 'string') methods.add(`${ref.method}:${ref.steps.length > 0 ? 'steps' : 'none'}:${ref.after.length > 0 ? 'fails' : 'works'}`);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
    // The runs reach plans that work and plans that cannot, by both searches.
    expect([...methods].sort()).toEqual(expect.arrayContaining(['exact:steps:works', 'greedy:steps:works', 'greedy:steps:fails']));
  });

  it('on larger random models (more candidates than the exact search takes)', () => {
    let greedy = 0;
    fc.assert(
      fc.property(largerModel, (raw) => {
        const { model } = buildRandomModel(raw);
        for (const limit of [8, 2]) {
          const { fast, ref } = samePlans(model, limit);
          expect(JSON.stringify(fast)).toBe(JSON.stringify(ref));
          if (typeof ref !== 'string' && ref.method === 'greedy' && ref.steps.length > 1) greedy++;
        }
      }),
      { seed: SEED + 1, numRuns: 80 },
    );
    expect(greedy).toBeGreaterThan(10);
  });

  it('duplicateInto builds the very model the graph copy built: same nodes, same edges, same order', () => {
    fc.assert(
      fc.property(
        largerModel.chain((raw) => {
          const { model } = buildRandomModel(raw);
          const components = model.nodes.filter((n) => n.kind === 'component').map((n) => n.id);
          return fc.tuple(fc.constant(model), fc.shuffledSubarray(components));
        }),
        ([model, set]) => {
          const d0 = model.nodes.find((n): n is DomainNode => n.kind === 'domain')!;
          const domain: DomainNode = {
            kind: 'domain',
            id: 'domain:new',
            name: 'new',
            domainKind: 'zone',
            rank: 4,
            path: 'new',
            ...(d0.parent ? { parent: d0.parent } : {}),
          };
          expect(flat(duplicateInto(model, set, domain))).toEqual(flat(referenceDuplicateInto(model, set, domain)));
        },
      ),
      { seed: SEED + 2, numRuns: 200 },
    );
  });

  it('on an estate whose every service needs all of ten shared components (each candidate plan reaches every service)', () => {
    const spec = new ModelSpec().domains(['aws', 'provider'], ['aws/r1', 'region'], ['aws/r1/a'], ['aws/r1/b']);
    for (let j = 0; j < 10; j++) spec.component(`shared${j}`, { placedIn: ['aws/r1/a'], role: 'datastore' });
    for (let i = 0; i < 200; i++) {
      spec.component(`w${i}`, { placedIn: ['aws/r1/a', 'aws/r1/b'], requires: [`shared${i % 10}`] });
      if (i % 10 === 9)
        spec.service(
          `s${i}`,
          Array.from({ length: 10 }, (_, k) => `w${i - k}`),
        );
    }
    const model = spec.build();
    const { fast, ref } = samePlans(model, 12);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(ref));
    expect(typeof fast !== 'string' && [fast.method, fast.steps.length, fast.after.length]).toEqual(['exact', 10, 0]);
  });

  it('on the small estate, with and without a plan to make', () => {
    for (const model of [smallEstate(), smallEstate({ dbInBothZones: true })]) {
      const { fast, ref } = samePlans(model, 12);
      expect(JSON.stringify(fast)).toBe(JSON.stringify(ref));
    }
  });
});
