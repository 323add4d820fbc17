/**
 * The html page simulates with the failure engine itself, bundled into it
 * (src/report/html/bundle.ts): the very script the page carries, evaluated
 * here in a bare Node context (no DOM, so the page does not start and only
 * its `simulateScenarios` entry is used), agrees with the engine, and with the
 * brute-force reference, on random models. The browser tests in
 * html.test.ts check the same bundle drives the page.
 */
import vm from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine, STATE_NAMES, STRANDED, type PathStep } from '../../src/analysis/engine.js';
import { analyzeModel, resultModel } from '../../src/analysis/index.js';
import { renderHtml, scriptText } from '../../src/report/html.js';
import { PAGE_GLOBAL, pageScript } from '../../src/report/html/bundle.js';
import type { ResultModel } from '../../src/analysis/types.js';
import { bruteForce, buildRandomModel, rawModel } from '../helpers/random-model.js';
import { ModelSpec } from '../helpers/model-builder.js';

type Simulate = (model: ResultModel, scenarios: string[][]) => Array<{ states: Record<string, string>; paths: Record<string, PathStep[]> }>;

/** The page's script run in a fresh context without a document: its exports. */
function loadBundle(): { simulateScenarios: Simulate } {
  const context = vm.createContext({});
  vm.runInContext(pageScript(), context, { filename: 'page.js' });
  return vm.runInContext(PAGE_GLOBAL, context) as { simulateScenarios: Simulate };
}

const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('html page simulation', () => {
  it('is the bundle the page carries, and it holds the engine, not a copy of it', () => {
    const model = new ModelSpec()
      .domains(['aws', 'provider'], ['aws/r1', 'region'], ['aws/r1/a'], ['aws/r1/b'])
      .component('db', { placedIn: ['aws/r1/a'] })
      .service('pay', ['db'])
      .build();
    const html = renderHtml(analyzeModel(model, [], { includeModel: true }), { color: false });
    expect(html).toContain(`<script>${scriptText(pageScript())}</script>`);
    // One engine: the page's simulation names no propagation of its own.
    expect(pageScript()).not.toContain('firstLostMember:');
    expect(pageScript()).toContain('partialGates');
    expect(typeof loadBundle().simulateScenarios).toBe('function');
  });

  it('agrees with the engine and the reference on random models, single events and combinations', () => {
    const { simulateScenarios } = loadBundle();
    let hurt = 0;
    let stranded = 0;
    const cases = rawModel
      .map((raw) => buildRandomModel(raw))
      .chain((built) =>
        fc.tuple(
          fc.constant(built),
          fc.array(fc.uniqueArray(fc.nat({ max: Math.max(0, built.events.length - 1) }), { minLength: 1, maxLength: 3 }), { minLength: 0, maxLength: 4 }),
        ),
      );
    fc.assert(
      fc.property(cases, ([built, combos]) => {
        const { model } = built;
        // Every single event, then some combinations.
        const scenarios = [...built.events.map((e) => [e]), ...combos.map((c) => c.map((e) => built.events[e]!))];
        const engine = new Engine(model);
        const expected = scenarios.map((ids) => {
          engine.evaluate(ids.map((id) => model.index.get(id)!));
          const states: Record<string, string> = {};
          const paths: Record<string, PathStep[]> = {};
          model.nodes.forEach((n, i) => {
            if (n.kind !== 'service') return;
            states[n.name] = STATE_NAMES[engine.stateOf(i)];
            if (engine.stateOf(i) >= STRANDED) paths[n.name] = engine.explain(i);
          });
          return { states, paths };
        });
        const actual = plain(simulateScenarios(plain(resultModel(model)), scenarios));
        expect(actual, built.description).toEqual(plain(expected));
        scenarios.forEach((ids, s) => {
          const ref = bruteForce(model, new Set(ids));
          for (const n of model.nodes)
            if (n.kind === 'service')
              expect(actual[s]!.states[n.name], `${n.name} after ${ids.join(' + ')}\n${built.description}`).toBe(STATE_NAMES[ref.state.get(n.id)!]);
          const values = Object.values(actual[s]!.states);
          if (values.some((v) => v === 'down' || v === 'stranded')) hurt++;
          if (values.includes('stranded')) stranded++;
        });
      }),
      { numRuns: 300, seed: 20261201 },
    );
    // Not trivially equal: many scenarios hurt a service, some strand one.
    expect(hurt).toBeGreaterThan(100);
    expect(stranded).toBeGreaterThan(0);
  });

  it('rejects an unknown node as the page does', () => {
    const { simulateScenarios } = loadBundle();
    const model = new ModelSpec()
      .domains(['z', 'zone'])
      .component('db', { placedIn: ['z'] })
      .service('pay', ['db'])
      .build();
    expect(() => simulateScenarios(plain(resultModel(model)), [['domain:nowhere']])).toThrow(/unknown node domain:nowhere/);
    expect(simulateScenarios(plain(resultModel(model)), [['domain:z']])[0]!.states).toEqual({ pay: 'down' });
  });
});
