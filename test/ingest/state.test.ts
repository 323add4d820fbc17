import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { isWellFormedResource, readState, resourceSchema } from '../../src/ingest/state.js';
import { decodeMap, SIG_KEY, SIG_SECRET, SIG_RESOURCE_REF, SIG_ASSET, UNKNOWN_SENTINEL } from '../../src/ingest/values.js';
import { asSpecial, parseUrn } from '../../src/ingest/types.js';

const urn = (name: string, type = 'aws:ec2/instance:Instance') => `urn:pulumi:dev::proj::${type}::${name}`;
const resources = [
  { urn: urn('dev-proj', 'pulumi:pulumi:Stack'), custom: false, type: 'pulumi:pulumi:Stack' },
  { urn: urn('web'), custom: true, type: 'aws:ec2/instance:Instance', inputs: { availabilityZone: 'us-east-1a' } },
];

describe('the three state wrappers', () => {
  it('reads `pulumi stack export` (version 3)', () => {
    const s = readState({ version: 3, deployment: { manifest: {}, resources } }, 'x.json', 'x.json');
    expect(s.kind).toBe('export');
    expect(s.stack).toBe('dev');
    expect(s.project).toBe('proj');
    expect(s.resources.map((r) => r.name)).toEqual(['dev-proj', 'web']);
  });

  it('reads a file-backend checkpoint with its config, keeping placement config and never secrets', () => {
    const s = readState(
      {
        version: 3,
        checkpoint: { stack: 'org/proj/dev', config: { 'aws:region': 'eu-west-1', 'proj:password': { secure: 'v1:AAAA' } }, latest: { resources } },
      },
      'cp.json',
      'cp.json',
    );
    expect(s.kind).toBe('checkpoint');
    expect(s.stack).toBe('dev');
    expect(s.config).toEqual({ 'aws:region': 'eu-west-1' });
    expect(JSON.stringify(s)).not.toContain('v1:AAAA');
  });

  it('reads the unversioned legacy form knowingly', () => {
    const s = readState({ target: 'dev', latest: { time: 't', resources } }, 'old.json', 'old.json');
    expect(s.kind).toBe('legacy-checkpoint');
    expect(s.resources).toHaveLength(2);
  });

  it('accepts version 4 with known features and refuses unknown ones', () => {
    expect(readState({ version: 4, features: ['refreshBeforeUpdate'], deployment: { resources } }, 'a', 'a').resources).toHaveLength(2);
    expect(() => readState({ version: 4, features: ['quantum'], deployment: { resources } }, 'a', 'a')).toThrow(/quantum/);
  });

  it('reads an empty state, with a warning that nothing in it can be judged', () => {
    const empty = readState({ version: 3, deployment: {} }, 'e', 'e');
    expect(empty.resources).toEqual([]);
    expect(empty.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^the state holds no resources \(a stack not yet deployed, or destroyed\)/)]);
    expect(readState({ version: 3, deployment: { resources } }, 'x', 'x').warnings).toEqual([]);
  });

  it('takes the project of a state with no resources from its checkpoint name organization/project/stack', () => {
    // As a DIY backend in project mode writes a stack that was created and never deployed.
    const s = readState({ version: 3, checkpoint: { stack: 'organization/shop/prod' } }, 'cp.json', 'cp.json');
    expect([s.project, s.stack]).toEqual(['shop', 'prod']);
    const legacy = readState({ version: 3, checkpoint: { stack: 'prod' } }, 'cp.json', 'cp.json');
    expect([legacy.project, legacy.stack]).toEqual(['unknown', 'prod']);
  });

  it('collects problems into one InputError naming the file', () => {
    try {
      readState({ version: 3, deployment: { resources: [{ urn: 'nope' }] } }, 'bad.json', 'bad.json');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).problems[0]!.file).toBe('bad.json');
      expect((err as InputError).problems[0]!.reason).toMatch(/not a Pulumi URN/);
    }
  });
});

describe('property values', () => {
  it('drops secrets (ciphertext and --show-secrets plaintext) and keeps nothing of them', () => {
    const m = decodeMap({
      a: { [SIG_KEY]: SIG_SECRET, ciphertext: 'v1:CIPHER' },
      b: [{ [SIG_KEY]: SIG_SECRET, plaintext: '"hunter2"' }],
      c: { nested: { [SIG_KEY]: SIG_SECRET, plaintext: '{"k":"v"}' } },
    });
    expect(asSpecial(m.a)?.kind).toBe('secret');
    const text = JSON.stringify(m) + String(Object.getOwnPropertySymbols(m.a as object).map((s) => JSON.stringify((m.a as Record<symbol, unknown>)[s])));
    expect(text).not.toMatch(/CIPHER|hunter2|"k"/);
  });

  it('decodes resource references, assets and the unknown sentinel', () => {
    const m = decodeMap({
      ref: { [SIG_KEY]: SIG_RESOURCE_REF, urn: urn('db'), id: 'db-1' },
      code: { [SIG_KEY]: SIG_ASSET, path: './index.js', hash: 'abc' },
      zone: UNKNOWN_SENTINEL,
      list: ['a', UNKNOWN_SENTINEL],
    });
    expect(asSpecial(m.ref)).toEqual({ kind: 'resource-ref', urn: urn('db'), id: 'db-1' });
    expect(asSpecial(m.code)).toEqual({ kind: 'asset', path: './index.js' });
    expect(asSpecial(m.zone)).toEqual({ kind: 'unknown' });
    expect(asSpecial((m.list as unknown[])[1])).toEqual({ kind: 'unknown' });
  });
});

describe('URNs', () => {
  it.each([
    ['urn:pulumi:prod::shop::aws:ec2/instance:Instance::web', { stack: 'prod', project: 'shop', type: 'aws:ec2/instance:Instance', name: 'web' }],
    [
      'urn:pulumi:prod::shop::awsx:x:ec2:Vpc$aws:ec2/subnet:Subnet::vpc-private-0',
      { stack: 'prod', project: 'shop', type: 'aws:ec2/subnet:Subnet', name: 'vpc-private-0' },
    ],
    ['urn:pulumi:dev::p::my:mod:Thing::name::with::colons', { stack: 'dev', project: 'p', type: 'my:mod:Thing', name: 'name::with::colons' }],
  ])('%s', (u, expected) => {
    expect(parseUrn(u)).toMatchObject(expected);
  });
  it('rejects what is not a URN', () => {
    expect(parseUrn('arn:aws:s3:::bucket')).toBeUndefined();
  });
});

describe('the quick well-formedness check agrees with the zod schema', () => {
  const schema = resourceSchema;
  const anyValue = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.string(),
    fc.boolean(),
    fc.integer(),
    fc.array(fc.string()),
    fc.array(fc.integer()),
    fc.dictionary(fc.string(), fc.string()),
    fc.dictionary(fc.string(), fc.oneof(fc.array(fc.string()), fc.constant(null), fc.integer())),
  );
  it('on random resources', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            urn: fc.oneof(fc.string(), fc.integer()),
            type: anyValue,
            custom: anyValue,
            id: anyValue,
            inputs: anyValue,
            parent: anyValue,
            dependencies: anyValue,
            propertyDependencies: anyValue,
            sourcePosition: anyValue,
          },
          { requiredKeys: [] },
        ),
        (r) => {
          expect(isWellFormedResource(r)).toBe(schema.safeParse(r).success);
        },
      ),
      { numRuns: 2000, seed: 42 },
    );
  });
});
