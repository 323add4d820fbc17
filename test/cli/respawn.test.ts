/**
 * The built binary runs itself again with a larger heap when its inputs are
 * large (src/cli/heap.ts, src/cli/main.ts), end to end: a sparse file is large
 * by its size and takes no disk. What the process run again prints and its
 * exit code reach the user; it never runs itself once more; a limit the user
 * set is kept.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { heapToRespawn } from '../../src/cli/heap.js';
import { ensureBuilt, runBin } from '../helpers/cli.js';

beforeAll(ensureBuilt);

/** Without NODE_OPTIONS, as a user's shell runs it. */
const env = { NODE_OPTIONS: '' };
/** The heap limit of a plain `node` here, in MB. */
const limitMB = Number(
  spawnSync(process.execPath, ['-p', 'require("v8").getHeapStatistics().heap_size_limit / 2 ** 20'], { encoding: 'utf8', env: { ...process.env, ...env } })
    .stdout,
);
const MB = 2 ** 20;
// A state file so large that its heap would not fit the default limit: a valid start, then a hole (NUL bytes).
const size = Math.ceil((limitMB + 1024) / 4) * MB;
const heapMB = heapToRespawn(size, { limitMB, totalMB: totalmem() / MB, execArgv: [], env: {} });
const file = path.join(mkdtempSync(path.join(tmpdir(), 'firebreak-respawn-')), 'large.json');
const start = '{"version": 3, "deployment": {"resources": [\n';

describe.runIf(heapMB !== undefined)('a larger heap for large inputs', () => {
  beforeAll(() => {
    const fd = openSync(file, 'w');
    try {
      writeSync(fd, start);
      ftruncateSync(fd, size);
    } finally {
      closeSync(fd);
    }
  });

  it('runs again with the heap the inputs need (--debug says so); the output and exit code of that run are the answer', () => {
    const help = runBin(['analyze', '--help', file, '--debug'], { env });
    expect(help.stderr).toBe(`firebreak: large inputs: running with a ${heapMB} MB heap\n`);
    expect(help.stdout).toMatch(/^Usage: firebreak analyze \[options\] \[inputs\.\.\.\]\n/);
    expect(help.code).toBe(0);
    // The run again reads the file: a one-line error at the first NUL byte, exit 2; only --debug adds the heap line.
    const bad = runBin(['analyze', file], { env });
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe(`firebreak: error: ${file}:2:1: invalid JSON: expected a value (object, array, string, number, true, false or null)\n`);
    expect(bad.code).toBe(2);
  });

  it('keeps a heap limit the user set, and never runs itself a second time', () => {
    const own = runBin(['analyze', '--help', file, '--debug'], { env: { NODE_OPTIONS: '--max-old-space-size=2048' } });
    expect(own.stderr).toBe('');
    expect(own.code).toBe(0);
    const again = runBin(['analyze', '--help', file, '--debug'], { env: { ...env, FIREBREAK_RESPAWNED: '1' } });
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
  });
});

describe.runIf(heapMB === undefined)('a larger heap for large inputs (not on this machine)', () => {
  it('is not tried: this machine has too little memory for a heap beyond the default', () => {
    console.warn(`no larger heap than ${limitMB} MB fits this machine's memory: the respawn cases are skipped`);
    expect(heapToRespawn(size, { limitMB, totalMB: limitMB, execArgv: [], env: {} })).toBeUndefined();
  });
});
