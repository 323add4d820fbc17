/**
 * Display options every analysis report honours the same way: `severity`
 * shows only findings at or above a level (a filter on what is shown, not on
 * the gate: the verdict and exit code still count every finding), and
 * `quiet` (text and markdown) keeps only the verdict and the failing findings.
 */
import { failingFindings } from '../analysis/gate.js';
import { severityRank, type AnalysisResult, type Finding, type Severity } from '../analysis/types.js';
import type { ReportOptions } from './options.js';

/** The findings a report shows: all, or those at or above options.severity. */
export function shownFindings(result: AnalysisResult, options: Pick<ReportOptions, 'severity'>): Finding[] {
  const min = options.severity;
  if (!min) return result.findings;
  const rank = severityRank(min);
  return result.findings.filter((f) => severityRank(f.severity) >= rank);
}

/** The findings that fail the gate (what --quiet keeps), in report order. */
export function failing(result: AnalysisResult, options: Pick<ReportOptions, 'failOn'>): Finding[] {
  return failingFindings(result, options.failOn ?? 'high');
}

/**
 * What the summary line says of critical services: `2 critical`, or, when none was marked, that all count
 * as critical but the services made only of ops tools (which the others recover with).
 */
export function criticalNote(s: { services: number; criticalServices: number; allCritical: boolean }): string {
  if (!s.allCritical) return `${s.criticalServices} critical`;
  const opsOnly = s.services - s.criticalServices;
  if (opsOnly <= 0) return 'none marked critical, so all count as critical';
  return `none marked critical, so all count as critical but the ${opsOnly === 1 ? 'one' : opsOnly} made only of ops tools: ${s.criticalServices} critical`;
}

/** `1 service`, `2 services`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `1 of 1 resource could not be judged`, `2 of 5 resources could not be judged`. */
export function unjudgedOf(unjudged: number, resources: number): string {
  return `${unjudged} of ${plural(resources, 'resource')} could not be judged`;
}

/** The verdict in words, as `firebreak check` decides it: `failed: 2 findings at or above high` / `passed: ...`. */
export function verdictText(result: AnalysisResult, options: Pick<ReportOptions, 'failOn' | 'failOnUnjudged'>): { passed: boolean; text: string } {
  const failOn = options.failOn ?? 'high';
  const cov = result.summary.coverage;
  // Never a plain "passed" while something that could fail was not judged.
  const notClean = cov.unjudged > 0 ? `; not clean: ${unjudgedOf(cov.unjudged, cov.resources)}` : '';
  if (options.failOnUnjudged && cov.unjudged > 0) return { passed: false, text: `failed: ${unjudgedOf(cov.unjudged, cov.resources)} (--fail-on-unjudged)` };
  if (failOn === 'none') return { passed: true, text: `passed: not gated (--fail-on none)${notClean}` };
  const n = failing(result, options).length;
  const rest = result.baseline ? ' not in the baseline' : '';
  return n > 0
    ? { passed: false, text: `failed: ${plural(n, 'finding')} at or above ${failOn}${rest}${notClean}` }
    : { passed: true, text: `passed: no finding at or above ${failOn}${rest}${notClean}` };
}

/**
 * With `--order 2` or more and no shared risk group found, the line that says the search ran and found none
 * (`Shared risk groups: none among sets of up to 2 events (1234 scenarios searched)`); undefined when none was
 * searched or one was found.
 */
export function sharedRiskNone(result: AnalysisResult): string | undefined {
  const searched = result.summary.sharedRiskGroups;
  if (!searched || result.findings.some((f) => f.rule === 'shared-risk-group')) return undefined;
  const stopped = result.analysisErrors.some((e) => e.rule === 'shared-risk-group');
  const scenarios = plural(searched.scenarios, 'scenario');
  return stopped
    ? `Shared risk groups: none found before the search stopped (${scenarios} searched, sets of up to ${searched.order} events; see the analysis error)`
    : `Shared risk groups: none among sets of up to ${searched.order} events (${scenarios} searched)`;
}

/** A note on the findings --severity hides, or undefined. */
export function hiddenNote(result: AnalysisResult, options: Pick<ReportOptions, 'severity'>): string | undefined {
  const hidden = result.findings.length - shownFindings(result, options).length;
  return hidden > 0 ? `${plural(hidden, 'finding')} below ${options.severity} not shown (--severity ${options.severity})` : undefined;
}

/** For the formats that have no display options of their own: the result with only the shown findings. */
export function filtered(result: AnalysisResult, options: Pick<ReportOptions, 'severity'>): AnalysisResult {
  return options.severity ? { ...result, findings: shownFindings(result, options) } : result;
}

export type { Severity };
