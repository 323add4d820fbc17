/** What the commands share: flags, options, reading inputs, writing output, progress. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  SEVERITIES,
  defaultInputs,
  findProjectFileUpward,
  formatOfFile,
  pulumiHome,
  writeFileAtomic,
  readTopology,
  sarifRootOf,
  topologyOfInputs,
  type CliDefaults,
  type LoadOptions,
  type ProgressListener,
  type Severity,
  type Topology,
} from '../index.js';
import { UsageError, visible } from '../errors.js';
import { resolvePath, type Io } from './io.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export interface AnalyzeFlags {
  format: string;
  output?: string;
  stack?: string;
  failOn: Severity | 'none';
  failOnUnjudged?: boolean;
  tolerate: string;
  rules: string[];
  color?: boolean;
  baseline?: string;
  updateBaseline?: boolean;
  order: number;
  maxSeconds?: number;
  programTimeout?: number;
  allowOutsideProject?: boolean;
  jobs?: number;
  availability?: boolean;
  topology?: string;
  sarifRoot?: string;
  outputFormat: string[];
  severity?: Severity;
  quiet?: boolean;
  allowPartialPreview?: boolean;
}

export function parseOrder(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 4) throw new InvalidArgumentError('use a whole number from 1 to 4 (2 finds pairs of events)');
  return n;
}

/** The flag of a library option (errors name options as the library spells them): addDomain -> --add-domain. */
export function flagOf(option: string): string {
  return `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** A command's world (io) and the exit code its action sets. */
export interface Cli {
  io: Io;
  exitCode: number;
}

export function progress(io: Io, message: string): void {
  if (io.stderrIsTTY) io.stderr(`\r\x1b[2K${message}`);
}

export function clearProgress(io: Io): void {
  if (io.stderrIsTTY) io.stderr('\r\x1b[2K');
}

/**
 * The library's progress (LoadOptions / AnalyzeOptions onProgress) as the line on a terminal: which input is read
 * when there are several, how many resources are analyzed, and how far the shared-risk-group search is (at most
 * five times a second).
 */
export function progressLine(io: Io): ProgressListener {
  let resources = 0;
  let shown = 0;
  return (phase, done, total, what) => {
    if (!io.stderrIsTTY) return;
    if (phase === 'read') {
      if (total > 1 && done < total) progress(io, `firebreak: reading ${visible(what ?? '')} (${done + 1} of ${total})...`);
    } else if (phase === 'classify' && done === 0) {
      resources = total;
      progress(io, `firebreak: analyzing ${total} resources...`);
    } else if (phase === 'search' && done < total && Date.now() - shown >= 200) {
      shown = Date.now();
      progress(io, `firebreak: analyzing ${resources} resources: ${what ?? 'sets'} events (${done} of ${total})...`);
    }
  };
}

/**
 * Colour in a report: on a terminal, unless --no-color, -o, NO_COLOR (not empty) or FORCE_COLOR=0 / false (Node's
 * convention, which picocolors alone would read as on). A FORCE_COLOR that asks for colour does not colour a pipe.
 */
export function wantColor(io: Io, flags: { color?: boolean; output?: string }): boolean {
  if (flags.color === false || flags.output) return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR === '0' || io.env.FORCE_COLOR === 'false') return false;
  return io.stdoutIsTTY;
}

const stdinRead = new WeakMap<Io, Promise<string>>();

/** Standard input, read once per io (a command may look at it before reading its inputs). */
export function readStdinOnce(io: Io): Promise<string> {
  let text = stdinRead.get(io);
  if (!text) stdinRead.set(io, (text = io.readStdin()));
  return text;
}

/**
 * Input specs (files, `-`, DIR or DIR@STACK) with relative paths resolved against io.cwd.
 * None named: standard input when it is piped and not empty, else the Pulumi project of
 * the working directory or the nearest one above it, else PULUMI_BACKEND_URL (file://), else `.`.
 */
export async function inputSpecs(io: Io, specs: string[]): Promise<string[]> {
  if (specs.length === 0 && io.stdinIsPiped && (await readStdinOnce(io)).trim() !== '') return ['-'];
  const chosen = specs.length > 0 ? specs : defaultInputs(io.env, io.cwd);
  if (
    specs.length === 0 &&
    chosen.length === 1 &&
    chosen[0] === '.' &&
    !findProjectFileUpward(io.cwd) &&
    !existsSync(path.join(io.cwd, '.pulumi')) &&
    path.basename(io.cwd) !== '.pulumi'
  ) {
    // Nothing named and nothing to default to: say what to name, not that `.` lacks a Pulumi.yaml.
    throw new UsageError(
      'no input named, and no Pulumi project (Pulumi.yaml) here or above: name a `pulumi stack export` file, a preview or a project directory, or pipe one in (`pulumi stack export | firebreak analyze`)',
    );
  }
  return chosen.map((s) => resolvePath(io, s));
}

/**
 * Defaults from the topology file's `cli:` section, for every option not given on the
 * command line (paths there are already resolved against the file's directory).
 * Keys of options this command does not have are left alone.
 */
export function applyCliDefaults(cmd: Command, flags: object, defaults: CliDefaults | undefined, file: string): void {
  if (!defaults) return;
  const known = new Map(cmd.options.map((o) => [o.attributeName(), o]));
  for (const [key, value] of Object.entries(defaults)) {
    const option = known.get(key);
    if (value === undefined || !option) continue;
    if (option.argChoices && !option.argChoices.includes(String(value))) {
      throw new UsageError(`${file}: cli.${key}: ${JSON.stringify(String(value)).slice(0, 40)} is not one of ${option.argChoices.join(', ')}`);
    }
    const source = cmd.getOptionValueSource(key);
    if (source === 'cli' || source === 'env') continue;
    (flags as Record<string, unknown>)[key] = value;
    cmd.setOptionValueWithSource(key, value, 'config');
  }
}

/** Where one rendering of the report goes: a file, or standard output. */
export interface OutputTarget {
  format: string;
  file?: string;
}

/**
 * Every report one run writes, each rendered from the same result: the --format one
 * (to -o FILE, else stdout), and one per `--output-format FORMAT=FILE`. The format of
 * `-o FILE` comes from its name unless --format is given; a file whose name says
 * another format than the one asked for is refused, as are two reports to one file.
 */
export function outputTargets(
  flags: { format: string; output?: string; outputFormat?: string[] },
  formatExplicit: boolean,
  formats: readonly string[],
): OutputTarget[] {
  const check = (format: string, file: string, how: string): void => {
    if (!formats.includes(format)) throw new UsageError(`${how}: unknown format "${format}"; use one of ${formats.join(', ')}`);
    const implied = formatOfFile(file, formats);
    // SARIF is JSON: `--format sarif -o results.json` is fine.
    if (implied && implied !== format && !(format === 'sarif' && implied === 'json'))
      throw new UsageError(`${how}: the file name says ${implied}, not ${format}; name the file for its format or choose the format its name says`);
  };
  let format = flags.format;
  if (flags.output) {
    const implied = formatOfFile(flags.output, formats);
    if (implied && !formatExplicit) format = implied;
    check(format, flags.output, `-o ${flags.output} with --format ${format}`);
  }
  const targets: OutputTarget[] = [{ format, ...(flags.output ? { file: flags.output } : {}) }];
  for (const spec of flags.outputFormat ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) throw new UsageError(`--output-format ${spec}: expected FORMAT=FILE, e.g. sarif=firebreak.sarif`);
    const [f, file] = [spec.slice(0, eq), spec.slice(eq + 1)];
    check(f, file, `--output-format ${spec}`);
    targets.push({ format: f, file });
  }
  const seen = new Set<string>();
  for (const t of targets) {
    if (!t.file) continue;
    const key = path.resolve(t.file);
    if (seen.has(key)) throw new UsageError(`${t.file}: two reports would be written to this file; give each its own`);
    seen.add(key);
  }
  return targets;
}

/** --topology, or the topology file of the inputs (already resolved; topologyOfInputs). */
export function topologyFor(io: Io, flags: { topology?: string }, specs: string[]): Topology | undefined {
  if (flags.topology) return readTopology(resolvePath(io, flags.topology));
  return topologyOfInputs(specs, io.cwd);
}

/** SARIF URIs are relative to --sarif-root, else the git top level of the working directory, else the working directory. */
export function sarifRoot(io: Io, flags: { sarifRoot?: string }): { root: string; cwd: string } {
  return sarifRootOf(io.cwd, flags.sarifRoot);
}

/** The date acceptances expire against: today (UTC), or FIREBREAK_TODAY (YYYY-MM-DD) for reproducible runs. */
export function today(io: Io): string {
  const fixed = io.env.FIREBREAK_TODAY;
  if (fixed !== undefined && fixed !== '') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(fixed)) throw new UsageError(`FIREBREAK_TODAY=${fixed}: expected a date as YYYY-MM-DD`);
    return fixed;
  }
  return new Date().toISOString().slice(0, 10);
}

/** How inputs are read: the stack of project directories, the properties rules read, the program time limit. */
export function loadOptions(
  io: Io,
  flags: { stack?: string; programTimeout?: number; allowOutsideProject?: boolean; jobs?: number; rules?: string[] },
  keepProperties?: Set<string>,
): LoadOptions {
  // The stack as the Pulumi CLI chooses it: --stack, then PULUMI_STACK, then (per project, in ingest) `pulumi stack select`'s.
  const stack = flags.stack || io.env.PULUMI_STACK || undefined;
  const home = pulumiHome(io.env);
  return {
    ...(flags.jobs !== undefined ? { jobs: flags.jobs } : {}),
    // Several inputs (an organisation's exports): which one is being read, on a terminal.
    onProgress: progressLine(io),
    readStdin: () => readStdinOnce(io),
    ...(keepProperties ? { keepProperties } : {}),
    ...(stack ? { stack } : {}),
    ...(home ? { pulumiHome: home } : {}),
    ...(flags.programTimeout !== undefined ? { programTimeout: flags.programTimeout } : {}),
    ...(flags.allowOutsideProject ? { allowOutsideProject: true } : {}),
    ...(flags.rules && flags.rules.length > 0 ? { rules: rulePaths(io, flags.rules) } : {}),
  };
}

export function allowOutsideProjectOption(): Option {
  return new Option('--allow-outside-project', 'let a Pulumi YAML program read files (fn::readFile, main:, stackConfigDir) outside its project directory');
}

/** --jobs N: threads that read large state files (N - 1 workers and the main thread; default: one per core). */
export function jobsOption(): Option {
  return new Option(
    '--jobs <n>',
    'threads that read state files of 64 MB or more: N - 1 workers and the main thread (default: one per core; 1 reads them on the main thread only)',
  ).argParser((v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 256) throw new InvalidArgumentError('use a whole number from 1 to 256');
    return n;
  });
}

export function programTimeoutOption(): Option {
  return new Option('--program-timeout <seconds>', 'stop a Node.js program (run under mocks) that runs longer than this (default 120)').argParser(
    (v: string): number => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('use a number of seconds above 0');
      return n;
    },
  );
}

/** Write a file named by the user (a path relative to io.cwd) atomically (src/ingest/write.ts); with notAnInput, never over a file this run read. */
export function writeText(io: Io, file: string, text: string, what: string, notAnInput = false): void {
  writeFileAtomic(resolvePath(io, file), text, what, notAnInput);
}

export function output(io: Io, text: string, flags: { output?: string; format: string }): void {
  if (flags.output) {
    writeText(io, flags.output, text, `${flags.format} report`, true);
    io.stderr(`firebreak: wrote ${flags.format} report to ${flags.output}\n`);
  } else io.stdout(text);
}

/** --rules paths, resolved against io.cwd. */
export function rulePaths(io: Io, paths: string[]): string[] {
  return paths.map((p) => resolvePath(io, p));
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export const INPUTS_ARG =
  'stack exports / checkpoints / `pulumi preview --json` files, `-` for stdin, Pulumi project directories (DIR or DIR@STACK; YAML or Node.js programs), DIY backend folders or file:// backend URLs (every stack); default: . (or PULUMI_BACKEND_URL=file://... outside a project)';

/** Options most commands take, each a fresh Option (commander keeps state in them). */
export const options = {
  output: (what = 'report') =>
    new Option('-o, --output <file>', `write the ${what} to a file instead of stdout; its format follows the name (.json, .md, .txt) unless --format says`),
  stack: () =>
    new Option(
      '-s, --stack <name>',
      'stack of project directories that do not name one as DIR@STACK (default: PULUMI_STACK, else the stack `pulumi stack select` chose, else the only one)',
    ),
  rules: () => new Option('--rules <path>', 'extra rule pack file or directory (repeatable; later packs take precedence)').argParser(collect).default([]),
  topology: () => new Option('--topology <file>', 'the topology file (default: firebreak.yaml at the root of a project directory input)'),
  tolerate: () =>
    new Option('--tolerate <kind>', 'largest domain kind critical services must survive (zone, datacenter, region, provider, ...)').default('zone'),
  order: (what = 'also find shared risk groups: sets of up to k events (1 to 4) that fail together what no single one does (2 = pairs)') =>
    new Option('--order <k>', what).argParser(parseOrder).default(1),
  maxSeconds: (what = 'stop the --order / --availability search after this many seconds; the report says what it covered') =>
    new Option('--max-seconds <seconds>', what)
      .argParser((v: string): number => {
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('use a number of seconds above 0');
        return n;
      })
      .default(60),
  failOn: (what: string) => new Option('--fail-on <severity>', what).choices([...SEVERITIES, 'none']).default('high'),
  noColor: () => new Option('--no-color', 'no ANSI colour (also: NO_COLOR=1, FORCE_COLOR=0)'),
  format: (choices: readonly string[]) => new Option('-f, --format <format>', 'output format').choices(choices).default('text'),
};

/** Add options to a command, in order. */
export function withOptions(cmd: Command, list: Option[]): Command {
  for (const o of list) cmd.addOption(o);
  return cmd;
}
