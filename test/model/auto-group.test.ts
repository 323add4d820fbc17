/**
 * Replica groups from names (rules/core.yaml `grouping.nameSuffix`): web-1
 * and web-2 of one service and type form a group; a lone web-1 is a component,
 * never a group of one.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildModelFor, loadInputs } from '../../src/index.js';
import { fixture, tempFile } from '../helpers/cli.js';

/** two-zones-single-db.json (web-1 and web-2 in two zones), keeping the resources whose names pass. */
async function modelOf(keep: (name: string) => boolean) {
  const doc = JSON.parse(readFileSync(fixture('exports', 'two-zones-single-db.json'), 'utf8'));
  doc.deployment.resources = doc.deployment.resources.filter((r: { urn: string }) => keep(r.urn.split('::').pop()!));
  return buildModelFor(await loadInputs([tempFile('stack.json', JSON.stringify(doc))]));
}

describe('groups formed from names', () => {
  it('web-1 and web-2 form one group of two', async () => {
    const model = await modelOf(() => true);
    const groups = model.nodes.filter((n) => n.kind === 'group');
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ n: 2, k: 1 });
    const members = model.edgeKind.flatMap((k, e) =>
      k === 'member-of' && model.edgeTarget[e] === model.index.get(groups[0]!.id) ? [model.nodes[model.edgeSource[e]!]!.name] : [],
    );
    expect(members.sort()).toEqual(['web-1', 'web-2']);
  });

  it('a lone web-1 is no group of one', async () => {
    const model = await modelOf((name) => name !== 'web-2');
    expect(model.nodes.filter((n) => n.kind === 'group')).toEqual([]);
    expect(model.edgeKind).not.toContain('member-of');
    const web = model.nodes.find((n) => n.kind === 'component' && n.name === 'web-1');
    expect(web).toBeDefined();
    expect(web).not.toHaveProperty('group');
  });

  it('the same names in two stacks of one service are two groups, not one of four', async () => {
    const text = readFileSync(fixture('exports', 'two-zones-single-db.json'), 'utf8');
    const other = text.split('::shop::').join('::billing::');
    const model = buildModelFor(await loadInputs([tempFile('shop.json', text), tempFile('billing.json', other)]));
    const groups = model.nodes.filter((n) => n.kind === 'group');
    expect(groups).toHaveLength(2);
    for (const g of groups) expect(g).toMatchObject({ n: 2, k: 1 });
    expect(new Set(groups.map((g) => g.id)).size).toBe(2);
  });
});
