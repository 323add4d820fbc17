/**
 * The gate of `firebreak check`: which findings fail a change. A finding
 * fails when it is at or above the threshold and is not in the baseline.
 */
import type { Baseline } from '../ingest/baseline.js';
import { severityRank, type AnalysisResult, type Finding, type Severity } from './types.js';

/** Mark every finding new or unchanged against the baseline; list the baseline's entries that are gone. */
export function applyBaseline(result: AnalysisResult, baseline: Baseline): AnalysisResult {
  const known = new Set(baseline.entries.map((e) => e.id));
  const present = new Set(result.findings.map((f) => f.id));
  const findings = result.findings.map((f): Finding => ({ ...f, baseline: known.has(f.id) ? 'unchanged' : 'new' }));
  const absent = baseline.entries
    .filter((e) => !present.has(e.id))
    .map((e) => ({ id: e.id, ...(e.message ? { message: e.message } : {}) }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const unchanged = findings.filter((f) => f.baseline === 'unchanged').length;
  return { ...result, findings, baseline: { file: baseline.file, new: findings.length - unchanged, unchanged, absent } };
}

/** The findings that fail the gate at this threshold (none for `none`). */
export function failingFindings(result: AnalysisResult, failOn: Severity | 'none'): Finding[] {
  if (failOn === 'none') return [];
  const threshold = severityRank(failOn);
  return result.findings.filter((f) => severityRank(f.severity) >= threshold && f.baseline !== 'unchanged');
}
