/** plan: the fewest components to duplicate into a new domain so no single in-policy domain loss hurts a critical service. */
import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../src/analysis/index.js';
import { duplicateInto, plan } from '../../src/analysis/plan.js';
import { Engine } from '../../src/analysis/engine.js';
import { UsageError } from '../../src/errors.js';
import type { DomainNode } from '../../src/model/index.js';
import { C, D, G, ModelSpec } from '../helpers/model-builder.js';
import { smallEstate } from '../helpers/small-estate.js';

/** shop -> app -> db, both only in zone a; zone b holds a spare web tier. */
function chain() {
  return new ModelSpec()
    .domains(['aws', 'provider'], ['aws/r1', 'region'], ['aws/r1/a'], ['aws/r1/b'])
    .component('db', { placedIn: ['aws/r1/a'], role: 'datastore' })
    .component('app', { placedIn: ['aws/r1/a'], requires: ['db'] })
    .component('web1', { placedIn: ['aws/r1/a'] })
    .component('web2', { placedIn: ['aws/r1/b'] })
    .group('web', 1, ['web1', 'web2'])
    .service('shop', ['web', 'app'])
    .build();
}

const run = (model: ReturnType<typeof chain>, addDomain = 'c', from?: string) =>
  plan(model, { policy: resolvePolicy(model), addDomain, ...(from ? { from } : {}), inputs: [] });

describe('plan', () => {
  it('duplicates the one component a zone loss hinges on, and the plan works', () => {
    const p = run(smallEstate());
    expect(p.newDomain).toEqual({ id: D('aws/r1/c'), path: 'aws/r1/c', kind: 'zone', sibling: 'aws/r1/a' });
    expect(p.method).toBe('exact');
    expect(p.steps.map((s) => s.component)).toEqual([C('db')]);
    expect(p.steps[0]).toMatchObject({ from: ['aws/r1/a'], wave: 1, after: [] });
    expect(p.before).toEqual([{ domain: 'aws/r1/a', services: ['shop'] }]);
    expect(p.after).toEqual([]);
  });

  it('orders steps in waves: what a component requires comes first', () => {
    const p = run(chain());
    expect(p.steps.map((s) => [s.component, s.wave, s.after])).toEqual([
      [C('db'), 1, []],
      [C('app'), 2, [C('db')]],
    ]);
    expect(p.waves).toBe(2);
    expect(p.after).toEqual([]);
    // Web already survives zone a (web2 in b): not duplicated.
    expect(p.steps.map((s) => s.component)).not.toContain(C('web1'));
  });

  it('an estate that already survives every zone needs no step', () => {
    const p = run(smallEstate({ dbInBothZones: true }));
    expect(p.before).toEqual([]);
    expect(p.steps).toEqual([]);
    expect(p.after).toEqual([]);
  });

  it('rejects an existing domain name and a --from that is no domain', () => {
    expect(() => run(smallEstate(), 'b')).toThrow(UsageError);
    expect(() => run(smallEstate(), 'b')).toThrow(/aws\/r1\/b already exists/);
    expect(() => run(smallEstate(), 'c', 'db')).toThrow(/^from db: name a domain, not a component/);
    expect(run(smallEstate(), 'c', 'b').newDomain.sibling).toBe('aws/r1/b');
  });

  it('duplicateInto adds a copy in the new domain, grouped with the original', () => {
    const model = smallEstate();
    const domain: DomainNode = { kind: 'domain', id: D('aws/r1/c'), name: 'c', domainKind: 'zone', rank: 4, path: 'aws/r1/c', parent: D('aws/r1') };
    const planned = duplicateInto(model, [C('db')], domain);
    expect(planned.nodes.length).toBeGreaterThan(model.nodes.length);
    const engine = new Engine(planned);
    engine.evaluate([engine.index.get(D('aws/r1/a'))!]);
    expect(engine.stateOf(engine.index.get('service:shop')!)).toBeLessThan(2);
    // The model given is left as it was.
    expect(model.index.has(D('aws/r1/c'))).toBe(false);
  });

  it('a majority quorum needs a majority of its grown membership: two copies, where a stated quorum needs one', () => {
    // etcd: e1, e2 in zone a, e3 in b; losing a leaves 1 of 3. One copy in c makes 4 members, whose majority is 3:
    // losing a would leave 2. Two copies make 5 (majority 3): losing a leaves 3, losing c leaves 3.
    const estate = (majority: boolean) => {
      const spec = new ModelSpec()
        .domains(['aws', 'provider'], ['aws/r1', 'region'], ['aws/r1/a'], ['aws/r1/b'])
        .component('e1', { placedIn: ['aws/r1/a'] })
        .component('e2', { placedIn: ['aws/r1/a'] })
        .component('e3', { placedIn: ['aws/r1/b'] });
      return (majority ? spec.majorityGroup('etcd', ['e1', 'e2', 'e3']) : spec.group('etcd', 2, ['e1', 'e2', 'e3'])).service('api', ['etcd']).build();
    };
    const grown = run(estate(true));
    expect(grown.before).toEqual([{ domain: 'aws/r1/a', services: ['api'] }]);
    expect(grown.steps.map((s) => s.component)).toEqual([C('e1'), C('e2')]);
    expect(grown.after).toEqual([]);
    const planned = duplicateInto(estate(true), [C('e1')], {
      kind: 'domain',
      id: D('aws/r1/c'),
      name: 'c',
      domainKind: 'zone',
      rank: 4,
      path: 'aws/r1/c',
      parent: D('aws/r1'),
    });
    expect(planned.nodes[planned.index.get(G('etcd'))!]).toMatchObject({ n: 4, k: 3 });
    // A stated count (firebreak:quorum 2) is what the group needs whatever its size: one copy does.
    const stated = run(estate(false));
    expect(stated.steps.map((s) => s.component)).toEqual([C('e1')]);
    expect(stated.after).toEqual([]);
  });
});
