/**
 * The policy pack as Pulumi runs it: started like a policy plugin, driven over
 * gRPC (GetAnalyzerInfo, Configure, AnalyzeStack) with the resources the engine
 * would send for a real export and for a preview.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { findingKinds } from '../../src/index.js';
import { engineResourcesFromExport, startAnalyzer, type Analyzer, type EngineResource } from './engine.js';

const fixture = path.resolve('test/fixtures/crossguard/two-zones-single-az-db.json');
const doc = JSON.parse(readFileSync(fixture, 'utf8'));
const DB = 'urn:pulumi:production::storefront::aws:rds/instance:Instance::orders-db';
const SPOF = 'firebreak-single-point-of-failure';
const UNKNOWN_STRING = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
const UNKNOWN_BOOL = '1c4a061d-8072-4f0a-a4cb-0ff528b18fe7';

const singleAz = (): EngineResource[] => engineResourcesFromExport(structuredClone(doc));
function multiAz(): EngineResource[] {
  return singleAz().map((r) => (r.urn === DB ? { ...r, properties: { ...r.properties, multiAz: true } } : r));
}
/** A preview of a new stack: what the provider computes is unknown (ids, endpoints, the instances' zones). */
function preview(base: EngineResource[]): EngineResource[] {
  return base.map((r) => {
    const p: Record<string, unknown> = { ...r.properties };
    if ('endpoint' in p) p.endpoint = UNKNOWN_STRING;
    if (r.type === 'aws:ec2/instance:Instance') Object.assign(p, { arn: UNKNOWN_STRING, ebsOptimized: UNKNOWN_BOOL });
    if (r.type === 'aws:rds/instance:Instance') p.address = UNKNOWN_STRING;
    return { ...r, properties: p };
  });
}

