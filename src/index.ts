/**
 * firebreak's library API: load Pulumi inputs, analyze them, gate a change
 * (check), ask what a failure does (whatif), compare two estates (diff), plan
 * a new domain (plan), and render any of these documents. The CLI is a thin
 * layer over these functions: it parses options, calls them and prints.
 */
import { analyzeModel, resolvePolicy, type AnalyzeOptions, type ProgressListener } from './analysis/index.js';
import { loadInputs as loadAll, type LoadOptions as IngestOptions } from './ingest/index.js';
import type { AnalysisResult, Severity } from './analysis/types.js';
import { FINDING_KINDS } from './analysis/findings/index.js';
import { Classifier, classify, propertiesRead } from './classify/index.js';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { generatedConflicts } from './classify/conflicts.js';
import { builtinRulesDir, invokeAnswers, loadPackFile, loadPacks, loadRuleSet, type LoadedPack } from './classify/packs.js';
import { InputError, UsageError, optionReason, type Problem } from './errors.js';
import type { StackInput } from './ingest/types.js';
import { buildModel, type Model } from './model/index.js';
import { applyTopology } from './model/topology.js';
import { applyAcceptances, check as gate, type CheckResult, type GateOptions } from './analysis/gate.js';
import { compareResults, type DiffResult } from './analysis/compare.js';
import { domainTagOf, plan as planModel, plannedResources, type PlanResult } from './analysis/plan.js';
import { whatIf as whatIfModel, type WhatIfResult } from './analysis/whatif.js';
import type { Baseline } from './ingest/baseline.js';
import { findTopology, readTopology, type Topology } from './ingest/topology.js';
import { findProjectFileUpward } from './ingest/workspace.js';
import { splitStackSpec } from './ingest/index.js';
import { checkpointOf } from './ingest/write.js';
import { RENDERERS, formatsOf, type DocumentKind, type Documents, type Renderer, type ReportOptions, type RuleListing } from './report/index.js';

export { loadInput, splitStackSpec, defaultInputs } from './ingest/index.js';
export { readTopology, findTopology, type Topology, type CliDefaults } from './ingest/topology.js';
export { findProjectFileUpward, pulumiHome, selectedStack } from './ingest/workspace.js';
export { InputError, UsageError, formatProblem, formatWarning, problemLines, type Problem, type SourceLocation, type Warning } from './errors.js';
export type { AnalyzeOptions, ProgressListener, ProgressPhase } from './analysis/index.js';

export interface LoadOptions extends IngestOptions {
  /** User rule packs (files or directories) beside the built-in ones, for what they tell reading (providers' invokes). */
  rules?: string[];
  /**
   * Told how far the reading is: `read` (k, n, spec) before the k-th of the n inputs named is read, then (n, n).
   * The same callback in analyze's options reports the analysis (AnalyzeOptions.onProgress).
   */
  onProgress?: ProgressListener;
}

/**
 * Load every input, in the order given: stack exports, checkpoints, previews, `-` (stdin), project directories
 * (DIR or DIR@STACK), DIY backend folders and file:// URLs; stack references between them are linked.
 */
export async function loadInputs(specs: string[], options: LoadOptions = {}): Promise<StackInput[]> {
  const { onProgress, rules, ...given } = options;
  // Programs' invokes of their providers' own config are answered as the packs say (rules/aws.yaml: aws:getRegion).
  const rest: IngestOptions = { ...given, invokes: given.invokes ?? invokeAnswers(ruleSet(rules ?? [])) };
  if (!onProgress) return loadAll(specs, rest);
  const onInput = rest.onInput;
  const inputs = await loadAll(specs, {
    ...rest,
    onInput: (spec, k, n) => {
      onInput?.(spec, k, n);
      onProgress('read', k, n, spec);
    },
  });
  onProgress('read', specs.length, specs.length);
  return inputs;
}
export type { LoadedPack } from './classify/packs.js';
export { explainResource, type Explanation } from './classify/explain.js';
export { SEVERITIES, type AnalysisResult, type Finding, type Severity } from './analysis/types.js';
export type { StackInput, ResourceRecord } from './ingest/types.js';
export { Engine } from './analysis/engine.js';
export {
  FORMATS,
  RENDERERS,
  formatOfFile,
  formatsOf,
  type DocumentKind,
  type Documents,
  type ReportOptions,
  type FindingKindList,
  type ListedPack,
  type ListedRule,
  type RuleListing,
} from './report/index.js';
export { stackInputFromCrossGuard, recordFromCrossGuard, type CrossGuardResource, type CrossGuardInput, type UnmappedResource } from './ingest/crossguard.js';
export { readBaseline, type Baseline } from './ingest/baseline.js';
export { forgetInputsRead } from './ingest/read.js';
export { writeFileAtomic } from './ingest/write.js';
export { applyBaseline, failingFindings } from './analysis/gate.js';
export { severityRank } from './analysis/types.js';
export { plainPath } from './report/text.js';
export { introducedAtOrAbove, type DiffResult } from './analysis/compare.js';
export type { CheckResult, GateOptions } from './analysis/gate.js';
export { checkFailed } from './analysis/gate.js';
export type { PlanResult } from './analysis/plan.js';
export type { WhatIfResult } from './analysis/whatif.js';

