/** diff: two analyses of one estate matched by finding id, and per-service survival of single-domain losses. */
import { describe, expect, it } from 'vitest';
import { compareResults, introducedAtOrAbove } from '../../src/analysis/compare.js';
import { C, D } from '../helpers/model-builder.js';
import { findingOf, smallResult } from '../helpers/small-estate.js';

describe('compareResults', () => {
  // Before: db in zone a only; after: db in both zones, so zone a no longer takes shop down.
  const before = smallResult();
  const after = smallResult({ dbInBothZones: true });
  const zone = findingOf(before, D('aws/r1/a'));
  const db = findingOf(before, C('db'));

  it('splits findings into resolved, introduced and unchanged by id', () => {
    const d = compareResults(before, after);
    expect(d.resolved.map((f) => f.id)).toEqual([zone]);
    expect(d.introduced).toEqual([]);
    expect(d.unchanged.map((f) => f.id).sort()).toEqual(after.findings.map((f) => f.id).sort());
    expect(d.unchanged.map((f) => f.id)).toContain(db);
    // Reversed, the same finding is introduced.
    const back = compareResults(after, before);
    expect(back.introduced.map((f) => f.id)).toEqual([zone]);
    expect(back.resolved).toEqual([]);
  });

  it("carries both sides' warnings, each once, and each side's analysis errors (a search cut off) as warnings naming the side", () => {
    const shared = { file: 'stack.json', message: 'an engine event log carries no dependencies between resources' };
    const b = { ...before, warnings: [shared] };
    const a = {
      ...after,
      warnings: [shared, { file: 'destroy.json', message: 'read as the empty stack it leaves' }],
      analysisErrors: [{ rule: 'shared-risk-group', message: 'stopped at its time limit (--max-seconds 1) after 10 scenarios' }],
    };
    expect(compareResults(b, a).warnings).toEqual([
      shared,
      { file: 'destroy.json', message: 'read as the empty stack it leaves' },
      { file: '(after)', message: 'analysis error in shared-risk-group: stopped at its time limit (--max-seconds 1) after 10 scenarios' },
    ]);
    expect(compareResults(before, after).warnings).toEqual([]);
  });

  it('counts the in-policy domain losses each service survives, before and after', () => {
    const d = compareResults(before, after);
    const zoneName = before.findings.find((f) => f.id === zone)!.event.name;
    const of = before.summary.domainEvents;
    expect(of).toBe(2);
    expect(d.services).toEqual([
      { name: 'blog', critical: true, before: { survives: of, of, lostTo: [] }, after: { survives: of, of, lostTo: [] } },
      { name: 'shop', critical: true, before: { survives: of - 1, of, lostTo: [zoneName] }, after: { survives: of, of, lostTo: [] } },
    ]);
  });

  it('carries the nodes the resolved and introduced findings name', () => {
    const d = compareResults(before, after);
    expect(Object.keys(d.nodes)).toContain(D('aws/r1/a'));
    expect(Object.keys(d.nodes)).toContain(C('db'));
    expect(compareResults(before, before).nodes).toEqual({});
  });

  it('a service on one side only has no survival on the other', () => {
    const d = compareResults(before, { ...after, services: after.services.filter((s) => s.name !== 'blog') });
    const blog = d.services.find((s) => s.name === 'blog')!;
    expect(blog.before).toBeDefined();
    expect(blog).not.toHaveProperty('after');
  });
});

describe('introducedAtOrAbove', () => {
  const d = compareResults(smallResult({ dbInBothZones: true }), smallResult());
  it('fails on introduced findings at or above the threshold only', () => {
    expect(d.introduced.map((f) => f.severity)).toEqual(['high']);
    expect(introducedAtOrAbove(d, 'high')).toHaveLength(1);
    expect(introducedAtOrAbove(d, 'medium')).toHaveLength(1);
    expect(introducedAtOrAbove(d, 'critical')).toEqual([]);
    expect(introducedAtOrAbove(d, 'none')).toEqual([]);
  });
});
