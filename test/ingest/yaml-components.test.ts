/**
 * Local Pulumi YAML component packages (`packages: {name: ./dir}` naming a
 * PulumiPlugin.yaml with `components:`), shaped like pulumi-yaml's own
 * component tests: the components' resources are children of the component,
 * named `<instance>-<resource>`, evaluated with the component's inputs.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { asSpecial, type ResourceRecord } from '../../src/ingest/types.js';
import { loadYamlProject } from '../../src/ingest/yaml/index.js';
import { runCli } from '../helpers/cli.js';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-yamlcomp-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
const byName = (rs: ResourceRecord[], name: string) => rs.find((r) => r.name === name)!;

// A web tier: one instance in a given subnet, and a bucket for its assets; a second file of the plugin adds a database.
const plugin = `name: webtier
runtime: yaml
components:
  server:
    inputs:
      subnetId:
        type: string
      instanceType:
        type: string
        default: t3.small
    resources:
      instance:
        type: aws:ec2:Instance
        properties:
          instanceType: \${instanceType}
          subnetId: \${subnetId}
          ami: ami-0123456789abcdef0
      assets:
        type: aws:s3:Bucket
    outputs:
      privateIp: \${instance.privateIp}
      size: \${instanceType}
`;
const pluginDb = `components:
  database:
    resources:
      db:
        type: aws:rds:Instance
        properties:
          engine: postgres
          instanceClass: db.t3.micro
          multiAz: false
`;
const program = `name: shop
runtime: yaml
packages:
  webtier: ./components
config:
  aws:region: us-east-1
resources:
  subnet:
    type: aws:ec2:Subnet
    properties:
      vpcId: vpc-1
      cidrBlock: 10.0.1.0/24
      availabilityZone: us-east-1a
  web:
    type: webtier:index:server
    properties:
      subnetId: \${subnet.id}
  db:
    type: webtier:database
  dns:
    type: aws:route53:Record
    properties:
      zoneId: Z1
      name: shop.example.com
      type: A
      ttl: 60
      records: ["\${web.privateIp}"]
outputs:
  size: \${web.size}
`;

describe('local YAML component packages', () => {
  const dir = tree({ 'Pulumi.yaml': program, 'components/PulumiPlugin.yaml': plugin, 'components/database.yaml': pluginDb });
  const input = loadYamlProject(dir, {});
  const rs = input.resources;

  it('makes the component a component resource and its resources its children, named <instance>-<resource>', () => {
    const web = byName(rs, 'web');
    expect(web.custom).toBe(false);
    expect(web.urn).toBe('urn:pulumi:dev::shop::webtier:index:server::web');
    const instance = byName(rs, 'web-instance');
    expect(instance.urn).toBe('urn:pulumi:dev::shop::webtier:index:server$aws:ec2:Instance::web-instance');
    expect(instance.parent).toBe(web.urn);
    expect(byName(rs, 'web-assets').parent).toBe(web.urn);
    // The component's own file:line, not the program's.
    expect(path.basename(instance.source!.file)).toBe('PulumiPlugin.yaml');
    expect(instance.source!.line).toBe(12);
  });

  it("evaluates the component's resources with its inputs, and their defaults", () => {
    const instance = byName(rs, 'web-instance');
    expect(instance.inputs.instanceType).toBe('t3.small');
    expect(asSpecial(instance.inputs.subnetId)).toEqual({ kind: 'unknown', symbol: 'subnet.id' });
  });

  it("reads the component's outputs where the program uses them", () => {
    const dns = byName(rs, 'dns');
    expect(asSpecial((dns.inputs.records as unknown[])[0] as never)).toEqual({ kind: 'unknown', symbol: 'instance.privateIp' });
    expect(dns.dependencies).toContain(byName(rs, 'web').urn);
  });

  it('merges every *.yaml file of the package, and reads the short type form (webtier:database)', () => {
    const db = byName(rs, 'db-db');
    expect(db.type).toBe('aws:rds:Instance');
    expect(db.parent).toBe(byName(rs, 'db').urn);
    expect(path.basename(db.source!.file)).toBe('database.yaml');
  });

  it("finds the single points inside the components, at the component's line", async () => {
    const r = await runCli(['analyze', dir, '--format', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.summary.coverage.unjudged).toBe(0);
    expect(doc.summary.coverage.components).toBe(2);
    const lone = doc.findings.find((f: { message: string }) => /Losing compute web-instance/.test(f.message));
    expect(lone).toBeDefined();
    expect(lone.locations[0].file).toMatch(/components[\\/]PulumiPlugin\.yaml$/);
    expect(doc.findings.some((f: { message: string }) => /Losing datastore db-db/.test(f.message))).toBe(true);
  });
});

describe('providers passed to a component', () => {
  it("reach the component's resources of that package (options.provider and options.providers)", () => {
    const dir = tree({
      'Pulumi.yaml': `name: shop\nruntime: yaml\npackages:\n  webtier: ./components\nresources:\n  west:\n    type: pulumi:providers:aws\n    properties:\n      region: us-west-2\n  a:\n    type: webtier:index:server\n    options:\n      provider: \${west}\n  b:\n    type: webtier:index:server\n    options:\n      providers:\n        aws: \${west}\n  c:\n    type: webtier:index:server\n`,
      'components/PulumiPlugin.yaml': plugin,
    });
    const rs = loadYamlProject(dir, {}).resources;
    const west = byName(rs, 'west').urn;
    expect(byName(rs, 'a-instance').provider).toBe(west);
    expect(byName(rs, 'b-instance').provider).toBe(west);
    expect(byName(rs, 'b-assets').provider).toBe(west);
    expect(byName(rs, 'c-instance').provider).toBeUndefined();
  });
});

describe('a component package that uses another', () => {
  it("reads the plugin's own packages: block, relative to the plugin", () => {
    const dir = tree({
      'Pulumi.yaml': `name: shop\nruntime: yaml\npackages:\n  site: ./pkgs/site\nresources:\n  front:\n    type: site:index:frontend\n`,
      'pkgs/site/PulumiPlugin.yaml': `name: site\nruntime: yaml\npackages:\n  webtier: ../webtier\ncomponents:\n  frontend:\n    resources:\n      web:\n        type: webtier:index:server\n        properties:\n          subnetId: subnet-1\n`,
      'pkgs/webtier/PulumiPlugin.yaml': plugin,
    });
    const rs = loadYamlProject(dir, {}).resources;
    const web = byName(rs, 'front-web');
    expect(web.parent).toBe(byName(rs, 'front').urn);
    const instance = byName(rs, 'front-web-instance');
    expect(instance.parent).toBe(web.urn);
    expect(instance.urn).toBe('urn:pulumi:dev::shop::site:index:frontend$webtier:index:server$aws:ec2:Instance::front-web-instance');
    expect(instance.inputs.subnetId).toBe('subnet-1');
  });
});

describe('component packages that are not expanded', () => {
  it('warns about a package outside the project, and expands it with --allow-outside-project', async () => {
    const root = tree({ 'app/Pulumi.yaml': program.replace('./components', '../components'), 'components/PulumiPlugin.yaml': plugin });
    const dir = path.join(root, 'app');
    const i = loadYamlProject(dir, {});
    const w = i.warnings.find((x) => x.message.startsWith('package webtier'));
    expect(w?.message).toBe(
      'package webtier: ../components is outside the project directory (pass --allow-outside-project to read it); its components are not expanded and are judged as wholes (through their rules)',
    );
    expect(w?.line).toBe(4);
    expect(i.resources.some((r) => r.name === 'web-instance')).toBe(false);
    expect(byName(i.resources, 'web').custom).toBe(true);
    const allowed = loadYamlProject(dir, { allowOutsideProject: true });
    expect(byName(allowed.resources, 'web-instance').parent).toBe(byName(allowed.resources, 'web').urn);
  });

  it('never reads a plugin file that links out of the project', () => {
    const outside = tree({ 'PulumiPlugin.yaml': plugin, 'extra.yaml': pluginDb });
    const dir = tree({ 'Pulumi.yaml': program });
    mkdirSync(path.join(dir, 'components'));
    symlinkSync(path.join(outside, 'PulumiPlugin.yaml'), path.join(dir, 'components', 'PulumiPlugin.yaml'));
    const i = loadYamlProject(dir, {});
    expect(i.warnings.find((w) => w.message.startsWith('package webtier'))?.message).toMatch(/PulumiPlugin\.yaml links outside the project directory/);
    expect(i.resources.some((r) => r.name === 'web-instance')).toBe(false);
  });

  it('warns about a plugin of another runtime and about a directory without a plugin file', () => {
    const dir = tree({
      'Pulumi.yaml': `name: p\nruntime: yaml\npackages:\n  py: ./py\n  none: ./none\n  reg: github.com/acme/comp@v1.0.0\nresources:\n  a:\n    type: py:index:Thing\n`,
      'py/PulumiPlugin.yaml': 'runtime: python\n',
      'none/README.md': 'nothing\n',
    });
    const i = loadYamlProject(dir, {});
    expect(i.warnings.filter((w) => w.message.startsWith('package ')).map((w) => w.message.split(';')[0])).toEqual([
      'package py: ./py is a plugin of another runtime than yaml',
      'package none: ./none holds no PulumiPlugin.yaml',
    ]);
    expect(i.resources).toHaveLength(1);
  });

  it('refuses a component that uses itself, in one line naming the file', async () => {
    const dir = tree({
      'Pulumi.yaml': `name: p\nruntime: yaml\npackages:\n  loop: ./loop\nresources:\n  a:\n    type: loop:index:again\n`,
      'loop/PulumiPlugin.yaml': 'name: loop\nruntime: yaml\ncomponents:\n  again:\n    resources:\n      inner:\n        type: loop:index:again\n',
    });
    const r = await runCli(['analyze', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/PulumiPlugin\.yaml:6:\d+: component loop:index:again nests more than 16 deep \(does it use itself\?\)/);
  });
});
