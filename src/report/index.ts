/**
 * Renderers: an explicit map from the kind of document (an analysis, a
 * whatif, a diff, a plan, a baseline, a check verdict, a rule listing, a
 * classification explained, the finding kinds) and the format name
 * to a pure function (document, options) => string. Kinds and formats are
 * listed in sorted order.
 */
import type { CheckResult } from '../analysis/gate.js';
import type { DiffResult } from '../analysis/compare.js';
import type { PlanResult } from '../analysis/plan.js';
import type { AnalysisResult } from '../analysis/types.js';
import type { WhatIfResult } from '../analysis/whatif.js';
import type { Explanation } from '../classify/explain.js';
import { renderBaseline } from './baseline.js';
import { renderCheckSummary } from './check.js';
import { renderDiffMarkdown, renderDiffText } from './diff.js';
import { renderDot } from './dot.js';
import { renderHtml } from './html.js';
import { jsonDocument, renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderMermaid } from './mermaid.js';
import type { ReportOptions } from './options.js';
import { filtered } from './display.js';
import { renderPlanMarkdown, renderPlanText } from './plan.js';
import {
  renderExplanationJson,
  renderExplanationText,
  renderFindingKindsJson,
  renderFindingKindsText,
  renderRuleListingJson,
  renderRuleListingText,
  type FindingKindList,
  type RuleListing,
} from './rules.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';
import { renderWhatIfMarkdown, renderWhatIfText } from './whatif.js';

/** Each kind of document, by the name its renderers are registered under. */
export interface Documents {
  analysis: AnalysisResult;
  baseline: AnalysisResult;
  check: CheckResult;
  diff: DiffResult;
  /** `rules explain`: how one resource was classified (explainResource). */
  explanation: Explanation;
  /** `rules list --findings` (findingKindLinks). */
  findingKinds: FindingKindList;
  plan: PlanResult;
  /** `rules list` (listRules). */
  rules: RuleListing;
  whatif: WhatIfResult;
}

export type DocumentKind = keyof Documents;
export type Renderer<T> = (doc: T, options: ReportOptions) => string;
export type Reporter = Renderer<AnalysisResult>;

/** A report with no display options of its own shows only the findings at or above options.severity. */
const shown =
  (render: Reporter): Reporter =>
  (result, options) =>
    render(filtered(result, options), options);

export const RENDERERS: { readonly [K in DocumentKind]: Readonly<Record<string, Renderer<Documents[K]>>> } = {
  analysis: {
    dot: shown(renderDot),
    html: shown(renderHtml),
    json: shown(renderJson),
    junit: shown(renderJunit),
    markdown: renderMarkdown,
    mermaid: shown(renderMermaid),
    sarif: shown(renderSarif),
    text: renderText,
  },
  /** The file `check --update-baseline` writes. */
  baseline: { yaml: renderBaseline },
  /** The verdict line of `check`. */
  check: { text: renderCheckSummary },
  diff: { json: jsonDocument, markdown: renderDiffMarkdown, text: renderDiffText },
  explanation: { json: renderExplanationJson, text: renderExplanationText },
  findingKinds: { json: renderFindingKindsJson, text: renderFindingKindsText },
  plan: { json: jsonDocument, markdown: renderPlanMarkdown, text: renderPlanText },
  rules: { json: renderRuleListingJson, text: renderRuleListingText },
  whatif: { json: jsonDocument, markdown: renderWhatIfMarkdown, text: renderWhatIfText },
};

/** The formats a kind of document renders to, sorted. */
export function formatsOf(kind: DocumentKind): string[] {
  return Object.keys(RENDERERS[kind]).sort();
}

/** Report formats by file name ending, for `-o FILE` and `--output-format FORMAT=FILE` (longest endings first). */
const FORMAT_BY_EXTENSION: ReadonlyArray<readonly [string, string]> = [
  ['.sarif.json', 'sarif'],
  ['.sarif', 'sarif'],
  ['.json', 'json'],
  ['.md', 'markdown'],
  ['.markdown', 'markdown'],
  ['.xml', 'junit'],
  ['.html', 'html'],
  ['.htm', 'html'],
  ['.dot', 'dot'],
  ['.gv', 'dot'],
  ['.mmd', 'mermaid'],
  ['.txt', 'text'],
];

/** The format a file's name implies (`report.sarif` -> sarif, `summary.md` -> markdown), among `formats` (default: an analysis's); undefined for other endings. */
export function formatOfFile(file: string, formats: readonly string[] = formatsOf('analysis')): string | undefined {
  const name = file.toLowerCase();
  const hit = FORMAT_BY_EXTENSION.find(([ext, f]) => name.endsWith(ext) && formats.includes(f));
  return hit?.[1];
}

/** The analysis reporters (`analyze` and `check --format`). */
export const REPORTERS: Readonly<Record<string, Reporter>> = RENDERERS.analysis;
export const FORMATS = formatsOf('analysis');

export type { ReportOptions } from './options.js';
export type { FindingKindList, ListedPack, ListedRule, RuleListing } from './rules.js';
