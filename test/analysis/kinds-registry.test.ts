/**
 * The finding-kind registry: sorted, unique ids, and for every kind its docs
 * page and its own test file. A kind reads only the scenario view, so one can
 * be written (here, a toy kind about services) and run without the analysis.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/analysis/engine.js';
import { FINDING_KINDS, KINDS, type FindingKind } from '../../src/analysis/findings/index.js';
import { newFinding } from '../../src/analysis/findings/kind.js';
import { scenarioView } from '../../src/analysis/findings/scenarios.js';
import { resolvePolicy } from '../../src/analysis/index.js';
import { repoRoot } from '../helpers/cli.js';
import { C, D, ModelSpec, S } from '../helpers/model-builder.js';

describe('finding kinds registry', () => {
  it('lists each kind once, sorted by id, and by id', () => {
    const ids = KINDS.map((k) => k.id);
    expect(ids).toEqual([...new Set(ids)].sort());
    expect(Object.keys(FINDING_KINDS)).toEqual(ids);
    for (const k of KINDS) expect(FINDING_KINDS[k.id]).toBe(k);
  });

  it.each(KINDS.map((k) => [k.id, k] as const))('%s has a title, a description, messages, a docs page and a test', (id, kind) => {
    expect(kind.title.length).toBeGreaterThan(0);
    expect(kind.description.length).toBeGreaterThan(0);
    expect(Object.keys(kind.messages).length).toBeGreaterThan(0);
    const doc = path.join(repoRoot, 'docs', 'findings', `${id}.md`);
    expect(existsSync(doc), `docs/findings/${id}.md`).toBe(true);
    const test = path.join(repoRoot, 'test', 'analysis', 'findings', `${id}.test.ts`);
    expect(existsSync(test), `test/analysis/findings/${id}.test.ts`).toBe(true);
    const text = readFileSync(test, 'utf8');
    expect(text).toContain(`'${id}'`);
    expect(text).toMatch(/\bexpect\(/);
  });
});

describe('a kind stands alone', () => {
  // A toy kind: every service one zone takes down, as a finding about the service.
  const servicesDown: FindingKind = {
    id: 'service-down',
    title: 'Service down',
    description: 'A service one zone takes down.',
    defaultSeverity: 'low',
    messages: { down: '{name} goes down' },
    detect(_model, view) {
      const found = new Set<number>();
      for (const s of view.singles)
        for (const i of view.services) if (view.engine.kindOf(s.events[0]!) === 'domain' && view.inPolicy(s.events[0]!) && s.stateOf(i) === 3) found.add(i);
      return [...found].map((i) => {
        const name = view.engine.nodes[i]!.name;
        return newFinding(servicesDown, { kind: 'service', id: view.engine.ids[i]! }, [name], {
          severity: 'low',
          message: `${name} goes down`,
          event: view.eventRef(view.singles[0]!.events[0]!),
          inPolicy: true,
          blastRadius: { services: 1, ofServices: view.totalServices, critical: 0, ofCritical: view.totalCritical },
          affected: [],
          stranded: [],
          locations: [],
        });
      });
    },
  };

  const view = (dbPlaces: string[]) => {
    const model = new ModelSpec()
      .domains(['r1', 'region'], ['r1/a', 'zone'], ['r1/b', 'zone'])
      .component('db', { placedIn: dbPlaces, role: 'datastore' })
      .service('shop', ['db'])
      .build();
    const engine = new Engine(model);
    const policy = resolvePolicy(model);
    return { model, policy, view: scenarioView(engine, model, policy, engine.basicEvents(), []) };
  };

  it('keeps each single failure with its states and explanation paths', () => {
    const { view: v } = view(['r1/a']);
    const zone = v.singles.find((s) => v.engine.ids[s.events[0]!] === D('r1/a'))!;
    const shop = v.engine.index.get(S('shop'))!;
    expect(zone.stateOf(shop)).toBe(3);
    expect(zone.explain(shop).map((s) => s.node)).toEqual([S('shop'), C('db'), D('r1/a')]);
    expect(v.singles.some((s) => v.engine.ids[s.events[0]!] === D('r1/b'))).toBe(false);
  });

  it('runs a new kind, about a service, on the view alone', () => {
    const bad = view(['r1/a']);
    const [f, ...rest] = servicesDown.detect(bad.model, bad.view, bad.policy);
    expect(rest).toEqual([]);
    expect(f!.rule).toBe('service-down');
    expect(f!.id).toMatch(/^service-down\/[0-9a-f]{12}$/);
    const good = view(['r1/a', 'r1/b']);
    // The database spans both zones: no zone takes shop down.
    expect(servicesDown.detect(good.model, good.view, good.policy)).toEqual([]);
    expect(KINDS.find((k) => k.id === 'service-down')).toBeUndefined();
  });
});
