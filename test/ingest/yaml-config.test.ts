/**
 * Pulumi YAML programs as a new user meets them: config keys without values,
 * template defaults and placeholders, PascalCase programs, `main:` folders,
 * compiled (CUE) projects, symbolic regions, and what a program may read.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync, truncateSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { asSpecial, type ResourceRecord } from '../../src/ingest/types.js';
import { loadYamlProject } from '../../src/ingest/yaml/index.js';
import { FORMATS } from '../../src/report/index.js';
import { runCli } from '../helpers/cli.js';
import { BUILTIN_INVOKES } from '../helpers/invokes.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-yamlcfg-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
const byName = (rs: ResourceRecord[], name: string) => rs.find((r) => r.name === name)!;
const json = async (args: string[]) => {
  const r = await runCli([...args, '--format', 'json', '--fail-on', 'none']);
  return { ...r, doc: r.code === 0 ? JSON.parse(r.stdout) : undefined };
};

// A program whose only region comes from `aws:region`, which is never set (no stack file).
const regionless = `name: shop
runtime: yaml
description: A small shop
config:
  dbPassword:
    type: string
    secret: true
  instanceType:
    type: string
variables:
  zoneA: \${aws:region}a
resources:
  vpc:
    type: aws:ec2:Vpc
    properties:
      cidrBlock: 10.0.0.0/16
  subnet-a:
    type: aws:ec2:Subnet
    properties:
      vpcId: \${vpc.id}
      cidrBlock: 10.0.1.0/24
      availabilityZone: \${zoneA}
  subnet-b:
    type: aws:ec2:Subnet
    properties:
      vpcId: \${vpc.id}
      cidrBlock: 10.0.2.0/24
      availabilityZone: \${aws:region}b
  web:
    type: aws:ec2:Instance
    properties:
      instanceType: \${instanceType}
      subnetId: \${subnet-a.id}
      tags:
        region: \${aws:region}
  db:
    type: aws:rds:Instance
    properties:
      engine: postgres
      instanceClass: db.t3.micro
      password: \${dbPassword}
      multiAz: false
outputs:
  where: \${aws:region}
`;

describe('missing config never stops the analysis', () => {
  const dir = project({ 'Pulumi.yaml': regionless });
  const input = loadYamlProject(dir, {});
  const rs = input.resources;

  it('reads a key without a value as a symbolic unknown: the same key equal, two zones of one region distinct', async () => {
    const a = asSpecial(byName(rs, 'subnet-a').inputs.availabilityZone);
    const b = asSpecial(byName(rs, 'subnet-b').inputs.availabilityZone);
    expect(a).toEqual({ kind: 'unknown', symbol: '<aws:region>a', pieces: ['', 'a'] });
    expect(b).toEqual({ kind: 'unknown', symbol: '<aws:region>b', pieces: ['', 'b'] });
    expect(asSpecial((byName(rs, 'web').inputs.tags as Record<string, unknown>).region)).toEqual({ kind: 'unknown', symbol: '<aws:region>' });
    expect(asSpecial(byName(rs, 'web').inputs.instanceType)).toEqual({ kind: 'unknown', symbol: '<instanceType>' });
  });

  it('counts the readers of a secret without a value through variables and fn::secret', () => {
    const dir2 = project({
      'Pulumi.yaml': `name: wp\nruntime: yaml\nconfig:\n  dbPassword:\n    type: string\n    secret: true\n  keyPath:\n    type: string\nvariables:\n  key:\n    fn::secret:\n      fn::readFile: \${keyPath}\n  pw: \${dbPassword}\nresources:\n  db:\n    type: aws:rds:Instance\n    properties:\n      password: \${pw}\n  render:\n    type: command:local:Command\n    properties:\n      environment:\n        DB_PASSWORD: \${dbPassword}\n  setup:\n    type: command:remote:Command\n    properties:\n      connection:\n        privateKey: \${key}\n  other:\n    type: aws:s3:Bucket\n`,
    });
    const ws = loadYamlProject(dir2, {}).warnings.filter((w) => w.message.includes('has no value'));
    expect(ws.map((w) => w.message.replace(/ \(first used.*?: /, ': ').split(' (set it')[0])).toEqual([
      'config dbPassword has no value: 2 resources depend on it',
      'config keyPath has no value: 1 resource depends on it',
    ]);
  });

  it('answers aws:getRegion with the aws:region the default provider runs in, as the Node.js mocks do', () => {
    const prog = (region: string) =>
      `name: api\nruntime: yaml\n${region}variables:\n  region:\n    fn::invoke:\n      arguments: {}\n      function: aws:getRegion\n  other:\n    fn::invoke:\n      function: aws:index/getRegion:getRegion\n      arguments:\n        name: eu-west-1\n  zones:\n    - \${region.name}a\n    - \${region.name}b\nresources:\n  a:\n    type: aws:ec2:Subnet\n    properties:\n      availabilityZone: \${zones[0]}\n      b: \${zones[1]}\n      logs: \${other.name}\n      named:\n        fn::invoke:\n          function: aws:getRegion\n          return: name\n`;
    const unset = loadYamlProject(project({ 'Pulumi.yaml': prog('') }), { invokes: BUILTIN_INVOKES });
    const a = unset.resources[0]!;
    expect(asSpecial(a.inputs.availabilityZone)).toEqual({ kind: 'unknown', symbol: '<aws:region>a', pieces: ['', 'a'] });
    expect(asSpecial(a.inputs.named)).toEqual({ kind: 'unknown', symbol: '<aws:region>' });
    // Another region asked for is only known at deploy.
    expect(asSpecial(a.inputs.logs)?.kind).toBe('unknown');
    expect(asSpecial(a.inputs.logs)).not.toEqual({ kind: 'unknown', symbol: '<aws:region>' });
    expect(unset.unresolvedConfig).toEqual(['aws:region']);
    const set = loadYamlProject(project({ 'Pulumi.yaml': prog('config:\n  aws:region: us-west-2\n') }), { invokes: BUILTIN_INVOKES }).resources[0]!;
    expect([set.inputs.availabilityZone, set.inputs.b, set.inputs.named]).toEqual(['us-west-2a', 'us-west-2b', 'us-west-2']);
  });

  it('keeps a secret without a value a secret', async () => {
    expect(asSpecial(byName(rs, 'db').inputs.password)).toEqual({ kind: 'secret' });
  });

  it('warns once per missing key, naming the key, the line of its first use and what depends on it', async () => {
    const missing = input.warnings.filter((w) => w.message.includes('has no value'));
    expect(missing.map((w) => w.message.split(' has')[0])).toEqual(['config aws:region', 'config dbPassword', 'config instanceType']);
    const region = missing[0]!;
    expect(region.line).toBe(11);
    expect(region.message).toMatch(/it configures the aws provider of 5 resources/);
    expect(missing[1]!.message).toContain('pulumi config set --secret dbPassword');
    // A secret carries no symbol to find its readers by: they are counted as they read it.
    expect(missing[1]!.message).toMatch(/analysed as the unknown <dbPassword>: 1 resource depends on it/);
    expect(missing[2]!.message).toMatch(/: 1 resource depends on it/);
    expect(input.unresolvedConfig).toEqual(['aws:region', 'dbPassword', 'instanceType']);
    expect(input.config['aws:region']).toBe('<aws:region>');
  });

  it('hangs zones under the symbolic region, and reports its loss as a region loss (info), never the provider', async () => {
    const r = await json(['analyze', dir]);
    expect(r.code).toBe(0);
    const ids = r.doc.findings.map((f: { event: { id: string }; severity: string }) => `${f.event.id} ${f.severity}`);
    expect(ids).toContain('domain:aws/<aws:region>/<aws:region>a high');
    expect(ids).toContain('domain:aws/<aws:region> info');
    expect(ids.some((i: string) => i.startsWith('domain:aws '))).toBe(false);
    const blind = r.doc.blindSpots.filter((b: { kind: string }) => b.kind === 'missing-config');
    expect(blind.length).toBeGreaterThan(0);
    expect(blind[0].message).toMatch(/placement depends on config aws:region, which has no value/);
  });

  it('exits 0 on the CLI, with the warning in stderr-free JSON', async () => {
    const r = await json(['analyze', path.join(dir, 'Pulumi.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.doc.warnings.filter((w: { message: string }) => /aws:region has no value/.test(w.message))).toHaveLength(1);
  });

  it('reads gcp:project, gcp:region and azure-native:location without values the same way', async () => {
    const d = project({
      'Pulumi.yaml': `name: multi\nruntime: yaml\nresources:\n  bucket:\n    type: gcp:storage:Bucket\n    properties:\n      project: \${gcp:project}\n      location: \${gcp:region}\n  rg:\n    type: azure-native:resources:ResourceGroup\n    properties:\n      location: \${azure-native:location}\n`,
    });
    const i = loadYamlProject(d, {});
    expect(asSpecial(byName(i.resources, 'rg').inputs.location)).toEqual({ kind: 'unknown', symbol: '<azure-native:location>' });
    expect(i.warnings.filter((w) => /has no value/.test(w.message)).map((w) => w.message.split(' has')[0])).toEqual([
      'config azure-native:location',
      'config gcp:project',
      'config gcp:region',
    ]);
  });

  it('still exits 2 for a really broken program, each problem once, with file:line', async () => {
    const d = project({
      'Pulumi.yaml': `name: broken\nruntime: yaml\nvariables:\n  base: \${ghost.id}\n  a: \${base}-a\n  b: \${base}-b\nresources:\n  x:\n    type: aws:s3:Bucket\n    properties:\n      p: \${base}\n      q: \${a}\n`,
    });
    const r = await runCli(['analyze', d]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Pulumi\.yaml:4:\d+: unknown reference \$\{ghost\.id\}/);
  });
});

describe('project and template defaults, the same in every input mode', () => {
  const template = `name: \${PROJECT}
description: \${DESCRIPTION}
runtime: yaml
template:
  description: A container service on AWS
  config:
    aws:region:
      description: The AWS region to deploy into
      default: eu-central-1
    replicas:
      default: 2
config:
  appName:
    type: string
    default: shop
resources:
  cluster:
    type: aws:ecs:Cluster
    properties:
      tags:
        project: \${PROJECT}
        about: \${DESCRIPTION}
        app: \${appName}
        replicas: \${replicas}
outputs:
  region: \${aws:region}
`;
  it('honours template.config defaults and placeholders identically as a file and as a directory', async () => {
    const dir = project({ 'Pulumi.yaml': template });
    const asDir = loadYamlProject(dir, {});
    const asFile = loadYamlProject(path.join(dir, 'Pulumi.yaml'), {});
    expect(asFile.resources).toEqual(asDir.resources);
    expect(asFile.config).toEqual(asDir.config);
    expect(asDir.config['aws:region']).toBe('eu-central-1');
    const tags = byName(asDir.resources, 'cluster').inputs.tags as Record<string, unknown>;
    expect(tags).toEqual({ project: path.basename(dir), about: 'A container service on AWS', app: 'shop', replicas: 2 });
    expect(asDir.warnings.filter((w) => /has no value/.test(w.message))).toEqual([]);
    expect(asDir.project).toBe(path.basename(dir));
  });

  it('gives the same CLI report for the file and the directory', async () => {
    const dir = project({ 'Pulumi.yaml': template });
    const a = (await json(['analyze', dir])).doc;
    const b = (await json(['analyze', path.join(dir, 'Pulumi.yaml')])).doc;
    expect(b.findings).toEqual(a.findings);
    expect(b.summary).toEqual(a.summary);
  });

  it('reads a PascalCase JSON program, with a warning per miscased key, and does not come back empty', async () => {
    const dir = project({
      'Pulumi.yaml': 'name: pascal\nruntime: yaml\n',
      'Main.json': JSON.stringify(
        {
          Configuration: { InstanceType: { Type: 'String', Default: 't3.micro' } },
          Resources: {
            WebSecGrp: { Type: 'aws:ec2:SecurityGroup', Properties: { description: 'web' } },
            WebServer: {
              Type: 'aws:ec2:Instance',
              Properties: { instanceType: '${InstanceType}', vpcSecurityGroupIds: ['${WebSecGrp.id}'] },
              Options: { Protect: true },
            },
          },
          Outputs: { PublicIp: '${WebServer.publicIp}' },
        },
        null,
        2,
      ),
    });
    const i = loadYamlProject(dir, {});
    expect(i.resources.map((r) => r.name).sort()).toEqual(['WebSecGrp', 'WebServer']);
    expect(byName(i.resources, 'WebServer').inputs.instanceType).toBe('t3.micro');
    expect(byName(i.resources, 'WebServer').dependencies).toEqual([byName(i.resources, 'WebSecGrp').urn]);
    const casing = i.warnings.filter((w) => /should be written/.test(w.message));
    expect(casing.map((w) => w.message)).toEqual(
      expect.arrayContaining([
        'program: field "Resources" should be written "resources" (read as "resources")',
        'resource WebServer: field "Type" should be written "type" (read as "type")',
        'resource WebServer options: field "Protect" should be written "protect" (read as "protect")',
      ]),
    );
    expect(casing.every((w) => w.line !== undefined && w.file.endsWith('Main.json'))).toBe(true);
  });

  it('reads a `main:` folder that holds a Pulumi.yaml', async () => {
    const dir = project({
      'Pulumi.yaml': 'name: outer\nruntime: yaml\nmain: infra/\n',
      'infra/Pulumi.yaml': 'name: inner\nruntime: yaml\nresources:\n  bucket:\n    type: aws:s3:Bucket\n',
    });
    const i = loadYamlProject(dir, {});
    expect(i.resources.map((r) => r.name)).toEqual(['bucket']);
    expect(i.project).toBe('outer');
  });

  it('refuses a compiled (CUE) project in one line that says how to get plain YAML', async () => {
    const dir = project({ 'Pulumi.yaml': 'name: cue-app\nruntime:\n  name: yaml\n  options:\n    compiler: cue export\n', 'main.cue': 'resources: {}\n' });
    const r = await runCli(['analyze', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /Pulumi\.yaml:5:\d+: the program is produced by a compiler \(runtime\.options\.compiler is set; .*\); run that command.*Main\.yaml/,
    );
  });

  it('never quotes the compiler command (a command line may carry a token)', async () => {
    const dir = project({ 'Pulumi.yaml': 'name: cue-app\nruntime:\n  name: yaml\n  options:\n    compiler: "cue export --token PLANTED-TOKEN"\n' });
    const r = await runCli(['analyze', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/runtime\.options\.compiler is set;/);
    expect(r.stderr).not.toContain('PLANTED-TOKEN');
  });

  it.each(['python', 'go', 'dotnet', 'java'])('refuses a %s project in one line that says what to run instead', async (runtime) => {
    const dir = project({ 'Pulumi.yaml': `name: web\nruntime:\n  name: ${runtime}\n  options:\n    toolchain: pip\n`, 'Main.yaml': 'resources: {}\n' });
    for (const cmd of [
      ['analyze', dir],
      ['check', dir],
      ['whatif', dir, '--fail', 'aws/us-east-1'],
    ]) {
      const r = await runCli(cmd);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`Pulumi.yaml:3:3: runtime ${runtime}: firebreak runs only yaml and nodejs programs`);
      expect(r.stderr).toContain('pulumi preview --json');
      expect(r.stderr).toContain('pulumi stack export');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('a program reads only inside its project', () => {
  const outside = mkdtempSync(path.join(tmpdir(), 'firebreak-outside-'));
  writeFileSync(path.join(outside, 'secret.txt'), 'PLANTED-OUTSIDE-VALUE');
  const prog = (file: string) =>
    `name: reader\nruntime: yaml\nresources:\n  b:\n    type: aws:s3:Bucket\n    properties:\n      bucket:\n        fn::readFile: ${file}\n`;

  it('refuses fn::readFile of an absolute path outside, naming file:line, never quoting the bytes', async () => {
    const dir = project({ 'Pulumi.yaml': prog(path.join(outside, 'secret.txt')) });
    const r = await runCli(['analyze', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Pulumi\.yaml:8:\d+: fn::readFile: cannot read .*outside the project directory \(pass --allow-outside-project/);
    expect(r.stderr + r.stdout).not.toContain('PLANTED-OUTSIDE-VALUE');
  });

  it('refuses ../ paths and symlinks that lead outside; reads them with --allow-outside-project', async () => {
    const dir = project({ 'Pulumi.yaml': prog('./link.txt') });
    symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'link.txt'));
    expect((await runCli(['analyze', dir])).code).toBe(2);
    const rel = project({ 'Pulumi.yaml': prog(path.relative('/', path.join(outside, 'secret.txt')).replace(/^/, '../../../../../../')) });
    expect((await runCli(['analyze', rel])).stderr).toMatch(/outside the project directory/);
    const allowed = loadYamlProject(dir, { allowOutsideProject: true });
    expect(allowed.resources[0]!.inputs.bucket).toBe('PLANTED-OUTSIDE-VALUE');
  });

  it('reads a file inside the project', async () => {
    const dir = project({ 'Pulumi.yaml': prog('./name.txt'), 'name.txt': 'my-bucket' });
    expect(loadYamlProject(dir, {}).resources[0]!.inputs.bucket).toBe('my-bucket');
  });

  it('refuses devices and FIFOs even when outside reads are allowed, without hanging', async () => {
    const zero = project({ 'Pulumi.yaml': prog('/dev/zero') });
    expect(() => loadYamlProject(zero, { allowOutsideProject: true })).toThrow(/fn::readFile: cannot read \/dev\/zero .*not a regular file/);
    const fifoDir = project({ 'Pulumi.yaml': prog('./pipe') });
    execFileSync('mkfifo', [path.join(fifoDir, 'pipe')]);
    expect(() => loadYamlProject(fifoDir, {})).toThrow(/not a regular file/);
  });

  it('refuses a file larger than the cap', async () => {
    const dir = project({ 'Pulumi.yaml': prog('./big.bin'), 'big.bin': '' });
    truncateSync(path.join(dir, 'big.bin'), 17 * 1024 * 1024);
    expect(() => loadYamlProject(dir, {})).toThrow(/larger than 16 MiB/);
  });

  it('refuses `main:` and `stackConfigDir` outside the project', async () => {
    writeFileSync(path.join(outside, 'Main.yaml'), 'resources: {}\n');
    const main = project({ 'Pulumi.yaml': `name: m\nruntime: yaml\nmain: ../${path.basename(outside)}\n` });
    const r = await runCli(['analyze', main]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Pulumi\.yaml:3:\d+: main points outside the project directory/);
    const sc = project({ 'Pulumi.yaml': 'name: s\nruntime: yaml\nstackConfigDir: ../../..\n' });
    expect((await runCli(['analyze', sc])).stderr).toMatch(/Pulumi\.yaml:3:\d+: stackConfigDir points outside the project directory/);
    expect((await runCli(['analyze', sc, '--allow-outside-project', '--fail-on', 'none'])).code).toBe(0);
  });
});

describe('project-level secret config never reaches the output', () => {
  const planted = 'PLANTED-DB-PASSWORD-93f1';
  const cases: Array<[string, Record<string, string>]> = [
    [
      'config: with secret: true and a stack value',
      {
        'Pulumi.yaml': 'name: sec\nruntime: yaml\nconfig:\n  dbPass:\n    type: string\n    secret: true\n',
        'Main.yaml': 'resources:\n  db:\n    type: aws:rds:Instance\n    properties:\n      password: ${dbPass}\n      identifier: db-${dbPass}\n',
        'Pulumi.dev.yaml': `config:\n  sec:dbPass: ${planted}\n`,
      },
    ],
    [
      'configuration: with Secret: true and a default',
      {
        'Pulumi.yaml': `name: sec\nruntime: yaml\nconfiguration:\n  dbPass:\n    Type: String\n    Secret: true\n    Default: ${planted}\nresources:\n  db:\n    type: aws:rds:Instance\n    properties:\n      password: \${dbPass}\n      identifier: db-\${dbPass}\n`,
      },
    ],
  ];
  it.each(cases)('%s', async (_name, files) => {
    const dir = project(files);
    const input = loadYamlProject(dir, {});
    expect(asSpecial(input.resources[0]!.inputs.password)).toEqual({ kind: 'secret' });
    for (const format of FORMATS) {
      const r = await runCli(['analyze', dir, '--format', format, '--fail-on', 'none']);
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(planted);
    }
  });
});

describe('programs of any size and shape', () => {
  // 30,000 is three times what a recursive evaluation survives (Node's stack holds about 10,000 frames): a chain that
  // long proves evaluation is iterative, and costs a third of the 100,000 it was (7.6 s of the suite's time, most of it
  // the YAML parser's).
  it('evaluates a chain of 30,000 resources, each referring to the one before', async () => {
    const n = 30_000;
    const lines = ['name: chain', 'runtime: yaml', 'resources:'];
    for (let i = 0; i < n; i++) lines.push(`  r${i}:\n    type: aws:s3:Bucket\n    properties:\n      prev: ${i === 0 ? 'none' : `\${r${i - 1}.id}`}`);
    const dir = project({ 'Pulumi.yaml': `${lines.join('\n')}\n` });
    const input = loadYamlProject(dir, {});
    expect(input.resources).toHaveLength(n);
    expect(input.resources[0]!.name).toBe('r0');
    expect(input.resources[n - 1]!.dependencies).toEqual([input.resources[n - 2]!.urn]);
  }, 120_000);

  it('refuses nesting deeper than the limit in one line naming file, line and the limit', async () => {
    const dir = project({ 'Pulumi.yaml': `name: deep\nruntime: yaml\nvariables:\n  v: ${'['.repeat(300)}${']'.repeat(300)}\n` });
    const r = await runCli(['analyze', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/Pulumi\.yaml:4:\d+: invalid YAML: nested deeper than 200 levels/);
    const deeper = project({ 'Pulumi.yaml': `name: deep\nruntime: yaml\nvariables:\n  v: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n` });
    expect((await runCli(['analyze', deeper])).stderr).toMatch(/Pulumi\.yaml:4:\d+: invalid YAML: nested too deeply/);
  });

  it('still reports duplicate keys with their line', async () => {
    const dir = project({ 'Pulumi.yaml': 'name: dup\nruntime: yaml\nresources:\n  a:\n    type: aws:s3:Bucket\n  a:\n    type: aws:s3:Bucket\n' });
    expect((await runCli(['analyze', dir])).stderr).toMatch(/Pulumi\.yaml:6:3: invalid YAML: Map keys must be unique/);
  });

  it('treats `__proto__` and `constructor` as plain names, in properties, references and functions', async () => {
    const dir = project({
      'Pulumi.yaml':
        'name: proto\nruntime: yaml\nresources:\n  b:\n    type: aws:s3:Bucket\n    properties:\n      __proto__:\n        polluted: yes\n      tags:\n        constructor: x\n  c:\n    type: aws:s3:Bucket\n    properties:\n      fromB: ${b.tags.constructor}\n      missing: ${b.tags.toString}\n',
    });
    const input = loadYamlProject(dir, {});
    const b = byName(input.resources, 'b');
    expect(Object.keys(b.inputs)).toEqual(['__proto__', 'tags']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const c = byName(input.resources, 'c');
    expect(c.inputs.fromB).toBe('x');
    expect(asSpecial(c.inputs.missing)).toEqual({ kind: 'unknown', symbol: 'b.tags.toString' });
    const fn = project({ 'Pulumi.yaml': 'name: proto\nruntime: yaml\nvariables:\n  v:\n    fn::__proto__: [1]\n  w: ${pulumi.constructor}\n' });
    const r = await runCli(['analyze', fn]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unsupported function fn::__proto__/);
    expect(r.stderr).toMatch(/unknown built-in \$\{pulumi\.constructor\}/);
  });
});
