import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, runCli, tempFile } from '../helpers/cli.js';

interface Row {
  name: string;
  state: string;
  bringsBack: Array<{ id: string; name: string }>;
  restoreAll: boolean;
  waitsFor: string[];
  path: Array<{ node: string }>;
}

const json = async (args: string[]) => {
  const r = await runCli(args);
  expect(r.code, r.stderr).toBeLessThan(2);
  return JSON.parse(r.stdout);
};

describe('firebreak whatif', () => {
  it('on the demo, losing pangyo downs or strands KakaoTalk and leaves KakaoBank up', async () => {
    const r = await json(['whatif', '--fail', 'pangyo', '.@pangyo-2022', '--format', 'json']);
    const by = new Map<string, Row>(r.services.map((s: Row) => [s.name, s]));
    expect(['down', 'stranded']).toContain(by.get('KakaoTalk')!.state);
    expect(by.get('KakaoBank')!.state).toBe('up');
    expect(r.failed.map((e: { id: string }) => e.id)).toEqual(['domain:capital-area/pangyo']);
    // Every service that is not up says why, ending at the failed data center, and what brings it back.
    for (const s of r.services as Row[]) {
      if (s.state === 'up') continue;
      expect(s.path.at(-1)!.node, s.name).toBe('domain:capital-area/pangyo');
      if (s.state !== 'degraded') expect(s.bringsBack.map((e) => e.id)).toEqual(['domain:capital-area/pangyo']);
    }
    // A stranded service names the recovery tool it waits for.
    const stranded = (r.services as Row[]).filter((s) => s.state === 'stranded');
    expect(stranded.length).toBeGreaterThan(0);
    for (const s of stranded) expect(s.waitsFor.length).toBeGreaterThan(0);
    expect(r.summary.up + r.summary.degraded + r.summary.stranded + r.summary.down).toBe(r.summary.services);
  });

  it('with two failures, names which one restored alone brings a service back', async () => {
    const r = await json(['whatif', '--fail', 'us-east-1a', '--fail', 'orders-db', fixture('exports', 'two-zones-single-db.json'), '--format', 'json']);
    const shop = (r.services as Row[]).find((s) => s.name === 'shop')!;
    expect(shop.state).toBe('down');
    // The database is in zone a: restoring only one of the two leaves the database lost.
    expect(shop.bringsBack).toEqual([]);
    expect(shop.restoreAll).toBe(true);
  });

  it('explains in text, and refuses unknown or ambiguous names with exit 2', async () => {
    const text = await runCli(['whatif', '--fail', 'capital-area/pangyo', '.@pangyo-2022']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^up\s+KakaoBank$/m);
    expect(text.stdout).toMatch(/back when datacenter capital-area\/pangyo is restored/);
    const unknown = await runCli(['whatif', '--fail', 'atlantis', '.@pangyo-2022']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--fail atlantis: no domain or component of that name; domains are: .*capital-area\/pangyo/);
    const none = await runCli(['whatif', '.@pangyo-2022']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/needs at least one --fail/);
  });
});

