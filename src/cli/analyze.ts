/** `firebreak analyze` (the report) and `firebreak check` (the CI gate). */
import { Option, type Command } from 'commander';
import {
  analyze,
  check,
  checkFailed,
  loadInputs,
  loadRules,
  partialPreviews,
  readBaseline,
  render,
  renderDocument,
  FORMATS,
  SEVERITIES,
  type AnalysisResult,
  type CheckResult,
  type StackInput,
  type Topology,
} from '../index.js';
import { InputError, UsageError, visible } from '../errors.js';
import {
  EXIT_FINDINGS,
  EXIT_OK,
  INPUTS_ARG,
  applyCliDefaults,
  clearProgress,
  collect,
  flagOf,
  inputSpecs,
  loadOptions,
  options,
  output,
  outputTargets,
  programTimeoutOption,
  allowOutsideProjectOption,
  jobsOption,
  progress,
  progressLine,
  rulePaths,
  sarifRoot,
  today,
  topologyFor,
  wantColor,
  withOptions,
  writeText,
  type AnalyzeFlags,
  type Cli,
  type OutputTarget,
} from './shared.js';
import { resolvePath, type Io } from './io.js';

/** What one run of analyze or check reads and writes: its inputs (resolved), its topology, its reports. */
interface Run {
  inputs: string[];
  topology?: Topology;
  targets: OutputTarget[];
}

/**
 * Resolve the inputs, read the topology file, apply its `cli:` defaults under the
 * options given, and decide every report the run writes, before reading any input.
 */
async function prepare(io: Io, specs: string[], flags: AnalyzeFlags, cmd: Command): Promise<Run> {
  const inputs = await inputSpecs(io, specs);
  const topology = topologyFor(io, flags, inputs);
  if (topology) applyCliDefaults(cmd, flags, topology.cli, topology.file);
  if (!FORMATS.includes(flags.format)) throw new UsageError(`--format ${flags.format}: use one of ${FORMATS.join(', ')}`);
  const targets = outputTargets(flags, cmd.getOptionValueSource('format') === 'cli', FORMATS);
  return { inputs, ...(topology ? { topology } : {}), targets };
}

async function analyzeInputs(io: Io, run: Run, flags: AnalyzeFlags): Promise<{ result: AnalysisResult; loaded: StackInput[] }> {
  const { inputs, topology } = run;
  progress(io, `firebreak: reading ${visible(inputs.join(', '))}...`);
  const rules = loadRules(rulePaths(io, flags.rules));
  const loaded = await loadInputs(inputs, loadOptions(io, flags, rules.properties));
  const result = analyze(loaded, {
    onProgress: progressLine(io),
    optionName: flagOf,
    tolerate: flags.tolerate,
    packs: rules.packs,
    order: flags.order,
    ...(flags.maxSeconds !== undefined ? { maxSeconds: flags.maxSeconds } : {}),
    includeModel: run.targets.some((t) => t.format === 'html'),
    availability: flags.availability === true,
    ...(topology ? { topology, today: today(io) } : {}),
  });
  clearProgress(io);
  return { result, loaded };
}

/** On a terminal (and not writing to a file), text wraps to its width. */
function terminalWidth(io: Io, target: OutputTarget): { width?: number } {
  return !target.file && io.stdoutIsTTY && io.stdoutColumns ? { width: io.stdoutColumns } : {};
}

/** The gate over the result, with --baseline; every report of what it found, each rendered from the same result. */
function gateAndEmit(io: Io, result: AnalysisResult, flags: AnalyzeFlags, run: Run): CheckResult {
  const failOnUnjudged = flags.failOnUnjudged === true;
  const gated = check(result, flags.failOn, flags.baseline ? readBaseline(resolvePath(io, flags.baseline)) : undefined, { failOnUnjudged });
  const display = {
    failOn: flags.failOn,
    failOnUnjudged,
    ...(flags.severity ? { severity: flags.severity } : {}),
    ...(flags.quiet ? { quiet: true } : {}),
  };
  for (const target of run.targets) {
    const sarif = target.format === 'sarif' ? { sarif: sarifRoot(io, flags) } : {};
    const color = !target.file && wantColor(io, { ...flags, output: undefined });
    output(io, render(gated.result, target.format, { color, ...display, ...terminalWidth(io, target), ...sarif }), {
      format: target.format,
      ...(target.file ? { output: target.file } : {}),
    });
  }
  return gated;
}

async function runAnalyze(io: Io, specs: string[], flags: AnalyzeFlags, cmd: Command): Promise<number> {
  const run = await prepare(io, specs, flags, cmd);
  return checkFailed(gateAndEmit(io, (await analyzeInputs(io, run, flags)).result, flags, run)) ? EXIT_FINDINGS : EXIT_OK;
}

/** check judges a whole stack: a preview without its unchanged resources is refused (unless --allow-partial-preview). */
function refusePartialPreviews(loaded: StackInput[], flags: AnalyzeFlags): void {
  if (flags.allowPartialPreview) return;
  const partial = partialPreviews(loaded);
  if (partial.length > 0) throw new InputError(partial);
}

