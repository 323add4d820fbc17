/** The quorum finding kind on a small hand-built topology, through the whole analysis: there with the pattern, gone when it is fixed. */
import { describe, expect, it } from 'vitest';
import { D, G } from '../../helpers/model-builder.js';
import { analyze, of, region } from './helpers.js';

describe('quorum', () => {
  const topology = (places: string[]) => {
    const spec = region();
    places.forEach((p, i) => spec.component(`etcd-${i}`, { placedIn: [p], role: 'datastore' }));
    return spec
      .group(
        'etcd',
        2,
        places.map((_, i) => `etcd-${i}`),
      )
      .service('k8s', ['etcd']);
  };

  it('reports the zone that holds two of three consensus members', () => {
    const [f, ...rest] = of(analyze(topology(['r1/a', 'r1/a', 'r1/b'])), 'quorum');
    expect(rest).toEqual([]);
    expect(f!.evidence!.nodes).toContain(G('etcd'));
    expect(f!.evidence!.events.map((e) => e.id)).toEqual([D('r1/a')]);
  });

  it('is gone with one member per zone', () => {
    expect(of(analyze(topology(['r1/a', 'r1/b', 'r1/c'])), 'quorum')).toEqual([]);
  });
});
