import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { heapToRespawn, inputBytesOf, RESPAWNED_ENV, type HeapContext } from '../../src/cli/heap.js';

const GB = 2 ** 30;
const machine: HeapContext = { limitMB: 4144, totalMB: 24_000, execArgv: [], env: {} };

describe('a heap for large inputs', () => {
  it('runs as is while the inputs fit in the heap', () => {
    expect(heapToRespawn(0, machine)).toBeUndefined();
    expect(heapToRespawn(200 * 2 ** 20, machine)).toBeUndefined();
    expect(heapToRespawn(1 * GB, machine)).toBeUndefined();
  });

  it('asks for a heap that fits an organisation’s exports, at most three quarters of the memory', () => {
    expect(heapToRespawn(2 * GB, machine)).toBe(8192);
    expect(heapToRespawn(10 * GB, machine)).toBe(18_000);
    // A small machine: no larger heap to be had.
    expect(heapToRespawn(2 * GB, { ...machine, totalMB: 4096 })).toBeUndefined();
  });

  it('never overrides a limit the user set, and never runs itself twice', () => {
    expect(heapToRespawn(2 * GB, { ...machine, execArgv: ['--max-old-space-size=3000'] })).toBeUndefined();
    expect(heapToRespawn(2 * GB, { ...machine, env: { NODE_OPTIONS: '--max_old_space_size=3000' } })).toBeUndefined();
    // --max-heap-size sets the limit too (a larger old space would not lift it).
    expect(heapToRespawn(2 * GB, { ...machine, execArgv: ['--max-heap-size=3000'] })).toBeUndefined();
    expect(heapToRespawn(2 * GB, { ...machine, env: { NODE_OPTIONS: '--max_heap_size=3000' } })).toBeUndefined();
    expect(heapToRespawn(2 * GB, { ...machine, execArgv: ['--max-semi-space-size=64'] })).toBeGreaterThan(4096);
    expect(heapToRespawn(2 * GB, { ...machine, env: { [RESPAWNED_ENV]: '1' } })).toBeUndefined();
  });

  it('counts the files the arguments name, and the state files under a directory', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-heap-'));
    writeFileSync(path.join(dir, 'a.json'), 'x'.repeat(1000));
    mkdirSync(path.join(dir, 'backend', '.pulumi', 'stacks', 'p'), { recursive: true });
    writeFileSync(path.join(dir, 'backend', '.pulumi', 'stacks', 'p', 'prod.json'), 'x'.repeat(300));
    writeFileSync(path.join(dir, 'backend', 'notes.txt'), 'x'.repeat(5000));
    mkdirSync(path.join(dir, 'backend', 'node_modules'));
    writeFileSync(path.join(dir, 'backend', 'node_modules', 'big.json'), 'x'.repeat(9000));
    expect(inputBytesOf(['analyze', 'a.json', '--format', 'json', 'missing.json'], dir)).toBe(1000);
    expect(inputBytesOf(['analyze', 'backend@prod'], dir)).toBe(300);
    expect(inputBytesOf(['analyze', 'a.json', 'backend'], dir)).toBe(1300);
    // The report file it writes is not an input.
    expect(inputBytesOf(['analyze', 'backend', '-o', 'a.json'], dir)).toBe(300);
    expect(inputBytesOf(['analyze', 'backend', '--output', 'a.json'], dir)).toBe(300);
  });
});
