/** `firebreak analyze` (the report) and `firebreak check` (the CI gate). */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { analyze, check, loadInputs, loadRules, readBaseline, render, renderDocument, FORMATS, type AnalysisResult, type CheckResult } from '../index.js';
import { UsageError } from '../errors.js';
import {
  EXIT_FINDINGS, EXIT_OK, INPUTS_ARG, clearProgress, inputSpecs, loadOptions, options, output, programTimeoutOption, allowOutsideProjectOption, jobsOption, progress, rulePaths, sarifRoot, today, topologyFor, wantColor,
  withOptions, writeText, type AnalyzeFlags, type Cli,
} from './shared.js';
import { resolvePath, type Io } from './io.js';

async function analyzeInputs(io: Io, specs: string[], flags: AnalyzeFlags): Promise<AnalysisResult> {
  if (!FORMATS.includes(flags.format)) throw new UsageError(`--format ${flags.format}: use one of ${FORMATS.join(', ')}`);
  const inputs = inputSpecs(io, specs);
  progress(io, `firebreak: reading ${inputs.join(', ')}...`);
  const rules = loadRules(rulePaths(io, flags.rules));
  const loaded = await loadInputs(inputs, loadOptions(io, flags, rules.properties));
  progress(io, `firebreak: analyzing ${loaded.reduce((n, i) => n + i.resources.length, 0)} resources...`);
  const topology = topologyFor(io, flags, inputs);
  const result = analyze(loaded, {
    tolerate: flags.tolerate,
    packs: rules.packs,
    order: flags.order,
    ...(flags.maxSeconds !== undefined ? { maxSeconds: flags.maxSeconds } : {}),
    includeModel: flags.format === 'html',
    availability: flags.availability === true,
    ...(topology ? { topology, today: today(io) } : {}),
  });
  clearProgress(io);
  return result;
}

/** On a terminal (and not writing to a file), text wraps to its width. */
function terminalWidth(io: Io, flags: AnalyzeFlags): { width?: number } {
  return !flags.output && io.stdoutIsTTY && io.stdoutColumns ? { width: io.stdoutColumns } : {};
}

/** The gate over the result, with --baseline; the report of what it found. */
function gateAndEmit(io: Io, result: AnalysisResult, flags: AnalyzeFlags): CheckResult {
  const gated = check(result, flags.failOn, flags.baseline ? readBaseline(resolvePath(io, flags.baseline)) : undefined);
  const sarif = flags.format === 'sarif' ? { sarif: sarifRoot(io, flags) } : {};
  output(io, render(gated.result, flags.format, { color: wantColor(io, flags), failOn: flags.failOn, ...terminalWidth(io, flags), ...sarif }), flags);
  return gated;
}

async function runAnalyze(io: Io, specs: string[], flags: AnalyzeFlags): Promise<number> {
  return gateAndEmit(io, await analyzeInputs(io, specs, flags), flags).failing.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

async function runCheck(io: Io, specs: string[], flags: AnalyzeFlags): Promise<number> {
  if (flags.updateBaseline && !flags.baseline) throw new UsageError('--update-baseline needs --baseline <file> to write');
  const result = await analyzeInputs(io, specs, flags);
  if (flags.updateBaseline) {
    writeText(io, flags.baseline!, renderDocument('baseline', result, 'yaml'), 'baseline');
    io.stderr(`firebreak: wrote ${result.findings.length} finding(s) to the baseline ${flags.baseline}\n`);
    return EXIT_OK;
  }
  const gated = gateAndEmit(io, result, flags);
  io.stderr(renderDocument('check', gated, 'text'));
  return gated.failing.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/** The options analyze and check share. */
function common(cmd: Command): Command {
  return withOptions(cmd.argument('[inputs...]', INPUTS_ARG), [
    options.format(FORMATS),
    options.output(),
    options.stack(),
    options.failOn('exit 1 when a finding at or above this severity is present (and not in the baseline or accepted)'),
    options.tolerate(),
    options.rules(),
    options.order(),
    new Option('--max-seconds <seconds>', 'stop the --order / --availability search after this many seconds (default 60); the report says what it covered')
      .argParser((v: string): number => {
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('use a number of seconds above 0');
        return n;
      })
      .default(60),
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
  $ pulumi stack export > stack.json && firebreak analyze stack.json
  $ firebreak analyze .@pangyo-2022                 # a Pulumi YAML project and its stack
  $ firebreak analyze stack.json --format json -o report.json
  $ firebreak analyze stack.json --tolerate region  # regions must be survived too
  $ firebreak analyze stack.json --order 2          # pairs of events that fail services together

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.`,
    )
    .action(async (specs: string[], flags: AnalyzeFlags) => {
      cli.exitCode = await runAnalyze(cli.io, specs, flags);
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
      cli.exitCode = await runCheck(cli.io, specs, flags);
    });

}
