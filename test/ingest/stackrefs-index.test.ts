/**
 * Which stack outputs a resource's input was given (src/ingest/stackrefs.ts
 * outputsRead): compared pair by pair for small values, through a substring
 * index for large ones. Both ways give the same answer on random strings,
 * and 20,000 output ids against 20,000 input strings take the index's way.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outputsRead } from '../../src/ingest/stackrefs.js';
import type { PropertyValue } from '../../src/ingest/types.js';

const answer = (m: Map<string, string[]>): Array<[string, string[]]> => [...m].sort(([a], [b]) => (a < b ? -1 : 1));

describe('outputsRead', () => {
  it('gives the same outputs and strings pair by pair and through the index', () => {
    // Short strings of few letters: equal ones, ones inside others, and ones inside other outputs' strings abound.
    const text = fc.stringMatching(/^[ab.-]{1,14}$/);
    const value: fc.Arbitrary<PropertyValue> = fc.oneof(text, fc.array(text, { maxLength: 6 }), fc.dictionary(fc.constantFrom('x', 'y'), text));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('vpcId', 'subnets', 'host', 'region', 'arn'), value), value, (outputs, input) => {
        expect(answer(outputsRead(outputs, input, 0))).toEqual(answer(outputsRead(outputs, input, Number.POSITIVE_INFINITY)));
      }),
      { numRuns: 2000, seed: 20261201 },
    );
  });

  it('20,000 ids against 20,000 input strings: the ones passed in', () => {
    const ids = Array.from({ length: 20_000 }, (_, n) => `subnet-${n.toString(16).padStart(8, '0')}`);
    const input = [...ids.filter((_, n) => n % 2 === 0).map((id) => `${id}.us-east-1.internal`), ...Array.from({ length: 10_000 }, (_, n) => `other-${n}`)];
    const read = outputsRead({ subnets: ids, region: 'us-east-1', zone: 'eu-west-1a' }, input);
    expect(read.get('subnets')).toEqual(ids.filter((_, n) => n % 2 === 0));
    expect(read.get('region')).toEqual(['us-east-1']); // inside the host names passed in
    expect(read.has('zone')).toBe(false);
  });
});
