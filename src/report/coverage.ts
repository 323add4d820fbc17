/** `firebreak rules coverage` output: text and JSON of a CoverageReport. */
import type { CoverageReport } from '../classify/coverage.js';
import { table } from './rules.js';
import { visibleDeep } from '../visible.js';

export function renderCoverageJson(reports: CoverageReport[]): string {
  return JSON.stringify({ schemaVersion: 1, schemas: reports }, null, 2) + '\n';
}

/** Summary, then (with `all`) every type and its rules, then the placement-bearing types without a rule. */
export function renderCoverageText(given: CoverageReport[], all = false): string {
  const out: string[] = [];
  // A schema's names and tokens are input: shown with visible escapes, before the columns are measured.
  for (const r of visibleDeep(given)) {
    out.push(
      `${r.schema.name} ${r.schema.version} (${r.schema.source}): ${r.types} resource types, ${r.placementBearing} placement-bearing, ${r.covered} of them placed by a rule: ${r.percent.toFixed(1)}%`,
    );
    if (all) {
      out.push('');
      out.push(
        ...table([
          ['  TYPE', 'PLACEMENT', 'RULES'],
          ...r.entries.map((e) => [`  ${e.type}`, e.placementProperties.join(',') || '-', e.rules.join(', ') || '-']),
        ]),
      );
    }
    if (r.uncovered.length > 0) {
      out.push('', `  Placement-bearing types without a placement rule (${r.uncovered.length}):`);
      const byType = new Map(r.entries.map((e) => [e.type, e]));
      out.push(...table(r.uncovered.map((t) => [`    ${t}`, byType.get(t)!.placementProperties.join(', ')])));
    }
    out.push('');
  }
  return out.join('\n');
}
