#!/usr/bin/env node
/**
 * The firebreak command. The only place that prints or exits.
 * Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.
 */
import { writeFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { analyze, loadInputs, loadRules, render, FORMATS } from '../index.js';
import { InputError, UsageError, formatProblem } from '../errors.js';
import { SEVERITIES, severityRank, type AnalysisResult, type Severity } from '../analysis/types.js';
import { VERSION } from '../version.js';

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

function exitCodeFor(result: AnalysisResult, failOn: Severity | 'none'): number {
  if (failOn === 'none') return EXIT_OK;
  const threshold = severityRank(failOn);
  return result.findings.some((f) => severityRank(f.severity) >= threshold) ? EXIT_FINDINGS : EXIT_OK;
}

async function runAnalyze(specs: string[], flags: AnalyzeFlags): Promise<number> {
  if (!FORMATS.includes(flags.format)) throw new UsageError(`--format ${flags.format}: use one of ${FORMATS.join(', ')}`);
  const inputs = specs.length > 0 ? specs : ['.'];
  progress(`firebreak: reading ${inputs.join(', ')}...`);
  const rules = loadRules(flags.rules);
  const loaded = await loadInputs(inputs, { keepProperties: rules.properties, ...(flags.stack ? { stack: flags.stack } : {}) });
  progress(`firebreak: analyzing ${loaded.reduce((n, i) => n + i.resources.length, 0)} resources...`);
  const result = analyze(loaded, { tolerate: flags.tolerate, packs: rules.packs });
  clearProgress();
  const text = render(result, flags.format, { color: wantColor(flags) });
  if (flags.output) {
    try {
      writeFileSync(flags.output, text);
    } catch (err) {
      throw new UsageError(`--output ${flags.output}: cannot write the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    process.stderr.write(`firebreak: wrote ${flags.format} report to ${flags.output}\n`);
  } else {
    process.stdout.write(text);
  }
  return exitCodeFor(result, flags.failOn);
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

  program
    .command('analyze')
    .description('report every single point of failure, with the path that explains it')
    .argument('[inputs...]', 'stack export / checkpoint JSON files, `-` for stdin, or Pulumi project directories (DIR or DIR@STACK); default: .')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('-s, --stack <name>', 'stack of project directories that do not name one as DIR@STACK')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding at or above this severity is present').choices([...SEVERITIES, 'none']).default('high'))
    .option('--tolerate <kind>', 'largest domain kind critical services must survive (zone, datacenter, region, provider, ...)', 'zone')
    .option('--rules <path>', 'extra rule pack file or directory (repeatable; later packs take precedence)', collect, [])
    .option('--no-color', 'no ANSI colour (also: NO_COLOR=1)')
    .addHelpText(
      'after',
      `
Examples:
  $ pulumi stack export > stack.json && firebreak analyze stack.json
  $ firebreak analyze .@pangyo-2022                 # a Pulumi YAML project and its stack
  $ firebreak analyze stack.json --format json -o report.json
  $ firebreak analyze stack.json --tolerate region  # regions must be survived too

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.`,
    )
    .action(async (specs: string[], flags: AnalyzeFlags) => {
      process.exitCode = await runAnalyze(specs, flags);
    });

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

const code = await main(process.argv);
process.exitCode = code;