let analyzer: Analyzer;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'firebreak-pack-'));
  analyzer = await startAnalyzer();
});
afterAll(async () => {
  await analyzer?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const mandatory = (ds: Awaited<ReturnType<Analyzer['analyzeStack']>>) => ds.filter((d) => d.enforcementLevel === 'mandatory');

describe('policy pack over gRPC', () => {
  it('GetAnalyzerInfo: one stack policy per finding kind, with the config schema', async () => {
    const info = await analyzer.info();
    expect(['ok', 'unimplemented']).toContain(analyzer.handshake);
    expect(info.name).toBe('firebreak');
    expect(info.supportsConfig).toBe(true);
    const names = info.policies.map((p) => p.name);
    expect(names).toEqual([...findingKinds().map((k) => `firebreak-${k.id}`), 'firebreak-input']);
    expect(names).toEqual(
      expect.arrayContaining(['firebreak-single-point-of-failure', 'firebreak-shared-identity', 'firebreak-recovery-path', 'firebreak-quorum']),
    );
    const spof = info.policies.find((p) => p.name === SPOF)!;
    expect(spof.enforcementLevel).toBe('mandatory');
    expect(Object.keys(spof.configSchema ?? {}).sort()).toEqual(['baseline', 'failOn', 'rules', 'today', 'tolerate', 'topology']);
    expect(info.policies.find((p) => p.name === 'firebreak-input')!.enforcementLevel).toBe('advisory');
    // The schema Pulumi validates policy config against (it adds enforcementLevel itself).
    const validate = new Ajv({ strict: false }).compile({ type: 'object', properties: spof.configSchema });
    expect(
      validate({ failOn: 'medium', tolerate: 'region', rules: ['rules/extra.yaml'], topology: 'firebreak.yaml', baseline: 'b.yaml', today: '2030-01-01' }),
    ).toBe(true);
    expect(validate({ failOn: 'severe' })).toBe(false);
    expect(validate({ rules: 'one.yaml' })).toBe(false);
    expect(validate({ today: '1 Jan 2030' })).toBe(false);
  });

  it('a single-AZ database on a two-zone estate: the zone single point, mandatory, on the database', async () => {
    await analyzer.configure({});
    const ds = await analyzer.analyzeStack(singleAz());
    const zone = ds.find((d) => d.message.includes('\nLosing zone aws/us-west-2/us-west-2a takes down storefront'));
    expect(zone).toBeDefined();
    expect(zone!.policyName).toBe(SPOF);
    expect(zone!.policyPackName).toBe('firebreak');
    expect(zone!.enforcementLevel).toBe('mandatory');
    expect(zone!.urn).toBe(DB);
    // @pulumi/policy puts the policy's description first; firebreak's message, id and path follow.
    expect(zone!.message).toMatch(/takes down storefront \(1 of 1 services, 1 critical\) \[single-point-of-failure\/[0-9a-f]{12}\]\n/);
    expect(zone!.message).toContain('Path: storefront -requires-> storefront/web (replica group)');
    expect(zone!.message).toContain('-placed-in-> zone aws/us-west-2/us-west-2a');
    // The region is beyond the default policy (info, below failOn high): no violation.
    expect(ds.some((d) => d.message.includes('Losing region'))).toBe(false);
    for (const d of ds) expect(d.message).not.toContain('s3cr3t-Orders-Passw0rd');
  });

  it('the Multi-AZ variant: no violation at all', async () => {
    await analyzer.configure({});
    expect(await analyzer.analyzeStack(multiAz())).toEqual([]);
  });

  it('a preview with unknowns reports the same, and the Multi-AZ preview nothing', async () => {
    await analyzer.configure({});
    const ds = await analyzer.analyzeStack(preview(singleAz()));
    expect(mandatory(ds).map((d) => d.urn)).toContain(DB);
    expect(ds.some((d) => /can't run .* during preview/.test(d.message))).toBe(false);
    expect(await analyzer.analyzeStack(preview(multiAz()))).toEqual([]);
  });

  it('honours accepted risks of the topology file, and not expired ones', async () => {
    const topology = path.join(dir, 'firebreak.yaml');
    writeFileSync(
      topology,
      'accepted:\n  - finding: single-point-of-failure/*\n    reason: migration to Multi-AZ booked for the January window\n    expires: 2030-06-30\n',
    );
    await analyzer.configure({
      [SPOF]: { properties: { topology, today: '2030-01-15' } },
      'firebreak-input': { enforcementLevel: 'advisory', properties: { topology, today: '2030-01-15' } },
    });
    expect(await analyzer.analyzeStack(singleAz())).toEqual([]);
    await analyzer.configure({
      [SPOF]: { properties: { topology, today: '2030-07-01' } },
      'firebreak-input': { enforcementLevel: 'advisory', properties: { topology, today: '2030-07-01' } },
    });
    const ds = await analyzer.analyzeStack(singleAz());
    expect(mandatory(ds).map((d) => d.urn)).toContain(DB);
    const expired = ds.find((d) => d.policyName === 'firebreak-input');
    expect(expired?.enforcementLevel).toBe('advisory');
    expect(expired?.message).toContain('expired on 2030-06-30');
  });

  it('enforcement levels and failOn come from the policy config', async () => {
    await analyzer.configure({ [SPOF]: { enforcementLevel: 'advisory' } });
    const advisory = await analyzer.analyzeStack(singleAz());
    expect(advisory.length).toBeGreaterThan(0);
    expect(advisory.every((d) => d.enforcementLevel === 'advisory')).toBe(true);
    // A stack policy cannot remediate: @pulumi/policy reports it as mandatory (docs/crossguard.md says so).
    await analyzer.configure({ [SPOF]: { enforcementLevel: 'remediate' } });
    const remediate = await analyzer.analyzeStack(singleAz());
    expect(remediate.length).toBeGreaterThan(0);
    expect(remediate.every((d) => d.enforcementLevel === 'mandatory')).toBe(true);
    await analyzer.configure({ [SPOF]: { enforcementLevel: 'disabled' } });
    expect(await analyzer.analyzeStack(singleAz())).toEqual([]);
    await analyzer.configure({ [SPOF]: { properties: { failOn: 'info' } } });
    const all = await analyzer.analyzeStack(singleAz());
    expect(all.some((d) => d.message.includes('Losing region aws/us-west-2'))).toBe(true);
    // Each violation says its finding's own severity (the policy's is its kind's default, high): the region's is info.
    const region = all.find((d) => d.message.includes('\nLosing region aws/us-west-2'))!;
    expect(region.message).toMatch(/\nSeverity: info$/);
    const zone = all.find((d) => d.message.includes('\nLosing zone aws/us-west-2/us-west-2a'))!;
    expect(zone.message).toMatch(/\nSeverity: (critical|high)$/);
    await analyzer.configure({ [SPOF]: { properties: { failOn: 'none' } } });
    expect(await analyzer.analyzeStack(singleAz())).toEqual([]);
  });

  it('honours a baseline file', async () => {
    await analyzer.configure({});
    const ids = (await analyzer.analyzeStack(singleAz())).map((d) => /\[(single-point-of-failure\/[0-9a-f]+)\]/.exec(d.message)![1]!);
    const baseline = path.join(dir, 'baseline.yaml');
    writeFileSync(baseline, `version: 1\nfindings:\n${ids.map((id) => `  - id: ${id}\n`).join('')}`);
    await analyzer.configure({ [SPOF]: { properties: { baseline } } });
    expect(await analyzer.analyzeStack(singleAz())).toEqual([]);
  });

  it('rejects a config that does not match the schema, naming the key', async () => {
    await analyzer.configure({ [SPOF]: { properties: { failOn: 'severe' } } });
    await expect(analyzer.analyzeStack(singleAz())).rejects.toThrow(/key "failOn"/);
    await analyzer.configure({ [SPOF]: { properties: { topologyFile: 'x.yaml' } } });
    await expect(analyzer.analyzeStack(singleAz())).rejects.toThrow(/key "topologyFile"/);
    await analyzer.configure({ [SPOF]: { properties: { rules: [path.join(dir, 'no-such-pack.yaml')] } } });
    await expect(analyzer.analyzeStack(singleAz())).rejects.toThrow(/no-such-pack\.yaml/);
    // A topology file that is not there: firebreak's one-line error naming it, no stack trace.
    const missing = path.join(dir, 'no-such-firebreak.yaml');
    await analyzer.configure({ [SPOF]: { properties: { topology: missing } } });
    const err: Error = await analyzer.analyzeStack(singleAz()).then(
      () => new Error('resolved'),
      (e: Error) => e,
    );
    expect(err.message).toContain(`${missing}: cannot read the topology file: no such file`);
    expect(err.message).not.toMatch(/\n\s+at /);
    // The analyzer is still serving.
    await analyzer.configure({});
    expect(mandatory(await analyzer.analyzeStack(singleAz())).length).toBeGreaterThan(0);
  });

  it('a secret that a rule reads (the database zone from a secret) is a secret, never a name in a violation', async () => {
    await analyzer.configure({ [SPOF]: { properties: { failOn: 'info' } } });
    const SIG = '4dabf18193072939515e22adb298388d';
    const SECRET = '1b47061264138c4ac30d75fd1eb44270';
    // The engine sends state secrets signed (KeepSecrets); @pulumi/policy would hand a stack policy the plain value.
    const secretZone = singleAz().map((r) =>
      r.urn === DB ? { ...r, properties: { ...r.properties, availabilityZone: { [SIG]: SECRET, value: 'us-west-2c' } } } : r,
    );
    const ds = await analyzer.analyzeStack(secretZone);
    expect(ds.length).toBeGreaterThan(0);
    for (const d of ds) expect(d.message).not.toContain('us-west-2c');
    // The same zone in the clear is a zone of its own, named: the test tells the two apart.
    const plain = singleAz().map((r) => (r.urn === DB ? { ...r, properties: { ...r.properties, availabilityZone: 'us-west-2c' } } : r));
    expect((await analyzer.analyzeStack(plain)).some((d) => d.message.includes('zone aws/us-west-2/us-west-2c'))).toBe(true);
  });

  it('a resource it cannot map is one advisory violation naming it, not a crash', async () => {
    await analyzer.configure({});
    const bad: EngineResource = { urn: 'storefront-legacy-bucket', type: 'aws:s3/bucket:Bucket', name: 'legacy-bucket', properties: {} };
    const ds = await analyzer.analyzeStack([...singleAz(), bad]);
    const input = ds.filter((d) => d.policyName === 'firebreak-input');
    expect(input).toHaveLength(1);
    expect(input[0]!.enforcementLevel).toBe('advisory');
    expect(input[0]!.message).toContain('storefront-legacy-bucket');
    expect(mandatory(ds).map((d) => d.urn)).toContain(DB);
  });
});
