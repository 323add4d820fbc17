/**
 * Rule cases discovered from folders: test/rules/cases/<pack>/<rule-id>/ holds
 * input.yaml (a provider per package and the resources of a small stack) and
 * expected.yaml: `compliant` resources the rule classifies (its role and
 * placement), `nonCompliant` near misses it must not match or must place
 * otherwise. A folder may also hold program.yaml, a Pulumi YAML program read
 * beside the stack (values a deploy fills in: interpolations of outputs), its
 * resources named in expected.yaml too. Every hand-written rule of the packs
 * listed in CASE_PACKS (every curated pack) has a folder.
 */
import { readdirSync, readFileSync, existsSync, copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadInputs } from '../../src/index.js';
import { explainResource } from '../../src/classify/explain.js';
import { loadRuleSet } from '../../src/classify/packs.js';
import { repoRoot } from '../helpers/cli.js';
import { StackExport, type Resource } from './helpers.js';

const casesDir = path.join(repoRoot, 'test', 'rules', 'cases');
/** Packs whose every rule must have a case folder. */
const CASE_PACKS = [
  'aws-native',
  'google-native',
  'alicloud',
  'oci',
  'digitalocean',
  'linode',
  'equinix',
  'civo',
  'scaleway',
  'hcloud',
  'aws-services',
  'azure-services',
  'azure-classic',
  'gcp-services',
  'components',
  'ops',
  'aws',
  'gcp',
  'azure',
  'kubernetes',
  'openstack',
  'identity-ops',
  'core',
];

interface InputDoc {
  providers?: Record<string, Record<string, unknown>>;
  config?: Record<string, string>;
  resources: Array<{
    name: string;
    type: string;
    id?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    refs?: Record<string, string>;
  }>;
}
interface Expectation {
  resource: string;
  matches?: boolean;
  role?: string;
  placedIn?: string[];
  /** Its own loss is a basic event (a single point as a component). */
  event?: boolean;
  /** The instance count its rule read (null: none). */
  capacity?: number | null;
  /** Its replica group (null: none). */
  group?: string | null;
  /** The external identities it uses, as explain says (each line must contain the text given, in order; [] none). */
  identities?: string[];
}
interface ExpectedDoc {
  compliant: Expectation[];
  nonCompliant: Expectation[];
}

const packs = loadRuleSet();
const cases = existsSync(casesDir)
  ? readdirSync(casesDir)
      .sort()
      .flatMap((pack) =>
        readdirSync(path.join(casesDir, pack))
          .sort()
          .map((id) => ({ pack, id, dir: path.join(casesDir, pack, id) })),
      )
  : [];

function build(doc: InputDoc, name: string): string {
  const s = new StackExport('cases', name);
  const providers = { ...doc.providers };
  // Component and helper packages get an empty default provider of their own.
  for (const r of doc.resources) providers[r.type.split(':')[0]!] ??= {};
  for (const [pkg, inputs] of Object.entries(providers)) s.provider(pkg, inputs, '1.0.0');
  const made = new Map<string, Resource>();
  for (const r of doc.resources) {
    const inputs: Record<string, unknown> = { ...(r.inputs ?? {}) };
    // refs: input key -> name of an earlier resource (its id).
    for (const [k, target] of Object.entries(r.refs ?? {})) inputs[k] = made.get(target)!.ref();
    made.set(r.name, s.add(r.type, r.name, { inputs, ...(r.outputs ? { outputs: r.outputs } : {}), ...(r.id ? { id: r.id } : {}) }));
  }
  return s.write();
}

describe('rule cases', () => {
  it('every hand-written rule of the case packs has a case folder', () => {
    const have = new Set(cases.map((c) => `${c.pack}/${c.id}`));
    const missing = packs
      .filter((p) => CASE_PACKS.includes(p.pack))
      .flatMap((p) => p.rules.map((r) => `${p.pack}/${r.id}`))
      .filter((k) => !have.has(k));
    expect(missing).toEqual([]);
  });

  it.each(cases.map((c) => [`${c.pack}/${c.id}`, c] as const))('%s', async (key, c) => {
    const doc = parse(readFileSync(path.join(c.dir, 'input.yaml'), 'utf8')) as InputDoc;
    const expected = parse(readFileSync(path.join(c.dir, 'expected.yaml'), 'utf8')) as ExpectedDoc;
    expect(expected.compliant.length, 'a compliant case').toBeGreaterThan(0);
    expect(expected.nonCompliant.length, 'a non-compliant case').toBeGreaterThan(0);
    const file = build(doc, c.id);
    const program = path.join(c.dir, 'program.yaml');
    let project: string | undefined;
    if (existsSync(program)) copyFileSync(program, path.join((project = mkdtempSync(path.join(tmpdir(), 'firebreak-case-'))), 'Pulumi.yaml'));
    const inputs = await loadInputs(project ? [file, project] : [file]);
    // Stack configuration (a stack export carries none; a project's Pulumi.<stack>.yaml would).
    for (const i of inputs) i.config = { ...i.config, ...doc.config };
    const check = (x: Expectation, compliant: boolean): void => {
      const e = explainResource(inputs, packs, x.resource);
      const ids = e.rules.map((r) => `${r.pack}/${r.id}`);
      const matches = x.matches ?? compliant;
      if (matches) expect(ids, x.resource).toContain(key);
      else expect(ids, x.resource).not.toContain(key);
      if (x.role) expect(e.result.role, x.resource).toBe(x.role);
      if (x.placedIn)
        expect(
          e.result.placements.map((p) => p.path),
          x.resource,
        ).toEqual(x.placedIn);
      if (x.event !== undefined) expect(e.result.event, `${x.resource} event`).toBe(x.event);
      if (x.capacity !== undefined) expect(e.result.capacity?.count ?? null, `${x.resource} capacity`).toBe(x.capacity);
      if (x.group !== undefined) expect(e.result.group ?? null, `${x.resource} group`).toBe(x.group);
      if (x.identities !== undefined) {
        const lines = e.result.identities ?? [];
        expect(lines.length, `${x.resource} identities: ${lines.join(' | ')}`).toBe(x.identities.length);
        x.identities.forEach((t, k) => expect(lines[k], `${x.resource} identities`).toContain(t));
      }
    };
    for (const x of expected.compliant) check(x, true);
    for (const x of expected.nonCompliant) check(x, false);
  });
});
