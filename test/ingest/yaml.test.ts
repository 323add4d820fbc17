import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { asSpecial, type ResourceRecord } from '../../src/ingest/types.js';
import { listYamlStacks, loadYamlProject } from '../../src/ingest/yaml/index.js';
import { fixture, runCli } from '../helpers/cli.js';
import { BUILTIN_INVOKES } from '../helpers/invokes.js';

const basics = fixture('yaml', 'basics');
const byName = (records: ResourceRecord[], name: string) => records.find((r) => r.name === name)!;

describe('a Pulumi YAML project', () => {
  const input = loadYamlProject(basics, { invokes: BUILTIN_INVOKES });
  const rs = input.resources;
  const web = byName(rs, 'web-server');
  const tags = web.inputs.tags as Record<string, unknown>;

  it('names the project and the only stack, and keeps provider config', () => {
    expect(input.project).toBe('basics');
    expect(input.stack).toBe('dev');
    expect(input.kind).toBe('yaml-program');
    expect(input.config).toEqual({ 'aws:region': 'us-east-1' });
  });

  it('interpolates variables, config and built-ins', () => {
    expect(tags.Name).toBe('basics-dev');
    expect(tags.second).toBe('y');
    expect(tags.decoded).toBe('hello');
    expect(tags.json).toBe('{"a":1,"b":[true]}');
    expect(tags.count).toBe(2);
    expect(tags.literal).toBe('${notAReference}');
    expect(tags.file).toBe('Welcome\n');
  });

  it('gives resources URNs, the `name:` override, a provider and a parent', () => {
    expect(web.urn).toBe('urn:pulumi:dev::basics::aws:ec2:Instance::web-server');
    expect(web.provider).toBe(byName(rs, 'east').urn);
    const child = byName(rs, 'child');
    expect(child.parent).toBe(web.urn);
    expect(child.urn).toBe('urn:pulumi:dev::basics::aws:ec2:Instance$aws:s3:BucketObject::child');
    expect(asSpecial(child.inputs.source)).toEqual({ kind: 'asset', path: './motd.txt' });
  });

  it('turns every reference into a dependency, with property dependencies', () => {
    const names = web.dependencies.map((u) => u.split('::').pop());
    expect(names).toEqual(expect.arrayContaining(['subnet-a', 'db', 'vpc', 'east']));
    expect(web.propertyDependencies.subnetId).toEqual([byName(rs, 'subnet-a').urn]);
    expect(web.propertyDependencies.userData).toEqual([byName(rs, 'db').urn]);
  });

  it('keeps records in dependency order', () => {
    const at = new Map(rs.map((r, i) => [r.urn, i]));
    for (const r of rs) for (const d of r.dependencies) expect(at.get(d)!).toBeLessThan(at.get(r.urn)!);
  });

  it('reads a referenced input when it is known, and keeps unknowns symbolic and distinct', () => {
    const zone = (name: string) => asSpecial(byName(rs, name).inputs.availabilityZone);
    expect(zone('subnet-a')).toEqual({ kind: 'unknown', symbol: 'azs.names[0]' });
    expect(zone('subnet-b')).toEqual({ kind: 'unknown', symbol: 'azs.names[1]' });
    // aws:getRegion is the default provider's aws:region (us-east-1 in the stack file), as the Node.js mocks answer it.
    expect(byName(rs, 'subnet-c').inputs.availabilityZone).toBe('us-east-1a');
    expect(byName(rs, 'subnet-d').inputs.availabilityZone).toBe('us-east-1b');
    expect(asSpecial(web.inputs.availabilityZone)).toEqual({ kind: 'unknown', symbol: 'azs.names[0]' });
  });

  it('reads `get:` resources as external', () => {
    const bucket = byName(rs, 'bucket');
    expect(bucket.external).toBe(true);
    expect(bucket.id).toBe('my-existing-bucket');
  });

  it('never keeps a secret: not from config, not from fn::secret, not from text that embeds one', () => {
    const text = JSON.stringify(input);
    expect(text).not.toContain('c2VjcmV0LWNpcGhlcnRleHQ');
    expect(text).not.toContain('do-not-print-me');
    expect(asSpecial(byName(rs, 'db').inputs.password)?.kind).toBe('secret');
    expect(asSpecial(web.inputs.userData)?.kind).toBe('secret');
  });

  it('keeps file:line for every resource', () => {
    for (const r of rs) expect(r.source?.line).toBeGreaterThan(0);
    const lines = readFileSync(path.join(basics, 'Pulumi.yaml'), 'utf8').split('\n');
    expect(web.source).toMatchObject({ file: path.join(basics, 'Pulumi.yaml'), line: lines.indexOf('  web:') + 1, column: 3 });
  });

  it('warns nothing for accepted options such as protect', () => {
    expect(input.warnings).toEqual([]);
  });
});

