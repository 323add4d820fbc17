/** What the commands share: flags, options, reading inputs, writing output, progress. */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { findTopology, readTopology, type LoadOptions, type Topology } from '../index.js';
import { UsageError } from '../errors.js';
import { SEVERITIES, type Severity } from '../analysis/types.js';
import { splitStackSpec } from '../ingest/index.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export interface AnalyzeFlags {
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
  allowOutsideProject?: boolean;
  availability?: boolean;
  topology?: string;
}

export function parseOrder(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 4) throw new InvalidArgumentError('use a whole number from 1 to 4 (2 finds pairs of events)');
  return n;
}

export function progress(message: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${message}`);
}

export function clearProgress(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
}

export function wantColor(flags: { color?: boolean; output?: string }): boolean {
  if (flags.color === false || flags.output) return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  return process.stdout.isTTY === true;
}

/** --topology, or firebreak.yaml at the root of the first project directory among the inputs. */
export function topologyFor(flags: { topology?: string }, specs: string[]): Topology | undefined {
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
export function today(): string {
  const fixed = process.env.FIREBREAK_TODAY;
  if (fixed !== undefined && fixed !== '') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(fixed)) throw new UsageError(`FIREBREAK_TODAY=${fixed}: expected a date as YYYY-MM-DD`);
    return fixed;
  }
  return new Date().toISOString().slice(0, 10);
}

/** How inputs are read: the stack of project directories, the properties rules read, the program time limit. */
export function loadOptions(flags: { stack?: string; programTimeout?: number; allowOutsideProject?: boolean }, keepProperties?: Set<string>): LoadOptions {
  return {
    ...(keepProperties ? { keepProperties } : {}),
    ...(flags.stack ? { stack: flags.stack } : {}),
    ...(flags.programTimeout !== undefined ? { programTimeout: flags.programTimeout } : {}),
    ...(flags.allowOutsideProject ? { allowOutsideProject: true } : {}),
  };
}

export function allowOutsideProjectOption(): Option {
  return new Option('--allow-outside-project', 'let a Pulumi YAML program read files (fn::readFile, main:, stackConfigDir) outside its project directory');
}

export function programTimeoutOption(): Option {
  return new Option('--program-timeout <seconds>', 'stop a Node.js program (run under mocks) that runs longer than this (default 120)').argParser((v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('use a number of seconds above 0');
    return n;
  });
}

export function writeText(file: string, text: string, what: string): void {
  try {
    writeFileSync(file, text);
  } catch (err) {
    throw new UsageError(`${file}: cannot write the ${what} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

export function output(text: string, flags: { output?: string; format: string }): void {
  if (flags.output) {
    writeText(flags.output, text, `${flags.format} report`);
    process.stderr.write(`firebreak: wrote ${flags.format} report to ${flags.output}\n`);
  } else process.stdout.write(text);
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export const INPUTS_ARG = 'stack exports / checkpoints / `pulumi preview --json` files, `-` for stdin, Pulumi project directories (DIR or DIR@STACK; YAML or Node.js programs); default: .';
export const PLAN_FORMATS = ['json', 'markdown', 'text'];

/** Options most commands take, each a fresh Option (commander keeps state in them). */
export const options = {
  output: (what = 'report') => new Option('-o, --output <file>', `write the ${what} to a file instead of stdout`),
  stack: () => new Option('-s, --stack <name>', 'stack of project directories that do not name one as DIR@STACK'),
  rules: () => new Option('--rules <path>', 'extra rule pack file or directory (repeatable; later packs take precedence)').argParser(collect).default([]),
  topology: () => new Option('--topology <file>', 'the topology file (default: firebreak.yaml at the root of a project directory input)'),
  tolerate: () => new Option('--tolerate <kind>', 'largest domain kind critical services must survive (zone, datacenter, region, provider, ...)').default('zone'),
  order: (what = 'also find shared risk groups: sets of up to k events that fail together what no single one does (2 = pairs)') => new Option('--order <k>', what).argParser(parseOrder).default(1),
  failOn: (what: string) => new Option('--fail-on <severity>', what).choices([...SEVERITIES, 'none']).default('high'),
  noColor: () => new Option('--no-color', 'no ANSI colour (also: NO_COLOR=1)'),
  format: (choices: readonly string[]) => new Option('-f, --format <format>', 'output format').choices(choices).default('text'),
};

/** Add options to a command, in order. */
export function withOptions(cmd: Command, list: Option[]): Command {
  for (const o of list) cmd.addOption(o);
  return cmd;
}

