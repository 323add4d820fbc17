/**
 * The corpus: real public Pulumi states and programs in ../shared/corpus,
 * read at test time (never copied into this repository). Skipped, with a
 * message, when the folder is absent.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { corpusDir, runCli } from '../helpers/cli.js';
import { FORMATS } from '../../src/report/index.js';

const present = existsSync(corpusDir);
if (!present) console.warn(`corpus tests skipped: ${corpusDir} not found (it sits beside the repository as ../shared/corpus)`);

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = path.join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
}

const files = present ? walk(corpusDir) : [];
const states = files.filter(
  (f) => f.endsWith('.json') && !f.includes(`${path.sep}schema${path.sep}`) && /"(deployment|checkpoint|latest)"/.test(readFileSync(f, 'utf8').slice(0, 4000)),
);
const refused = new Set(['checkpoint-v4-unsupported-feature.json']);

describe.skipIf(!present)('corpus: stack states', () => {
  it('finds the state files', () => {
    expect(states.length).toBeGreaterThanOrEqual(5);
  });

  it.each(states.filter((f) => !refused.has(path.basename(f))).map((f) => [path.relative(corpusDir, f), f]))(
    '%s analyzes without error',
    async (_name, file) => {
      const r = await runCli(['analyze', file, '--format', 'json', '--fail-on', 'none']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const result = JSON.parse(r.stdout);
      const doc = JSON.parse(readFileSync(file, 'utf8'));
      const deployment = doc.deployment ?? doc.checkpoint?.latest ?? doc.latest;
      const expected = deployment.resources.filter((x: { delete?: boolean }) => !x.delete).length;
      expect(result.summary.resources).toBe(expected);
      expect(result.analysisErrors).toEqual([]);
    },
  );

  it('refuses a version-4 state with an unknown feature, as Pulumi does', async () => {
    const file = states.find((f) => path.basename(f) === 'checkpoint-v4-unsupported-feature.json');
    expect(file).toBeDefined();
    const r = await runCli(['analyze', file!]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/checkpoint-v4-unsupported-feature\.json: the state needs feature\(s\) firebreak does not support: unsupported-feature/);
  });

  it('never prints a secret from checkpoint-secrets.json, in any format', async () => {
    const file = states.find((f) => path.basename(f) === 'checkpoint-secrets.json')!;
    const text = readFileSync(file, 'utf8');
    const ciphertexts = [...text.matchAll(/"ciphertext":\s*"([^"]+)"/g)].map((m) => m[1]!);
    expect(ciphertexts.length).toBeGreaterThan(0);
    for (const format of FORMATS) {
      const out = (await runCli(['analyze', file, '--format', format, '--fail-on', 'none'])).stdout;
      for (const c of ciphertexts) expect(out).not.toContain(c);
    }
  });

  it('places the pre-provider checkpoint by the region inside its ARNs', async () => {
    const file = states.find((f) => path.basename(f) === 'checkpoint-v3.json')!;
    const result = JSON.parse((await runCli(['analyze', file, '--format', 'json', '--fail-on', 'none'])).stdout);
    expect(result.findings.some((f: { event: { id: string } }) => f.event.id === 'domain:aws/us-east-2')).toBe(true);
  });
});

// Pulumi YAML programs: project directories (runtime: yaml) and bare program files.
const projects = files
  .filter((f) => path.basename(f) === 'Pulumi.yaml' && /runtime:\s*(yaml|\n\s+name:\s*yaml)/.test(readFileSync(f, 'utf8')))
  .map((f) => path.dirname(f));
const programs = files.filter((f) => f.includes(`${path.sep}testdata${path.sep}`) && /\.ya?ml$/.test(f));

/** The number of keys under `resources:` of a program, counted from the YAML itself. */
function declaredResources(file: string): number {
  const doc = parse(readFileSync(file, 'utf8')) as { resources?: Record<string, unknown> } | null;
  return Object.keys(doc?.resources ?? {}).length;
}

function programFileOf(dir: string): string {
  for (const f of ['Main.yaml', 'Main.json']) if (existsSync(path.join(dir, f))) return path.join(dir, f);
  const main = (parse(readFileSync(path.join(dir, 'Pulumi.yaml'), 'utf8')) as { main?: string }).main;
  if (main) for (const f of ['Main.yaml', 'Main.json']) if (existsSync(path.join(dir, main, f))) return path.join(dir, main, f);
  return path.join(dir, 'Pulumi.yaml');
}

