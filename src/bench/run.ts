/**
 * `npm run bench`: read + JSON.parse alone vs the full analyze, and peak
 * memory, at 1k, 10k and 100k resources. Each measurement is a fresh child
 * process; times are the median of five runs, parse and analyze alternating.
 * Never run as a test.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATOR_VERSION, writeExport } from './generate.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const cacheDir = path.join(root, '.firebreak-bench');
const sizesArg = process.argv.indexOf('--sizes');
const sizes = sizesArg > 0 ? process.argv[sizesArg + 1]!.split(',').map(Number) : [1_000, 10_000, 100_000];
const RUNS = 5;

interface Run {
  ms: number;
  maxRssMB: number;
}

function once(mode: 'parse' | 'analyze', file: string, order: number): Run {
  return JSON.parse(execFileSync(process.execPath, [path.join(here, 'child.js'), mode, file, String(order)], { encoding: 'utf8', maxBuffer: 1 << 20 })) as Run;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * RUNS fresh processes per mode. Parse and analyze runs alternate, so that a
 * slow spell of this (shared, 2-core) machine hits both, not one of them.
 */
function measure(file: string, modes: Array<{ mode: 'parse' | 'analyze'; order?: number }>): Array<{ ms: number; maxRssMB: number }> {
  const runs: Run[][] = modes.map(() => []);
  for (let i = 0; i < RUNS; i++) modes.forEach((m, j) => runs[j]!.push(once(m.mode, file, m.order ?? 1)));
  return runs.map((list) => ({ ms: median(list.map((r) => r.ms)), maxRssMB: Math.max(...list.map((r) => r.maxRssMB)) }));
}

mkdirSync(cacheDir, { recursive: true });
const rows: Array<{ n: number; mb: number; parse: number; analyze: number; rss: number; order2?: number }> = [];
for (const n of sizes) {
  const file = path.join(cacheDir, `export-v${GENERATOR_VERSION}-${n}.json`);
  if (!existsSync(file)) {
    process.stderr.write(`bench: generating ${n} resources...\n`);
    await writeExport(file, { resources: n, seed: 1 });
  }
  process.stderr.write(`bench: ${n} resources: parse and analyze, ${RUNS} runs each...\n`);
  const [parse, analyze] = measure(file, [{ mode: 'parse' }, { mode: 'analyze' }]) as [Run, Run];
  // Shared risk groups of order 2 (pairs): the 10k target, and smaller sizes for the trend.
  let order2: number | undefined;
  if (n <= 10_000) {
    process.stderr.write(`bench: ${n} resources: analyze --order 2...\n`);
    order2 = measure(file, [{ mode: 'analyze', order: 2 }])[0]!.ms;
  }
  rows.push({ n, mb: statSync(file).size / 1e6, parse: parse.ms, analyze: analyze.ms, rss: analyze.maxRssMB, ...(order2 !== undefined ? { order2 } : {}) });
}

const fmt = (x: number, d = 0): string => x.toFixed(d);
console.log('| resources | file MB | read+parse ms | analyze ms | ratio | analyze µs/resource | peak RSS MB | analyze --order 2 ms |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(`| ${r.n} | ${fmt(r.mb, 1)} | ${fmt(r.parse)} | ${fmt(r.analyze)} | ${fmt(r.analyze / r.parse, 2)} | ${fmt((r.analyze * 1000) / r.n, 1)} | ${fmt(r.rss)} | ${r.order2 !== undefined ? fmt(r.order2) : '-'} |`);
}
const big = rows.find((r) => r.n === 100_000);
const mid = rows.find((r) => r.n === 10_000);
if (mid?.order2 !== undefined) {
  console.log('');
  console.log(`target: analyze --order 2 at 10k <= 10 s: ${fmt(mid.order2 / 1000, 2)} s ${mid.order2 <= 10_000 ? 'PASS' : 'FAIL'}`);
}
if (big) {
  console.log('');
  const ratio = big.analyze / big.parse;
  console.log(`target: analyze <= 3x read+parse at 100k: ${fmt(ratio, 2)}x ${ratio <= 3 ? 'PASS' : 'FAIL'}`);
  console.log(`target: peak RSS <= 2500 MB at 100k: ${fmt(big.rss)} MB ${big.rss <= 2500 ? 'PASS' : 'FAIL'}`);
  if (mid) {
    const growth = big.analyze / big.n / (mid.analyze / mid.n);
    console.log(`target: time per resource at 100k <= 1.5x that at 10k: ${fmt(growth, 2)}x ${growth <= 1.5 ? 'PASS' : 'FAIL'}`);
  }
}
