/**
 * The firebreak command, as a function: `run(args, io)` parses the arguments,
 * runs the command against io and returns the exit code. It has no side effects
 * beyond io and the files the command writes; main.ts wires it to the process.
 * Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.
 */
import { Command, CommanderError } from 'commander';
import { InputError, UsageError, problemLines, visible } from '../errors.js';
import { forgetInputsRead } from '../index.js';
import { VERSION } from '../version.js';
import { addAnalyzeCommands } from './analyze.js';
import type { Io } from './io.js';
import { addPlanningCommands } from './planning.js';
import { addRulesCommand } from './rules.js';
import { EXIT_OK, EXIT_USAGE, clearProgress, flagOf, type Cli } from './shared.js';

export { flagOf } from './shared.js';

export type { Io } from './io.js';
export { processIo } from './io.js';

/** Colour in commander's own output (help, errors), by the conventions commander follows. */
function helpColors(io: Io, tty: boolean): boolean {
  const env = io.env;
  if (env.NO_COLOR || env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  if (env.FORCE_COLOR || env.CLICOLOR_FORCE !== undefined) return true;
  return tty;
}

export function buildProgram(cli: Cli): Command {
  const { io } = cli;
  const program = new Command();
  program
    .name('firebreak')
    .description('Find every single point of failure in Pulumi stacks: the data center, zone or lone shared tool whose loss takes services down.')
    .version(VERSION)
    .option('--debug', 'print stack traces for errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    // Before the commands are added: they inherit it.
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      // Commander's usage errors read as firebreak's own: `firebreak: error: unknown option '--x'`.
      outputError: (s, write) => write(s.replace(/^error: /, 'firebreak: error: ')),
      getOutHelpWidth: () => io.stdoutColumns ?? 80,
      getErrHelpWidth: () => io.stderrColumns ?? 80,
      getOutHasColors: () => helpColors(io, io.stdoutIsTTY),
      getErrHasColors: () => helpColors(io, io.stderrIsTTY),
    });
  addAnalyzeCommands(program, cli);
  addPlanningCommands(program, cli);
  addRulesCommand(program, cli);
  return program;
}

/** Run firebreak with these arguments (without the node and script paths); resolves to the exit code. */
export async function run(args: string[], io: Io): Promise<number> {
  const debug = args.includes('--debug');
  forgetInputsRead();
  const cli: Cli = { io, exitCode: EXIT_OK };
  const program = buildProgram(cli);
  try {
    if (args.length === 0) {
      program.outputHelp();
      return EXIT_USAGE;
    }
    await program.parseAsync(args, { from: 'user' });
    return cli.exitCode;
  } catch (err) {
    clearProgress(io);
    if (err instanceof CommanderError) {
      // Commander already printed its message (or the help / version).
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (err instanceof InputError) {
      for (const line of problemLines(err.problems, flagOf)) io.stderr(`firebreak: error: ${line}\n`);
    } else if (err instanceof UsageError) {
      io.stderr(`firebreak: error: ${err.messageWith(flagOf)}\n`);
    } else {
      io.stderr(`firebreak: internal error: ${visible(err instanceof Error ? err.message : String(err))} (please report it; run with --debug for details)\n`);
    }
    // The stack holds the message, which may hold input: each line shown as the message is (visible escapes).
    if (debug && err instanceof Error && err.stack) io.stderr(`${err.stack.split('\n').map(visible).join('\n')}\n`);
    return EXIT_USAGE;
  }
}
