import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, runCli, tempFile } from '../helpers/cli.js';

const twoZones = fixture('exports', 'two-zones-single-db.json');

function withMultiAz(): string {
  const doc = JSON.parse(readFileSync(twoZones, 'utf8'));
  for (const r of doc.deployment.resources) {
    if (r.type === 'aws:rds/instance:Instance') {
      r.inputs.multiAz = true;
      r.outputs.multiAz = true;
    }
  }
  return tempFile('multi-az.json', JSON.stringify(doc));
}

describe('firebreak analyze on a stack export', () => {
  it('reports the single-AZ database zone as a single point of failure, with the path', async () => {
    const r = await runCli(['analyze', twoZones, '--format', 'json']);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result.schemaVersion).toBe(1);
    const zone = result.findings.find((f: { event: { id: string } }) => f.event.id === 'domain:aws/us-east-1/us-east-1a');
    expect(zone).toBeDefined();
    expect(zone.severity).toBe('high');
    expect(zone.inPolicy).toBe(true);
    expect(zone.affected.map((a: { service: string }) => a.service)).toEqual(['shop']);
    const path = zone.affected[0].path.map((s: { node: string }) => s.node);
    expect(path[0]).toBe('service:shop');
    expect(path).toContain('component:urn:pulumi:prod::shop::aws:rds/instance:Instance::orders-db');
    expect(path[path.length - 1]).toBe('domain:aws/us-east-1/us-east-1a');
    // Zone b holds only one of two web replicas: not a single point of failure.
    expect(result.findings.some((f: { event: { id: string } }) => f.event.id === 'domain:aws/us-east-1/us-east-1b')).toBe(false);
  });

  it('with the database Multi-AZ, reports no zone-level single point of failure', async () => {
    const r = await runCli(['analyze', withMultiAz(), '--format', 'json']);
    const result = JSON.parse(r.stdout);
    const zoneFindings = result.findings.filter((f: { event: { id: string }; inPolicy: boolean }) => f.event.id.startsWith('domain:') && f.inPolicy);
    expect(zoneFindings).toEqual([]);
    // The region is still shown, as information.
    expect(result.findings.some((f: { event: { id: string }; severity: string }) => f.event.id === 'domain:aws/us-east-1' && f.severity === 'info')).toBe(true);
    expect(r.code).toBe(0);
  });

  it('--tolerate region turns region loss into a finding that fails the run', async () => {
    const r = await runCli(['analyze', withMultiAz(), '--format', 'json', '--tolerate', 'region']);
    const result = JSON.parse(r.stdout);
    const region = result.findings.find((f: { event: { id: string } }) => f.event.id === 'domain:aws/us-east-1');
    expect(region.severity).toBe('high');
    expect(r.code).toBe(1);
  });

  it('prints a readable text report with the explanation path', async () => {
    const r = await runCli(['analyze', twoZones]);
    expect(r.stdout).toContain('HIGH');
    expect(r.stdout).toMatch(/Losing zone aws\/us-east-1\/us-east-1a takes down shop/);
    expect(r.stdout).toMatch(/shop -requires-> .*orders-db \[us-east-1a\] -placed-in-> zone aws\/us-east-1\/us-east-1a/);
    expect(r.stdout).not.toMatch(/\x1b\[/); // NO_COLOR and not a TTY
  });

  it('--fail-on controls the exit code', async () => {
    expect((await runCli(['analyze', twoZones, '--fail-on', 'critical'])).code).toBe(0);
    expect((await runCli(['analyze', twoZones, '--fail-on', 'high'])).code).toBe(1);
    expect((await runCli(['analyze', twoZones, '--fail-on', 'none'])).code).toBe(0);
  });

  it('gives byte-identical output for the same input', async () => {
    const a = await runCli(['analyze', twoZones, '--format', 'json']);
    const b = await runCli(['analyze', twoZones, '--format', 'json']);
    expect(a.stdout).toBe(b.stdout);
    const t1 = await runCli(['analyze', twoZones]);
    const t2 = await runCli(['analyze', twoZones]);
    expect(t1.stdout).toBe(t2.stdout);
  });

  it('gives finding ids that stay the same when unrelated resources change', async () => {
    const doc = JSON.parse(readFileSync(twoZones, 'utf8'));
    doc.deployment.resources.push({
      urn: 'urn:pulumi:prod::shop::aws:s3/bucket:Bucket::logs',
      custom: true,
      type: 'aws:s3/bucket:Bucket',
      inputs: { tags: { 'firebreak:service': 'logs' } },
      outputs: { region: 'us-east-1' },
    });
    const a = JSON.parse((await runCli(['analyze', twoZones, '--format', 'json'])).stdout);
    const b = JSON.parse((await runCli(['analyze', tempFile('more.json', JSON.stringify(doc)), '--format', 'json'])).stdout);
    const zoneId = (res: { findings: Array<{ id: string; event: { id: string } }> }) =>
      res.findings.find((f) => f.event.id === 'domain:aws/us-east-1/us-east-1a')?.id;
    expect(zoneId(a)).toBeDefined();
    expect(zoneId(b)).toBe(zoneId(a));
  });

  it('reads stdin with -', async () => {
    const r = await runCli(['analyze', '-', '--format', 'json'], { input: readFileSync(twoZones, 'utf8') });
    expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(0);
  });

  it('writes --output to a file', async () => {
    const out = tempFile('report.json', '');
    const r = await runCli(['analyze', twoZones, '--format', 'json', '--output', out]);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).schemaVersion).toBe(1);
  });

  it('explains usage with --help and rejects unknown options with exit 2', async () => {
    const help = await runCli(['analyze', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--fail-on');
    expect(help.stdout).toContain('Exit codes');
    const bad = await runCli(['analyze', twoZones, '--format', 'pdf']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/pdf/);
    expect((await runCli(['analyze', twoZones, '--tolerate', 'galaxy'])).code).toBe(2);
  });

  it("commander's usage errors carry firebreak's prefix, as every other error does", async () => {
    for (const args of [['analyze', '--no-such-option'], ['analyze', twoZones, '--order', '0'], ['diff', twoZones], ['no-such-command']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^firebreak: error: \S/);
    }
  });

  it('--help states each default once per option', async () => {
    for (const cmd of [['analyze'], ['check'], ['whatif'], ['diff'], ['plan'], ['rules', 'explain'], ['rules', 'list']]) {
      const help = await runCli([...cmd, '--help']);
      expect(help.code).toBe(0);
      // One entry per option: its first line and the wrapped lines under it.
      const options = help.stdout.split(/\n(?= {2}-)/).map((o) => o.split('\n\n')[0]!.replace(/\s+/g, ' '));
      expect(options.length).toBeGreaterThan(1);
      for (const o of options) expect((o.match(/\(default:? /g) ?? []).length, `${cmd.join(' ')}: ${o}`).toBeLessThanOrEqual(1);
      expect(help.stdout, cmd.join(' ')).toMatch(cmd[0] === 'rules' ? /./ : /\nExit codes: 0 /);
      // -o follows the file name in every command: its help says so.
      const output = options.find((o) => o.startsWith(' -o, --output'));
      if (output) expect(output, cmd.join(' ')).toContain('its format follows the name');
    }
  });
});

describe('secrets never reach any output', () => {
  it('drops --show-secrets plaintext inside secret envelopes', async () => {
    for (const format of ['text', 'json']) {
      const r = await runCli(['analyze', twoZones, '--format', format]);
      expect(r.stdout + r.stderr).not.toContain('hunter2');
    }
  });
});

describe('progress on a terminal', () => {
  it('names each input as it is read when there are several, escaped, and clears the line before the report', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-progress-'));
    const odd = path.join(dir, 'odd\u001b[31mname.json');
    copyFileSync(fixture('exports', 'stackref-network.json'), odd); // another stack: one stack read twice is refused
    const r = await runCli(['analyze', twoZones, odd, '--format', 'json', '--fail-on', 'none'], { stderrIsTTY: true });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`firebreak: reading ${twoZones} (1 of 2)...`);
    expect(r.stderr).toMatch(/firebreak: reading \S*odd\\x1b\[31mname\.json \(2 of 2\)\.\.\./);
    // The only escape sequences are firebreak's own line clearing: none comes from the file name.
    expect(r.stderr.replaceAll('\r\u001b[2K', '')).not.toContain('\u001b');
    expect(r.stderr.endsWith('\r\u001b[2K')).toBe(true);
    expect(JSON.parse(r.stdout).summary.resources).toBeGreaterThan(0);
    // One input: the one line as before; no terminal: no progress at all.
    const one = await runCli(['analyze', twoZones, '--format', 'json', '--fail-on', 'none'], { stderrIsTTY: true });
    expect(one.stderr).not.toContain('(1 of 1)');
    const quiet = await runCli(['analyze', twoZones, odd, '--format', 'json', '--fail-on', 'none']);
    expect(quiet.stderr).toBe('');
  });
});
