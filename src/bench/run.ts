/**
 * `npm run bench`: read + JSON.parse alone vs the full analyze, with one
 * worker and with all cores, and peak memory, at 1k, 10k, 100k and 300k
 * resources in one file (300k is beyond V8's largest string: JSON.parse of
 * it cannot run at all) and 1M resources as ten 100k-resource files in one
 * run; analyze --order 2 at 10k and 100k. Each measurement is a fresh child
 * process; times are the median of several runs (fewer for the large rows),
 * the modes alternating so that a slow spell of this shared machine hits all
 * of them. `--sizes 1000,10000` and `--runs N` narrow it; `--no-whole` leaves
 * out the column of the whole-file read (as before streaming ingest).
 * Never run as a test.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { heapToRespawn } from '../cli/heap.js';
import { GENERATOR_VERSION, writeExport } from './generate.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const cacheDir = path.join(root, '.firebreak-bench');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const ORG = 1_000_000;
const sizes = arg('--sizes')?.split(',').map(Number) ?? [1_000, 10_000, 100_000, 300_000, ORG];
const runsArg = arg('--runs');
const bigRuns = Number(arg('--big-runs') ?? 1);
const withWhole = !process.argv.includes('--no-whole');
const cores = availableParallelism();
/** Largest file JSON.parse can take: V8's largest string is about 512 MB (2^29 - 24 characters). */
const V8_STRING_BYTES = 2 ** 29 - 24;

interface Run {
  ms: number;
  maxRssMB: number;
  capped?: boolean;
}
type Mode = { mode: 'parse' | 'analyze' | 'whole'; order?: number; jobs?: number };
/** --order 2 stops at this many seconds (the target is 20 s at 100k): a bench run always ends. */
const ORDER2_SECONDS = Number(arg('--order2-seconds') ?? 60);

function once(m: Mode, files: string[]): Run {
  // The heap the binary would run with for these files (src/cli/heap.ts).
  const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
  const heap = heapToRespawn(bytes, { limitMB: getHeapStatistics().heap_size_limit / 2 ** 20, totalMB: totalmem() / 2 ** 20, execArgv: [], env: {} });
  const args = [
    ...(heap !== undefined ? [`--max-old-space-size=${heap}`] : []),
    path.join(here, 'child.js'),
    m.mode,
    files.join(','),
    String(m.order ?? 1),
    String(m.jobs ?? cores),
    ...(m.order === 2 ? [String(ORDER2_SECONDS)] : []),
  ];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 })) as Run;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Read the files once, unmeasured: a file the system no longer holds in memory is read from disk by whichever mode
 * comes first, which made a cold read + JSON.parse baseline four to seven times slower than warm and every ratio
 * against it a false pass (this machine's memory reclaim drops files not read for a while).
 */
function warm(files: string[]): void {
  const buf = Buffer.allocUnsafe(16 * 2 ** 20);
  for (const f of files) {
    const fd = openSync(f, 'r');
    try {
      while (readSync(fd, buf, 0, buf.length, null) > 0);
    } finally {
      closeSync(fd);
    }
  }
}

function measure(files: string[], modes: Mode[], runs: number): Run[] {
  const all: Run[][] = modes.map(() => []);
  for (let i = 0; i < runs; i++) {
    warm(files);
    modes.forEach((m, j) => all[j]!.push(once(m, files)));
  }
  return all.map((list) => ({
    ms: median(list.map((r) => r.ms)),
    maxRssMB: Math.max(...list.map((r) => r.maxRssMB)),
    capped: list.some((r) => r.capped === true),
  }));
}

async function exportFile(n: number, stack = 'prod'): Promise<string> {
  const file = path.join(cacheDir, `export-v${GENERATOR_VERSION}-${n}${stack === 'prod' ? '' : `-${stack}`}.json`);
  if (!existsSync(file)) {
    process.stderr.write(`bench: generating ${n} resources (${stack})...\n`);
    await writeExport(file, { resources: n, seed: 1, stack });
  }
  return file;
}

interface Row {
  label: string;
  n: number;
  mb: number;
  parse?: Run;
  one: Run;
  all: Run;
  whole?: Run;
  order2?: number;
  order2Capped?: boolean;
}

const fmt = (x: number | undefined, d = 0): string => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(d));
const ratio = (a: number | undefined, b: number | undefined): number | undefined => (a !== undefined && b !== undefined ? a / b : undefined);

