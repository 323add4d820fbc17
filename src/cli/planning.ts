/** Planning a move: `firebreak whatif`, `firebreak diff`, `firebreak plan` (docs/planning.md). */
import type { Command } from 'commander';
import { analyze, buildModelFor, loadInputs, loadRules } from '../index.js';
import { UsageError } from '../errors.js';
import { whatIf } from '../analysis/whatif.js';
import { compareResults, introducedAtOrAbove } from '../analysis/compare.js';
import { domainTagOf, plan, plannedResources } from '../analysis/plan.js';
import { resolvePolicy } from '../analysis/index.js';
import { checkpointOf } from '../ingest/write.js';
import { renderWhatIfMarkdown, renderWhatIfText } from '../report/whatif.js';
import { renderDiffMarkdown, renderDiffText } from '../report/diff.js';
import { renderPlanMarkdown, renderPlanText } from '../report/plan.js';
import { jsonDocument } from '../report/json.js';
import type { ReportOptions } from '../report/options.js';
import {
  EXIT_FINDINGS, EXIT_OK, INPUTS_ARG, PLAN_FORMATS, clearProgress, collect, loadOptions, options, output, programTimeoutOption, allowOutsideProjectOption, progress, today, topologyFor, wantColor,
  withOptions, writeText, type AnalyzeFlags,
} from './shared.js';

/** A planning document in the chosen format: json, markdown, or text (coloured on a terminal). */
function report<T extends { schemaVersion: number }>(doc: T, flags: { format: string; color?: boolean; output?: string }, markdown: (d: T) => string, text: (d: T, o: ReportOptions) => string): string {
  if (flags.format === 'json') return jsonDocument(doc);
  return flags.format === 'markdown' ? markdown(doc) : text(doc, { color: wantColor(flags) });
}

async function runWhatIf(specs: string[], flags: AnalyzeFlags & { fail: string[] }): Promise<number> {
  if (flags.fail.length === 0) throw new UsageError('whatif needs at least one --fail <domain|component>');
  const inputs = specs.length > 0 ? specs : ['.'];
  const rules = loadRules(flags.rules);
  const loaded = await loadInputs(inputs, loadOptions(flags, rules.properties));
  const topology = topologyFor(flags, inputs);
  const model = buildModelFor(loaded, { packs: rules.packs, ...(topology ? { topology } : {}) });
  const result = whatIf(model, flags.fail, loaded.map((i) => ({ input: i.input, project: i.project, stack: i.stack })));
  output(report(result, flags, renderWhatIfMarkdown, renderWhatIfText), flags);
  return EXIT_OK;
}

