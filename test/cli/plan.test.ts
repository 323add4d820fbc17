import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, runCli, tempFile } from '../helpers/cli.js';

interface Step {
  component: string;
  name: string;
  role: string;
  wave: number;
  after: string[];
}

async function planJson(args: string[]) {
  const r = await runCli(['plan', ...args, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

async function inPolicyFindings(file: string): Promise<Array<{ event: { what: string }; severity: string }>> {
  const r = await runCli(['analyze', file, '--format', 'json', '--fail-on', 'none']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).findings.filter((f: { inPolicy: boolean }) => f.inPolicy);
}

describe('firebreak plan', () => {
  it('on pangyo-2022, duplicates at least the ops tools and the login into ansan, in waves that respect dependencies', async () => {
    const applied = tempFile('planned.json', '');
    const p = await planJson(['--add-domain', 'ansan', '.@pangyo-2022', '--apply', applied]);
    expect(p.newDomain).toMatchObject({ path: 'capital-area/ansan', kind: 'datacenter', sibling: 'capital-area/pangyo' });
    const roles = new Set(p.steps.map((s: Step) => s.role));
    expect(roles).toContain('ops-tool');
    expect(roles).toContain('identity');
    const wave = new Map<string, number>(p.steps.map((s: Step) => [s.component, s.wave]));
    for (const s of p.steps as Step[]) for (const dep of s.after) expect(wave.get(dep)!, `${s.name} after ${dep}`).toBeLessThan(s.wave);
    expect(p.after).toEqual([]);
    expect(p.before.map((f: { domain: string }) => f.domain)).toContain('capital-area/pangyo');

    // The applied estate, analyzed from scratch: no data-center-level single point is left.
    const findings = await inPolicyFindings(applied);
    expect(findings.filter((f) => f.event.what === 'datacenter')).toEqual([]);
    expect(readFileSync(applied, 'utf8')).toContain('"firebreak:domain": "region=capital-area/datacenter=ansan"');
  });

  it('finds the exact smallest plan on a small estate, and the applied result proves it', async () => {
    const applied = tempFile('planned.json', '');
    const p = await planJson(['--add-domain', 'us-east-1c', fixture('exports', 'two-zones-single-db.json'), '--apply', applied]);
    expect(p.method).toBe('exact');
    expect(p.steps.map((s: Step) => s.name)).toEqual(['orders-db']);
    expect((await inPolicyFindings(applied)).filter((f) => f.severity !== 'info')).toEqual([]);
    // Without the plan, the zone is a single point of failure.
    expect((await inPolicyFindings(fixture('exports', 'two-zones-single-db.json'))).some((f) => f.event.what === 'zone')).toBe(true);
  });

  it('writes a checklist in text and markdown, and refuses a domain that exists', async () => {
    const text = await runCli(['plan', '--add-domain', 'ansan', '.@pangyo-2022']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Wave 1$/m);
    expect(text.stdout).toMatch(/^ {2}\[ \] ops-console-2 \(ops-tool, Kakao ops tools\) from pangyo/m);
    const md = await runCli(['plan', '--add-domain', 'ansan', '.@pangyo-2022', '--format', 'markdown']);
    expect(md.stdout).toMatch(/^- \[ \] login-api-2 /m);
    const exists = await runCli(['plan', '--add-domain', 'mokdong', '--from', 'pangyo', '.@pangyo-2022']);
    expect(exists.code).toBe(2);
    expect(exists.stderr).toMatch(/capital-area\/mokdong already exists/);
    const missing = await runCli(['plan', '.@pangyo-2022']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--add-domain/);
  });
});

describe('firebreak plan: lone components of one name', () => {
  it('two lone resources named alike in one service become two groups (the second used to end in an internal error)', async () => {
    const resource = (type: string, critical: boolean) => ({
      urn: `urn:pulumi:prod::shop::${type}::db`,
      custom: true,
      type,
      inputs: { availabilityZone: 'us-east-1a', tags: { 'firebreak:service': 'shop', ...(critical ? { 'firebreak:critical': 'true' } : {}) } },
      outputs: { availabilityZone: 'us-east-1a' },
    });
    const state = tempFile(
      'alike.json',
      JSON.stringify({ version: 3, deployment: { resources: [resource('aws:rds/instance:Instance', true), resource('aws:ebs/volume:Volume', false)] } }),
    );
    const applied = tempFile('alike-planned.json', '');
    const p = await planJson([state, '--add-domain', 'us-east-1b', '--apply', applied]);
    const groups = p.steps.map((s: { group: string }) => s.group).sort();
    expect(groups).toEqual(['shop/db (urn:pulumi:prod::shop::aws:ebs/volume:Volume::db)', 'shop/db (urn:pulumi:prod::shop::aws:rds/instance:Instance::db)']);
    expect(p.after).toEqual([]);
    expect(await inPolicyFindings(applied)).toEqual([]);
  });
});
