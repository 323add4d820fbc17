/**
 * With no region property, config or provider reference, the region written inside an output the provider's pack
 * names (providers[].idRegionFrom: aws's `arn`) or inside the id places a resource: which outputs is the pack's
 * knowledge, not the code's.
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/classify/index.js';
import { loadRuleSet, parsePack } from '../../src/classify/packs.js';
import { propertiesRead } from '../../src/classify/index.js';
import type { ResourceRecord, StackInput } from '../../src/ingest/types.js';
import { exportInput, record as testRecord } from '../helpers/records.js';

const record = (type: string, name: string, outputs: Record<string, string>, id = `${name}-id`): ResourceRecord => testRecord(type, name, { outputs, id });
const input = (resources: ResourceRecord[]): StackInput => exportInput(resources);

const placed = (packs: ReturnType<typeof loadRuleSet>, r: ResourceRecord): string[] =>
  classify([input([r])], packs)
    .resources.find((c) => c.record.name === r.name)!
    .placements.map((p) => p.map((s) => s.name).join('/'));

const GCE_LIKE = parsePack(
  [
    'pack: metal',
    'description: A cloud whose resources carry a selfLink naming their region.',
    'providers:',
    '  - package: metal',
    '    domain: metal',
    "    idRegion: '/regions/([a-z0-9-]+)/'",
    '    idRegionFrom: [selfLink]',
    'rules:',
    '  - { id: metal-queue, info: A regional queue., match: { type: ["metal:index/queue:Queue"] }, role: datastore, scope: regional, managed: true }',
  ].join('\n'),
  'metal.yaml',
);

describe('the region inside an id or a named output', () => {
  it("reads aws's ARN (the aws pack's idRegionFrom), and keeps that output when reading state", () => {
    const fn = record('aws:lambda/function:Function', 'thumbnails', { arn: 'arn:aws:lambda:eu-central-1:123456789012:function:thumbnails' });
    expect(placed(loadRuleSet(), fn)).toEqual(['aws/eu-central-1']);
    expect(propertiesRead(loadRuleSet()).has('arn')).toBe(true);
  });

  it('reads the output a user pack names, and only that one (an `arn` means nothing to it)', () => {
    const packs = [...loadRuleSet(), GCE_LIKE];
    const q = record('metal:index/queue:Queue', 'orders', { selfLink: 'https://api.metal.example/v1/projects/shop/regions/fra-2/queues/orders' });
    expect(placed(packs, q)).toEqual(['metal/fra-2']);
    expect(propertiesRead(packs).has('selfLink')).toBe(true);
    const other = record('metal:index/queue:Queue', 'audit', { arn: 'https://api.metal.example/v1/projects/shop/regions/ams-1/queues/audit' });
    expect(placed(packs, other)).toEqual([]);
    // The id is read last.
    const byId = record('metal:index/queue:Queue', 'jobs', {}, 'projects/shop/regions/ams-1/queues/jobs');
    expect(placed(packs, byId)).toEqual(['metal/ams-1']);
  });
});
