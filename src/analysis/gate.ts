/**
 * The gate of `firebreak check`: which findings fail a change. A finding
 * fails when it is at or above the threshold and is not in the baseline.
 */
import type { Baseline } from '../ingest/baseline.js';
import { compileGlob } from '../glob.js';
import type { Acceptance } from '../ingest/topology.js';
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

/**
 * Accepted risks from the topology file: a finding whose id matches an
 * acceptance that has not expired (on `today`, YYYY-MM-DD) is marked accepted
 * and fails no gate; an expired acceptance counts for nothing, with a warning.
 */
export function applyAcceptances(result: AnalysisResult, accepted: Acceptance[], file: string, today: string): AnalysisResult {
  if (accepted.length === 0) return result;
  const warnings = [...result.warnings];
  const live = accepted.filter((a) => {
    if (a.expires === undefined || a.expires >= today) return true;
    warnings.push({
      file,
      ...(a.line !== undefined ? { line: a.line } : {}),
      message: `the acceptance of ${a.finding} expired on ${a.expires}: its findings count again`,
    });
    return false;
  });
  // Globs over finding ids (`*` any run), matched without backtracking; the topology file bounds their length.
  const patterns = live.map((a) => ({ a, test: compileGlob(a.finding) }));
  const used = new Set<Acceptance>();
  const findings = result.findings.map((f): Finding => {
    const hit = patterns.find((p) => p.test(f.id));
    if (!hit) return f;
    used.add(hit.a);
    return { ...f, accepted: { reason: hit.a.reason, ...(hit.a.expires ? { expires: hit.a.expires } : {}) } };
  });
  for (const a of live) {
    if (!used.has(a))
      warnings.push({
        file,
        ...(a.line !== undefined ? { line: a.line } : {}),
        message: `the acceptance of ${a.finding} matches no finding (fixed, or a stale id?)`,
      });
  }
  return { ...result, findings, warnings };
}

/** The findings that fail the gate at this threshold (none for `none`): not in the baseline, not accepted. */
export function failingFindings(result: AnalysisResult, failOn: Severity | 'none'): Finding[] {
  if (failOn === 'none') return [];
  const threshold = severityRank(failOn);
  return result.findings.filter((f) => severityRank(f.severity) >= threshold && f.baseline !== 'unchanged' && !f.accepted);
}

/** The outcome of the gate: the result (with the baseline applied, when there is one) and the findings that fail it. */
export interface CheckResult {
  result: AnalysisResult;
  failOn: Severity | 'none';
  failing: Finding[];
  /** Resources that could fail but were not judged (summary.coverage.unjudged). */
  unjudged: number;
  /** `--fail-on-unjudged`: unjudged resources fail the gate too (off by default). */
  failOnUnjudged: boolean;
}

export interface GateOptions {
  /** Fail the gate when any resource could not be judged (default false: the verdict says "not clean", the gate passes). */
  failOnUnjudged?: boolean;
}

/** Gate a result: apply the baseline (when given), then find what fails at `failOn` (and, with failOnUnjudged, whether anything was not judged). */
export function check(result: AnalysisResult, failOn: Severity | 'none', baseline?: Baseline, options: GateOptions = {}): CheckResult {
  const gated = baseline ? applyBaseline(result, baseline) : result;
  return {
    result: gated,
    failOn,
    failing: failingFindings(gated, failOn),
    unjudged: gated.summary.coverage.unjudged,
    failOnUnjudged: options.failOnUnjudged ?? false,
  };
}

/** Whether the gate fails: a failing finding, or with failOnUnjudged a resource that was not judged. */
export function checkFailed(c: CheckResult): boolean {
  return c.failing.length > 0 || (c.failOnUnjudged && c.unjudged > 0);
}
