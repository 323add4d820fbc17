/** Reporters: an explicit map from format name to a pure function (result, options) => string. */
import type { AnalysisResult } from '../analysis/types.js';
import { renderJson } from './json.js';
import type { ReportOptions } from './options.js';
import { renderText } from './text.js';

export type Reporter = (result: AnalysisResult, options: ReportOptions) => string;

export const REPORTERS: Readonly<Record<string, Reporter>> = {
  json: renderJson,
  text: renderText,
};

export const FORMATS = Object.keys(REPORTERS).sort();

export type { ReportOptions } from './options.js';
