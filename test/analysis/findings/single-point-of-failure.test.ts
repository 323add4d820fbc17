/** The single-point-of-failure finding kind on a small hand-built topology, through the whole analysis: there with the pattern, gone when it is fixed. */
import { describe, expect, it } from 'vitest';
import { C, D, G } from '../../helpers/model-builder.js';
import { analyze, of, region } from './helpers.js';

describe('single-point-of-failure', () => {
  const topology = (dbPlaces: string[]) =>
    region()
      .component('w1', { placedIn: ['r1/a'], requires: ['db'] })
      .component('w2', { placedIn: ['r1/b'], requires: ['db'] })
      .component('db', { placedIn: dbPlaces, role: 'datastore' })
      .group('web', 1, ['w1', 'w2'])
      .service('shop', ['web']);

  it('names the zone of the single-zone database, with the path, and the database itself', () => {
    const findings = of(analyze(topology(['r1/a'])), 'single-point-of-failure');
    const zone = findings.find((f) => f.event.id === D('r1/a'))!;
    expect(zone.severity).toBe('high');
    expect(zone.affected[0]!.path.map((s) => s.node)).toEqual(['service:shop', G('web'), C('w2'), C('db'), D('r1/a')]);
    expect(findings.find((f) => f.event.id === C('db'))?.severity).toBe('high');
    expect(findings.some((f) => f.event.id === D('r1/b'))).toBe(false);
    expect(findings.find((f) => f.event.id === D('r1'))?.severity).toBe('info');
  });

  it('has no zone-level finding once the database spans two zones', () => {
    const findings = of(analyze(topology(['r1/a', 'r1/b'])), 'single-point-of-failure');
    expect(findings.filter((f) => f.event.kind === 'domain' && f.inPolicy)).toEqual([]);
  });
});