mkdirSync(cacheDir, { recursive: true });
const load0 = loadavg()[0]!;
const rows: Row[] = [];
for (const n of sizes) {
  const files = n === ORG ? await Promise.all(Array.from({ length: 10 }, (_, k) => exportFile(100_000, `prod-${k}`))) : [await exportFile(n)];
  const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
  const parseable = files.every((f) => statSync(f).size < V8_STRING_BYTES);
  const runs = Number(runsArg ?? (n <= 10_000 ? 3 : bigRuns));
  const modes: Mode[] = [
    ...(parseable ? [{ mode: 'parse' as const }] : []),
    { mode: 'analyze', jobs: 1 },
    { mode: 'analyze', jobs: cores },
    ...(withWhole && parseable && bytes <= 256 * 2 ** 20 ? [{ mode: 'whole' as const, jobs: 1 }] : []),
  ];
  process.stderr.write(
    `bench: ${n} resources in ${files.length} file(s): ${modes.map((m) => m.mode + (m.jobs ? ` --jobs ${m.jobs}` : '')).join(', ')}; ${runs} run(s) each...\n`,
  );
  const measured = measure(files, modes, runs);
  const get = (mode: Mode['mode'], jobs?: number): Run | undefined =>
    measured[modes.findIndex((m) => m.mode === mode && (jobs === undefined || m.jobs === jobs))];
  const row: Row = { label: n === ORG ? `${n} (10 files)` : String(n), n, mb: bytes / 1e6, one: get('analyze', 1)!, all: get('analyze', cores)! };
  const parse = parseable ? get('parse') : undefined;
  if (parse) row.parse = parse;
  const whole = get('whole');
  if (whole) row.whole = whole;
  if (n === 10_000 || n === 100_000) {
    process.stderr.write(`bench: ${n} resources: analyze --order 2...\n`);
    const o2 = measure(files, [{ mode: 'analyze', order: 2, jobs: cores }], n <= 10_000 ? 3 : 1)[0]!;
    row.order2 = o2.ms;
    if (o2.capped) row.order2Capped = true;
  }
  rows.push(row);
  process.stderr.write(`bench: row ${line(row)}\n`);
}

console.log(`${cores} cores, load average ${load0.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end`);
console.log('');
console.log(
  '| resources | file MB | read+parse ms | analyze ms, 1 worker | analyze ms, all cores | analyze / (read + JSON.parse), 1 worker | ditto, all cores | whole-file analyze ms (before) | µs/resource (all cores) | peak RSS MB read+parse | peak RSS MB analyze (all cores) | RSS ratio | analyze --order 2 ms |',
);
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(line(r));
function line(r: Row): string {
  return `| ${r.label} | ${fmt(r.mb, 1)} | ${r.parse ? fmt(r.parse.ms) : 'cannot (beyond one V8 string)'} | ${fmt(r.one.ms)} | ${fmt(r.all.ms)} | ${fmt(ratio(r.one.ms, r.parse?.ms), 2)} | ${fmt(ratio(r.all.ms, r.parse?.ms), 2)} | ${fmt(r.whole?.ms)} | ${fmt((r.all.ms * 1000) / r.n, 1)} | ${fmt(r.parse?.maxRssMB)} | ${fmt(r.all.maxRssMB)} | ${fmt(ratio(r.all.maxRssMB, r.parse?.maxRssMB), 2)} | ${r.order2 === undefined ? '-' : `${fmt(r.order2)}${r.order2Capped ? ` (stopped at --max-seconds ${ORDER2_SECONDS})` : ''}`} |`;
}
const at = (n: number): Row | undefined => rows.find((r) => r.n === n);
const verdict = (ok: boolean | undefined): string => (ok === undefined ? 'n/a' : ok ? 'PASS' : 'FAIL');
console.log('');
const big = at(100_000);
if (big?.parse) {
  const all = big.all.ms / big.parse.ms;
  const one = big.one.ms / big.parse.ms;
  console.log(`target: analyze <= 1.0x read+parse at 100k, all cores: ${fmt(all, 2)}x ${verdict(all <= 1)}`);
  console.log(`target: analyze <= 1.5x read+parse at 100k, 1 worker: ${fmt(one, 2)}x ${verdict(one <= 1.5)}`);
  const rss = big.all.maxRssMB / big.parse.maxRssMB;
  console.log(`target: peak RSS <= 1.5x that of read+parse at 100k: ${fmt(rss, 2)}x ${verdict(rss <= 1.5)}`);
}
const org = at(ORG);
if (org) {
  console.log(`target: 1M resources in ten files under 40 s: ${fmt(org.all.ms / 1000, 1)} s ${verdict(org.all.ms < 40_000)}`);
  console.log(`target: 1M resources under 6 GB: ${fmt(org.all.maxRssMB)} MB ${verdict(org.all.maxRssMB < 6144)}`);
  if (big) {
    const growth = org.all.ms / org.n / (big.all.ms / big.n);
    console.log(`target: time per resource from 100k to 1M grows <= 1.2x: ${fmt(growth, 2)}x ${verdict(growth <= 1.2)}`);
  }
}
const three = at(300_000);
if (three) console.log(`a 300k-resource single export (${fmt(three.mb)} MB) analyzes: ${fmt(three.all.ms / 1000, 1)} s, ${fmt(three.all.maxRssMB)} MB`);
if (big?.order2 !== undefined)
  console.log(
    `target: analyze --order 2 at 100k under 20 s: ${fmt(big.order2 / 1000, 1)} s${big.order2Capped ? ' (search stopped by its time limit)' : ''} ${verdict(big.order2 < 20_000 && !big.order2Capped)}`,
  );
const mid = at(10_000);
if (mid?.order2 !== undefined) console.log(`analyze --order 2 at 10k: ${fmt(mid.order2 / 1000, 2)} s`);
