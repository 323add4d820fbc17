/** Several reports from one run, formats from file names, --severity, --quiet and the `cli:` defaults of firebreak.yaml. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, runCli } from '../helpers/cli.js';

const exportFile = fixture('exports', 'two-zones-single-db.json');
const tmp = (): string => mkdtempSync(path.join(tmpdir(), 'firebreak-outputs-'));

describe('several outputs from one run', () => {
  it('writes sarif and markdown files and text to stdout, all from the same result', async () => {
    const dir = tmp();
    const r = await runCli(['analyze', exportFile, '--output-format', 'sarif=firebreak.sarif', '--output-format', 'markdown=summary.md', '--format', 'text'], {
      cwd: dir,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^firebreak \S+: shop\/prod\n/);
    expect(r.stderr).toContain('firebreak: wrote sarif report to firebreak.sarif\n');
    expect(r.stderr).toContain('firebreak: wrote markdown report to summary.md\n');
    const sarif = JSON.parse(readFileSync(path.join(dir, 'firebreak.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    const markdown = readFileSync(path.join(dir, 'summary.md'), 'utf8');
    expect(markdown).toMatch(/^\*\*firebreak: failed\*\*: 2 findings at or above high\./);
    // The same findings in every report.
    const json = JSON.parse((await runCli(['analyze', exportFile, '--format', 'json'])).stdout);
    const ids = json.findings.map((f: { id: string }) => f.id).sort();
    expect(sarif.runs[0].results).toHaveLength(ids.length);
    for (const id of ids) expect(markdown).toContain(id);
  });

  it('takes the format of -o from the file name, and refuses a name that says another format', async () => {
    const dir = tmp();
    const r = await runCli(['analyze', exportFile, '-o', 'x.sarif', '--fail-on', 'none'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('firebreak: wrote sarif report to x.sarif\n');
    expect(JSON.parse(readFileSync(path.join(dir, 'x.sarif'), 'utf8')).version).toBe('2.1.0');
    for (const [file, format] of [
      ['r.json', 'json'],
      ['r.sarif.json', 'sarif'],
      ['r.md', 'markdown'],
      ['r.xml', 'junit'],
      ['r.txt', 'text'],
    ] as const) {
      const o = await runCli(['analyze', exportFile, '-o', file, '--fail-on', 'none'], { cwd: dir });
      expect(o.stderr).toBe(`firebreak: wrote ${format} report to ${file}\n`);
    }
    // A name with no known ending: the --format (default text).
    expect((await runCli(['analyze', exportFile, '-o', 'report', '--fail-on', 'none'], { cwd: dir })).stderr).toBe('firebreak: wrote text report to report\n');

    const mismatch = await runCli(['analyze', exportFile, '-o', 'y.sarif', '--format', 'text'], { cwd: dir });
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/^firebreak: error: -o y\.sarif with --format text: the file name says sarif, not text/);
    expect(existsSync(path.join(dir, 'y.sarif'))).toBe(false);
    const extra = await runCli(['analyze', exportFile, '--output-format', 'json=z.sarif'], { cwd: dir });
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/--output-format json=z\.sarif: the file name says sarif, not json/);
    // SARIF is JSON: a .json name takes it.
    const sarifJson = await runCli(['analyze', exportFile, '--format', 'sarif', '-o', 'results.json', '--fail-on', 'none'], { cwd: dir });
    expect(sarifJson.stderr).toBe('firebreak: wrote sarif report to results.json\n');
  });

  it('whatif, diff and plan take the format of -o from the file name too', async () => {
    const dir = tmp();
    const r = await runCli(['whatif', '--fail', 'us-east-1a', exportFile, '-o', 'whatif.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('firebreak: wrote json report to whatif.json\n');
    expect(JSON.parse(readFileSync(path.join(dir, 'whatif.json'), 'utf8'))).toBeTypeOf('object');
    const mismatch = await runCli(['whatif', '--fail', 'us-east-1a', exportFile, '-o', 'whatif.md', '--format', 'json'], { cwd: dir });
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/the file name says markdown, not json/);
  });

  it('refuses a malformed --output-format, an unknown format, and two reports to one file', async () => {
    const dir = tmp();
    for (const [args, message] of [
      [['--output-format', 'sarif'], /expected FORMAT=FILE/],
      [['--output-format', 'pdf=x.pdf'], /unknown format "pdf"/],
      [['-o', 'a.json', '--output-format', 'json=a.json'], /a\.json: two reports would be written to this file/],
    ] as const) {
      const r = await runCli(['analyze', exportFile, ...args], { cwd: dir });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });
});

describe('--severity and --quiet', () => {
  it('--severity hides findings below it in every format and leaves the exit code to --fail-on', async () => {
    const text = await runCli(['analyze', exportFile, '--severity', 'critical']);
    expect(text.code).toBe(1);
    expect(text.stdout).not.toMatch(/^HIGH/m);
    expect(text.stdout).toContain('3 findings below critical not shown (--severity critical)');
    const json = JSON.parse((await runCli(['analyze', exportFile, '--severity', 'high', '--format', 'json'])).stdout);
    expect(json.findings.map((f: { severity: string }) => f.severity)).toEqual(['high', 'high']);
    const md = (await runCli(['analyze', exportFile, '--severity', 'critical', '--format', 'markdown'])).stdout;
    // The verdict still counts every finding.
    expect(md).toMatch(/^\*\*firebreak: failed\*\*: 2 findings at or above high\./);
    expect(md).not.toContain('single-point-of-failure/9ced830d26ca');
    const bad = await runCli(['analyze', exportFile, '--severity', 'severe']);
    expect(bad.code).toBe(2);
  });

  it('--quiet keeps the verdict and the failing findings only', async () => {
    const r = await runCli(['analyze', exportFile, '--quiet']);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('firebreak failed: 2 findings at or above high (shop/prod)');
    expect(r.stdout.match(/^HIGH /gm)).toHaveLength(2);
    expect(r.stdout).not.toMatch(/INFO|Policy:|Findings:/);
    const passed = await runCli(['analyze', exportFile, '--quiet', '--fail-on', 'critical']);
    expect(passed.stdout).toBe('firebreak passed: no finding at or above critical (shop/prod)\n');
    const md = (await runCli(['analyze', exportFile, '--quiet', '--format', 'markdown'])).stdout;
    expect(md).toMatch(/^\*\*firebreak: failed\*\*/);
    expect(md).not.toContain('| severity | count |');
    expect(md).not.toContain('single-point-of-failure/b9200251fdee'); // the info finding
  });
});

