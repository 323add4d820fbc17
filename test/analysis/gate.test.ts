/** The gate of `firebreak check`: baseline, accepted risks (and their expiry), threshold. */
import { describe, expect, it } from 'vitest';
import { applyAcceptances, applyBaseline, check, checkFailed, failingFindings } from '../../src/analysis/gate.js';
import type { Acceptance } from '../../src/ingest/topology.js';
import { C, D } from '../helpers/model-builder.js';
import { findingOf, smallResult } from '../helpers/small-estate.js';

const FILE = 'firebreak.yaml';

describe('applyBaseline', () => {
  it('marks findings in the baseline unchanged, the others new, and lists the entries that are gone', () => {
    const result = smallResult();
    const db = findingOf(result, C('db'));
    const baseline = { file: 'baseline.yaml', entries: [{ id: db }, { id: 'single-point-of-failure/gone', message: 'fixed since' }] };
    const marked = applyBaseline(result, baseline);
    for (const f of marked.findings) expect(f.baseline, f.id).toBe(f.id === db ? 'unchanged' : 'new');
    expect(marked.baseline).toEqual({
      file: 'baseline.yaml',
      new: result.findings.length - 1,
      unchanged: 1,
      absent: [{ id: 'single-point-of-failure/gone', message: 'fixed since' }],
    });
    // The input is not changed.
    expect(result.findings.every((f) => f.baseline === undefined)).toBe(true);
  });

  it('an empty baseline makes every finding new', () => {
    const marked = applyBaseline(smallResult(), { file: 'b.yaml', entries: [] });
    expect(marked.findings.map((f) => f.baseline)).toEqual(marked.findings.map(() => 'new'));
    expect(marked.baseline!.absent).toEqual([]);
  });
});

describe('applyAcceptances', () => {
  const accept = (finding: string, expires?: string, line = 7): Acceptance => ({ finding, reason: 'migrating in Q1', line, ...(expires ? { expires } : {}) });

  it('accepts a finding by id or glob, with its reason and expiry', () => {
    const result = smallResult();
    const db = findingOf(result, C('db'));
    const accepted = applyAcceptances(result, [accept(db, '2026-12-31')], FILE, '2026-12-01');
    const f = accepted.findings.find((x) => x.id === db)!;
    expect(f.accepted).toEqual({ reason: 'migrating in Q1', expires: '2026-12-31' });
    expect(accepted.findings.filter((x) => x.accepted)).toHaveLength(1);
    expect(accepted.warnings).toEqual(result.warnings);
    const glob = applyAcceptances(result, [accept('single-point-of-failure/*')], FILE, '2026-12-01');
    expect(glob.findings.every((x) => x.accepted?.reason === 'migrating in Q1')).toBe(true);
    // A glob is anchored and `.` is literal.
    const none = applyAcceptances(result, [accept('point-of-failure/*')], FILE, '2026-12-01');
    expect(none.findings.some((x) => x.accepted)).toBe(false);
    expect(none.warnings.map((w) => w.message)).toEqual(['the acceptance of point-of-failure/* matches no finding (fixed, or a stale id?)']);
  });

  it('holds on its expiry date itself and expires the day after, with a warning naming the file and line', () => {
    const result = smallResult();
    const db = findingOf(result, C('db'));
    const onTheDay = applyAcceptances(result, [accept(db, '2026-12-01')], FILE, '2026-12-01');
    expect(onTheDay.findings.find((x) => x.id === db)!.accepted).toBeDefined();
    expect(onTheDay.warnings).toEqual([]);
    const dayAfter = applyAcceptances(result, [accept(db, '2026-12-01')], FILE, '2026-12-02');
    expect(dayAfter.findings.find((x) => x.id === db)!.accepted).toBeUndefined();
    expect(dayAfter.warnings).toEqual([{ file: FILE, line: 7, message: `the acceptance of ${db} expired on 2026-12-01: its findings count again` }]);
    // Across a month and a year boundary too (dates compare as YYYY-MM-DD).
    expect(applyAcceptances(result, [accept(db, '2026-12-31')], FILE, '2027-01-01').findings.find((x) => x.id === db)!.accepted).toBeUndefined();
    expect(applyAcceptances(result, [accept(db, '2026-11-30')], FILE, '2026-11-30').findings.find((x) => x.id === db)!.accepted).toBeDefined();
    // No expiry: never expires.
    expect(applyAcceptances(result, [accept(db)], FILE, '2999-01-01').findings.find((x) => x.id === db)!.accepted).toEqual({ reason: 'migrating in Q1' });
  });

  it('no acceptances leave the result as it is', () => {
    const result = smallResult();
    expect(applyAcceptances(result, [], FILE, '2026-12-01')).toBe(result);
  });
});

describe('failingFindings', () => {
  it('fails findings at or above the threshold', () => {
    const result = smallResult();
    const high = result.findings.filter((f) => f.severity === 'high').map((f) => f.id);
    expect(high.length).toBe(2);
    expect(failingFindings(result, 'high').map((f) => f.id)).toEqual(high);
    expect(failingFindings(result, 'critical')).toEqual([]);
    expect(failingFindings(result, 'info').map((f) => f.id)).toEqual(result.findings.map((f) => f.id));
    expect(failingFindings(result, 'none')).toEqual([]);
  });

  it('does not fail findings in the baseline or accepted, and fails new ones', () => {
    const result = smallResult();
    const db = findingOf(result, C('db'));
    const zone = findingOf(result, D('aws/r1/a'));
    const baselined = applyBaseline(result, { file: 'b.yaml', entries: [{ id: db }] });
    expect(failingFindings(baselined, 'high').map((f) => f.id)).toEqual([zone]);
    const accepted = applyAcceptances(baselined, [{ finding: zone, reason: 'known' }], FILE, '2026-12-01');
    expect(failingFindings(accepted, 'high')).toEqual([]);
    // Expired: it fails again.
    const expired = applyAcceptances(baselined, [{ finding: zone, reason: 'known', expires: '2026-11-30' }], FILE, '2026-12-01');
    expect(failingFindings(expired, 'high').map((f) => f.id)).toEqual([zone]);
  });
});

describe('check: unjudged resources', () => {
  const withUnjudged = (n: number) => {
    const r = smallResult();
    return { ...r, summary: { ...r.summary, coverage: { ...r.summary.coverage, unjudged: n } } };
  };

  it('passes by default with unjudged resources, and fails on them with failOnUnjudged', () => {
    const soft = check(withUnjudged(2), 'none');
    expect(soft).toMatchObject({ unjudged: 2, failOnUnjudged: false, failing: [] });
    expect(checkFailed(soft)).toBe(false);
    const hard = check(withUnjudged(2), 'none', undefined, { failOnUnjudged: true });
    expect(checkFailed(hard)).toBe(true);
  });

  it('failOnUnjudged changes nothing when everything was judged; findings fail as before', () => {
    expect(checkFailed(check(withUnjudged(0), 'none', undefined, { failOnUnjudged: true }))).toBe(false);
    expect(checkFailed(check(withUnjudged(0), 'high'))).toBe(true);
  });
});
