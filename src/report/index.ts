/** Reporters: an explicit map from format name to a pure function (result, options) => string. */
import type { AnalysisResult } from '../analysis/types.js';
import { renderDot } from './dot.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderMermaid } from './mermaid.js';
import type { ReportOptions } from './options.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

export type Reporter = (result: AnalysisResult, options: ReportOptions) => string;

export const REPORTERS: Readonly<Record<string, Reporter>> = {
  dot: renderDot,
  html: renderHtml,
  json: renderJson,
  junit: renderJunit,
  markdown: renderMarkdown,
  mermaid: renderMermaid,
  sarif: renderSarif,
  text: renderText,
};

export const FORMATS = Object.keys(REPORTERS).sort();

export type { ReportOptions } from './options.js';