async function runCheck(io: Io, specs: string[], flags: AnalyzeFlags, cmd: Command): Promise<number> {
  const run = await prepare(io, specs, flags, cmd);
  if (flags.updateBaseline && !flags.baseline) throw new UsageError('--update-baseline needs --baseline <file> to write');
  const { result, loaded } = await analyzeInputs(io, run, flags);
  refusePartialPreviews(loaded, flags);
  if (flags.updateBaseline) {
    // Never over an input of this run (`--baseline Pulumi.yaml` would replace the program).
    writeText(io, flags.baseline!, renderDocument('baseline', result, 'yaml'), 'baseline', true);
    io.stderr(`firebreak: wrote ${result.findings.length} finding(s) to the baseline ${flags.baseline}\n`);
    return EXIT_OK;
  }
  const gated = gateAndEmit(io, result, flags, run);
  io.stderr(renderDocument('check', gated, 'text'));
  return checkFailed(gated) ? EXIT_FINDINGS : EXIT_OK;
}

/** The options analyze and check share. */
function common(cmd: Command): Command {
  return withOptions(cmd.argument('[inputs...]', INPUTS_ARG), [
    options.format(FORMATS),
    new Option(
      '-o, --output <file>',
      'write the report to a file instead of stdout; its format follows the name (.sarif, .json, .md, .xml, .html, .dot, .mmd, .txt) unless --format says',
    ),
    new Option('--output-format <format=file>', 'also write the report in this format to this file, from the same run (repeatable): sarif=firebreak.sarif')
      .argParser(collect)
      .default([]),
    new Option('--severity <level>', 'show only findings at or above this severity (the exit code still follows --fail-on)').choices([...SEVERITIES]),
    new Option('-q, --quiet', 'text and markdown: only the verdict and the failing findings'),
    options.stack(),
    options.failOn('exit 1 when a finding at or above this severity is present (and not in the baseline or accepted)'),
    new Option(
      '--fail-on-unjudged',
      'exit 1 too when a resource that could fail was not judged (no rule, placement unknown, a component package alone); off by default',
    ),
    options.tolerate(),
    options.rules(),
    options.order(),
    options.maxSeconds(),
    new Option('--availability', "estimate each critical service's availability (nines) from its minimal cut sets and assumed failure rates"),
    options.topology(),
    new Option('--baseline <file>', 'findings accepted as they stand (a file written by `firebreak check --update-baseline`)'),
    programTimeoutOption(),
    jobsOption(),
    new Option('--sarif-root <dir>', 'with --format sarif: make file URIs relative to this directory (default: the git top level, else the working directory)'),
    allowOutsideProjectOption(),
    options.noColor(),
  ]);
}

export function addAnalyzeCommands(program: Command, cli: Cli): void {
  common(program.command('analyze').description('report every single point of failure, with the path that explains it'))
    .addHelpText(
      'after',
      `
Examples:
  $ pulumi stack export | firebreak analyze         # piped stdin is read when no input is named
  $ firebreak analyze                               # the project here or above, its selected stack
  $ pulumi stack export > stack.json && firebreak analyze stack.json
  $ firebreak analyze .@pangyo-2022                 # a Pulumi YAML project and its stack
  $ firebreak analyze stack.json -o report.json     # the format follows the file name
  $ firebreak analyze stack.json --output-format sarif=firebreak.sarif --output-format markdown=summary.md
  $ firebreak analyze stack.json --tolerate region  # regions must be survived too
  $ firebreak analyze stack.json --order 2          # pairs of events that fail services together

Exit codes: 0 clean, 1 findings at or above --fail-on (or, with --fail-on-unjudged, resources not judged), 2 usage or input error.`,
    )
    .action(async (specs: string[], flags: AnalyzeFlags, cmd: Command) => {
      cli.exitCode = await runAnalyze(cli.io, specs, flags, cmd);
    });

  common(
    program
      .command('check')
      .description('gate a change in CI: fail when it brings a single point of failure at or above --fail-on that is not in the baseline'),
  )
    .option('--update-baseline', 'write every current finding to the --baseline file and exit 0')
    .option(
      '--allow-partial-preview',
      'accept a `pulumi preview --json` made without --show-sames (by default check refuses it: it lacks the unchanged resources)',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ pulumi preview --json --show-sames > preview.json && firebreak check preview.json
  $ firebreak check preview.json --baseline firebreak-baseline.yaml -o firebreak.sarif --output-format markdown=summary.md
  $ firebreak check stack.json --baseline firebreak-baseline.yaml --update-baseline

Exit codes: 0 passed, 1 a finding at or above --fail-on is not in the baseline (or, with --fail-on-unjudged, a resource was not judged), 2 usage or input error.`,
    )
    .action(async (specs: string[], flags: AnalyzeFlags, cmd: Command) => {
      cli.exitCode = await runCheck(cli.io, specs, flags, cmd);
    });
}
