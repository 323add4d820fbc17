#!/usr/bin/env node
/**
 * The firebreak command. The only place that prints or exits.
 * Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { analyze, loadInputs, loadRules, render, FORMATS } from '../index.js';
import { InputError, UsageError, formatProblem } from '../errors.js';
import { SEVERITIES, type AnalysisResult, type Severity } from '../analysis/types.js';
import { VERSION } from '../version.js';
import { applyBaseline, failingFindings } from '../analysis/gate.js';
import { readBaseline } from '../ingest/baseline.js';
import { renderBaseline } from '../report/baseline.js';
import { whatIf } from '../analysis/whatif.js';
import { compareResults, introducedAtOrAbove } from '../analysis/compare.js';
import { renderWhatIfJson, renderWhatIfMarkdown, renderWhatIfText } from '../report/whatif.js';
import { renderDiffJson, renderDiffMarkdown, renderDiffText } from '../report/diff.js';
import { buildModelFor, findTopology, readTopology, type LoadOptions, type Topology } from '../index.js';
import { splitStackSpec } from '../ingest/index.js';
import { domainTagOf, plan, plannedResources } from '../analysis/plan.js';
import { resolvePolicy } from '../analysis/index.js';
import { checkpointOf } from '../ingest/write.js';
import { renderPlanJson, renderPlanMarkdown, renderPlanText } from '../report/plan.js';
import { addRulesCommand } from './rules.js';

const EXIT_OK = 0;
const EXIT_FINDINGS = 1;
const EXIT_USAGE = 2;

interface AnalyzeFlags {
  format: string;
  output?: string;
  stack?: string;
  failOn: Severity | 'none';
  tolerate: string;
  rules: string[];
  color?: boolean;
  baseline?: string;
  updateBaseline?: boolean;
  order: number;
  programTimeout?: number;
  availability?: boolean;
  topology?: string;
}

function parseOrder(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 4) throw new InvalidArgumentError('use a whole number from 1 to 4 (2 finds pairs of events)');
  return n;
}

let debug = false;

function progress(message: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${message}`);
}

function clearProgress(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
}

function wantColor(flags: { color?: boolean; output?: string }): boolean {
  if (flags.color === false || flags.output) return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  return process.stdout.isTTY === true;
}

/** --topology, or firebreak.yaml at the root of the first project directory among the inputs. */
function topologyFor(flags: { topology?: string }, specs: string[]): Topology | undefined {
  if (flags.topology) return readTopology(flags.topology);
  for (const spec of specs) {
    if (spec === '-') continue;
    const { target } = splitStackSpec(spec);
    if (existsSync(target) && statSync(target).isDirectory()) {
      const file = findTopology(target);
      if (file) return readTopology(file);
    }
  }
  return undefined;
}

/** The date acceptances expire against: today (UTC), or FIREBREAK_TODAY (YYYY-MM-DD) for reproducible runs. */
function today(): string {
  const fixed = process.env.FIREBREAK_TODAY;
  if (fixed !== undefined && fixed !== '') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(fixed)) throw new UsageError(`FIREBREAK_TODAY=${fixed}: expected a date as YYYY-MM-DD`);
    return fixed;
  }
  return new Date().toISOString().slice(0, 10);
}

/** How inputs are read: the stack of project directories, the properties rules read, the program time limit. */
function loadOptions(flags: { stack?: string; programTimeout?: number }, keepProperties?: Set<string>): LoadOptions {
  return {
    ...(keepProperties ? { keepProperties } : {}),
    ...(flags.stack ? { stack: flags.stack } : {}),
    ...(flags.programTimeout !== undefined ? { programTimeout: flags.programTimeout } : {}),
  };
}

function programTimeoutOption(): Option {
  return new Option('--program-timeout <seconds>', 'stop a Node.js program (run under mocks) that runs longer than this (default 120)').argParser((v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('use a number of seconds above 0');
    return n;
  });
}

