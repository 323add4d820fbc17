/** The one-line verdict `firebreak check` writes to stderr after its report. */
import type { CheckResult } from '../analysis/gate.js';

export function renderCheckSummary(c: CheckResult): string {
  const b = c.result.baseline;
  const accepted = b ? `; ${b.unchanged} in the baseline` : '';
  if (c.failing.length > 0) return `firebreak check: FAILED: ${c.failing.length} finding(s) at or above ${c.failOn}${b ? ' not in the baseline' : ''}${accepted}\n`;
  return `firebreak check: passed: no ${b ? 'new ' : ''}finding at or above ${c.failOn}${accepted}\n`;
}
