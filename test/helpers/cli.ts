/**
 * Run firebreak in-process (`runCli`: the source, through `run` and a captured
 * io), or the built binary as a user would (`runBin`: the smoke tests build it first).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, type Io } from '../../src/cli/run.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
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

function newestSource(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir).map((f) => {
      const p = path.join(dir, f);
      const s = statSync(p);
      return s.isDirectory() ? newestSource(p) : s.mtimeMs;
    }),
  );
}

/** Build dist/ (npm run build) when it is missing or older than src/ or rules/: for the tests that spawn the built binary. */
export function ensureBuilt(): void {
  const stale = (): boolean =>
    (existsSync(bin) ? statSync(bin).mtimeMs : 0) < Math.max(newestSource(path.join(repoRoot, 'src')), newestSource(path.join(repoRoot, 'scripts')));
  // Test files run in parallel workers: one builds, the others wait for it (a lock directory). The
  // check is made under the lock too: dist/cli/main.js is written before the build's last steps end.
  if (!stale() && !existsSync(path.join(repoRoot, '.build-lock'))) return;
  const lock = path.join(repoRoot, '.build-lock');
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${lock}: held for 5 minutes; remove it if no build is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (stale()) execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