/** The finding kinds firebreak reports (id, title, description, default severity), sorted by id. */
export function findingKinds(): Array<{ id: string; title: string; description: string; defaultSeverity: Severity }> {
  return Object.values(FINDING_KINDS)
    .map((k) => ({ id: k.id, title: k.title, description: k.description, defaultSeverity: k.defaultSeverity }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
export { DOCS_BASE, findingDocsUrl, findingKindLinks } from './report/docs-links.js';

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

/** Deep-frozen: the cached packs are shared by every caller. */
function frozen<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) frozen(v);
  }
  return value;
}

let builtin: { key: string; packs: readonly LoadedPack[] } | undefined;

/**
 * The built-in packs, parsed once per process and again only when a file in
 * rules/ changes (name, size or time); then the user's packs, read every time.
 * The same packs, in the same order, as loadRuleSet(userPaths).
 */
export function ruleSet(userPaths: string[] = []): LoadedPack[] {
  const dir = builtinRulesDir();
  const key = readdirSync(dir)
    .sort()
    .map((f) => {
      const s = statSync(path.join(dir, f));
      return `${f}:${s.size}:${s.mtimeMs}`;
    })
    .join('|');
  if (builtin?.key !== key) builtin = { key, packs: frozen(loadRuleSet([])) };
  return [...builtin.packs, ...userPaths.flatMap((p) => loadPacks(p))];
}

/** The failure-domain model of the inputs (phases `classify` and `model` of options.onProgress, over the resource count). */
/**
 * The topology file that applies to these inputs, read (undefined when there is none): firebreak.yaml at the root
 * of the first project directory among them (DIR or DIR@STACK); for `-` (stdin), that of the Pulumi project at
 * `cwd` or above. `firebreak analyze` without --topology uses it.
 */
export function topologyOfInputs(specs: string[], cwd: string = process.cwd()): Topology | undefined {
  for (const spec of specs) {
    if (spec === '-') {
      // Piped state of the project here (`pulumi stack export | firebreak analyze`): that project's firebreak.yaml.
      const project = findProjectFileUpward(cwd);
      const file = project ? findTopology(path.dirname(project)) : undefined;
      if (file) return readTopology(file);
      continue;
    }
    const { target } = splitStackSpec(spec);
    if (existsSync(target) && statSync(target).isDirectory()) {
      const file = findTopology(target);
      if (file) return readTopology(file);
    }
  }
  return undefined;
}

/**
 * What SARIF file URIs are relative to (ReportOptions.sarif): `root` when given (relative to cwd), else the git top
 * level of cwd (it runs `git rev-parse --show-toplevel`), else cwd. `--sarif-root` and its default.
 */
export function sarifRootOf(cwd: string, root?: string): { root: string; cwd: string } {
  const dir = path.resolve(cwd);
  if (root) return { root: path.resolve(dir, root), cwd: dir };
  try {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (top) return { root: path.resolve(top), cwd: dir };
  } catch {
    // Not a git work tree, or no git: the working directory.
  }
  return { root: dir, cwd: dir };
}

/**
 * The inputs that are previews made without --show-sames, as problems: `firebreak check` refuses them (they lack the
 * stack's unchanged resources, so a gate would judge part of it) unless allowPartialPreview. Throw
 * `new InputError(problems)` to refuse them the same way.
 */
export function partialPreviews(inputs: StackInput[]): Problem[] {
  return inputs
    .filter((i) => i.partialPreview)
    .map((i) => ({
      file: i.file,
      ...optionReason(
        (o) =>
          `a preview made without --show-sames (${i.partialPreview!.unshown} unchanged resource(s) not shown): check would judge part of the stack; ` +
          `run \`pulumi preview --json --show-sames > preview.json\` and check that file, or pass ${o('allowPartialPreview')}`,
      ),
    }));
}

