/** The ops-tools-concentrated finding kind on small hand-built topologies: all of a group's tools in one zone, together with or apart from it, and fixed. */
import { describe, expect, it } from 'vitest';
import { D, G } from '../../helpers/model-builder.js';
import { analyze, of, region } from './helpers.js';

describe('ops-tools-concentrated', () => {
  const topology = (deploy: string[], monitoring: string[]) =>
    region()
      .component('app-1', { placedIn: ['r1/a'] })
      .component('app-2', { placedIn: ['r1/b'] })
      .component('deploy', { placedIn: deploy, role: 'ops-tool' })
      .component('monitoring', { placedIn: monitoring, role: 'ops-tool' })
      .group('app', 1, ['app-1', 'app-2'], ['deploy', 'monitoring'])
      .service('talk', ['app']);

  it('reports the zone holding every tool, together with a replica, naming tools, group and service', () => {
    const found = of(analyze(topology(['r1/a'], ['r1/a'])), 'ops-tools-concentrated');
    expect(found.map((f) => f.event.id)).toEqual([D('r1/a')]);
    const f = found[0]!;
    expect(f.message).toMatch(/together with replicas they recover/);
    expect(f.message).toMatch(/deploy and monitoring/);
    expect(f.services).toEqual(['talk']);
    expect(f.evidence!.nodes).toContain(G('app'));
    // The zone strands the group of a critical service.
    expect(f.severity).toBe('critical');
    expect(f.stranded.map((s) => s.group)).toEqual([G('app')]);
  });

  it('says apart when the tools have a zone of their own', () => {
    const found = of(analyze(topology(['r1/c'], ['r1/c'])), 'ops-tools-concentrated');
    expect(found.map((f) => f.event.id)).toEqual([D('r1/c')]);
    expect(found[0]!.message).toMatch(/apart from what they recover/);
  });

  it('is gone when the tools sit in two zones', () => {
    expect(of(analyze(topology(['r1/a'], ['r1/b'])), 'ops-tools-concentrated')).toEqual([]);
  });

  it('reports only the smallest domain, not the region around it', () => {
    const found = of(analyze(topology(['r1/c'], ['r1/c'])), 'ops-tools-concentrated');
    expect(found.some((f) => f.event.id === D('r1'))).toBe(false);
  });
});
