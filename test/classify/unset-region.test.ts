/**
 * A provider region nobody configured is an unknown, not unjudged: a resource
 * whose region only its provider would give, when neither the provider nor the
 * stack config gives one, is placed in one symbolic region (`<aws:region>`, or
 * `<region of provider NAME>` for an explicit provider), said as a blind spot
 * and a warning; two stacks are never merged into one unknown region.
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/classify/index.js';
import { loadRuleSet } from '../../src/classify/packs.js';
import { special, type PropertyMap, type ResourceRecord, type StackInput } from '../../src/ingest/types.js';

const packs = loadRuleSet();

function record(stack: string, type: string, name: string, extra: Partial<ResourceRecord> = {}): ResourceRecord {
  return {
    urn: `urn:pulumi:${stack}::shop::${type}::${name}`,
    type,
    name,
    stack,
    project: 'shop',
    custom: true,
    inputs: {},
    outputs: {},
    dependencies: [],
    propertyDependencies: {},
    source: { file: 'Pulumi.yaml', line: 3 },
    ...extra,
  };
}

function input(stack: string, resources: ResourceRecord[], config: Record<string, string> = {}, extra: Partial<StackInput> = {}): StackInput {
  return { input: `.@${stack}`, file: 'Pulumi.yaml', kind: 'yaml-program', stack, project: 'shop', config, resources, warnings: [], ...extra };
}

const bucket = (stack: string, name = 'assets', inputs: PropertyMap = {}, extra: Partial<ResourceRecord> = {}) =>
  record(stack, 'aws:s3/bucket:Bucket', name, { inputs, ...extra });
const instance = (stack: string, name = 'web', inputs: PropertyMap = {}, extra: Partial<ResourceRecord> = {}) =>
  record(stack, 'aws:ec2/instance:Instance', name, { inputs, ...extra });
const awsProvider = (stack: string, name: string, inputs: PropertyMap = {}) =>
  record(stack, 'pulumi:providers:aws', name, { custom: true, inputs, outputs: inputs });

function run(inputs: StackInput[]) {
  const c = classify(inputs, packs);
  const placement = (stack: string, name: string): string[] =>
    c.resources.find((r) => r.record.stack === stack && r.record.name === name)!.placements.map((p) => p.map((s) => s.name).join(' > '));
  const spots = (kind: string) => c.blindSpots.filter((b) => b.kind === kind).map((b) => b.message);
  return { c, placement, spots, warnings: c.warnings.map((w) => w.message), coverage: c.coverage.counts };
}

describe('the default provider without a region config', () => {
  it('places a resource in the one unknown region <aws:region>, with a blind spot and a warning naming the key', () => {
    const r = run([input('dev', [bucket('dev')])]);
    expect(r.placement('dev', 'assets')).toEqual(['aws > <aws:region>']);
    expect(r.coverage).toMatchObject({ modelled: 1, unjudged: 0 });
    expect(r.spots('missing-config')).toEqual([
      "assets (aws:s3/bucket:Bucket): its provider's region config aws:region has no value firebreak can read (not set, or a secret; only a deploy knows the region); placed in <aws:region>, treated as one unknown region",
    ]);
    expect(r.spots('unknown-placement')).toEqual([]);
    expect(r.c.resources.find((c) => c.record.name === 'assets')!.placedBy).toBe("its provider's region, which only a deploy knows (<aws:region>)");
    const warning = r.warnings.filter((w) => w.includes('aws:region'));
    expect(warning).toHaveLength(1);
    expect(warning[0]).toMatch(/^config aws:region has no value firebreak can read .*1 resource placed in <aws:region>, treated as one unknown region/);
  });

  it('uses the stack config when it gives the region: no symbol, no blind spot, no warning', () => {
    const r = run([input('dev', [bucket('dev')], { 'aws:region': 'eu-west-1' })]);
    expect(r.placement('dev', 'assets')).toEqual(['aws > eu-west-1']);
    expect(r.c.resources.find((c) => c.record.name === 'assets')!.placedBy).toBe('its region');
    expect(r.spots('missing-config')).toEqual([]);
    expect(r.warnings.filter((w) => w.includes('aws:region'))).toEqual([]);
  });

  it("lets the resource's own region property win over the unknown region", () => {
    const r = run([input('dev', [bucket('dev', 'assets', { region: 'us-west-2' }), bucket('dev', 'logs')])]);
    expect(r.placement('dev', 'assets')).toEqual(['aws > us-west-2']);
    expect(r.placement('dev', 'logs')).toEqual(['aws > <aws:region>']);
    // The warning counts only what was placed through the symbol.
    expect(r.warnings.find((w) => w.includes('aws:region'))).toMatch(/1 resource placed in <aws:region>/);
  });

  it('lets a region an ARN names win (a state whose default provider recorded no region)', () => {
    const arn = bucket('dev', 'assets', {}, { outputs: { arn: 'arn:aws:s3:eu-north-1:123456789012:assets' } });
    const dp = awsProvider('dev', 'default_6_0_0');
    const r = run([input('dev', [dp, { ...arn, provider: dp.urn }, { ...bucket('dev', 'logs'), provider: dp.urn }], {}, { kind: 'export' })]);
    expect(r.placement('dev', 'assets')).toEqual(['aws > eu-north-1']);
    // A default provider reads the stack config: its unknown is the config key's.
    expect(r.placement('dev', 'logs')).toEqual(['aws > <aws:region>']);
  });

  it('names each package its own key (azure-native:location, gcp:region)', () => {
    const rg = record('dev', 'azure-native:resources:ResourceGroup', 'rg');
    const plan = record('dev', 'azure-native:web:AppServicePlan', 'plan');
    const fn = record('dev', 'gcp:cloudfunctions/function:Function', 'fn');
    const placedIn = record('dev', 'azure-native:web:AppServicePlan', 'placed', { inputs: { location: 'westeurope' } });
    const r = run([input('dev', [rg, plan, fn, placedIn])]);
    expect(r.placement('dev', 'plan')).toEqual(['azure > <azure-native:location>']);
    expect(r.placement('dev', 'fn')).toEqual(['gcp > <gcp:region>']);
    expect(r.placement('dev', 'placed')).toEqual(['azure > westeurope']);
    expect(r.warnings.filter((w) => /^config (azure-native:location|gcp:region) has no value firebreak can read/.test(w))).toHaveLength(2);
  });

  it('leaves a package no pack declares a region config for unjudged, as before (no guessed key)', () => {
    const droplet = record('dev', 'digitalocean:index/droplet:Droplet', 'droplet');
    const r = run([input('dev', [droplet])]);
    expect(r.placement('dev', 'droplet')).toEqual([]);
    expect(r.coverage).toMatchObject({ modelled: 0, unjudged: 1 });
    expect(r.spots('missing-config')).toEqual([]);
  });
});

describe('a zonal resource without a zone, in the unknown region', () => {
  it('gets the unknown-zone blind spot a known region gives, and is placed in the region', () => {
    const unknown = run([input('dev', [instance('dev')])]);
    const known = run([input('dev', [instance('dev')], { 'aws:region': 'eu-west-1' })]);
    expect(unknown.placement('dev', 'web')).toEqual(['aws > <aws:region>']);
    expect(known.placement('dev', 'web')).toEqual(['aws > eu-west-1']);
    expect(unknown.spots('unknown-zone')).toEqual([
      'web (aws:ec2/instance:Instance) lives in one zone, but which zone is not known; placed in region <aws:region>',
    ]);
    expect(known.spots('unknown-zone')).toEqual(['web (aws:ec2/instance:Instance) lives in one zone, but which zone is not known; placed in region eu-west-1']);
    const event = (x: ReturnType<typeof run>) => x.c.resources.find((c) => c.record.name === 'web')!.event;
    expect(event(unknown)).toBe(event(known));
  });

  it('takes the region from a literal zone, never the symbol', () => {
    const r = run([input('dev', [instance('dev', 'web', { availabilityZone: 'eu-west-1b' })])]);
    expect(r.placement('dev', 'web')).toEqual(['aws > eu-west-1 > eu-west-1b']);
    expect(r.spots('missing-config')).toEqual([]);
  });
});

describe('explicit provider resources without a region', () => {
  it('are an unknown region per provider, which stack config does not fill', () => {
    const east = awsProvider('dev', 'east', { region: 'us-east-1' });
    const bare = awsProvider('dev', 'bare');
    const other = awsProvider('dev', 'other', { profile: 'ops' });
    const r = run([
      input(
        'dev',
        [
          east,
          bare,
          other,
          { ...bucket('dev', 'a'), provider: east.urn },
          { ...bucket('dev', 'b'), provider: bare.urn },
          { ...bucket('dev', 'c'), provider: other.urn },
        ],
        {
          'aws:region': 'eu-west-1',
        },
      ),
    ]);
    expect(r.placement('dev', 'a')).toEqual(['aws > us-east-1']);
    expect(r.placement('dev', 'b')).toEqual(['aws > <region of provider bare>']);
    expect(r.placement('dev', 'c')).toEqual(['aws > <region of provider other>']);
    expect(r.spots('missing-config').filter((m) => m.startsWith('b '))).toEqual([
      'b (aws:s3/bucket:Bucket): its provider bare sets no region (an explicit provider reads its arguments and the environment, never stack config); placed in <region of provider bare>, treated as one unknown region',
    ]);
    const warnings = r.warnings.filter((w) => w.startsWith('provider '));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^provider bare \(pulumi:providers:aws\) sets no region: .*1 resource placed in <region of provider bare>/);
  });

  it('take a region config key declared without a value as before (<aws:region> from the program)', () => {
    const p = awsProvider('dev', 'main', { region: special({ kind: 'unknown', symbol: '<aws:region>' }) });
    const r = run([input('dev', [p, { ...bucket('dev'), provider: p.urn }], { 'aws:region': '<aws:region>' }, { unresolvedConfig: ['aws:region'] })]);
    expect(r.placement('dev', 'assets')).toEqual(['aws > <aws:region>']);
  });
});

describe('two stacks that both leave the region unknown', () => {
  it('are never merged into one domain: each stack its own unknown region, with a blind spot naming both', () => {
    const r = run([input('a', [bucket('a')]), input('b', [bucket('b')])]);
    expect(r.placement('a', 'assets')).toEqual(['aws > <aws:region@shop/a>']);
    expect(r.placement('b', 'assets')).toEqual(['aws > <aws:region@shop/b>']);
    expect(r.spots('missing-config').filter((m) => m.startsWith('stacks '))).toEqual([
      'stacks shop/a, shop/b all leave <aws:region> unknown: they cannot be proved to be in the same region or different ones; each is judged as its own (<aws:region@shop/a>, <aws:region@shop/b>)',
    ]);
  });

  it('share a region when both configure the same one, and keep the plain symbol when only one leaves it unknown', () => {
    const same = run([input('a', [bucket('a')], { 'aws:region': 'eu-west-1' }), input('b', [bucket('b')], { 'aws:region': 'eu-west-1' })]);
    expect(same.placement('a', 'assets')).toEqual(same.placement('b', 'assets'));
    expect(same.spots('missing-config')).toEqual([]);
    const one = run([input('a', [bucket('a')]), input('b', [bucket('b')], { 'aws:region': 'eu-west-1' })]);
    expect(one.placement('a', 'assets')).toEqual(['aws > <aws:region>']);
    expect(one.spots('missing-config').filter((m) => m.startsWith('stacks '))).toEqual([]);
  });

  it('keep declared-but-unset keys and their zones apart too (<aws:region>a of one stack is not of the other)', () => {
    const zoned = (stack: string) => instance(stack, 'web', { availabilityZone: special({ kind: 'unknown', symbol: '<aws:region>a' }) });
    const declared = (stack: string) => input(stack, [zoned(stack)], { 'aws:region': '<aws:region>' }, { unresolvedConfig: ['aws:region'] });
    const r = run([declared('a'), declared('b')]);
    expect(r.placement('a', 'web')).toEqual(['aws > <aws:region@shop/a> > <aws:region@shop/a>a']);
    expect(r.placement('b', 'web')).toEqual(['aws > <aws:region@shop/b> > <aws:region@shop/b>a']);
    expect(r.spots('missing-config').filter((m) => m.startsWith('web '))).toEqual([
      'web (aws:ec2/instance:Instance): placement depends on config aws:region, which has no value; placed in <aws:region@shop/a> as a symbolic value',
      'web (aws:ec2/instance:Instance): placement depends on config aws:region, which has no value; placed in <aws:region@shop/b> as a symbolic value',
    ]);
  });

  it('keep two stacks’ explicit providers of one name apart', () => {
    const stack = (s: string) => {
      const p = awsProvider(s, 'bare');
      return input(s, [p, { ...bucket(s), provider: p.urn }]);
    };
    const r = run([stack('a'), stack('b')]);
    expect(r.placement('a', 'assets')).toEqual(['aws > <region of provider bare@shop/a>']);
    expect(r.placement('b', 'assets')).toEqual(['aws > <region of provider bare@shop/b>']);
  });
});