export function buildModelFor(inputs: StackInput[], options: FullOptions = {}): Model {
  const packs = options.packs ?? ruleSet(options.rules ?? []);
  const progress = options.onProgress;
  const n = resourceCount(inputs);
  progress?.('classify', 0, n);
  const classified = classify(inputs, packs);
  progress?.('classify', n, n);
  progress?.('model', 0, n);
  const built = buildModel(classified);
  const model = options.topology ? applyTopology(built, options.topology) : built;
  progress?.('model', n, n);
  return model;
}

/** A pack of rules/ or rules/generated/ of this package, not one of the user's. */
function isBuiltin(pack: LoadedPack): boolean {
  const dir = path.dirname(path.resolve(pack.file));
  return dir === builtinRulesDir() || dir === path.join(builtinRulesDir(), 'generated');
}

/**
 * `firebreak rules list`: every pack and rule, in precedence order (packs as ruleSet or loadRules give them).
 * Render it with renderDocument('rules', listing, 'text' | 'json', { cwd }).
 */
export function listRules(packs: readonly LoadedPack[]): RuleListing {
  return {
    packs: packs.map((p, i) => ({ order: i + 1, name: p.pack, file: p.file, builtin: isBuiltin(p), description: p.description, rules: p.rules.length })),
    rules: packs.flatMap((p) =>
      p.rules.map((r) => ({
        pack: p.pack,
        id: r.id,
        match: r.match.type,
        ...(r.role !== undefined ? { role: r.role } : {}),
        ...(r.scope !== undefined ? { scope: r.scope } : {}),
        ...(r.managed !== undefined ? { managed: r.managed } : {}),
        ...(r.replicas !== undefined ? { replicas: r.replicas } : {}),
        ...(r.replicaOf !== undefined ? { replicaOf: r.replicaOf } : {}),
        info: r.info,
      })),
    ),
  };
}

/** Load the built-in and user rule packs, and the property names they read (for `loadInputs`' keepProperties). */
export function loadRules(userPaths: string[] = []): { packs: LoadedPack[]; properties: Set<string> } {
  const packs = ruleSet(userPaths);
  return { packs, properties: propertiesRead(packs) };
}

export function analyze(inputs: StackInput[], options: FullOptions = {}): AnalysisResult {
  const result = analyzeModel(buildModelFor(inputs, options), inputs, options);
  const t = options.topology;
  return t ? applyAcceptances(result, t.accepted, t.file, options.today ?? new Date().toISOString().slice(0, 10)) : result;
}

/** Render an analysis in one of FORMATS. */
export function render(result: AnalysisResult, format: string, options: Partial<ReportOptions> = {}): string {
  return renderDocument('analysis', result, format, options);
}

/** Render any document in one of the formats its kind registers (formatsOf(kind)). */
export function renderDocument<K extends DocumentKind>(kind: K, doc: Documents[K], format: string, options: Partial<ReportOptions> = {}): string {
  const renderers: Readonly<Record<string, Renderer<Documents[K]>>> = RENDERERS[kind];
  const renderer = Object.hasOwn(renderers, format) ? renderers[format] : undefined;
  if (!renderer) throw new UsageError(`unknown format "${format}"; use one of ${formatsOf(kind).join(', ')}`);
  return renderer(doc, { color: false, ...options });
}

/**
 * The gate of `firebreak check`: the result against the baseline (when given), the findings at or above
 * failOn that fail it, and the resources that could not be judged (failing it too with failOnUnjudged).
 */
export function check(result: AnalysisResult, failOn: Severity | 'none', baseline?: Baseline, options: GateOptions = {}): CheckResult {
  return gate(result, failOn, baseline, options);
}

function inputSummaries(inputs: StackInput[]): Array<{ input: string; project: string; stack: string }> {
  return inputs.map((i) => ({ input: i.input, project: i.project, stack: i.stack }));
}

function resourceCount(inputs: StackInput[]): number {
  return inputs.reduce((n, i) => n + i.resources.length, 0);
}

/** The state of every service after the named failures (domains or components), why, and what brings each back. */
export function whatif(inputs: StackInput[], fail: string[], options: FullOptions = {}): WhatIfResult {
  if (fail.length === 0) throw new UsageError((o) => `whatif needs at least one domain or component to fail (${o('fail')} is empty)`);
  const result = whatIfModel(buildModelFor(inputs, options), fail, inputSummaries(inputs), resourceCount(inputs));
  return { ...result, warnings: [...inputs.flatMap((i) => i.warnings), ...result.warnings] };
}

/** Findings resolved, introduced and unchanged between two analyses, and the domain losses each service survives. */
export function diff(before: AnalysisResult, after: AnalysisResult): DiffResult {
  return compareResults(before, after);
}

