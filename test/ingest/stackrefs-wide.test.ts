/**
 * A stack reference whose target stack has thousands of resources behind its outputs: each dependent linked
 * coarsely gets every one of them once, in order, with a linear number of reads of its dependency list
 * (counted through a proxy; an `includes` per URN read the whole list again each time).
 */
import { describe, expect, it } from 'vitest';
import { linkStackReferences, STACK_REFERENCE_TYPE } from '../../src/ingest/stackrefs.js';
import type { ResourceRecord, StackInput } from '../../src/ingest/types.js';

const rec = (stack: string, type: string, name: string, extra: Partial<ResourceRecord> = {}): ResourceRecord => ({
  urn: `urn:pulumi:${stack}::${stack}p::${type}::${name}`,
  type,
  name,
  stack,
  project: `${stack}p`,
  custom: type !== 'pulumi:pulumi:Stack',
  inputs: {},
  outputs: {},
  dependencies: [],
  propertyDependencies: {},
  ...extra,
});

const input = (stack: string, resources: ResourceRecord[]): StackInput => ({
  input: `${stack}.json`,
  file: `${stack}.json`,
  kind: 'export',
  stack,
  project: `${stack}p`,
  config: {},
  resources,
  warnings: [],
});

/** An array that counts how often its elements are read. */
function counted(list: string[]): { list: string[]; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(list, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { list: proxy, reads: () => reads };
}

describe('a stack reference to a stack of thousands of resources', () => {
  it('links each dependent to every resource behind the outputs once, reading its dependencies a linear number of times', () => {
    const n = 3000;
    const producers = Array.from({ length: n }, (_, i) => rec('b', 'aws:ec2/instance:Instance', `i${i}`, { id: `i-${i}` }));
    const stackB = rec('b', 'pulumi:pulumi:Stack', 'b', { outputs: { ids: producers.map((p) => p.id!) } });
    const ref = rec('a', STACK_REFERENCE_TYPE, 'ref', { id: 'bp/b', inputs: { name: 'bp/b' }, outputs: { name: 'bp/b' } });
    const deps = [counted([ref.urn]), counted([ref.urn])];
    const dependents = deps.map((d, i) => rec('a', 'aws:ec2/instance:Instance', `a${i}`, { dependencies: d.list }));
    const a = input('a', [rec('a', 'pulumi:pulumi:Stack', 'a'), ref, ...dependents]);
    linkStackReferences([a, input('b', [stackB, ...producers])]);
    for (const [i, d] of dependents.entries()) {
      expect([...d.dependencies]).toEqual([ref.urn, ...producers.map((p) => p.urn)]);
      // An includes per URN over the growing list: about n * n / 2 = 4,500,000 reads.
      expect(deps[i]!.reads()).toBeLessThan(20 * n);
    }
    expect(a.warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('ref: could not tell which outputs of bp/b are read by a0, a1; linked them coarsely'),
    ]);
  });

  it('finds the dependents of thousands of references in one stack with one pass over its resources, not one per reference', () => {
    const n = 2000;
    const vpc = rec('b', 'aws:ec2/vpc:Vpc', 'v', { id: 'vpc-12345678' });
    const stackB = rec('b', 'pulumi:pulumi:Stack', 'b', { outputs: { vpc: 'vpc-12345678' } });
    const resources: ResourceRecord[] = [rec('a', 'pulumi:pulumi:Stack', 'a')];
    for (let i = 0; i < n; i++) {
      const ref = rec('a', STACK_REFERENCE_TYPE, `ref${i}`, { id: 'bp/b', inputs: { name: 'bp/b' }, outputs: { name: 'bp/b' } });
      const subnet = rec('a', 'aws:ec2/subnet:Subnet', `s${i}`, {
        dependencies: [ref.urn],
        propertyDependencies: { vpcId: [ref.urn] },
        inputs: { vpcId: 'vpc-12345678' },
      });
      resources.push(ref, subnet);
    }
    let reads = 0;
    const counting = new Proxy(resources, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const a = input('a', counting);
    linkStackReferences([a, input('b', [stackB, vpc])]);
    for (let i = 0; i < n; i++) {
      const subnet = resources[2 + 2 * i]!;
      expect(subnet.propertyDependencies.vpcId).toEqual([resources[1 + 2 * i]!.urn, vpc.urn]);
      expect(subnet.dependencies).toEqual([resources[1 + 2 * i]!.urn, vpc.urn]);
    }
    expect(a.warnings).toEqual([]);
    // A pass over all 4,001 resources per reference: about 8,000,000 reads.
    expect(reads).toBeLessThan(10 * resources.length);
  });
});
