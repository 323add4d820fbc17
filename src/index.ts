/**
 * firebreak's library API: load Pulumi inputs, analyze them, render a report.
 * The CLI is a thin layer over these functions.
 */
import { analyzeModel, type AnalyzeOptions } from './analysis/index.js';
import type { AnalysisResult } from './analysis/types.js';
import { classify, propertiesRead } from './classify/index.js';
import { loadRuleSet, type LoadedPack } from './classify/packs.js';
import { UsageError } from './errors.js';
import type { StackInput } from './ingest/types.js';
import { buildModel, type Model } from './model/index.js';
import { REPORTERS, FORMATS, type ReportOptions } from './report/index.js';

export { loadInputs, loadInput, type LoadOptions } from './ingest/index.js';
export { InputError, UsageError, type Problem, type Warning } from './errors.js';
export type { AnalysisResult, Finding, Severity } from './analysis/types.js';
export type { StackInput, ResourceRecord } from './ingest/types.js';
export { Engine } from './analysis/engine.js';
export { FORMATS } from './report/index.js';

export interface FullOptions extends AnalyzeOptions {
  /** User rule packs (files or directories), after the built-in ones. */
  rules?: string[];
  /** Rule packs already loaded (then `rules` is ignored). */
  packs?: LoadedPack[];
}

export function buildModelFor(inputs: StackInput[], options: FullOptions = {}): Model {
  const packs = options.packs ?? loadRuleSet(options.rules ?? []);
  return buildModel(classify(inputs, packs));
}

/** Load the built-in and user rule packs, and the property names they read (for `loadInputs`' keepProperties). */
export function loadRules(userPaths: string[] = []): { packs: LoadedPack[]; properties: Set<string> } {
  const packs = loadRuleSet(userPaths);
  return { packs, properties: propertiesRead(packs) };
}

export function analyze(inputs: StackInput[], options: FullOptions = {}): AnalysisResult {
  return analyzeModel(buildModelFor(inputs, options), inputs, options);
}

export function render(result: AnalysisResult, format: string, options: Partial<ReportOptions> = {}): string {
  const reporter = REPORTERS[format];
  if (!reporter) throw new UsageError(`unknown format "${format}"; use one of ${FORMATS.join(', ')}`);
  return reporter(result, { color: false, ...options });
}
