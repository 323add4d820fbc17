/** The external-identity finding kind on small hand-built topologies: a provider-managed identity operators log in through to fail groups over, with or without a break-glass path. */
import { describe, expect, it } from 'vitest';
import type { ExternalIdentityUse } from '../../../src/classify/types.js';
import { C, G } from '../../helpers/model-builder.js';
import { analyze, of, region } from './helpers.js';
import { check } from '../../../src/index.js';

const login = (name: string, breakGlass: string[]): ExternalIdentityUse => ({ name, urn: `urn:test::${name}`, how: 'login', rule: 'aks-entra-id', breakGlass });

describe('external-identity', () => {
  const topology = (uses: ExternalIdentityUse[], tools = ['entra']) =>
    region()
      .component('app-1', { placedIn: ['r1/a'] })
      .component('app-2', { placedIn: ['r1/b'] })
      .component('deploy', { placedIn: ['r1/c'], role: 'ops-tool' })
      .component('entra', { role: 'identity', event: false, external: { uses } })
      .group('app', 1, ['app-1', 'app-2'], tools)
      .service('shop', ['app']);

  it('names the identity, the services whose recovery logs in through it and the break-glass path: info, no gate fails', () => {
    const result = analyze(topology([login('shop-aks', ['admin kubeconfig in stack output adminKubeconfig'])]));
    const [f, ...rest] = of(result, 'external-identity');
    expect(rest).toEqual([]);
    expect(f!.severity).toBe('info');
    expect(f!.message).toMatch(
      /^entra \(external identity, provider-managed\) is on the recovery path of 1 replica group\(s\) of shop: operators log in to shop-aks/,
    );
    expect(f!.message).toMatch(/a dependency, not an outage; break-glass for shop-aks: admin kubeconfig in stack output adminKubeconfig$/);
    expect(f!.services).toEqual(['shop']);
    expect(f!.evidence!.nodes).toEqual([C('entra'), G('app')]);
    expect(f!.stranded).toEqual([]);
    // Never an outage: the default gate (high) and even --fail-on low pass with a break-glass path.
    expect(check(result, 'high').failing).toEqual([]);
    expect(check(result, 'low').failing).toEqual([]);
  });

  it('says when no break-glass path was found: low, still below the default gate', () => {
    const result = analyze(topology([login('shop-aks', [])]));
    const [f] = of(result, 'external-identity');
    expect(f!.severity).toBe('low');
    expect(f!.message).toMatch(/no break-glass path found for shop-aks \(no admin credential that works without entra\)$/);
    expect(check(result, 'high').failing).toEqual([]);
  });

  it('is not reported when no group recovers with it (a control plane only authenticates through it)', () => {
    const uses: ExternalIdentityUse[] = [
      { name: 'shop-aks', urn: 'urn:test::shop-aks', how: 'control-plane', rule: 'aks-managed-identity', via: 'a managed identity' },
    ];
    expect(of(analyze(topology(uses, ['deploy'])), 'external-identity')).toEqual([]);
  });

  it('lets an ops tool concentrated in one zone still be reported, naming the external identity beside it', () => {
    const found = of(analyze(topology([login('shop-aks', [])], ['deploy', 'entra'])), 'ops-tools-concentrated');
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toMatch(/^All the recovery tools \(deploy\) of 1 replica group/);
    expect(found[0]!.message).toMatch(
      /; operators also log in through entra \(external identity; operators log in to shop-aks through it\), which no domain of the stack takes$/,
    );
  });

  it('is named beside the lost tools of a recovery-path finding, never as one of them', () => {
    const found = of(analyze(topology([login('shop-aks', [])], ['deploy', 'entra'])), 'recovery-path');
    expect(found.map((f) => f.event.name).sort()).toEqual(['deploy', 'r1/c']);
    for (const f of found) {
      expect(f.message).toMatch(/takes the recovery tools deploy with it/);
      expect(f.message).toMatch(
        /; operators also log in through entra \(external identity; operators log in to shop-aks through it\), which no domain of the stack takes$/,
      );
    }
  });
  it('counts a component in no group that recovers with it (a StatefulSet operators recover by hand), beside the groups', () => {
    const t = topology([login('shop-eks', ['admin kubeconfig in stack output adminKubeconfig'])])
      .component('orders-db', { placedIn: ['r1/a'], capacity: 3 })
      .recoversWith('orders-db', 'entra')
      .service('orders', ['orders-db']);
    const [f, ...rest] = of(analyze(t), 'external-identity');
    expect(rest).toEqual([]);
    expect(f!.message).toMatch(
      /is on the recovery path of 1 replica group\(s\) and 1 component\(s\) operators recover by hand \(orders-db\) of orders and shop: operators log in to shop-eks through it to recover them;/,
    );
    expect(f!.services).toEqual(['orders', 'shop']);
  });

  it('a lone component alone: no replica group is counted, and it is still only a dependency', () => {
    const t = region()
      .component('orders-db', { placedIn: ['r1/a'], capacity: 3 })
      .component('entra', { role: 'identity', event: false, external: { uses: [login('shop-eks', [])] } })
      .recoversWith('orders-db', 'entra')
      .service('orders', ['orders-db']);
    const result = analyze(t);
    const [f] = of(result, 'external-identity');
    expect(f!.message).toMatch(/is on the recovery path of 1 component\(s\) operators recover by hand \(orders-db\) of orders: /);
    expect(f!.severity).toBe('low');
    // Its zone is a single point (other findings say so); the identity, low, fails no gate above low.
    expect(check(result, 'medium').failing.filter((x) => x.rule === 'external-identity')).toEqual([]);
  });
});