describe.skipIf(!present)('corpus: Pulumi YAML programs', () => {
  it('finds the programs', () => {
    expect(projects.length).toBeGreaterThanOrEqual(15);
    expect(programs.length).toBeGreaterThanOrEqual(5);
  });

  it.each([...projects, ...programs].map((p) => [path.relative(corpusDir, p), p]))('%s analyzes without error', async (_name, target) => {
    const r = await runCli(['analyze', target, '--format', 'json', '--fail-on', 'none']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    const file = statSync(target).isDirectory() ? programFileOf(target) : target;
    expect(result.summary.resources).toBe(declaredResources(file));
    expect(result.analysisErrors).toEqual([]);
  });

  it.each(projects.map((p) => [path.relative(corpusDir, p), p]))('%s/Pulumi.yaml, named as a file, reads as its directory does', async (_name, dir) => {
    const asFile = await runCli(['analyze', path.join(dir, 'Pulumi.yaml'), '--format', 'json', '--fail-on', 'none']);
    expect(asFile.stderr).toBe('');
    expect(asFile.code).toBe(0);
    const asDir = JSON.parse((await runCli(['analyze', dir, '--format', 'json', '--fail-on', 'none'])).stdout);
    const result = JSON.parse(asFile.stdout);
    expect(result.summary).toEqual(asDir.summary);
    expect(result.findings.map((f: { event: { id: string } }) => f.event.id)).toEqual(asDir.findings.map((f: { event: { id: string } }) => f.event.id));
  });

  it('rejects no program only because a config value or secret is missing', async () => {
    for (const target of [...projects, ...projects.map((p) => path.join(p, 'Pulumi.yaml')), ...programs]) {
      const r = await runCli(['analyze', target, '--format', 'json', '--fail-on', 'none']);
      expect(r.stderr, target).not.toMatch(/has no value|config .* missing/i);
      expect(r.code, target).toBe(0);
    }
  });

  it('never prints a `secure:` stack config value', async () => {
    const dir = projects.find((p) => p.endsWith('project-config-with-secret'));
    expect(dir).toBeDefined();
    const secure = [...readFileSync(path.join(dir!, 'Pulumi.dev.yaml'), 'utf8').matchAll(/secure:\s*(\S+)/g)].map((m) => m[1]!);
    for (const format of FORMATS) {
      const out = (await runCli(['analyze', dir!, '--format', format, '--fail-on', 'none'])).stdout;
      for (const s of secure) expect(out).not.toContain(s);
    }
  });

  it('finds the single zonal instance of the GCP VM template', async () => {
    const dir = projects.find((p) => p.endsWith('vm-gcp-yaml'))!;
    const result = JSON.parse((await runCli(['analyze', dir, '--format', 'json', '--fail-on', 'none'])).stdout);
    expect(result.findings.some((f: { event: { id: string } }) => f.event.id.includes('us-central1-a'))).toBe(true);
  });
});

// Nothing vanishes: every input's resources end in one class each, and none is reported clean while something was not judged.
describe.skipIf(!present)('corpus: coverage', () => {
  const rows: string[] = [];
  const targets = [...states.filter((f) => !refused.has(path.basename(f))), ...projects, ...programs];

  it.each(targets.map((t) => [path.relative(corpusDir, t), t]))(
    '%s: the classes add up, and it is not clean while anything is unjudged',
    async (name, target) => {
      const result = JSON.parse((await runCli(['analyze', target, '--format', 'json', '--fail-on', 'none'])).stdout);
      const c = result.summary.coverage;
      expect(c.resources).toBe(result.summary.resources);
      expect(c.modelled + c.configOnly + c.components + c.unjudged).toBe(c.resources);
      expect(result.unjudged).toHaveLength(c.unjudged);
      const text = (await runCli(['analyze', target, '--fail-on', 'none'])).stdout;
      const verdict = (await runCli(['analyze', target, '--format', 'markdown'])).stdout.split('\n')[0]!;
      if (c.unjudged > 0) {
        expect(text, name).not.toContain('No single point of failure found');
        expect(text, name).toContain(`${c.unjudged} of ${c.resources} resource`);
        expect(verdict, name).toContain('Not clean');
      } else {
        expect(verdict, name).not.toContain('Not clean');
      }
      const clean = text.includes('No single point of failure found');
      rows.push(
        `| ${name} | ${c.resources} | ${c.modelled} | ${c.configOnly} | ${c.components} | ${c.unjudged} | ${clean ? 'clean' : result.findings.length > 0 ? `${result.findings.length} finding(s)` : 'not clean'} |`,
      );
    },
  );

  afterAll(() => {
    if (rows.length === 0) return;
    const total = (i: number): number => rows.reduce((n, r) => n + Number(r.split(' | ')[i]), 0);
    console.log(
      [
        '| input | resources | modelled | configOnly | components | unjudged | verdict |',
        '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
        ...rows.sort(),
        `| **all ${rows.length}** | ${total(1)} | ${total(2)} | ${total(3)} | ${total(4)} | ${total(5)} | ${rows.filter((r) => r.endsWith('| clean |')).length} clean |`,
      ].join('\n'),
    );
  });
});
