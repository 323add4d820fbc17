/**
 * A file broken in many places: the first ten problems, one line each, then
 * one line saying how many more (src/errors.ts problemLines), in the CLI's
 * output and in the library's InputError alike.
 */
import { describe, expect, it } from 'vitest';
import { InputError, MAX_PROBLEM_LINES, problemLines } from '../../src/errors.js';
import { runCli, tempFile } from '../helpers/cli.js';

describe('many problems', () => {
  it('the CLI shows the first ten and how many more, exit 2', async () => {
    const resources = Array.from({ length: 25 }, (_, n) => ({ urn: `not-a-urn-${n}`, custom: true, type: 'aws:s3/bucket:Bucket' }));
    const file = tempFile('many.json', JSON.stringify({ version: 3, deployment: { resources } }));
    const r = await runCli(['analyze', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(MAX_PROBLEM_LINES + 1);
    expect(lines.slice(0, MAX_PROBLEM_LINES).every((l, n) => l.startsWith(`firebreak: error: ${file}: resources[${n}].urn: not a Pulumi URN`))).toBe(true);
    expect(lines[MAX_PROBLEM_LINES]).toBe(`firebreak: error: ${file}: 15 more problems (fix the first ones and run again)`);
    expect(r.stderr).not.toContain('not-a-urn');
  });

  it('names the files of the rest, escaped; ten or fewer are all shown', () => {
    const at = (file: string, n: number) => Array.from({ length: n }, (_, k) => ({ file, line: k + 1, reason: 'bad' }));
    expect(problemLines(at('a.yaml', 10))).toHaveLength(10);
    expect(problemLines([...at('a.yaml', 10), ...at('b\x1b[2J.yaml', 1)]).at(-1)).toBe('b\\x1b[2J.yaml: 1 more problem (fix the first ones and run again)');
    expect(problemLines([...at('a.yaml', 12), ...at('b.yaml', 3)]).at(-1)).toBe('5 more problems in 2 files (fix the first ones and run again)');
    const err = new InputError(at('a.yaml', 30));
    expect(err.problems).toHaveLength(30);
    expect(err.message.split('\n')).toEqual(problemLines(err.problems));
  });
});