describe('stacks', () => {
  const dir = fixture('yaml', 'stacks');
  it('lists the stacks of stackConfigDir', () => {
    expect(listYamlStacks(dir)).toEqual(['one', 'two']);
  });
  it('picks a stack with DIR@STACK or --stack', async () => {
    expect(loadYamlProject(dir, { stack: 'two' }).resources[0]!.inputs.availabilityZone).toBe('us-east-1b');
    const r = await runCli(['analyze', `${dir}@one`, '--format', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).inputs[0].stack).toBe('one');
  });
  it('fails, listing the stacks, when several exist and none is named', () => {
    expect(() => loadYamlProject(dir, {})).toThrow(/several stacks \(one, two\)/);
  });
  it('fails on an unknown stack, listing the available ones', () => {
    expect(() => loadYamlProject(dir, { stack: 'three' })).toThrow(/no stack "three": available stacks are one, two/);
  });
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-yaml-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const head = 'name: p\nruntime: yaml\n';
const bad: Array<{ name: string; files: Record<string, string>; message: RegExp }> = [
  { name: 'invalid YAML', files: { 'Pulumi.yaml': `${head}resources:\n  a: [unclosed\n` }, message: /Pulumi\.yaml:\d+:\d+: invalid YAML/ },
  {
    name: 'an unknown resource reference',
    files: { 'Pulumi.yaml': `${head}resources:\n  a:\n    type: aws:s3:Bucket\n    properties:\n      x: \${ghost.id}\n` },
    message: /Pulumi\.yaml:7:\d+: unknown reference \$\{ghost\.id\}/,
  },
  { name: 'an unknown variable', files: { 'Pulumi.yaml': `${head}variables:\n  v: \${nope}\n` }, message: /Pulumi\.yaml:4:\d+: unknown reference \$\{nope\}/ },
  {
    name: 'a reference cycle',
    files: {
      'Pulumi.yaml': `${head}resources:\n  a:\n    type: aws:s3:Bucket\n    properties:\n      x: \${b.id}\n  b:\n    type: aws:s3:Bucket\n    properties:\n      x: \${a.id}\n`,
    },
    message: /Pulumi\.yaml:\d+:\d+: reference cycle: a -> b -> a/,
  },
  {
    name: 'a missing stack config file',
    files: { 'Pulumi.yaml': head, 'Pulumi.prod.yaml': 'config: {}\n' },
    message: /Pulumi\.staging\.yaml: no stack "staging"/,
  },
  {
    name: 'an alias bomb',
    files: {
      'Pulumi.yaml': `${head}variables:\n  a: &a ["x","x","x","x","x","x","x","x","x"]\n  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n  f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n`,
    },
    message: /Pulumi\.yaml: invalid YAML: too many alias expansions/,
  },
  {
    name: 'an unsupported function',
    files: { 'Pulumi.yaml': `${head}variables:\n  v:\n    fn::teleport: [1]\n` },
    message: /Pulumi\.yaml:5:\d+: unsupported function fn::teleport/,
  },
  {
    name: 'a resource without a type',
    files: { 'Pulumi.yaml': `${head}resources:\n  a:\n    properties: {}\n` },
    message: /Pulumi\.yaml:4:\d+: resource a has no type/,
  },
  {
    name: 'a config type mismatch',
    files: { 'Pulumi.yaml': `${head}config:\n  n:\n    type: integer\n`, 'Pulumi.dev.yaml': 'config:\n  p:n: lots\n' },
    message: /Pulumi\.dev\.yaml:2:\d+: config p:n: expected integer/,
  },
  {
    name: 'a List<Integer> config value with an element of another type',
    files: { 'Pulumi.yaml': `${head}config:\n  ports:\n    type: List<Integer>\n`, 'Pulumi.dev.yaml': 'config:\n  p:ports: [80, "https"]\n' },
    message: /Pulumi\.dev\.yaml:2:\d+: config p:ports\[1\]: expected integer, got a string/,
  },
  {
    name: 'a List<String> config value that is not a list',
    files: { 'Pulumi.yaml': `${head}config:\n  zones:\n    type: List<String>\n    default: us-east-1a\n` },
    message: /Pulumi\.yaml:5:\d+: config p:zones: expected list<string>, got a string/,
  },
  {
    name: 'a missing file for fn::readFile',
    files: { 'Pulumi.yaml': `${head}variables:\n  v:\n    fn::readFile: ./nope.txt\n` },
    message: /Pulumi\.yaml:5:\d+: fn::readFile: cannot read \.\/nope\.txt/,
  },
  {
    name: 'a duplicate key',
    files: { 'Pulumi.yaml': `${head}resources:\n  a:\n    type: aws:s3:Bucket\n  a:\n    type: aws:s3:Bucket\n` },
    message: /Pulumi\.yaml:\d+:\d+: invalid YAML: Map keys must be unique/,
  },
  {
    name: 'a resource written without its name (type: directly under resources:)',
    files: { 'Pulumi.yaml': `${head}resources:\n  type: github:Repository\n  properties:\n    description: demo\n` },
    message: /Pulumi\.yaml:4:\d+: resources\.type is not a resource: `resources:` holds type: directly; put the resource's fields under a name of its own/,
  },
  {
    name: 'a resource that is not a map',
    files: { 'Pulumi.yaml': `${head}resources:\n  bucket: aws:s3:Bucket\n` },
    message: /Pulumi\.yaml:4:\d+: resource bucket must be a map with a type/,
  },
  { name: 'a runtime other than yaml', files: { 'Pulumi.yaml': 'name: p\nruntime: go\n' }, message: /Pulumi\.yaml:2:\d+: runtime go:/ },
];

describe('bad YAML input: exit 2 with Pulumi.yaml:line and the reason', () => {
  it.each(bad)('$name', async ({ name, files, message }) => {
    const dir = project(files);
    const spec = name === 'a missing stack config file' ? `${dir}@staging` : dir;
    const r = await runCli(['analyze', spec]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reads List<...> config values, given as YAML lists or as the JSON text `pulumi config set` stores', () => {
    const dir = project({
      'Pulumi.yaml': `${head}config:\n  zones:\n    type: List<String>\n  counts:\n    type: list<integer>\n    default: ["1", 2]\nresources:\n  a:\n    type: aws:s3:Bucket\n    properties:\n      z: \${zones[1]}\n      c: \${counts}\n`,
      'Pulumi.dev.yaml': 'config:\n  p:zones: \'["us-east-1a","us-east-1b"]\'\n',
    });
    const a = loadYamlProject(dir, {}).resources.find((r) => r.name === 'a')!;
    expect(a.inputs.z).toBe('us-east-1b');
    expect(a.inputs.c).toEqual([1, 2]);
  });

  it("takes a custom resource's provider from options.providers, as a map by package or as a list of providers", () => {
    const dir = project({
      'Pulumi.yaml': `${head}config:\n  aws:region: us-west-2\nresources:\n  east:\n    type: pulumi:providers:aws\n    properties:\n      region: us-east-1\n  k8s:\n    type: pulumi:providers:kubernetes\n  byMap:\n    type: aws:ec2:Instance\n    options:\n      providers:\n        aws: \${east}\n  byList:\n    type: aws:s3:Bucket\n    options:\n      providers:\n        - \${k8s}\n        - \${east}\n  other:\n    type: aws:s3:Bucket\n    options:\n      providers:\n        - \${k8s}\n`,
    });
    const rs = loadYamlProject(dir, {}).resources;
    const east = rs.find((r) => r.name === 'east')!.urn;
    expect(rs.find((r) => r.name === 'byMap')!.provider).toBe(east);
    expect(rs.find((r) => r.name === 'byList')!.provider).toBe(east);
    // A providers list without one of its package leaves it on the default provider.
    expect(rs.find((r) => r.name === 'other')!.provider).toBeUndefined();
  });

  it("reads a get: resource's id as the id it names", () => {
    const dir = project({
      'Pulumi.yaml': `${head}resources:\n  vpc:\n    type: aws:ec2:Vpc\n    get:\n      id: vpc-0123\n  made:\n    type: aws:ec2:Vpc\n  subnet:\n    type: aws:ec2:Subnet\n    properties:\n      vpcId: \${vpc.id}\n      other: \${made.id}\n`,
    });
    const subnet = loadYamlProject(dir, {}).resources.find((r) => r.name === 'subnet')!;
    expect(subnet.inputs.vpcId).toBe('vpc-0123');
    expect(asSpecial(subnet.inputs.other)).toEqual({ kind: 'unknown', symbol: 'made.id' });
  });

  it('warns, naming file and line, about an unknown option, and goes on', () => {
    const dir = project({ 'Pulumi.yaml': `${head}resources:\n  a:\n    type: aws:s3:Bucket\n    options:\n      frobnicate: true\n` });
    const input = loadYamlProject(dir, {});
    expect(input.warnings.filter((w) => w.line !== undefined).map((w) => `${path.basename(w.file)}:${w.line}: ${w.message}`)).toEqual([
      'Pulumi.yaml:7: resource a: unknown option "frobnicate" ignored',
    ]);
  });

  it('collects problems of several resources into one error', () => {
    const dir = project({
      'Pulumi.yaml': `${head}resources:\n  a:\n    type: aws:s3:Bucket\n    properties:\n      x: \${nope1}\n  b:\n    type: aws:s3:Bucket\n    properties:\n      x: \${nope2}\n`,
    });
    try {
      loadYamlProject(dir, {});
      expect.unreachable();
    } catch (err) {
      expect((err as InputError).problems.map((p) => p.line)).toEqual([7, 11]);
    }
  });
});
