/**
 * A Pulumi YAML program that ships without a stack config file (as most public
 * examples do): its default provider's region is an unknown, `<aws:region>`,
 * not a reason to leave its resources unjudged. test/fixtures/yaml/unset-region
 * is such a program, with an explicit provider that sets no region and one that does.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

const fixture = path.join(repoRoot, 'test', 'fixtures', 'yaml', 'unset-region');

/** The fixture in a folder of its own, with these files added. */
function variant(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-unset-region-'));
  cpSync(fixture, dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

interface Doc {
  summary: { coverage: { resources: number; modelled: number; unjudged: number } };
  nodes: Record<string, { name?: string; placedIn?: string[] }>;
  findings: Array<{ event: { id: string }; severity: string }>;
  blindSpots: Array<{ kind: string; message: string }>;
  warnings: Array<{ message: string; line?: number }>;
}

async function analyze(...inputs: string[]): Promise<Doc> {
  const r = await runCli(['analyze', ...inputs, '--format', 'json', '--fail-on', 'none']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Doc;
}

const placedIn = (doc: Doc, name: string, stack = 'dev'): string[] | undefined =>
  Object.entries(doc.nodes).find(([id, n]) => id.startsWith(`component:urn:pulumi:${stack}::`) && n.name === name)?.[1].placedIn;

describe('a YAML program without a stack config file', () => {
  it('places what its default provider holds in <aws:region>, and an explicit provider without a region in its own unknown region', async () => {
    const doc = await analyze(fixture);
    expect(doc.summary.coverage).toMatchObject({ resources: 7, modelled: 4, unjudged: 0 });
    expect(placedIn(doc, 'web')).toEqual(['aws/<aws:region>']);
    expect(placedIn(doc, 'backups')).toEqual(['aws/<region of provider backupProvider>']);
    expect(placedIn(doc, 'archive')).toEqual(['aws/eu-central-1']);
    const ids = doc.findings.map((f) => `${f.event.id} ${f.severity}`);
    expect(ids).toContain('domain:aws/<aws:region> info');
    // The instance has no subnet or zone: one zone of the unknown region, as for a known one.
    expect(doc.blindSpots.filter((b) => b.kind === 'unknown-zone').map((b) => b.message)).toEqual([
      'web (aws:ec2:Instance) lives in one zone, but which zone is not known; placed in region <aws:region>',
    ]);
    const missing = doc.blindSpots.filter((b) => b.kind === 'missing-config').map((b) => b.message.split(':')[0]);
    expect(missing.sort()).toEqual(['assets (aws', 'backups (aws', 'web (aws']);
  });

  it('says so, never silently: a warning for the unset key and one at the provider that sets no region', async () => {
    const doc = await analyze(fixture);
    const config = doc.warnings.filter((w) => w.message.startsWith('config aws:region has no value firebreak can read'));
    expect(config).toHaveLength(1);
    expect(config[0]!.message).toContain('2 resources placed in <aws:region>, treated as one unknown region');
    const provider = doc.warnings.filter((w) => w.message.startsWith('provider backupProvider'));
    expect(provider).toHaveLength(1);
    expect(provider[0]!.line).toBe(41);
    expect(doc.warnings.some((w) => w.message.startsWith('provider pinnedProvider'))).toBe(false);
  });

  it('uses aws:region from the stack file, or a project default, instead (the explicit provider stays unknown)', async () => {
    for (const dir of [
      variant({ 'Pulumi.dev.yaml': 'config:\n  aws:region: us-west-2\n' }),
      variant({
        'Pulumi.dev.yaml': 'config: {}\n',
        'Pulumi.yaml': readFileSync(path.join(fixture, 'Pulumi.yaml'), 'utf8').replace('config:\n', 'config:\n  aws:region: us-west-2\n'),
      }),
    ]) {
      const doc = await analyze(dir);
      expect(placedIn(doc, 'web')).toEqual(['aws/us-west-2']);
      expect(placedIn(doc, 'backups')).toEqual(['aws/<region of provider backupProvider>']);
      expect(doc.warnings.some((w) => w.message.startsWith('config aws:region'))).toBe(false);
      expect(doc.blindSpots.filter((b) => b.kind === 'unknown-zone').map((b) => b.message)).toEqual([
        'web (aws:ec2:Instance) lives in one zone, but which zone is not known; placed in region us-west-2',
      ]);
    }
  });

  it('reads a secret aws:region as the same unknown, and never prints its value', async () => {
    const dir = variant({ 'Pulumi.dev.yaml': 'config:\n  aws:region:\n    secure: v1:c2VjcmV0LXJlZ2lvbi1mb3ItdGVzdA==\n' });
    const r = await runCli(['analyze', dir, '--format', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('c2VjcmV0LXJlZ2lvbi1mb3ItdGVzdA');
    const doc = JSON.parse(r.stdout) as Doc;
    expect(placedIn(doc, 'web')).toEqual(['aws/<aws:region>']);
  });

  it('judges two stacks that both leave it unset each in its own unknown region, with a blind spot naming both', async () => {
    const dir = variant({ 'Pulumi.blue.yaml': 'config: {}\n', 'Pulumi.green.yaml': 'config: {}\n' });
    const doc = await analyze(`${dir}@blue`, `${dir}@green`);
    expect(placedIn(doc, 'web', 'blue')).toEqual(['aws/<aws:region@storefront/blue>']);
    expect(placedIn(doc, 'web', 'green')).toEqual(['aws/<aws:region@storefront/green>']);
    const stacks = doc.blindSpots.filter((b) => b.message.startsWith('stacks ')).map((b) => b.message);
    expect(stacks).toEqual([
      'stacks storefront/blue, storefront/green all leave <aws:region> unknown: they cannot be proved to be in the same region or different ones; each is judged as its own (<aws:region@storefront/blue>, <aws:region@storefront/green>)',
      'stacks storefront/blue, storefront/green all leave <region of provider backupProvider> unknown: they cannot be proved to be in the same region or different ones; each is judged as its own (<region of provider backupProvider@storefront/blue>, <region of provider backupProvider@storefront/green>)',
    ]);
    // Two stacks in one configured region share it.
    const same = variant({ 'Pulumi.blue.yaml': 'config:\n  aws:region: eu-west-1\n', 'Pulumi.green.yaml': 'config:\n  aws:region: eu-west-1\n' });
    const both = await analyze(`${same}@blue`, `${same}@green`);
    expect(placedIn(both, 'web', 'blue')).toEqual(['aws/eu-west-1']);
    expect(placedIn(both, 'web', 'green')).toEqual(['aws/eu-west-1']);
  });

  it('escapes the symbol in HTML and Markdown', async () => {
    const md = await runCli(['analyze', fixture, '--format', 'markdown', '--fail-on', 'none']);
    expect(md.stdout).toContain('&lt;aws:region&gt;');
    expect(md.stdout).not.toContain('<aws:region>');
    const html = await runCli(['analyze', fixture, '--format', 'html', '--fail-on', 'none']);
    expect(html.stdout).toContain('aws:region');
    expect(html.stdout).not.toContain('<aws:region>');
    expect(html.stdout).not.toContain('<region of provider');
  });
});
