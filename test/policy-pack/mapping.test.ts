/**
 * CrossGuard's resources onto firebreak's records: the objects a stack
 * policy receives (built here with @pulumi/policy's own deserializer and
 * unknown-checking proxy) map onto the records the other inputs give, and
 * analyze to the same findings. On the demo, a fixture and ../shared/corpus.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  analyze,
  findTopology,
  loadInput,
  loadRules,
  readTopology,
  stackInputFromCrossGuard,
  type CrossGuardResource,
  type ResourceRecord,
  type StackInput,
} from '../../src/index.js';
import { encodeValue, SIG_KEY, SIG_SECRET } from '../../src/ingest/values.js';
import { readState } from '../../src/ingest/state.js';
import { asSpecial, type PropertyMap } from '../../src/ingest/types.js';
import { corpusDir } from '../helpers/cli.js';

const req = createRequire(import.meta.url);
/* eslint-disable @typescript-eslint/no-explicit-any */
const { deserializeProperties } = req('@pulumi/policy/deserialize.js') as any;
const { unknownCheckingProxy } = req('@pulumi/policy/proxy.js') as any;
const structpb: any = createRequire(req.resolve('@pulumi/pulumi/proto/analyzer_pb.js'))('google-protobuf/google/protobuf/struct_pb.js');

/** A record's properties as the engine sends them: secrets as the secret signature around a value. */
function engineProps(map: PropertyMap): Record<string, unknown> {
  const enc = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(enc);
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o[SIG_KEY] === SIG_SECRET) return { [SIG_KEY]: SIG_SECRET, value: 'do-not-print-me' };
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, enc(x)]));
    }
    return v;
  };
  return enc(encodeValue(map)) as Record<string, unknown>;
}

/** What @pulumi/policy hands a stack policy for these records (as its server builds PolicyResource). */
function crossGuardResources(records: ResourceRecord[]): CrossGuardResource[] {
  const out = records.map((r) => {
    const props = Object.keys(r.outputs).length > 0 ? r.outputs : r.inputs;
    const secrets = Object.keys(props).filter((k) => asSpecial(props[k])?.kind === 'secret');
    return {
      type: r.type,
      urn: r.urn,
      name: r.name,
      props: unknownCheckingProxy(deserializeProperties(structpb.Struct.fromJavaScript(engineProps(props)), false)),
      opts: { additionalSecretOutputs: secrets, ...(r.parent ? { parent: r.parent } : {}) },
      dependencies: [] as Array<{ urn: string }>,
      propertyDependencies: {} as Record<string, Array<{ urn: string }>>,
    } as CrossGuardResource & { dependencies: Array<{ urn: string }>; propertyDependencies: Record<string, Array<{ urn: string }>> };
  });
  const byUrn = new Map(out.map((r) => [r.urn, r]));
  records.forEach((r, i) => {
    const c = out[i]!;
    if (r.parent && byUrn.has(r.parent)) c.parent = byUrn.get(r.parent)!;
    if (r.provider && byUrn.has(r.provider)) c.provider = byUrn.get(r.provider)!;
    c.dependencies = r.dependencies.map((d) => byUrn.get(d)).filter((d) => d !== undefined);
    for (const [k, ds] of Object.entries(r.propertyDependencies)) c.propertyDependencies[k] = ds.map((d) => byUrn.get(d)).filter((d) => d !== undefined);
  });
  return out;
}

const shape = (r: ResourceRecord) => ({
  urn: r.urn,
  type: r.type,
  name: r.name,
  stack: r.stack,
  project: r.project,
  parent: r.parent,
  provider: r.provider,
  dependencies: r.dependencies,
  propertyDependencies: r.propertyDependencies,
});

/**
 * The resources the engine would hold for this input: every custom resource
 * has a provider, the default provider of its package when the input names
 * none (old checkpoints, YAML programs read without running), and a default
 * provider's properties are the stack's config for its package.
 */
function engineView(input: StackInput): ResourceRecord[] {
  const providers = new Map<string, ResourceRecord>();
  const resources = input.resources.map((r) => {
    if (!r.custom || r.provider || r.type.startsWith('pulumi:providers:')) return r;
    const pkg = r.type.split(':')[0]!;
    const urn = `urn:pulumi:${r.stack}::${r.project}::pulumi:providers:${pkg}::default`;
    if (!providers.has(urn)) {
      const props: PropertyMap = {};
      for (const [k, v] of Object.entries(input.config)) if (k.startsWith(`${pkg}:`)) props[k.slice(pkg.length + 1)] = v;
      providers.set(urn, {
        urn,
        type: `pulumi:providers:${pkg}`,
        name: 'default',
        stack: r.stack,
        project: r.project,
        custom: true,
        inputs: props,
        outputs: props,
        dependencies: [],
        propertyDependencies: {},
      });
    }
    return { ...r, provider: urn };
  });
  return [...providers.values(), ...resources];
}

function roundTrip(input: StackInput, keep?: ReadonlySet<string>): StackInput {
  const { input: mapped, unmapped } = stackInputFromCrossGuard(crossGuardResources(engineView(input)), keep ? { keepProperties: keep } : {});
  expect(unmapped).toEqual([]);
  return mapped;
}

/** The mapped records of the input's own resources (without the default providers engineView adds), provider references aside. */
function own(mapped: StackInput, original: StackInput) {
  const urns = new Set(original.resources.map((r) => r.urn));
  const byUrn = new Map(original.resources.map((r) => [r.urn, r]));
  return mapped.resources.filter((r) => urns.has(r.urn)).map((r) => shape(byUrn.get(r.urn)!.provider ? r : { ...r, provider: undefined }));
}

