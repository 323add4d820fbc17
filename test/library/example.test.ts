/**
 * The example of docs/library.md, as a user of the published package runs it: the code block is taken from the page,
 * type-checked by a consumer project that depends on `pulumi-firebreak` (node_modules/pulumi-firebreak -> this
 * package, resolved through package.json's `exports` and `types` to the built dist/), and run there with node.
 * What it prints must be what `firebreak analyze --format markdown` prints, byte for byte; bad input must give the
 * one-line error the page promises, without the input's bytes.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { transformSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { fixture, repoRoot, runCli } from '../helpers/cli.js';

/** The first ```ts block after the "## Example" heading of docs/library.md. */
function example(): string {
  const page = readFileSync(path.join(repoRoot, 'docs', 'library.md'), 'utf8');
  const section = page.slice(page.indexOf('\n## Example'));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('docs/library.md: no ```ts block under "## Example"');
  return m[1]!;
}

let consumer: string;

/** A project that has installed pulumi-firebreak (a link to this package, as `npm link` makes). */
function consumerProject(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'firebreak-consumer-'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(repoRoot, path.join(dir, 'node_modules', 'pulumi-firebreak'), 'dir');
  symlinkSync(path.join(repoRoot, 'node_modules', '@types'), path.join(dir, 'node_modules', '@types'), 'dir');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  return dir;
}

function runExample(cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(consumer, 'example.mjs')], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  ensureBuilt();
  consumer = consumerProject();
  writeFileSync(path.join(consumer, 'example.ts'), example());
  writeFileSync(path.join(consumer, 'example.mjs'), transformSync(example(), { loader: 'ts', format: 'esm' }).code);
}, 300_000);

afterAll(() => {
  if (consumer) rmSync(consumer, { recursive: true, force: true });
});

describe('the library example of docs/library.md', () => {
  it('imports from the package name', () => {
    expect(example()).toMatch(/from 'pulumi-firebreak';/);
  });

  it.each([
    ['node16', 'node16'],
    ['esnext', 'bundler'],
  ])(
    'type-checks against the published types (module %s, moduleResolution %s), which are real: a wrong use is an error',
    (module, moduleResolution) => {
      // skipLibCheck: the build's own compiler checked what dist/index.d.ts declares; this checks that a consumer finds it.
      const compilerOptions = { module, moduleResolution, target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] };
      writeFileSync(path.join(consumer, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['example.ts', 'wrong.ts'] }));
      writeFileSync(path.join(consumer, 'wrong.ts'), "import { render } from 'pulumi-firebreak';\nexport const n: number = render;\n");
      const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
      const r = spawnSync(process.execPath, [tsc, '-p', '.'], { cwd: consumer, encoding: 'utf8' });
      const errors = (r.stdout + r.stderr).split('\n').filter((l) => /error TS/.test(l));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^wrong\.ts\(2,14\): error TS2322/);
    },
    120_000,
  );

  it('prints what `firebreak analyze --format markdown` prints, and exits as it does', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'firebreak-example-'));
    try {
      copyFileSync(fixture('exports', 'two-zones-single-db.json'), path.join(dir, 'stack.json'));
      const lib = runExample(dir);
      const cli = await runCli(['analyze', 'stack.json', '--format', 'markdown'], { cwd: dir });
      expect(lib.stderr).toBe('');
      expect(lib.stdout.length).toBeGreaterThan(0);
      expect(lib.stdout).toBe(cli.stdout);
      expect(lib.status).toBe(cli.code);
      // This estate has a single point of failure at high or above: the gate fails.
      expect(lib.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad input: an InputError naming the file, exit 2, no stack trace and none of the input bytes', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'firebreak-example-'));
    try {
      writeFileSync(path.join(dir, 'stack.json'), '{"version": 3, "deployment": {"resources": [ hunter2-not-json');
      const r = runExample(dir);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^error: .*stack\.json/);
      expect(r.stderr).not.toContain('hunter2');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
