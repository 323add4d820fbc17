/** Property paths: `[*]` and the `[key="v"]` filter of list elements (the zone in a PersistentVolume's node affinity). */
import { describe, expect, it } from 'vitest';
import { getPath, parsePath } from '../../src/classify/properties.js';
import type { PropertyValue } from '../../src/ingest/types.js';

const affinity = (expressions: PropertyValue[][]): PropertyValue => ({
  spec: { nodeAffinity: { required: { nodeSelectorTerms: expressions.map((matchExpressions) => ({ matchExpressions })) } } },
});
const ZONE = 'spec.nodeAffinity.required.nodeSelectorTerms[*].matchExpressions[key="topology.kubernetes.io/zone",operator="In"].values';

describe('property paths', () => {
  it('parses a filter segment with its conditions, dots and slashes in the values', () => {
    expect(parsePath('a[key="topology.kubernetes.io/zone",operator="In"].values')).toEqual([
      'a',
      {
        where: [
          ['key', 'topology.kubernetes.io/zone'],
          ['operator', 'In'],
        ],
      },
      'values',
    ]);
  });

  it('reads the values of the elements whose fields hold every string given, across terms', () => {
    const doc = affinity([
      [
        { key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] },
        { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1a'] },
      ],
      [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1b', 'eu-west-1c'] }],
    ]);
    expect(getPath(doc, ZONE)).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
  });

  it('skips an element one condition fails for (NotIn, another key), and finds nothing when none holds', () => {
    const doc = affinity([
      [
        { key: 'topology.kubernetes.io/zone', operator: 'NotIn', values: ['eu-west-1a'] },
        { key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] },
      ],
    ]);
    expect(getPath(doc, ZONE)).toBeUndefined();
  });

  it('reads nothing through a filter on a map, or past elements that are no maps', () => {
    expect(getPath({ a: { key: 'x', values: ['v'] } }, 'a[key="x"].values')).toBeUndefined();
    expect(getPath({ a: ['x', null, [{ key: 'x' }]] }, 'a[key="x"].values')).toBeUndefined();
    expect(getPath({ a: [{ key: 'x', values: ['v'] }, 'x'] }, 'a[key="x"].values')).toEqual(['v']);
  });
});