describe('firebreak diff', () => {
  it('pangyo-2022 -> ansan-2023 resolves every data-center-level finding and introduces none', async () => {
    const r = await runCli(['diff', '.@pangyo-2022', '.@ansan-2023', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.introduced).toEqual([]);
    const dcFindings = (list: Array<{ id: string; inPolicy: boolean; evidence?: { events: Array<{ what: string }> }; event: { what: string } }>) =>
      list.filter((f) => f.event.what === 'datacenter' || f.evidence?.events.some((e) => e.what === 'datacenter')).map((f) => f.id);
    const before = JSON.parse((await runCli(['analyze', '.@pangyo-2022', '--format', 'json', '--fail-on', 'none'])).stdout);
    expect(dcFindings(before.findings).length).toBeGreaterThan(0);
    expect(dcFindings(d.resolved).sort()).toEqual(dcFindings(before.findings).sort());
    // Every service survives every single data-center loss after the move.
    for (const s of d.services) expect(s.after.survives, s.name).toBe(s.after.of);
    expect(d.services.some((s: { before: { survives: number; of: number } }) => s.before.survives < s.before.of)).toBe(true);
  });

  it('exits 1 when the after side introduces a finding at or above --fail-on', async () => {
    const before = fixture('exports', 'two-zones-single-db.json');
    const doc = JSON.parse(readFileSync(before, 'utf8'));
    for (const r of doc.deployment.resources) if (r.type === 'aws:rds/instance:Instance') r.inputs.multiAz = r.outputs.multiAz = true;
    const fixed = tempFile('fixed.json', JSON.stringify(doc));
    const forward = await runCli(['diff', before, fixed]);
    expect(forward.code, forward.stderr).toBe(0);
    expect(forward.stdout).toMatch(/Resolved \(2\)/);
    const backward = await runCli(['diff', fixed, before]);
    expect(backward.code).toBe(1);
    expect(backward.stdout).toMatch(/Introduced \(2\)/);
    expect((await runCli(['diff', fixed, before, '--fail-on', 'critical'])).code).toBe(0);
    // A preview on the after side works the same way.
    const preview = await runCli(['diff', fixed, fixture('previews', 'delete-last-replica-outside-zone-a.json'), '--format', 'markdown']);
    expect(preview.code).toBe(1);
    expect(preview.stdout).toMatch(/^### firebreak diff: \d+ resolved, 2 introduced/);
  });
});

describe('firebreak diff --max-seconds', () => {
  it("bounds each side's --order search as analyze does, and refuses a limit that is not a number of seconds above 0", async () => {
    const help = await runCli(['diff', '--help']);
    expect(help.stdout).toMatch(/--max-seconds <seconds>[\s\S]*\(default: 60\)/);
    expect(help.stdout).toMatch(/event log/);
    const bad = await runCli(['diff', '.@pangyo-2022', '.@ansan-2023', '--max-seconds', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-seconds.*use a number of seconds above 0/);
    const r = await runCli(['diff', '.@pangyo-2022', '.@ansan-2023', '--order', '3', '--max-seconds', '0.001', '--format', 'json']);
    expect(r.code, r.stderr).toBeLessThan(2);
    const warnings = JSON.parse(r.stdout).warnings as Array<{ file: string; message: string }>;
    // Small inputs may finish before the first check; a search that stops says so, naming its side and the limit.
    for (const w of warnings.filter((x) => x.file.startsWith('(')))
      expect(w.message).toMatch(/^analysis error in shared-risk-group: stopped at its (time limit \(--max-seconds 0\.001\)|scenario budget|memory limit)/);
  });
});

describe('planning commands pass on what reading the inputs warned of', () => {
  // A Pulumi YAML program with no stack config file: "no stack config file ... using stack name dev", as analyze warns.
  const program = [
    'name: shop',
    'runtime: yaml',
    'config:',
    '  aws:region: us-east-1',
    'resources:',
    '  web:',
    '    type: aws:ec2:Instance',
    '    properties: { instanceType: t3.micro, ami: ami-123, availabilityZone: us-east-1a }',
    '',
  ].join('\n');
  const NO_CONFIG = /Pulumi\.yaml: no stack config file \(Pulumi\.<stack>\.yaml\) found; using config defaults and stack name "dev"/;

  it('whatif, diff and plan list the warnings in text, markdown and json, as analyze does (diff: each once)', async () => {
    const file = tempFile('Pulumi.yaml', program);
    const runs = [
      ['whatif', '--fail', 'web', file],
      ['diff', file, file],
      ['plan', '--add-domain', 'us-east-1b', file],
    ];
    for (const args of runs) {
      const text = await runCli(args);
      expect(text.code, text.stderr).toBeLessThan(2);
      expect(text.stdout, args[0]).toMatch(/\nWarnings \(1\)\n {2}- .*Pulumi\.yaml: no stack config file/);
      expect(text.stdout).toMatch(NO_CONFIG);
      const md = await runCli([...args, '--format', 'markdown']);
      expect(md.stdout, args[0]).toContain('<details><summary>Warnings (1)</summary>');
      const doc = JSON.parse((await runCli([...args, '--format', 'json'])).stdout) as { warnings: Array<{ file: string; message: string }> };
      expect(doc.warnings.map((w) => w.message)).toEqual(['no stack config file (Pulumi.<stack>.yaml) found; using config defaults and stack name "dev"']);
    }
  });

  it('a document with nothing to warn of has an empty list and no Warnings section', async () => {
    const r = await runCli(['whatif', '--fail', 'pangyo', '.@pangyo-2022']);
    expect(r.stdout).not.toContain('Warnings (');
    expect(JSON.parse((await runCli(['whatif', '--fail', 'pangyo', '.@pangyo-2022', '--format', 'json'])).stdout).warnings).toEqual([]);
  });
});

describe('whatif and diff on a terminal', () => {
  it('say what they read and analyze, on the one progress line, and clear it before the report; nothing when not a terminal', async () => {
    const w = await runCli(['whatif', '--fail', 'pangyo', '.@pangyo-2022'], { stderrIsTTY: true });
    expect(w.code).toBe(0);
    expect(w.stderr).toContain('firebreak: reading ');
    expect(w.stderr).toMatch(/firebreak: analyzing 50 resources\.\.\./);
    expect(w.stderr.endsWith('\r\u001b[2K')).toBe(true);
    const d = await runCli(['diff', '.@pangyo-2022', '.@ansan-2023'], { stderrIsTTY: true });
    expect(d.code).toBe(0);
    expect(d.stderr).toMatch(/firebreak: reading before: \S+@pangyo-2022\.\.\./);
    expect(d.stderr).toMatch(/firebreak: reading after: \S+@ansan-2023\.\.\./);
    expect(d.stderr.endsWith('\r\u001b[2K')).toBe(true);
    expect((await runCli(['diff', '.@pangyo-2022', '.@ansan-2023'])).stderr).toBe('');
  });
});

describe('whatif and plan on a stack with no resources (a destroy log, an empty export)', () => {
  it('say there is nothing to fail or plan, in one line, exit 2', async () => {
    const empty = tempFile('empty.json', JSON.stringify({ version: 3, deployment: { manifest: { time: '', magic: '', version: '' }, resources: [] } }));
    const w = await runCli(['whatif', '--fail', 'pangyo', empty]);
    expect(w.code).toBe(2);
    expect(w.stderr).toBe(
      'firebreak: error: --fail pangyo: the inputs hold nothing that can fail (a stack destroyed or not yet deployed, or only configuration): there is nothing to fail; name a stack that has resources\n',
    );
    const p = await runCli(['plan', '--add-domain', 'ansan', empty]);
    expect(p.code).toBe(2);
    expect(p.stderr).toBe(
      'firebreak: error: --add-domain ansan: the inputs hold no resources (a stack destroyed or not yet deployed): there is nothing to plan; name a stack that has resources\n',
    );
  });
});
