import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, runCli, tempFile } from '../helpers/cli.js';

const exportFile = fixture('exports', 'two-zones-single-db.json');
const preview = fixture('previews', 'delete-last-replica-outside-zone-a.json');
const changesOnly = fixture('previews', 'changes-only.json');
const zoneA = 'domain:aws/us-east-1/us-east-1a';

/** The state before the change in the preview: the export with the database already Multi-AZ. */
function before(): string {
  const doc = JSON.parse(readFileSync(exportFile, 'utf8'));
  for (const r of doc.deployment.resources) {
    if (r.type === 'aws:rds/instance:Instance') r.inputs.multiAz = r.outputs.multiAz = true;
  }
  return tempFile('before.json', JSON.stringify(doc));
}

interface F {
  id: string;
  severity: string;
  baseline?: string;
  event: { id: string };
}

describe('firebreak check', () => {
  it('passes a zone-redundant stack and fails the preview that deletes the last replica outside zone a', async () => {
    const ok = await runCli(['check', before()]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/check: passed/);

    const bad = await runCli(['check', preview, '--format', 'json']);
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stderr).toMatch(/check: FAILED: 2 finding\(s\) at or above high/);
    const result = JSON.parse(bad.stdout);
    expect(result.inputs[0].kind).toBe('preview');
    // The deleted replica is gone from the graph; the database update is taken.
    expect(result.summary.resources).toBe(7);
    const zone = result.findings.find((f: F) => f.event.id === zoneA);
    expect(zone.severity).toBe('high');
    const path = zone.affected[0].path.map((s: { node: string }) => s.node);
    expect(path).toContain('component:urn:pulumi:prod::shop::aws:ec2/instance:Instance::web-1');
    expect(path.some((n: string) => n.endsWith('::web-2'))).toBe(false);
    expect(path.some((n: string) => n.endsWith('::orders-db'))).toBe(false);
  });

  it.each([
    ['critical', 0],
    ['high', 1],
    ['medium', 1],
    ['low', 1],
    ['info', 1],
    ['none', 0],
  ])('--fail-on %s gives exit %i', async (threshold, code) => {
    expect((await runCli(['check', preview, '--fail-on', threshold])).code).toBe(code);
  });

  it('fails only on findings not in the baseline, and reports the fixed ones', async () => {
    const baseline = tempFile('baseline.yaml', '');
    const write = await runCli(['check', exportFile, '--baseline', baseline, '--update-baseline']);
    expect(write.code, write.stderr).toBe(0);
    const text = readFileSync(baseline, 'utf8');
    const ids = [...text.matchAll(/- id: (\S+)/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).toEqual([...ids].sort());
    expect(text).toMatch(/message: Losing zone aws\/us-east-1\/us-east-1a/);

    // Same input against its own baseline: nothing new.
    const same = await runCli(['check', exportFile, '--baseline', baseline]);
    expect(same.code, same.stderr).toBe(0);
    // The baseline written twice is byte-identical.
    await runCli(['check', exportFile, '--baseline', baseline, '--update-baseline']);
    expect(readFileSync(baseline, 'utf8')).toBe(text);

    // The preview fixes the database but makes web-1 a single point: only that is new.
    const r = await runCli(['check', preview, '--baseline', baseline, '--format', 'json']);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout);
    const fresh = result.findings.filter((f: F) => f.baseline === 'new' && f.severity !== 'info');
    expect(fresh.map((f: F) => f.event.id)).toEqual(['component:urn:pulumi:prod::shop::aws:ec2/instance:Instance::web-1']);
    expect(result.findings.find((f: F) => f.event.id === zoneA).baseline).toBe('unchanged');
    expect(result.baseline.absent.map((a: { id: string }) => a.id)).toEqual(ids.filter((id) => !result.findings.some((f: F) => f.id === id)));
    expect(result.baseline.absent.length).toBe(1);

    // analyze honours the baseline for its exit code too.
    expect((await runCli(['analyze', exportFile, '--baseline', baseline])).code).toBe(0);
  });

  it('refuses a broken baseline with file:line, and --update-baseline without a file', async () => {
    const broken = tempFile('baseline.yaml', 'version: 1\nfindings:\n  - id: not an id\n');
    const r = await runCli(['check', exportFile, '--baseline', broken]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${broken}:3:`);
    expect(r.stderr).toMatch(/expected a finding id/);

    const missing = await runCli(['check', exportFile, '--baseline', '/nonexistent/baseline.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--update-baseline/);

    const noFile = await runCli(['check', exportFile, '--update-baseline']);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/--update-baseline needs --baseline/);
  });

  it('--fail-on none: the check line says not gated (it said no finding at or above none)', async () => {
    const r = await runCli(['check', exportFile, '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('firebreak check: passed: not gated (--fail-on none)\n');
  });

  it('--update-baseline never writes over an input of the run, and says in words why a baseline cannot be written', async () => {
    const text = readFileSync(exportFile, 'utf8');
    const input = tempFile('stack.json', text);
    const r = await runCli(['check', input, '--baseline', input, '--update-baseline']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`firebreak: error: ${input}: is an input of this run; write the baseline to another file\n`);
    expect(readFileSync(input, 'utf8')).toBe(text);
    const program = tempFile('Pulumi.yaml', 'name: p\nruntime: yaml\nresources:\n  web:\n    type: aws:ec2:Instance\n');
    const programText = readFileSync(program, 'utf8');
    expect((await runCli(['check', path.dirname(program), '--baseline', program, '--update-baseline'])).code).toBe(2);
    expect(readFileSync(program, 'utf8')).toBe(programText);
    const nowhere = await runCli(['check', exportFile, '--baseline', path.join(path.dirname(input), 'no', 'such', 'b.yaml'), '--update-baseline']);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(/: cannot write the baseline \(no such directory\)\n$/);
  });

  it('refuses a preview made without --show-sames with exit 2 and the command to run, unless --allow-partial-preview', async () => {
    const refused = await runCli(['check', changesOnly, '--fail-on', 'none']);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/changes-only\.json: a preview made without --show-sames \(6 unchanged resource\(s\) not shown\)/);
    expect(refused.stderr).toContain('run `pulumi preview --json --show-sames > preview.json`');
    expect(refused.stderr).toContain('--allow-partial-preview');
    const r = await runCli(['check', changesOnly, '--fail-on', 'none', '--allow-partial-preview']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/6 unchanged one\(s\) not shown; 1 reference\(s\) to them skipped\): run `pulumi preview --json --show-sames`/);
    // analyze reports on it, with the warning.
    const a = await runCli(['analyze', changesOnly, '--fail-on', 'none']);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/6 unchanged one\(s\) not shown/);
    // A preview with --show-sames is whole: no refusal.
    const whole = await runCli(['check', preview, '--fail-on', 'none']);
    expect(whole.code, whole.stderr).toBe(0);
  });

  it('refuses a preview of the wrong shape with exit 2', async () => {
    const r = await runCli(['check', tempFile('p.json', '{"steps": [{"op": "create"}]}')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/p\.json: not a `pulumi preview --json` document: steps\[0\]\.urn/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