function findings(inputs: StackInput[], topology?: string) {
  const options = { today: '2026-12-01', ...(topology ? { topology: readTopology(topology) } : {}) };
  return analyze(inputs, options).findings.map((f) => [f.id, f.severity, f.message, f.accepted?.reason ?? '']);
}

describe('CrossGuard resources onto records', () => {
  const { properties } = loadRules();

  it('keeps type, URN, name, parent, provider and dependencies of every resource of an export', () => {
    const file = 'test/fixtures/crossguard/two-zones-single-az-db.json';
    const state = readState(JSON.parse(readFileSync(file, 'utf8')), file, file);
    const mapped = roundTrip(state);
    expect(mapped.resources.map(shape)).toEqual(state.resources.map(shape));
    expect(mapped.kind).toBe('crossguard');
    expect(mapped.stack).toBe('production');
    expect(mapped.project).toBe('storefront');
    // Custom resources are told from components by their provider.
    expect(mapped.resources.map((r) => r.custom)).toEqual(state.resources.map((r) => r.custom));
    expect(findings([mapped])).toEqual(findings([state]));
  });

  it('turns the unknown sentinels into unknowns and secrets into secrets, and never keeps a secret value', () => {
    const urn = 'urn:pulumi:dev::p::aws:rds/instance:Instance::db';
    const props = unknownCheckingProxy(
      deserializeProperties(
        structpb.Struct.fromJavaScript({
          multiAz: '1c4a061d-8072-4f0a-a4cb-0ff528b18fe7',
          availabilityZone: '04da6b54-80e4-46f7-96ec-b56ff0331ba9',
          tags: { a: 'b' },
          password: { [SIG_KEY]: SIG_SECRET, value: 'do-not-print-me' },
        }),
        false,
      ),
    );
    // Reading the unknown through @pulumi/policy's proxy throws; the mapping does not.
    expect(() => props.availabilityZone).toThrow(/can't be known during preview/);
    const { input } = stackInputFromCrossGuard([
      { type: 'aws:rds/instance:Instance', urn, name: 'db', props, opts: { additionalSecretOutputs: ['password'] }, provider: undefined },
    ]);
    const r = input.resources[0]!;
    expect(asSpecial(r.outputs.multiAz)?.kind).toBe('unknown');
    expect(asSpecial(r.outputs.availabilityZone)?.kind).toBe('unknown');
    expect(asSpecial(r.outputs.password)?.kind).toBe('secret');
    expect(r.outputs.tags).toEqual({ a: 'b' });
    expect(JSON.stringify(input)).not.toContain('do-not-print-me');
    // Only what the rules read is kept.
    const kept = stackInputFromCrossGuard([{ type: 'aws:rds/instance:Instance', urn, name: 'db', props: { password: 'do-not-print-me', multiAz: true } }], {
      keepProperties: properties,
    });
    expect(kept.input.resources[0]!.outputs).toEqual({ multiAz: true });
  });

  it('lists a resource it cannot map instead of throwing', () => {
    const { input, unmapped } = stackInputFromCrossGuard([
      { type: 'aws:s3/bucket:Bucket', urn: 'not-a-urn', name: 'b', props: {} },
      { type: 'aws:s3/bucket:Bucket', urn: 'urn:pulumi:dev::p::aws:s3/bucket:Bucket::b', name: 'b', props: {} },
      { type: 'aws:s3/bucket:Bucket', urn: 'urn:pulumi:dev::p::aws:s3/bucket:Bucket::b', name: 'b', props: {} },
    ]);
    expect(input.resources).toHaveLength(1);
    expect(unmapped.map((u) => [u.urn, u.reason])).toEqual([
      ['not-a-urn', 'its URN is not a Pulumi URN'],
      ['urn:pulumi:dev::p::aws:s3/bucket:Bucket::b', 'its URN appears twice'],
    ]);
  });

  it('the demo (a Pulumi YAML program) analyzes to the same findings through CrossGuard', async () => {
    const demo = await loadInput('.@pangyo-2022');
    const mapped = roundTrip(demo);
    expect(own(mapped, demo)).toEqual(demo.resources.map(shape));
    expect(mapped.resources.filter((r) => demo.resources.some((d) => d.urn === r.urn)).map((r) => r.custom)).toEqual(demo.resources.map((r) => r.custom));
    const topology = findTopology('.');
    const expected = findings([demo], topology);
    expect(expected.length).toBeGreaterThan(0);
    expect(findings([mapped], topology)).toEqual(expected);
  });

  const present = existsSync(corpusDir);
  if (!present) console.warn(`corpus mapping tests skipped: ${corpusDir} not found`);
  const walk = (dir: string): string[] =>
    readdirSync(dir)
      .sort()
      .flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? walk(path.join(dir, f)) : [path.join(dir, f)]));
  const states = present
    ? walk(corpusDir).filter(
        (f) =>
          f.endsWith('.json') &&
          !f.includes(`${path.sep}schema${path.sep}`) &&
          !f.includes('unsupported-feature') &&
          /"(deployment|checkpoint|latest)"/.test(readFileSync(f, 'utf8').slice(0, 4000)),
      )
    : [];

  it.skipIf(!present).each(states.map((f) => [path.relative(corpusDir, f), f]))('corpus %s: same records and findings', (_name, file) => {
    const state = readState(JSON.parse(readFileSync(file!, 'utf8')), file!, file!, properties);
    const mapped = roundTrip(state, properties);
    expect(own(mapped, state)).toEqual(state.resources.map(shape));
    expect(findings([mapped])).toEqual(findings([state]));
    expect(JSON.stringify(mapped)).not.toContain('do-not-print-me');
  });
});
