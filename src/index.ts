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
import { applyTopology } from './model/topology.js';
import { applyAcceptances } from './analysis/gate.js';
import type { Topology } from './ingest/topology.js';
import { REPORTERS, FORMATS, type ReportOptions } from './report/index.js';

export { loadInputs, loadInput, type LoadOptions } from './ingest/index.js';
export { readTopology, findTopology, type Topology } from './ingest/topology.js';
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
  /** The topology file (readTopology): domains, service dependencies, policy, accepted risks. */
  topology?: Topology;
  /** The date acceptances expire against, YYYY-MM-DD (default: today, UTC). */
  today?: string;
}

export function buildModelFor(inputs: StackInput[], options: FullOptions = {}): Model {
  const packs = options.packs ?? loadRuleSet(options.rules ?? []);
  const model = buildModel(classify(inputs, packs));
  return options.topology ? applyTopology(model, options.topology) : model;
}

/** Load the built-in and user rule packs, and the property names they read (for `loadInputs`' keepProperties). */
export function loadRules(userPaths: string[] = []): { packs: LoadedPack[]; properties: Set<string> } {
  const packs = loadRuleSet(userPaths);
  return { packs, properties: propertiesRead(packs) };
}

export function analyze(inputs: StackInput[], options: FullOptions = {}): AnalysisResult {
  const result = analyzeModel(buildModelFor(inputs, options), inputs, options);
  const t = options.topology;
  return t ? applyAcceptances(result, t.accepted, t.file, options.today ?? new Date().toISOString().slice(0, 10)) : result;
}

export function render(result: AnalysisResult, format: string, options: Partial<ReportOptions> = {}): string {
  const reporter = REPORTERS[format];
  if (!reporter) throw new UsageError(`unknown format "${format}"; use one of ${FORMATS.join(', ')}`);
  return reporter(result, { color: false, ...options });
}

export { readProviderSchema, parsePackageSchema, type PackageSchema } from './ingest/provider-schema.js';
export { ruleCoverage, type CoverageReport, type CoverageType } from './classify/coverage.js';
export { generatePack, type GenerateHeuristics } from './classify/generate.js';
export { renderCoverageText, renderCoverageJson } from './report/coverage.js';
