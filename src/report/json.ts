/** json: the analysis result as it is, versioned by schemaVersion (docs/json.md). */
import type { AnalysisResult } from '../analysis/types.js';
import type { ReportOptions } from './options.js';

export function renderJson(result: AnalysisResult, _options: ReportOptions): string {
  return JSON.stringify(result, null, 2) + '\n';
}