async function analyzeInputs(specs: string[], flags: AnalyzeFlags): Promise<AnalysisResult> {
  if (!FORMATS.includes(flags.format)) throw new UsageError(`--format ${flags.format}: use one of ${FORMATS.join(', ')}`);
  const inputs = specs.length > 0 ? specs : ['.'];
  progress(`firebreak: reading ${inputs.join(', ')}...`);
  const rules = loadRules(flags.rules);
  const loaded = await loadInputs(inputs, loadOptions(flags, rules.properties));
  progress(`firebreak: analyzing ${loaded.reduce((n, i) => n + i.resources.length, 0)} resources...`);
  const topology = topologyFor(flags, inputs);
  const result = analyze(loaded, {
    tolerate: flags.tolerate,
    packs: rules.packs,
    order: flags.order,
    includeModel: flags.format === 'html',
    availability: flags.availability === true,
    ...(topology ? { topology, today: today() } : {}),
  });
  clearProgress();
  return result;
}

function writeText(file: string, text: string, what: string): void {
  try {
    writeFileSync(file, text);
  } catch (err) {
    throw new UsageError(`${file}: cannot write the ${what} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

function emit(result: AnalysisResult, flags: AnalyzeFlags): void {
  const text = render(result, flags.format, { color: wantColor(flags) });
  if (flags.output) {
    writeText(flags.output, text, `${flags.format} report`);
    process.stderr.write(`firebreak: wrote ${flags.format} report to ${flags.output}\n`);
  } else {
    process.stdout.write(text);
  }
}

async function runAnalyze(specs: string[], flags: AnalyzeFlags): Promise<number> {
  let result = await analyzeInputs(specs, flags);
  if (flags.baseline) result = applyBaseline(result, readBaseline(flags.baseline));
  emit(result, flags);
  return failingFindings(result, flags.failOn).length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

async function runCheck(specs: string[], flags: AnalyzeFlags): Promise<number> {
  if (flags.updateBaseline && !flags.baseline) throw new UsageError('--update-baseline needs --baseline <file> to write');
  let result = await analyzeInputs(specs, flags);
  if (flags.updateBaseline) {
    writeText(flags.baseline!, renderBaseline(result), 'baseline');
    process.stderr.write(`firebreak: wrote ${result.findings.length} finding(s) to the baseline ${flags.baseline}\n`);
    return EXIT_OK;
  }
  if (flags.baseline) result = applyBaseline(result, readBaseline(flags.baseline));
  emit(result, flags);
  const failing = failingFindings(result, flags.failOn);
  const accepted = result.baseline ? `; ${result.baseline.unchanged} in the baseline` : '';
  if (failing.length > 0) {
    process.stderr.write(`firebreak check: FAILED: ${failing.length} finding(s) at or above ${flags.failOn}${result.baseline ? ' not in the baseline' : ''}${accepted}\n`);
    return EXIT_FINDINGS;
  }
  process.stderr.write(`firebreak check: passed: no ${result.baseline ? 'new ' : ''}finding at or above ${flags.failOn}${accepted}\n`);
  return EXIT_OK;
}

const PLAN_FORMATS = ['json', 'markdown', 'text'];

function output(text: string, flags: { output?: string; format: string }): void {
  if (flags.output) {
    writeText(flags.output, text, `${flags.format} report`);
    process.stderr.write(`firebreak: wrote ${flags.format} report to ${flags.output}\n`);
  } else process.stdout.write(text);
}

async function runWhatIf(specs: string[], flags: AnalyzeFlags & { fail: string[] }): Promise<number> {
  if (flags.fail.length === 0) throw new UsageError('whatif needs at least one --fail <domain|component>');
  const inputs = specs.length > 0 ? specs : ['.'];
  const rules = loadRules(flags.rules);
  const loaded = await loadInputs(inputs, loadOptions(flags, rules.properties));
  const topology = topologyFor(flags, inputs);
  const model = buildModelFor(loaded, { packs: rules.packs, ...(topology ? { topology } : {}) });
  const result = whatIf(model, flags.fail, loaded.map((i) => ({ input: i.input, project: i.project, stack: i.stack })));
  const text = flags.format === 'json' ? renderWhatIfJson(result) : flags.format === 'markdown' ? renderWhatIfMarkdown(result) : renderWhatIfText(result, { color: wantColor(flags) });
  output(text, flags);
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
  const text = flags.format === 'json' ? renderDiffJson(diff) : flags.format === 'markdown' ? renderDiffMarkdown(diff) : renderDiffText(diff, { color: wantColor(flags) });
  output(text, flags);
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
  const text = flags.format === 'json' ? renderPlanJson(result) : flags.format === 'markdown' ? renderPlanMarkdown(result) : renderPlanText(result, { color: wantColor(flags) });
  output(text, flags);
  if (flags.apply) {
    const resources = plannedResources(loaded, result, domainTagOf(model, result.newDomain));
    writeText(flags.apply, JSON.stringify(checkpointOf(loaded, resources), null, 2) + '\n', 'planned state');
    process.stderr.write(`firebreak: wrote the planned estate to ${flags.apply}; check it with \`firebreak analyze ${flags.apply}\`\n`);
  }
  return result.after.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('firebreak')
    .description('Find every single point of failure in Pulumi stacks: the data center, zone or lone shared tool whose loss takes services down.')
    .version(VERSION)
    .option('--debug', 'print stack traces for errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  const inputsArg = 'stack exports / checkpoints / `pulumi preview --json` files, `-` for stdin, or Pulumi project directories (DIR or DIR@STACK); default: .';
  const common = (cmd: Command): Command =>
    cmd
      .argument('[inputs...]', inputsArg)
      .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text'))
      .option('-o, --output <file>', 'write the report to a file instead of stdout')
      .option('-s, --stack <name>', 'stack of project directories that do not name one as DIR@STACK')
      .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding at or above this severity is present (and not in the baseline)').choices([...SEVERITIES, 'none']).default('high'))
      .option('--tolerate <kind>', 'largest domain kind critical services must survive (zone, datacenter, region, provider, ...)', 'zone')
      .option('--rules <path>', 'extra rule pack file or directory (repeatable; later packs take precedence)', collect, [])
      .option('--order <k>', 'also find shared risk groups: sets of up to k events that fail together what no single one does (2 = pairs)', parseOrder, 1)
      .option('--availability', 'estimate each critical service\'s availability (nines) from its minimal cut sets and assumed failure rates')
      .option('--topology <file>', 'the topology file (default: firebreak.yaml at the root of a project directory input)')
      .option('--baseline <file>', 'findings accepted as they stand (a file written by `firebreak check --update-baseline`)')
      .addOption(programTimeoutOption())
      .option('--no-color', 'no ANSI colour (also: NO_COLOR=1)');

  common(program.command('analyze').description('report every single point of failure, with the path that explains it'))
    .addHelpText(
      'after',
      `
Examples:
  $ pulumi stack export > stack.json && firebreak analyze stack.json
  $ firebreak analyze .@pangyo-2022                 # a Pulumi YAML project and its stack
  $ firebreak analyze stack.json --format json -o report.json
  $ firebreak analyze stack.json --tolerate region  # regions must be survived too
  $ firebreak analyze stack.json --order 2          # pairs of events that fail services together

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.`,
    )
    .action(async (specs: string[], flags: AnalyzeFlags) => {
      process.exitCode = await runAnalyze(specs, flags);
    });

  common(program.command('check').description('gate a change in CI: fail when it brings a single point of failure at or above --fail-on that is not in the baseline'))
    .option('--update-baseline', 'write every current finding to the --baseline file and exit 0')
    .addHelpText(
      'after',
      `
Examples:
  $ pulumi preview --json --show-sames > preview.json && firebreak check preview.json
  $ firebreak check preview.json --baseline firebreak-baseline.yaml --format sarif -o firebreak.sarif
  $ firebreak check stack.json --baseline firebreak-baseline.yaml --update-baseline

Exit codes: 0 passed, 1 a finding at or above --fail-on is not in the baseline, 2 usage or input error.`,
    )
    .action(async (specs: string[], flags: AnalyzeFlags) => {
      process.exitCode = await runCheck(specs, flags);
    });

  program
    .command('whatif')
    .description('the state of every service after the failures you name, why, and what brings each back')
    .argument('[inputs...]', inputsArg)
    .addOption(programTimeoutOption())
    .option('--fail <name>', 'a domain (path or last segments, e.g. pangyo) or component (name or URN) to fail; repeatable', collect, [])
    .option('--topology <file>', 'the topology file (default: firebreak.yaml at the root of a project directory input)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(PLAN_FORMATS).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('-s, --stack <name>', 'stack of project directories that do not name one as DIR@STACK')
    .option('--rules <path>', 'extra rule pack file or directory (repeatable)', collect, [])
    .option('--no-color', 'no ANSI colour (also: NO_COLOR=1)')
    .addHelpText('after', `
Examples:
  $ firebreak whatif --fail pangyo .@pangyo-2022
  $ firebreak whatif --fail us-east-1a --fail orders-db stack.json --format json`)
    .action(async (specs: string[], flags: AnalyzeFlags & { fail: string[] }) => {
      process.exitCode = await runWhatIf(specs, flags);
    });

  program
    .command('diff')
    .description('findings resolved, introduced and unchanged between two inputs, and the domain losses each service survives')
    .addOption(programTimeoutOption())
    .argument('<before>', 'an export, checkpoint, preview, or DIR@STACK')
    .argument('<after>', 'an export, checkpoint, preview, or DIR@STACK')
    .addOption(new Option('-f, --format <format>', 'output format').choices(PLAN_FORMATS).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('-s, --stack <name>', 'stack of project directories that do not name one as DIR@STACK')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when the after side introduces a finding at or above this severity').choices([...SEVERITIES, 'none']).default('high'))
    .option('--tolerate <kind>', 'largest domain kind critical services must survive', 'zone')
    .option('--order <k>', 'also compare shared risk groups up to k events', parseOrder, 1)
    .option('--topology <file>', 'the topology file (default: firebreak.yaml at the root of a project directory input)')
    .option('--rules <path>', 'extra rule pack file or directory (repeatable)', collect, [])
    .option('--no-color', 'no ANSI colour (also: NO_COLOR=1)')
    .addHelpText('after', `
Examples:
  $ firebreak diff .@pangyo-2022 .@ansan-2023
  $ firebreak diff stack.json preview.json --format markdown

Exit codes: 0 nothing introduced at or above --fail-on, 1 otherwise, 2 usage or input error.`)
    .action(async (before: string, after: string, flags: AnalyzeFlags) => {
      process.exitCode = await runDiff(before, after, flags);
    });

  program
    .command('plan')
    .description('the fewest components to duplicate into a new domain so every critical service survives any single domain loss, in waves')
    .argument('[inputs...]', inputsArg)
    .addOption(programTimeoutOption())
    .requiredOption('--add-domain <name>', 'the new domain (a data center, zone...) to duplicate into')
    .option('--from <domain>', 'the domain the new one stands beside (same parent and kind); default: the one whose loss hurts most')
    .option('--apply <file>', 'also write the planned estate as a Pulumi checkpoint, to analyze and prove the plan')
    .option('--topology <file>', 'the topology file (default: firebreak.yaml at the root of a project directory input)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(PLAN_FORMATS).default('text'))
    .option('-o, --output <file>', 'write the plan to a file instead of stdout')
    .option('-s, --stack <name>', 'stack of project directories that do not name one as DIR@STACK')
    .option('--tolerate <kind>', 'largest domain kind critical services must survive', 'zone')
    .option('--rules <path>', 'extra rule pack file or directory (repeatable)', collect, [])
    .option('--no-color', 'no ANSI colour (also: NO_COLOR=1)')
    .addHelpText('after', `
Examples:
  $ firebreak plan --add-domain ansan .@pangyo-2022
  $ firebreak plan --add-domain ansan --from pangyo .@pangyo-2022 --apply planned.json && firebreak analyze planned.json

Exit codes: 0 the plan makes every critical service survive any single domain loss, 1 it cannot, 2 usage or input error.`)
    .action(async (specs: string[], flags: PlanFlags) => {
      process.exitCode = await runPlan(specs, flags);
    });

  addRulesCommand(program);

  return program;
}

export async function main(argv: string[]): Promise<number> {
  debug = argv.includes('--debug');
  const program = buildProgram();
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return EXIT_USAGE;
    }
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (err) {
    clearProgress();
    if (err instanceof CommanderError) {
      // Commander already printed its message (or the help / version).
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (err instanceof InputError) {
      for (const p of err.problems) process.stderr.write(`firebreak: error: ${formatProblem(p)}\n`);
    } else if (err instanceof UsageError) {
      process.stderr.write(`firebreak: error: ${err.message}\n`);
    } else {
      process.stderr.write(`firebreak: internal error: ${err instanceof Error ? err.message : String(err)} (please report it; run with --debug for details)\n`);
    }
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return EXIT_USAGE;
  }
}

// A reader that stops early (`firebreak ... | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const code = await main(process.argv);
process.exitCode = code;
