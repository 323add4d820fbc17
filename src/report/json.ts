/** json: the analysis result as it is, versioned by schemaVersion (docs/json.md). */
import type { AnalysisResult } from '../analysis/types.js';
import type { ReportOptions } from './options.js';

export function renderJson(result: AnalysisResult, _options: ReportOptions): string {
  return jsonDocument(result);
}

/** Any versioned result document (analysis, whatif, diff, plan) as indented JSON. */
export function jsonDocument(doc: { schemaVersion: number }): string {
  return JSON.stringify(doc, null, 2) + '\n';
}