export interface PlanOptions extends FullOptions {
  /** The new domain (a data center, zone...) to duplicate into. */
  addDomain: string;
  /** The domain the new one stands beside; default: the one whose loss hurts most. */
  from?: string;
}

/** The fewest components to duplicate into a new domain so every critical service survives any single domain loss, in waves. */
export function plan(inputs: StackInput[], options: PlanOptions): PlanResult {
  const model = buildModelFor(inputs, options);
  const result = planModel(model, {
    policy: resolvePolicy(model, options.tolerate ?? 'zone'),
    addDomain: options.addDomain,
    ...(options.from ? { from: options.from } : {}),
    inputs: inputSummaries(inputs),
    resources: resourceCount(inputs),
  });
  return { ...result, warnings: [...inputs.flatMap((i) => i.warnings), ...result.warnings] };
}

/**
 * The estate after a plan, as a Pulumi checkpoint document (to write as JSON
 * and analyze). `inputs` must hold every property (loaded without keepProperties).
 */
export function plannedCheckpoint(inputs: StackInput[], planned: PlanResult, options: FullOptions = {}): unknown {
  const model = buildModelFor(inputs, options);
  const secretInputs = new Map<string, string[]>();
  // The config keys that place resources, by package (a later pack's provider entry replacing an earlier one's); `*` for any other package.
  const placing = new Map<string, string[]>();
  for (const pack of options.packs ?? ruleSet(options.rules ?? [])) {
    for (const p of pack.providers ?? []) {
      if (p.secretInputs) secretInputs.set(p.package, [...(secretInputs.get(p.package) ?? []), ...p.secretInputs]);
      placing.set(
        p.package,
        [p.regionConfig, p.zoneConfig].filter((k): k is string => k !== undefined),
      );
    }
  }
  const placesResources = (key: string): boolean => {
    const pkg = key.slice(0, Math.max(0, key.indexOf(':')));
    if ([...placing.values()].some((keys) => keys.includes(key))) return true;
    return !placing.has(pkg) && (placing.get('*') ?? []).some((k) => k.replaceAll('{package}', pkg) === key);
  };
  return checkpointOf(inputs, plannedResources(inputs, planned, domainTagOf(model, planned.newDomain)), secretInputs, placesResources);
}

export { readProviderSchema, parsePackageSchema, type PackageSchema } from './ingest/provider-schema.js';
export { ruleCoverage, type CoverageReport, type CoverageType } from './classify/coverage.js';
export { generatePack, type GenerateHeuristics } from './classify/generate.js';
export { renderCoverageText, renderCoverageJson } from './report/coverage.js';

/** One pack file as `firebreak rules validate` judges it: the pack when it is valid, else its problems. */
export interface PackValidation {
  file: string;
  pack?: LoadedPack;
  problems: Problem[];
}

/** Files named, with directories expanded to their *.yaml / *.yml packs (sorted). */
function packFiles(targets: string[]): string[] {
  return targets.flatMap((t) => {
    let dir: boolean;
    try {
      dir = statSync(t).isDirectory();
    } catch {
      return [t]; // loadPackFile reports it.
    }
    if (!dir) return [t];
    return readdirSync(t)
      .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
      .sort()
      .map((f) => path.join(t, f));
  });
}

/**
 * Validate rule pack files (or directories of *.yaml packs) as `firebreak rules validate` does: each against the pack
 * format and its regular expressions, then generated packs against the curated ones (the built-in packs and those
 * named). Throws nothing for a bad pack: its problems are in the result; `conflicts` holds the generated-pack ones.
 */
export function validatePacks(targets: string[]): { files: PackValidation[]; conflicts: Problem[] } {
  const files: PackValidation[] = [];
  for (const file of packFiles(targets)) {
    try {
      const pack = loadPackFile(file);
      // What zod cannot see: regular expressions that do not compile.
      new Classifier([pack]);
      files.push({ file, pack, problems: [] });
    } catch (err) {
      if (err instanceof InputError) files.push({ file, problems: err.problems });
      else if (err instanceof SyntaxError) files.push({ file, problems: [{ file, reason: `the pack does not load: ${err.message}` }] });
      else throw err;
    }
  }
  const valid = files.flatMap((f) => (f.pack ? [f.pack] : []));
  let conflicts: Problem[] = [];
  if (valid.some((p) => p.generated)) {
    const seen = new Set(valid.map((p) => path.resolve(p.file)));
    const curated = [...loadPacks(builtinRulesDir()).filter((p) => !seen.has(path.resolve(p.file))), ...valid];
    conflicts = generatedConflicts(valid, curated);
  }
  return { files, conflicts };
}
