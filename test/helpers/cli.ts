/**
 * Run firebreak in-process (`runCli`: the source, through `run` and a captured
 * io), or the built binary as a user would (`runBin`: the smoke tests build it first).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, type Io } from '../../src/cli/run.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Give a Node.js program the node_modules/@pulumi/pulumi that `npm install` would (a link to the repository's own). */
export function linkPulumi(dir: string): void {
  const link = path.join(dir, 'node_modules', '@pulumi', 'pulumi');
  if (existsSync(link)) return;
  mkdirSync(path.dirname(link), { recursive: true });
  try {
    symlinkSync(path.join(repoRoot, 'node_modules', '@pulumi', 'pulumi'), link, 'dir');
  } catch (err) {
    // Another test file linked it at the same moment.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}
/**
 * A Node.js program in a fresh temporary directory named NAME: its files (path -> text, folders made as needed),
 * with the node_modules/@pulumi/pulumi of linkPulumi. Returns the directory.
 */
export function programDir(name: string, files: Record<string, string>, prefix = 'firebreak-program-'): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), prefix)), name);
  mkdirSync(dir);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  linkPulumi(dir);
  return dir;
}
export const bin = path.join(repoRoot, 'dist', 'cli', 'main.js');
export const corpusDir = path.resolve(repoRoot, '..', 'shared', 'corpus');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Standard input (default: empty); when given, it is piped (a command given no inputs reads it). */
  input?: string;
  /** Added to the environment, after NO_COLOR=1. */
  env?: Record<string, string>;
  /** The working directory (default: the repository). */
  cwd?: string;
  /** Standard error is a terminal (progress lines are written); default false. */
  stderrIsTTY?: boolean;
}

/** `firebreak ARGS` in-process, from the source: its exit code and what it wrote (no terminal, NO_COLOR=1 unless env says otherwise). */
export async function runCli(args: string[], options: RunOptions = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    readStdin: async () => options.input ?? '',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    cwd: options.cwd ?? repoRoot,
    stdoutIsTTY: false,
    stderrIsTTY: options.stderrIsTTY ?? false,
    stdinIsPiped: options.input !== undefined,
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

/** The built binary (dist/cli/main.js) in a child process; only the smoke tests use it (they build first). */
export function runBin(args: string[], options: RunOptions = {}): RunResult {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? repoRoot,
    input: options.input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary file with the given content; returns its path. */
export function tempFile(name: string, content: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-test-'));
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

export function fixture(...parts: string[]): string {
  return path.join(repoRoot, 'test', 'fixtures', ...parts);
}

/** Build dist/ when stale (test/helpers/build.ts); the tests that spawn the binary call it in beforeAll. */
export { ensureBuilt } from './build.js';
