#!/usr/bin/env node
/**
 * The firebreak command. The cli is the only place that prints or exits.
 * Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.
 */
import { Command, CommanderError } from 'commander';
import { InputError, UsageError, formatProblem } from '../errors.js';
import { visible } from '../visible.js';
import { VERSION } from '../version.js';
import { addAnalyzeCommands } from './analyze.js';
import { addPlanningCommands } from './planning.js';
import { addRulesCommand } from './rules.js';
import { EXIT_OK, EXIT_USAGE, clearProgress } from './shared.js';

let debug = false;

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('firebreak')
    .description('Find every single point of failure in Pulumi stacks: the data center, zone or lone shared tool whose loss takes services down.')
    .version(VERSION)
    .option('--debug', 'print stack traces for errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  addAnalyzeCommands(program);
  addPlanningCommands(program);
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
      process.stderr.write(`firebreak: internal error: ${visible(err instanceof Error ? err.message : String(err))} (please report it; run with --debug for details)\n`);
    }
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return EXIT_USAGE;
  }
}

// A reader that stops early (`firebreak ... | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    // A full disk or a closed descriptor: one line on stderr (if it still takes one), exit 2.
    try {
      if (stream === process.stdout) process.stderr.write(`firebreak: error: cannot write the output to stdout (${err.code ?? 'write error'})\n`);
    } finally {
      process.exit(EXIT_USAGE);
    }
  });
}

const code = await main(process.argv);
process.exitCode = code;
