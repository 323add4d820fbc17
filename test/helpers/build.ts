/**
 * dist/ for the tests that spawn the built binary (smoke, action, install, respawn): whether it is stale, building it
 * once (`ensureBuilt`, in their beforeAll), and starting that build in the background as the run begins
 * (`startBuildInBackground`, from test/helpers/sequencer.ts), so the build overlaps the in-process tests instead of
 * holding a worker. No import of src/: vitest.config.ts loads this file through the sequencer.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const builtBin = path.join(root, 'dist', 'cli', 'main.js');
/** Held (a directory) while a build runs: by the background build, or by the worker that builds in ensureBuilt. */
const LOCK = path.join(root, '.build-lock');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

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

/** dist/cli/main.js is missing or older than src/ or scripts/. */
export function distIsStale(): boolean {
  return (existsSync(builtBin) ? statSync(builtBin).mtimeMs : 0) < Math.max(newestSource(path.join(root, 'src')), newestSource(path.join(root, 'scripts')));
}

/** Build dist/ (npm run build) when it is missing or older than src/ or scripts/: for the tests that spawn the built binary. */
export function ensureBuilt(): void {
  // Test files run in parallel workers: one builds (or the background build started with the run), the others wait for
  // it (the lock directory). The check is made under the lock too: dist/cli/main.js is written before the build's last steps end.
  if (!distIsStale() && !existsSync(LOCK)) return;
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${LOCK}: held for 5 minutes; remove it if no build is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    // A background build that failed left dist/ stale: this one shows why (its output goes to the terminal).
    if (distIsStale()) execFileSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/**
 * When dist/ is stale, start `npm run build` in a child process that holds the lock until it ends (even if the test run
 * is stopped first) and return true; false when dist/ is fresh or another build holds the lock.
 */
export function startBuildInBackground(): boolean {
  if (!distIsStale()) return false;
  try {
    mkdirSync(LOCK);
  } catch {
    return false;
  }
  const script = [
    "const { spawnSync } = require('node:child_process');",
    "const { rmSync } = require('node:fs');",
    `const lock = ${JSON.stringify(LOCK)};`,
    'const release = () => rmSync(lock, { recursive: true, force: true });',
    "for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => { release(); process.exit(1); });",
    `const r = spawnSync(${JSON.stringify(npm)}, ['run', 'build', '--silent'], { cwd: ${JSON.stringify(root)}, stdio: 'inherit' });`,
    'release();',
    'process.exit(r.status ?? 1);',
  ].join('\n');
  try {
    spawn(process.execPath, ['-e', script], { cwd: root, stdio: 'inherit' }).on('error', () => rmSync(LOCK, { recursive: true, force: true }));
  } catch {
    rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
  return true;
}
