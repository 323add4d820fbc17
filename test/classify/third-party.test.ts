/**
 * A provider package no pack declares (rules/core.yaml `providers: [{package: "*"}]`)
 * still gets its own domain tree and its region from `<package>:region` config or
 * its provider resource's `region` input.
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/classify/index.js';
import { loadRuleSet } from '../../src/classify/packs.js';
import type { ResourceRecord, StackInput } from '../../src/ingest/types.js';
import { exportInput, record as testRecord } from '../helpers/records.js';

const EDGE = { stack: 'prod', project: 'edge' };
const record = (type: string, name: string, extra: Partial<ResourceRecord> = {}): ResourceRecord => testRecord(type, name, extra, EDGE);
const input = (resources: ResourceRecord[], config: Record<string, string> = {}): StackInput => exportInput(resources, config, EDGE);

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

  it('says of a type no rule describes whether it fails with a domain or is not judged at all (the aiven, github and ovh templates)', () => {
    const noRule = (inputs: StackInput) =>
      classify([inputs], packs)
        .blindSpots.filter((b) => b.kind === 'no-rule')
        .map((b) => b.message);
    // Placed by its region config: it fails with that region, its own loss is not judged.
    expect(noRule(input([record('vultr:index/instance:Instance', 'vm-1')], { 'vultr:region': 'ewr' }))).toEqual([
      'no rule for type vultr:index/instance:Instance (1 resource): its own loss is not judged; it fails only with the domain it is placed in',
    ]);
    // Nothing places it (a github repository): not "failing with its domain", since it has none.
    expect(noRule(input([record('github:index/repository:Repository', 'demo-repo')]))).toEqual([
      'no rule for type github:index/repository:Repository (1 resource): not judged, and no placement could be read, so no domain loss reaches it either',
    ]);
    // One placed and one not.
    const placed = record('vultr:index/instance:Instance', 'vm-1', { inputs: { region: 'ewr' } });
    expect(noRule(input([placed, record('vultr:index/instance:Instance', 'vm-2')]))).toEqual([
      'no rule for type vultr:index/instance:Instance (2 resources): its own loss is not judged; it fails only with the domain it is placed in (1 of them has no placement and is not judged at all)',
    ]);
  });
});
