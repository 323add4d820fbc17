/**
 * The package as a user gets it: `npm pack`, `npm install -g` of the tarball into a
 * temporary prefix, then `firebreak` from another directory. Needs npm and the npm
 * cache or registry for the dependencies; skipped with a message without npm.
 * Uses dist/, built first when stale (--ignore-scripts: no rebuild under other tests).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, repoRoot } from '../helpers/cli.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const hasNpm = spawnSync(npm, ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasNpm) console.warn('test/install/tarball.test.ts: skipped, npm is not available');

function run(cmd: string, args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(ensureBuilt);

describe.skipIf(!hasNpm)('the npm package', () => {
  it('installs from its tarball and runs `firebreak analyze` on the demo from another directory', async () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'firebreak-install-'));
    const pack = run(npm, ['pack', '--ignore-scripts', '--pack-destination', tmp, '--json'], repoRoot);
    expect(pack.stderr.match(/npm error.*/g) ?? []).toEqual([]);
    const [packed] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string; mode: number }> }>;
    const files = packed!.files.map((f) => f.path);
    // What it needs, and nothing it does not.
    for (const f of [
      'LICENSE',
      'README.md',
      'package.json',
      'rules/core.yaml',
      'schema/rule-pack.schema.json',
      'docs/findings/single-point-of-failure.md',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/report/html.js',
    ]) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /^dist\/bench\/|\.map$|^test\/|^src\/|^stacks\//.test(f))).toEqual([]);
    const bin = packed!.files.find((f) => f.path === 'dist/cli/main.js')!;
    expect(bin.mode & 0o111).not.toBe(0);

    const prefix = path.join(tmp, 'prefix');
    const install = run(npm, ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', path.join(tmp, packed!.filename)], tmp);
    expect(install.code, install.stderr).toBe(0);
    const cmd = process.platform === 'win32' ? path.join(prefix, 'firebreak.cmd') : path.join(prefix, 'bin', 'firebreak');
    expect(existsSync(cmd)).toBe(true);
    // Reading exports needs neither @pulumi/pulumi nor tsx: optional peers, not installed.
    const installed = process.platform === 'win32' ? path.join(prefix, 'node_modules') : path.join(prefix, 'lib', 'node_modules');
    const deps = path.join(installed, 'pulumi-firebreak', 'node_modules');
    const names = existsSync(deps) ? readdirSync(deps) : readdirSync(installed);
    expect(names).not.toContain('tsx');
    expect(existsSync(path.join(deps, '@pulumi', 'pulumi')) || existsSync(path.join(installed, '@pulumi', 'pulumi'))).toBe(false);

    const elsewhere = mkdtempSync(path.join(tmpdir(), 'firebreak-elsewhere-'));
    const r = run(cmd, ['analyze', `${repoRoot}@pangyo-2022`, '--fail-on', 'none'], elsewhere);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/pangyo/);
    const sarif = run(cmd, ['analyze', `${repoRoot}@pangyo-2022`, '--format', 'sarif', '--fail-on', 'none', '--sarif-root', repoRoot], elsewhere);
    expect(JSON.parse(sarif.stdout).runs[0].results.length).toBeGreaterThan(0);
    expect(statSync(cmd).isFile() || statSync(cmd).isSymbolicLink()).toBe(true);
  }, 300_000);
});
