/** whatif: every service's state after chosen failures, why, and what brings it back. */
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/analysis/engine.js';
import { resolveEvents, whatIf } from '../../src/analysis/whatif.js';
import { UsageError } from '../../src/errors.js';
import { C, D, G, ModelSpec } from '../helpers/model-builder.js';
import { smallEstate } from '../helpers/small-estate.js';

const byName = (r: ReturnType<typeof whatIf>) => Object.fromEntries(r.services.map((s) => [s.name, s]));

describe('whatIf', () => {
  it('losing zone a takes shop down (its database) and degrades blog (web2 in b serves)', () => {
    const r = whatIf(smallEstate(), ['a'], []);
    expect(r.failed.map((e) => e.id)).toEqual([D('aws/r1/a')]);
    const s = byName(r);
    expect(s['shop']!.state).toBe('down');
    expect(s['shop']!.path.map((p) => p.node)).toEqual(['service:shop', C('db'), D('aws/r1/a')]);
    expect(s['shop']!.bringsBack.map((e) => e.id)).toEqual([D('aws/r1/a')]);
    expect(s['shop']!.restoreAll).toBe(false);
    expect(s['blog']!).toMatchObject({ state: 'degraded', bringsBack: [], restoreAll: false, waitsFor: [] });
    expect(s['blog']!.path.map((p) => p.node)).toEqual(['service:blog', G('web'), C('web1'), D('aws/r1/a')]);
    expect(r.summary).toEqual({ services: 2, up: 0, degraded: 1, stranded: 0, down: 1 });
    // Down first.
    expect(r.services.map((x) => x.name)).toEqual(['shop', 'blog']);
    // The nodes the paths name are described.
    expect(Object.keys(r.nodes)).toEqual(expect.arrayContaining([C('db'), D('aws/r1/a')]));
  });

  it('with several failures: which one restored alone brings a service back, or that all are needed', () => {
    const both = byName(whatIf(smallEstate(), ['a', 'b'], []));
    expect(both['blog']!.state).toBe('down');
    expect(both['blog']!.bringsBack.map((e) => e.id)).toEqual([D('aws/r1/a'), D('aws/r1/b')]);
    expect(both['shop']!.bringsBack.map((e) => e.id)).toEqual([D('aws/r1/a')]);
    // db failed and zone a lost: restoring either alone leaves shop down.
    const twice = byName(whatIf(smallEstate(), ['db', 'a'], []));
    expect(twice['shop']!.state).toBe('down');
    expect(twice['shop']!.bringsBack).toEqual([]);
    expect(twice['shop']!.restoreAll).toBe(true);
  });

  it('a stranded service waits for the lost recovery tool', () => {
    const model = new ModelSpec()
      .domains(['a'], ['b'])
      .component('pg1', { placedIn: ['a'], role: 'datastore' })
      .component('pg2', { placedIn: ['b'], role: 'datastore' })
      .component('ctl', { placedIn: ['a'], role: 'ops-tool' })
      .group('pg', 1, ['pg1', 'pg2'], ['ctl'])
      .service('bank', ['pg'])
      .build();
    const bank = byName(whatIf(model, ['a'], []))['bank']!;
    expect(bank.state).toBe('stranded');
    expect(bank.waitsFor).toEqual([C('ctl')]);
    expect(bank.path.map((p) => p.node)).toContain(G('pg'));
    // Losing b instead: pg1 and the tool serve; only degraded.
    expect(byName(whatIf(model, ['b'], []))['bank']!.state).toBe('degraded');
  });
});

describe('resolveEvents', () => {
  const model = new ModelSpec()
    .domains(['aws', 'provider'], ['aws/r1', 'region'], ['aws/r1/a'], ['aws/r2', 'region'], ['aws/r2/a'])
    .component('db', { placedIn: ['aws/r1/a'] })
    .service('shop', ['db'])
    .build();
  const engine = new Engine(model);
  const ids = (names: string[]) => resolveEvents(engine, names).map((i) => engine.ids[i]);

  it('takes ids, domain paths and their last segments, component names; each once', () => {
    expect(ids([D('aws/r1/a')])).toEqual([D('aws/r1/a')]);
    expect(ids(['r1/a', 'aws/r2/a', 'db', ' db '])).toEqual([D('aws/r1/a'), D('aws/r2/a'), C('db')]);
  });

  it('rejects ambiguous and unknown names with a usage error that lists the options', () => {
    expect(() => resolveEvents(engine, ['a'])).toThrow(UsageError);
    expect(() => resolveEvents(engine, ['a'])).toThrow(/^fail a is ambiguous: it names aws\/r1\/a, aws\/r2\/a/);
    expect(() => resolveEvents(engine, ['nowhere'])).toThrow(/^fail nowhere: no domain or component of that name; domains are: aws, aws\/r1/);
    // A service is not something that fails.
    expect(() => resolveEvents(engine, ['service:shop'])).toThrow(UsageError);
  });
});

describe('resolveEvents: a Deployment and a Service of one name (kubernetes-ts-exposed-deployment)', () => {
  const spec = new ModelSpec()
    .domains(['kubernetes', 'provider'])
    .component('dep', { placedIn: ['kubernetes'] })
    .component('svc', { placedIn: ['kubernetes'] });
  // As a program declares them: both named nginx, of two types.
  const nodes = (spec as unknown as { nodes: Array<{ id: string; name: string; type: string }> }).nodes;
  for (const [id, type] of [
    [C('dep'), 'kubernetes:apps/v1:Deployment'],
    [C('svc'), 'kubernetes:core/v1:Service'],
  ] as const)
    Object.assign(
      nodes.find((n) => n.id === id)!,
      { name: 'nginx', type },
    );
  const engine = new Engine(spec.service('web', ['dep', 'svc']).build());

  it('says how to name each by its type, and takes that form', () => {
    expect(() => resolveEvents(engine, ['nginx'])).toThrow(
      /^fail nginx is ambiguous: .*give the full path or URN \(or as 'nginx \(Deployment\)', 'nginx \(Service\)'\)$/,
    );
    expect(resolveEvents(engine, ['nginx (Deployment)']).map((i) => engine.ids[i])).toEqual([C('dep')]);
    expect(resolveEvents(engine, ['nginx (Service)']).map((i) => engine.ids[i])).toEqual([C('svc')]);
    expect(() => resolveEvents(engine, ['nginx (Ingress)'])).toThrow(/no domain or component of that name/);
  });
});
