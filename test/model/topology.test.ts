/** Service dependencies and recovery dependencies from the topology file, on hand-built models. */
import { describe, expect, it } from 'vitest';
import type { Topology } from '../../src/ingest/topology.js';
import { applyTopology } from '../../src/model/topology.js';
import { G, Harness, ModelSpec, S } from '../helpers/model-builder.js';

const topology = (services: Topology['services']): Topology => ({ file: 'firebreak.yaml', domains: [], services, accepted: [] });

function estate(): ModelSpec {
  return new ModelSpec()
    .domains(['r1', 'region'], ['r1/a', 'zone'], ['r1/b', 'zone'])
    .component('app-1', { placedIn: ['r1/a'] })
    .component('app-2', { placedIn: ['r1/b'] })
    .component('login-1', { placedIn: ['r1/a'] })
    .component('console-1', { placedIn: ['r1/a'] })
    .group('app', 1, ['app-1', 'app-2'])
    .group('login', 1, ['login-1'])
    .group('console', 1, ['console-1'])
    .service('talk', ['app'])
    .service('login', ['login'])
    .service('ops', ['console']);
}

describe('applyTopology', () => {
  it('service requires service: losing the login takes talk down', () => {
    const h = new Harness(applyTopology(estate().build(), topology([{ name: 'talk', requires: ['login'], recoversWith: [] }])));
    h.fail('domain:r1/a');
    expect(h.state(S('talk'))).toBe('down');
    expect(h.explain(S('talk')).map((s) => s.node)).toEqual([S('talk'), S('login'), G('login'), 'component:login-1', 'domain:r1/a']);
  });

  it('service recovers with service: losing zone a strands talk (its console is lost with a replica)', () => {
    const plain = new Harness(estate().build());
    plain.fail('domain:r1/a');
    expect(plain.state(S('talk'))).toBe('degraded');
    const h = new Harness(applyTopology(estate().build(), topology([{ name: 'talk', requires: [], recoversWith: ['ops'] }])));
    h.fail('domain:r1/a');
    expect(h.state(S('talk'))).toBe('stranded');
    h.fail('domain:r1/b');
    expect(h.state(S('talk'))).toBe('degraded');
  });

  it('a service without replica groups cannot recover with anything', () => {
    const spec = new ModelSpec()
      .domains(['r1', 'region'])
      .component('x', { placedIn: ['r1'] })
      .service('solo', ['x'])
      .service('ops', ['x']);
    expect(() => applyTopology(spec.build(), topology([{ name: 'solo', line: 3, requires: [], recoversWith: ['ops'] }]))).toThrow(
      /firebreak.yaml:3: service solo: recoversWith needs replica groups/,
    );
  });
});
