/**
 * Tags are read with the prefixes the packs declare (`tags.prefixes`): a user
 * pack's own prefix is honoured like `firebreak:`, whatever its first letter.
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/classify/index.js';
import { loadPacks, builtinRulesDir, parsePack } from '../../src/classify/packs.js';
import type { ResourceRecord, StackInput } from '../../src/ingest/types.js';

const userPack = parsePack(
  ['pack: acme-tags', 'description: tags of the acme platform team', 'tags:', '  paths: [tags]', '  prefixes: ["acme:", "Ops_"]', 'rules: []', ''].join('\n'),
  'acme-tags.yaml',
);

function input(tags: Record<string, string>): StackInput {
  const urn = 'urn:pulumi:prod::shop::aws:ec2/instance:Instance::web-1';
  const record: ResourceRecord = {
    urn,
    type: 'aws:ec2/instance:Instance',
    name: 'web-1',
    stack: 'prod',
    project: 'shop',
    custom: true,
    id: 'i-0abc',
    inputs: { instanceType: 't3.small', availabilityZone: 'us-east-1a', tags },
    outputs: { instanceType: 't3.small', availabilityZone: 'us-east-1a', tags },
    dependencies: [],
    propertyDependencies: {},
  };
  return { input: 'stack.json', file: 'stack.json', kind: 'export', stack: 'prod', project: 'shop', config: {}, resources: [record], warnings: [] };
}

const packs = [...loadPacks(builtinRulesDir()), userPack];
const web = (tags: Record<string, string>) => classify([input(tags)], packs).resources.find((r) => r.record.name === 'web-1')!;

describe('tag prefixes from the packs', () => {
  it('reads a user pack prefix that does not start with "f"', () => {
    const c = web({ 'acme:service': 'checkout', 'acme:group': 'web', 'acme:domain': 'dc=seoul/rack=r1' });
    expect(c.service).toBe('checkout');
    expect(c.group).toBe('web');
    expect(c.placements).toEqual([
      [
        { kind: 'dc', name: 'seoul' },
        { kind: 'rack', name: 'r1' },
      ],
    ]);
  });

  it('matches a prefix case-insensitively, as firebreak: is', () => {
    expect(web({ OPS_SERVICE: 'billing' }).service).toBe('billing');
    expect(web({ 'Firebreak:Service': 'cart' }).service).toBe('cart');
  });

  it('ignores keys with no declared prefix', () => {
    const c = web({ 'other:service': 'nope', service: 'nope' });
    expect(c.service).toBe('shop');
    expect(c.group).toBeUndefined();
  });
});
