/** `firebreak analyze` (the report) and `firebreak check` (the CI gate). */
import { Option, type Command } from 'commander';
import { analyze, loadInputs, loadRules, render, FORMATS } from '../index.js';
import { UsageError } from '../errors.js';
import type { AnalysisResult } from '../analysis/types.js';
import { applyBaseline, failingFindings } from '../analysis/gate.js';
import { readBaseline } from '../ingest/baseline.js';
import { renderBaseline } from '../report/baseline.js';
import {
  EXIT_FINDINGS, EXIT_OK, INPUTS_ARG, clearProgress, loadOptions, options, output, programTimeoutOption, allowOutsideProjectOption, progress, today, topologyFor, wantColor, withOptions, writeText,
  type AnalyzeFlags,
} from './shared.js';

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

function emit(result: AnalysisResult, flags: AnalyzeFlags): void {
  output(render(result, flags.format, { color: wantColor(flags) }), flags);
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
    new Option('--availability', "estimate each critical service's availability (nines) from its minimal cut sets and assumed failure rates"),
    options.topology(),
    new Option('--baseline <file>', 'findings accepted as they stand (a file written by `firebreak check --update-baseline`)'),
    programTimeoutOption(),
    allowOutsideProjectOption(),
    options.noColor(),
  ]);
}

export function addAnalyzeCommands(program: Command): void {
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

}
