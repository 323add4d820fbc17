/**
 * What running real public TypeScript programs under mocks showed (docs/real-programs.md):
 * remote components (awsx, eks), a project template's config defaults when the
 * program is analysed as cloned, and failures that the mocks themselves cause
 * (config read as a symbol, data sources that answer nothing). The fixtures use
 * only @pulumi/pulumi, linked as `npm install` would provide it.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInput } from '../../src/ingest/index.js';
import { fixture, linkPulumi, programDir, runCli } from '../helpers/cli.js';
import { BUILTIN_INVOKES } from '../helpers/invokes.js';

/** A JavaScript program in a temporary directory: its files (path -> text), Pulumi.yaml included. */
const program = (name: string, files: Record<string, string>): string =>
  programDir(name, { 'package.json': JSON.stringify({ name, main: 'index.js', dependencies: { '@pulumi/pulumi': '3.245.0' } }), ...files }, 'firebreak-real-');

interface Doc {
  findings: Array<{ event: { id: string; name: string }; severity: string; locations?: Array<{ file: string; line: number }> }>;
  unjudged: Array<{ name: string; reason: string }>;
  warnings: Array<{ file: string; line?: number; message: string }>;
  summary: { coverage?: Record<string, number> } & Record<string, unknown>;
}

describe('remote components (awsx, eks) in a program analysed as cloned', () => {
  const dir = fixture('nodejs', 'remote-components');
  beforeAll(() => linkPulumi(dir));

  it('records a remote component as a resource of its own, since its provider creates its children', async () => {
    const input = await loadInput(dir);
    const byName = new Map(input.resources.map((r) => [r.name, r]));
    expect(byName.get('vpc')).toMatchObject({ type: 'awsx:ec2:Vpc', custom: true });
    expect(byName.get('cluster')).toMatchObject({ type: 'eks:index:Cluster', custom: true, inputs: { minSize: 1, desiredCapacity: 2 } });
    // The cluster depends on the VPC through the Outputs it reads.
    expect(byName.get('cluster')!.propertyDependencies.subnetIds).toEqual([byName.get('vpc')!.urn]);
    // No child of either is ever registered under mocks.
    expect(input.resources.filter((r) => r.parent && r.parent !== byName.get('remote-components-dev')!.urn)).toEqual([]);
  }, 60_000);

  it('judges them by the components pack (the eks cluster may scale in to one node), in the region of the template default', async () => {
    const r = await runCli(['analyze', dir, '--format', 'json', '--fail-on', 'none']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.unjudged).toEqual([]);
    const cluster = doc.findings.find((f) => f.event.name === 'cluster');
    expect(cluster?.severity).toBe('high');
    expect(cluster?.locations).toEqual([expect.objectContaining({ file: path.join(dir, 'index.ts'), line: 11 })]);
    expect(doc.findings.map((f) => f.event.id)).toContain('domain:aws/us-west-2');
    // A workload whose provider's kubeconfig comes from the cluster runs on it, in its region.
    const blind = (doc as unknown as { blindSpots: Array<{ message: string }> }).blindSpots.map((b) => b.message);
    expect(blind).toContainEqual(expect.stringMatching(/^web \(kubernetes:apps\/v1:Deployment\) runs on cluster, which spans the zones of aws\/us-west-2/));
    const template = doc.warnings.find((w) => /template's defaults/.test(w.message));
    expect(template).toMatchObject({ file: path.join(dir, 'Pulumi.yaml'), line: 6 });
    // Only keys with a default are taken; clusterName has none and the program's own default applies.
    expect(template!.message).toContain('used for aws:region, as');
  }, 60_000);
});

describe('remote components that no rule describes', () => {
  it('are unjudged: as a component package when their package is one, else as a type with no rule', async () => {
    const dir = program('unruled-remote', {
      'Pulumi.yaml': 'name: unruled-remote\nruntime: nodejs\n',
      'Pulumi.prod.yaml': 'config:\n  aws:region: eu-west-1\n',
      'index.js': [
        'const pulumi = require("@pulumi/pulumi");',
        'new pulumi.ComponentResource("awsx:cloudtrail:Trail", "trail", { enableLogging: true }, {}, true);',
        'new pulumi.ComponentResource("acme:index:Queue", "jobs", { fifo: true }, {}, true);',
        '',
      ].join('\n'),
    });
    const r = await runCli(['analyze', dir, '--format', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.unjudged.map((u) => [u.name, u.reason])).toEqual([
      ['trail', 'component-package'],
      ['jobs', 'no-rule'],
    ]);
  }, 60_000);
});

describe("a project template's config defaults", () => {
  const files = (stackFile: boolean): Record<string, string> => ({
    'Pulumi.yaml': [
      'name: site',
      'runtime: nodejs',
      'template:',
      '  config:',
      '    aws:region: { default: eu-central-1 }',
      '    siteDir: { description: where the pages are, default: ./www }',
      '    replicas: { default: 2 }',
      '',
    ].join('\n'),
    ...(stackFile ? { 'Pulumi.prod.yaml': 'config:\n  site:replicas: 3\n' } : {}),
    'www/index.html': '<p>hi</p>\n',
    'index.js': [
      'const fs = require("fs");',
      'const path = require("path");',
      'const pulumi = require("@pulumi/pulumi");',
      'const cfg = new pulumi.Config();',
      'const pages = fs.readdirSync(path.join(process.cwd(), cfg.require("siteDir")));',
      'for (let i = 0; i < cfg.requireNumber("replicas"); i++)',
      '  new pulumi.CustomResource("aws:ec2/instance:Instance", `web-${i}`, { availabilityZone: `${new pulumi.Config("aws").require("region")}${"abc"[i % 3]}`, instanceType: "t3.micro", tags: { pages: pages.join(",") } });',
      '',
    ].join('\n'),
  });

  it('are used when there is no stack config file, as `pulumi new` would set them, with one warning', async () => {
    const input = await loadInput(program('site', files(false)));
    const zones = input.resources.filter((r) => r.type === 'aws:ec2/instance:Instance').map((r) => r.inputs.availabilityZone);
    expect(zones).toEqual(['eu-central-1a', 'eu-central-1b']);
    expect(input.config).toEqual({ 'aws:region': 'eu-central-1' });
    const messages = input.warnings.map((w) => w.message);
    expect(messages).toContain("no stack config: the project template's defaults were used for aws:region, replicas, siteDir, as `pulumi new` would set them");
  }, 60_000);

  it('are not used for a stack that has a config file: its missing keys stay unset, as Pulumi leaves them', async () => {
    const dir = program('site', files(true));
    const r = await runCli(['analyze', dir, '--fail-on', 'none']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    // The failure names the config key the program used as a symbol.
    expect(r.stderr).toMatch(
      /index\.js:5:\d+: the program failed: ENOENT[^\n]*\(it used config that has no value: siteDir \(read as <siteDir>\); set it in the stack config\)\n$/,
    );
    expect(r.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
  }, 60_000);
});

describe('failures the mocks cause', () => {
  /** A library in node_modules that looks up the default VPC's subnets, as awsx classic does. */
  const library = {
    'node_modules/fake-network/package.json': JSON.stringify({ name: 'fake-network', main: 'index.js' }),
    'node_modules/fake-network/index.js': [
      'const pulumi = require("@pulumi/pulumi");',
      'exports.defaultSubnets = async function () {',
      '  const vpc = await pulumi.runtime.invoke("aws:ec2/getVpc:getVpc", { default: true });',
      '  const subnets = await pulumi.runtime.invoke("aws:ec2/getSubnets:getSubnets", { filters: [{ name: "vpc-id", values: [vpc.id] }] });',
      '  return subnets.ids.slice(0, 2);',
      '};',
      '',
    ].join('\n'),
  };

  it('a failure inside a library names its first frame there, and the data sources that answered nothing', async () => {
    const dir = program('uses-default-vpc', {
      'Pulumi.yaml': 'name: uses-default-vpc\nruntime: nodejs\n',
      ...library,
      'index.js': [
        'const pulumi = require("@pulumi/pulumi");',
        'const net = require("fake-network");',
        'module.exports = async () => {',
        '  const subnets = await net.defaultSubnets();',
        '  new pulumi.CustomResource("aws:lb/loadBalancer:LoadBalancer", "web", { subnets });',
        '};',
        '',
      ].join('\n'),
    });
    const r = await runCli(['analyze', dir, '--fail-on', 'none']);
    expect(r.code).toBe(2);
    // Where the program called it, and where inside the library it failed.
    expect(r.stderr).toMatch(/index\.js:4:\d+: the program failed inside its dependencies, at node_modules\/fake-network\/index\.js:5: /);
    expect(r.stderr).toContain("Cannot read properties of undefined (reading 'slice')");
    expect(r.stderr).toContain('these returned nothing: aws:ec2/getSubnets:getSubnets, aws:ec2/getVpc:getVpc;');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it("says only that it failed inside a library when the library's source map names a file it does not ship", async () => {
    const map = Buffer.from(JSON.stringify({ version: 3, sources: ['../src/network.ts'], names: [], mappings: ';;;;AAAA' })).toString('base64');
    const dir = program('mapped-library', {
      'Pulumi.yaml': 'name: mapped-library\nruntime: nodejs\n',
      ...library,
      'node_modules/fake-network/index.js': `${library['node_modules/fake-network/index.js']}//# sourceMappingURL=data:application/json;base64,${map}\n`,
      'index.js': 'require("fake-network").defaultSubnets().then(() => undefined);\n',
    });
    const r = await runCli(['analyze', dir, '--fail-on', 'none']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(": the program failed inside its dependencies: Cannot read properties of undefined (reading 'slice')");
    expect(r.stderr).not.toContain('src/network.ts');
  }, 60_000);

  it('an import cycle that fails only under tsx says to install ts-node, which reads it as the Pulumi CLI does (kubernetes-ts-jenkins)', async () => {
    // index.ts exports what its component module reads back at load: ts-node gives undefined, tsx throws.
    const dir = program('jenkins-like', {
      'Pulumi.yaml': 'name: jenkins-like\nruntime: nodejs\nmain: index.ts\n',
      'index.ts': ['import { Instance } from "./instance";', 'const instance = new Instance("ci");', 'export const externalIp = instance.ip;', ''].join('\n'),
      'instance.ts': [
        'import * as pulumi from "@pulumi/pulumi";',
        'import { externalIp } from ".";',
        'export class Instance extends pulumi.ComponentResource {',
        '  ip = "10.0.0.1";',
        '  constructor(name: string) {',
        '    super("ci:index:Instance", name);',
        '    this.registerOutputs({ externalIp });',
        '  }',
        '}',
        '',
      ].join('\n'),
    });
    const r = await runCli(['analyze', dir, '--fail-on', 'none']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("the program failed: Cannot access 'externalIp' before initialization");
    expect(r.stderr).toContain('install ts-node in the project (`npm install --save-dev ts-node`)');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it('other failures of a TypeScript program do not mention ts-node', async () => {
    const dir = program('throws-ts', {
      'Pulumi.yaml': 'name: throws-ts\nruntime: nodejs\nmain: index.ts\n',
      'index.ts': 'const n: number = 1;\nthrow new Error(`no cluster named ${n}`);\n',
    });
    const r = await runCli(['analyze', dir, '--fail-on', 'none']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the program failed: no cluster named 1');
    expect(r.stderr).not.toContain('ts-node');
  }, 60_000);

  it('a component that registered nothing (a Helm v3 Chart under mocks) is named in a warning (kubernetes-ts-helm-wordpress)', async () => {
    const dir = program('chart-only', {
      'Pulumi.yaml': 'name: chart-only\nruntime: nodejs\n',
      'index.js': [
        'const pulumi = require("@pulumi/pulumi");',
        '// What helm.v3.Chart leaves under mocks: the component, and no child (the template invoke answers nothing).',
        'new pulumi.ComponentResource("kubernetes:helm.sh/v3:Chart", "wpdev");',
        'const site = new pulumi.ComponentResource("shop:index:Site", "site");',
        'new pulumi.CustomResource("aws:s3/bucket:Bucket", "assets", {}, { parent: site });',
        '',
      ].join('\n'),
    });
    const r = await runCli(['analyze', dir, '--format', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    const childless = doc.warnings.filter((w) => w.message.includes('registered no resources under mocks'));
    // Only the childless one: the site component has its bucket.
    expect(childless).toEqual([expect.objectContaining({ file: path.join(dir, 'index.js') })]);
    expect(childless[0]!.message).toMatch(/^wpdev \(kubernetes:helm\.sh\/v3:Chart\) is a component .*`pulumi preview --json`/);
  }, 60_000);

  it('a program that runs despite them gets one warning naming them, with how often each was called', async () => {
    const dir = program('looks-up-ami', {
      'Pulumi.yaml': 'name: looks-up-ami\nruntime: nodejs\n',
      'index.js': [
        'const pulumi = require("@pulumi/pulumi");',
        'const ami = (filter) => pulumi.runtime.invoke("aws:ec2/getAmi:getAmi", { mostRecent: true, filters: [filter] }).then((r) => r.id);',
        'new pulumi.CustomResource("aws:ec2/instance:Instance", "web", { ami: ami("al2023"), instanceType: "t3.micro", availabilityZone: "us-east-1a" });',
        'new pulumi.CustomResource("aws:ec2/instance:Instance", "bastion", { ami: ami("al2"), instanceType: "t3.micro", availabilityZone: "us-east-1b" });',
        '',
      ].join('\n'),
    });
    const input = await loadInput(dir);
    expect(input.resources.filter((r) => r.type === 'aws:ec2/instance:Instance')).toHaveLength(2);
    expect(input.warnings.map((w) => w.message)).toContain(
      'under mocks no data source answers: aws:ec2/getAmi:getAmi (2 calls) returned nothing, so what the program derived from it is missing or unknown',
    );
  }, 60_000);
});

describe('subnets placed by zone ID (aws.getAvailabilityZones().zoneIds)', () => {
  it('gives zone IDs in the AWS form, and places what runs in those subnets in their zones', async () => {
    const dir = program('zone-ids', {
      'Pulumi.yaml': 'name: zone-ids\nruntime: nodejs\n',
      'Pulumi.prod.yaml': 'config:\n  aws:region: ap-southeast-2\n',
      'index.js': [
        'const pulumi = require("@pulumi/pulumi");',
        'class Network extends pulumi.ComponentResource {',
        '  constructor(name, args, opts) {',
        '    super("custom:resource:VPC", name, args, opts);',
        '    const zones = pulumi.runtime.invoke("aws:index/getAvailabilityZones:getAvailabilityZones", { state: "available" });',
        '    this.subnetIds = [0, 1].map((i) => new pulumi.CustomResource("aws:ec2/subnet:Subnet", `${name}-subnet-${i}`,',
        '      { cidrBlock: `10.100.${i}.0/24`, availabilityZoneId: zones.then((z) => z.zoneIds[i]) }, { parent: this }).id);',
        '    this.registerOutputs({});',
        '  }',
        '}',
        'const net = new Network("net", {});',
        'new pulumi.CustomResource("aws:lb/loadBalancer:LoadBalancer", "alb", { subnets: net.subnetIds });',
        'new pulumi.CustomResource("aws:ecs/service:Service", "svc", { desiredCount: 1, launchType: "FARGATE", networkConfiguration: { subnets: net.subnetIds } });',
        '',
      ].join('\n'),
    });
    const input = await loadInput(dir, { invokes: BUILTIN_INVOKES });
    const subnets = input.resources.filter((r) => r.type === 'aws:ec2/subnet:Subnet').map((r) => r.inputs.availabilityZoneId);
    expect(subnets).toEqual(['apse2-az1', 'apse2-az2']);
    const r = await runCli(['analyze', dir, '--format', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc & { nodes: Record<string, { name: string; placedIn?: string[] }> };
    expect(doc.unjudged).toEqual([]);
    const placed = Object.fromEntries(
      Object.values(doc.nodes)
        .filter((n) => n.placedIn)
        .map((n) => [n.name, n.placedIn]),
    );
    expect(placed.svc).toEqual(['aws/ap-southeast-2/apse2-az1', 'aws/ap-southeast-2/apse2-az2']);
    // One task: its zone is a single point (the service is placed, so the finding names it).
    expect(doc.findings.map((f) => f.event.name)).toContain('svc');
  }, 60_000);
});
