/** The baseline file `--update-baseline` writes: every current finding, sorted by id. */
import { stringify } from 'yaml';
import type { AnalysisResult } from '../analysis/types.js';
import { visible } from '../visible.js';

export function renderBaseline(result: AnalysisResult): string {
  const findings = [...result.findings]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    // A file reviewed like code: a message shows names as the text report does (no bidi or control character raw); matching is by id.
    .map((f) => ({ id: f.id, rule: f.rule, severity: f.severity, message: visible(f.message) }));
  const header =
    '# firebreak baseline: findings accepted as they stand, matched by id.\n' +
    '# `firebreak check` fails only on findings not listed here. Rewrite it with\n' +
    '# `firebreak check --baseline <this file> --update-baseline`; review its diff like code.\n';
  return header + stringify({ version: 1, findings }, { lineWidth: 0 });
}
