/**
 * Hostile names where hostile-formats.test.ts does not look: the baseline `check --update-baseline` writes
 * (reviewed like code, so no bidi, zero-width or control character of a name reaches it raw: a Trojan Source
 * line; its ids still match the findings) and the text of `rules coverage` (a provider schema's name,
 * version and type tokens are input).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { renamedExport } from '../helpers/reports.js';

const EVIL = 'db\u202eexe.\u2066\u200b\ufeff\x01\x1b[31m\x85\r\n\0 <b>&amp;</b> `tick` a|b "q" #1';
const SERVICE = 'shop\u202esvc\n<i>';
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udfff]/u;

describe('the baseline file, with hostile names', () => {
  it('holds no raw bidi or control character, and still gates by id', async () => {
    const file = renamedExport('hostile-baseline.json', [['orders-db', EVIL]], SERVICE);
    const baseline = path.join(mkdtempSync(path.join(tmpdir(), 'firebreak-baseline-')), 'baseline.yaml');
    const write = await runCli(['check', file, '--baseline', baseline, '--update-baseline']);
    expect(write.code, write.stderr).toBe(0);
    const text = readFileSync(baseline, 'utf8');
    const m = RAW.exec(text);
    expect(m ? `raw U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')}` : '').toBe('');
    const doc = parse(text) as { findings: Array<{ id: string; message: string }> };
    expect(doc.findings.some((f) => f.message.includes('db\\u202eexe.\\u2066\\u200b'))).toBe(true);
    // Every finding is in it: the same input passes the gate against it.
    const gate = await runCli(['check', file, '--baseline', baseline, '--fail-on', 'info']);
    expect(gate.code, gate.stderr).toBe(0);
  });
});

describe('rules coverage, on a hostile provider schema', () => {
  it('text shows its name, version and type tokens with visible escapes; json keeps them exactly', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-coverage-'));
    const type = 'evil:index/x\u202e\x1b[31m:Vm';
    const schema = {
      name: 'evil\u202e',
      version: '1.0.0\n\x1b]0;title\x07',
      resources: { [type]: { inputProperties: { availabilityZone: { type: 'string' } } } },
    };
    writeFileSync(path.join(dir, 'schema.json'), JSON.stringify(schema));
    const text = await runCli(['rules', 'coverage', path.join(dir, 'schema.json'), '--all']);
    expect(text.code, text.stderr).toBe(0);
    const m = RAW.exec(text.stdout);
    expect(m ? `raw U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')}` : '').toBe('');
    expect(text.stdout).toContain('evil:index/x\\u202e\\x1b[31m:Vm');
    expect(text.stdout.split('\n')[0]).toMatch(/^evil\\u202e 1\.0\.0\\x0a\\x1b\]0;title\\x07 \(/);
    const json = await runCli(['rules', 'coverage', path.join(dir, 'schema.json'), '--format', 'json']);
    expect(JSON.parse(json.stdout).schemas[0].uncovered).toEqual([type]);
    // It renders text and JSON only: markdown is refused, not answered in text.
    const md = await runCli(['rules', 'coverage', path.join(dir, 'schema.json'), '--format', 'markdown']);
    expect([md.code, md.stdout]).toEqual([2, '']);
  });
});
