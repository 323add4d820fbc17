/**
 * vitest globalSetup: the Node.js program runner (src/ingest/nodejs/runner.ts) as JavaScript, written once per run where
 * the source looks for the build's runner (src/ingest/nodejs/runner.js, beside runner.ts; dist/ingest/nodejs/runner.js in
 * the package), and removed at the end.
 *
 * Without it a program run from the source starts its runner under tsx, and tsx then reads and checks every JavaScript
 * file the program loads: @pulumi/pulumi alone (typescript.js among it) took 1.1-1.3 s to load instead of 0.5 s, for
 * each of the suite's program runs. With it, the tests start programs as the package does: a JavaScript program under
 * plain node, a CommonJS TypeScript program under its own ts-node when it has one, any other under tsx.
 *
 * The runner imports nothing but Node's own modules (and types), so esbuild's transform of the one file is the whole
 * build; `tsc` emits the same code for the package. Two runs in the same checkout at once share it
 * (test/helpers/run-markers.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { claim, put, release } from './run-markers.js';

const source = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'ingest', 'nodejs', 'runner.ts');
/** The file src/ingest/nodejs/index.ts runs when it exists (its runnerFile()). */
export const SOURCE_RUNNER = source.replace(/\.ts$/, '.js');

export function setup(): void {
  claim(SOURCE_RUNNER);
  const { code } = transformSync(readFileSync(source, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcefile: source,
    sourcemap: 'inline',
  });
  put(SOURCE_RUNNER, code);
}

export function teardown(): void {
  release(SOURCE_RUNNER);
}