describe('cli: in firebreak.yaml', () => {
  it('gives defaults for options not given on the command line, paths relative to the file', async () => {
    const dir = tmp();
    const topology = path.join(dir, 'firebreak.yaml');
    writeFileSync(topology, 'cli:\n  format: json\n  failOn: none\n  severity: high\n  outputFormat:\n    markdown: out/summary.md\n');
    mkdirSync(path.join(dir, 'out'));
    const r = await runCli(['analyze', exportFile, '--topology', topology]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).findings).toHaveLength(2);
    expect(readFileSync(path.join(dir, 'out', 'summary.md'), 'utf8')).toMatch(/^\*\*firebreak: passed\*\*/);
    // The command line wins.
    const explicit = await runCli(['analyze', exportFile, '--topology', topology, '--format', 'text', '--fail-on', 'high']);
    expect(explicit.code).toBe(1);
    expect(explicit.stdout).toMatch(/^firebreak /);
  });

  it('refuses an unknown option or a wrong value with the file and line', async () => {
    const dir = tmp();
    const topology = path.join(dir, 'firebreak.yaml');
    writeFileSync(topology, 'cli:\n  failOn: severe\n');
    const r = await runCli(['analyze', exportFile, '--topology', topology]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/firebreak\.yaml: cli\.failOn: "severe" is not one of critical, high, medium, low, info, none/);
    writeFileSync(topology, 'cli:\n  order: 9\n');
    const order = await runCli(['analyze', exportFile, '--topology', topology]);
    expect(order.code).toBe(2);
    expect(order.stderr).toMatch(/firebreak\.yaml:2(:\d+)?: not a firebreak topology: cli\.order/);
    writeFileSync(topology, 'cli:\n  outputs: x\n');
    const unknown = await runCli(['analyze', exportFile, '--topology', topology]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/outputs/);
  });
});
