/** SARIF against a baseline: baselineState new or unchanged per result; accepted risks suppressed. */
import { describe, expect, it } from 'vitest';
import { applyAcceptances, applyBaseline } from '../../src/analysis/gate.js';
import { renderSarif } from '../../src/report/sarif.js';
import { C, D } from '../helpers/model-builder.js';
import { findingOf, smallResult } from '../helpers/small-estate.js';

interface Result {
  partialFingerprints: Record<string, string>;
  baselineState?: string;
  suppressions?: Array<{ kind: string; status: string; justification: string }>;
}
const results = (text: string): Result[] => JSON.parse(text).runs[0].results;

describe('sarif baselineState', () => {
  it('is new for findings absent from the baseline and unchanged for those in it', () => {
    const result = smallResult();
    const db = findingOf(result, C('db'));
    const out = results(renderSarif(applyBaseline(result, { file: 'b.yaml', entries: [{ id: db }] }), { color: false }));
    expect(out).toHaveLength(result.findings.length);
    const states = Object.fromEntries(out.map((r) => [r.partialFingerprints['firebreak/v1'], r.baselineState]));
    const expected = Object.fromEntries(result.findings.map((f) => [f.id, f.id === db ? 'unchanged' : 'new']));
    expect(states).toEqual(expected);
    expect(Object.values(states)).toContain('new');
  });

  it('is absent without a baseline', () => {
    const out = results(renderSarif(smallResult(), { color: false }));
    expect(out.length).toBeGreaterThan(0);
    for (const r of out) expect(r).not.toHaveProperty('baselineState');
  });

  it('an accepted finding is suppressed with its reason and expiry; the others are not', () => {
    const result = smallResult();
    const zone = findingOf(result, D('aws/r1/a'));
    const out = results(
      renderSarif(applyAcceptances(result, [{ finding: zone, reason: 'second zone in Q1', expires: '2027-03-31' }], 'firebreak.yaml', '2026-12-01'), {
        color: false,
      }),
    );
    for (const r of out) {
      if (r.partialFingerprints['firebreak/v1'] === zone)
        expect(r.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'second zone in Q1 (until 2027-03-31)' }]);
      else expect(r).not.toHaveProperty('suppressions');
    }
  });
});
