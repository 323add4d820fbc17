/**
 * A provider package no pack declares (rules/core.yaml `providers: [{package: "*"}]`)
 * still gets its own domain tree and its region from `<package>:region` config or
 * its provider resource's `region` input.
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/classify/index.js';
import { loadRuleSet } from '../../src/classify/packs.js';
import type { ResourceRecord, StackInput } from '../../src/ingest/types.js';

const STACK = 'urn:pulumi:prod::edge::';

function record(type: string, name: string, extra: Partial<ResourceRecord> = {}): ResourceRecord {
  return {
    urn: `${STACK}${type}::${name}`,
    type,
    name,
    stack: 'prod',
    project: 'edge',
    custom: true,
    id: `${name}-id`,
    inputs: {},
    outputs: {},
    dependencies: [],
    propertyDependencies: {},
    ...extra,
  };
}

function input(resources: ResourceRecord[], config: Record<string, string> = {}): StackInput {
  return { input: 'stack.json', file: 'stack.json', kind: 'export', stack: 'prod', project: 'edge', config, resources, warnings: [] };
}

const packs = loadRuleSet();
const placementOf = (inputs: StackInput, name: string) =>
  classify([inputs], packs)
    .resources.find((r) => r.record.name === name)!
    .placements.map((p) => p.map((s) => `${s.kind}:${s.name}`).join(' > '));

describe('a third-party provider without a pack', () => {
  it('is placed in its own tree by its region config', () => {
    const vm = record('vultr:index/instance:Instance', 'vm-1');
    expect(placementOf(input([vm], { 'vultr:region': 'ewr' }), 'vm-1')).toEqual(['provider:vultr > region:ewr']);
  });

  it('is placed by its explicit provider resource region, over the config', () => {
    const provider = record('pulumi:providers:vultr', 'fra', { inputs: { region: 'fra' }, outputs: {} });
    const vm = record('vultr:index/instance:Instance', 'vm-1', { provider: `${provider.urn}::${provider.id}` });
    vm.provider = provider.urn;
    expect(placementOf(input([provider, vm], { 'vultr:region': 'ewr' }), 'vm-1')).toEqual(['provider:vultr > region:fra']);
  });

  it('without a region anywhere, its placement is unknown and said so, never guessed', () => {
    const vm = record('vultr:index/instance:Instance', 'vm-1');
    const c = classify([input([vm])], packs);
    expect(c.resources.find((r) => r.record.name === 'vm-1')!.placements).toEqual([]);
    expect(c.blindSpots.map((b) => b.kind)).toEqual(expect.arrayContaining(['unknown-placement', 'no-rule']));
  });
});