async function runDiff(before: string, after: string, flags: AnalyzeFlags): Promise<number> {
  const rules = loadRules(flags.rules);
  const load = async (spec: string) => loadInputs([spec], loadOptions(flags, rules.properties));
  const options = (spec: string) => {
    const topology = topologyFor(flags, [spec]);
    return { tolerate: flags.tolerate, packs: rules.packs, order: flags.order, ...(topology ? { topology, today: today() } : {}) };
  };
  const diff = compareResults(analyze(await load(before), options(before)), analyze(await load(after), options(after)));
  output(report(diff, flags, renderDiffMarkdown, renderDiffText), flags);
  return introducedAtOrAbove(diff, flags.failOn).length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

interface PlanFlags extends AnalyzeFlags {
  addDomain: string;
  from?: string;
  apply?: string;
}

async function runPlan(specs: string[], flags: PlanFlags): Promise<number> {
  const inputs = specs.length > 0 ? specs : ['.'];
  const rules = loadRules(flags.rules);
  progress(`firebreak: reading ${inputs.join(', ')}...`);
  // Every property is kept: --apply writes the resources back out.
  const loaded = await loadInputs(inputs, loadOptions(flags));
  const topology = topologyFor(flags, inputs);
  const model = buildModelFor(loaded, { packs: rules.packs, ...(topology ? { topology } : {}) });
  progress('firebreak: planning...');
  const result = plan(model, {
    policy: resolvePolicy(model, flags.tolerate),
    addDomain: flags.addDomain,
    ...(flags.from ? { from: flags.from } : {}),
    inputs: loaded.map((i) => ({ input: i.input, project: i.project, stack: i.stack })),
  });
  clearProgress();
  output(report(result, flags, renderPlanMarkdown, renderPlanText), flags);
  if (flags.apply) {
    const resources = plannedResources(loaded, result, domainTagOf(model, result.newDomain));
    writeText(flags.apply, JSON.stringify(checkpointOf(loaded, resources), null, 2) + '\n', 'planned state');
    process.stderr.write(`firebreak: wrote the planned estate to ${flags.apply}; check it with \`firebreak analyze ${flags.apply}\`\n`);
  }
  return result.after.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

export function addPlanningCommands(program: Command): void {
  withOptions(
    program
      .command('whatif')
      .description('the state of every service after the failures you name, why, and what brings each back')
      .argument('[inputs...]', INPUTS_ARG)
      .option('--fail <name>', 'a domain (path or last segments, e.g. pangyo) or component (name or URN) to fail; repeatable', collect, []),
    [options.format(PLAN_FORMATS), options.output(), options.stack(), options.rules(), options.topology(), programTimeoutOption(), allowOutsideProjectOption(), options.noColor()],
  )
    .addHelpText('after', `
Examples:
  $ firebreak whatif --fail pangyo .@pangyo-2022
  $ firebreak whatif --fail us-east-1a --fail orders-db stack.json --format json`)
    .action(async (specs: string[], flags: AnalyzeFlags & { fail: string[] }) => {
      process.exitCode = await runWhatIf(specs, flags);
    });

  withOptions(
    program
      .command('diff')
      .description('findings resolved, introduced and unchanged between two inputs, and the domain losses each service survives')
      .argument('<before>', 'an export, checkpoint, preview, or DIR@STACK')
      .argument('<after>', 'an export, checkpoint, preview, or DIR@STACK'),
    [
      options.format(PLAN_FORMATS),
      options.output(),
      options.stack(),
      options.failOn('exit 1 when the after side introduces a finding at or above this severity'),
      options.tolerate(),
      options.order('also compare shared risk groups of up to k events'),
      options.rules(),
      options.topology(),
      programTimeoutOption(),
    allowOutsideProjectOption(),
      options.noColor(),
    ],
  )
    .addHelpText('after', `
Examples:
  $ firebreak diff .@pangyo-2022 .@ansan-2023
  $ firebreak diff stack.json preview.json --format markdown

Exit codes: 0 nothing introduced at or above --fail-on, 1 otherwise, 2 usage or input error.`)
    .action(async (before: string, after: string, flags: AnalyzeFlags) => {
      process.exitCode = await runDiff(before, after, flags);
    });

  withOptions(
    program
      .command('plan')
      .description('the fewest components to duplicate into a new domain so every critical service survives any single domain loss, in waves')
      .argument('[inputs...]', INPUTS_ARG)
      .requiredOption('--add-domain <name>', 'the new domain (a data center, zone...) to duplicate into')
      .option('--from <domain>', 'the domain the new one stands beside (same parent and kind); default: the one whose loss hurts most')
      .option('--apply <file>', 'also write the planned estate as a Pulumi checkpoint, to analyze and prove the plan'),
    [options.format(PLAN_FORMATS), options.output('plan'), options.stack(), options.tolerate(), options.rules(), options.topology(), programTimeoutOption(), allowOutsideProjectOption(), options.noColor()],
  )
    .addHelpText('after', `
Examples:
  $ firebreak plan --add-domain ansan .@pangyo-2022
  $ firebreak plan --add-domain ansan --from pangyo .@pangyo-2022 --apply planned.json && firebreak analyze planned.json

Exit codes: 0 the plan makes every critical service survive any single domain loss, 1 it cannot, 2 usage or input error.`)
    .action(async (specs: string[], flags: PlanFlags) => {
      process.exitCode = await runPlan(specs, flags);
    });
}
