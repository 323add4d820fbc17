/** The one-line verdict `firebreak check` writes to stderr after its report. */
import type { CheckResult } from '../analysis/gate.js';
import { unjudgedOf } from './display.js';

export function renderCheckSummary(c: CheckResult): string {
  const b = c.result.baseline;
  const accepted = b ? `; ${b.unchanged} in the baseline` : '';
  const of = unjudgedOf(c.unjudged, c.result.summary.coverage.resources);
  const unjudgedFails = c.failOnUnjudged && c.unjudged > 0;
  if (c.failing.length > 0) {
    return `firebreak check: FAILED: ${c.failing.length} finding(s) at or above ${c.failOn}${b ? ' not in the baseline' : ''}${accepted}${c.unjudged > 0 ? `; ${of}` : ''}\n`;
  }
  if (unjudgedFails) return `firebreak check: FAILED: ${of} (--fail-on-unjudged)\n`;
  const notClean = c.unjudged > 0 ? `; not clean: ${of} (--fail-on-unjudged fails on them)` : '';
  if (c.failOn === 'none') return `firebreak check: passed: not gated (--fail-on none)${accepted}${notClean}\n`;
  return `firebreak check: passed: no ${b ? 'new ' : ''}finding at or above ${c.failOn}${accepted}${notClean}\n`;
}
