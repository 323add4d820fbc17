/** Run the built binary (dist/cli/main.js), as a user would. `npm test` builds first. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const bin = path.join(repoRoot, 'dist', 'cli', 'main.js');
export const corpusDir = path.resolve(repoRoot, '..', 'shared', 'corpus');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { input?: string; env?: Record<string, string>; cwd?: string } = {}): RunResult {
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
