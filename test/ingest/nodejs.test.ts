/**
 * Pulumi Node.js programs, run under @pulumi/pulumi's mocks in a child
 * process. The fixtures use only @pulumi/pulumi (CustomResource and
 * ComponentResource with AWS type tokens); each gets a node_modules at setup
 * that links firebreak's own @pulumi/pulumi, as `npm install` would provide it.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadInput } from '../../src/ingest/index.js';
import { asSpecial, type ResourceRecord, type StackInput } from '../../src/ingest/types.js';
import { fixture, linkPulumi, runCli } from '../helpers/cli.js';
import { BUILTIN_INVOKES } from '../helpers/invokes.js';

const APPS = ['ts-app', 'js-app', 'fails', 'hangs'];

beforeAll(() => {
  for (const app of APPS) linkPulumi(fixture('nodejs', app));
});

const byName = (input: StackInput, name: string): ResourceRecord => {
  const r = input.resources.find((x) => x.name === name);
  if (!r) throw new Error(`no resource ${name} in ${input.resources.map((x) => x.name).join(', ')}`);
  return r;
};

interface JsonFinding {
  event: { id: string; kind: string; name: string; what: string };
  severity: string;
  inPolicy: boolean;
  affected: Array<{ service: string; path: Array<{ node: string }> }>;
}

describe('a TypeScript program (ts-app@dev)', () => {
  let input: StackInput;
  beforeAll(async () => {
    input = await loadInput(`${fixture('nodejs', 'ts-app')}@dev`);
  }, 60_000);

  it('is a nodejs-program input of its project and stack, with provider config and no secret', () => {
    expect(input.kind).toBe('nodejs-program');
    expect(input.project).toBe('ts-app');
    expect(input.stack).toBe('dev');
    expect(input.config).toEqual({ 'aws:region': 'eu-west-1' });
  });

  it('records every registration with URNs built as Pulumi builds them', () => {
    const stack = byName(input, 'ts-app-dev');
    expect(stack.type).toBe('pulumi:pulumi:Stack');
    expect(stack.urn).toBe('urn:pulumi:dev::ts-app::pulumi:pulumi:Stack::ts-app-dev');
    const network = byName(input, 'main');
    expect(network.urn).toBe('urn:pulumi:dev::ts-app::shop:net:Network::main');
    expect(network.custom).toBe(false);
    expect(network.parent).toBe(stack.urn);
    const db = byName(input, 'orders-db');
    expect(db.urn).toBe('urn:pulumi:dev::ts-app::shop:data:Database$aws:rds/instance:Instance::orders-db');
    expect(db.parent).toBe(byName(input, 'orders').urn);
    expect(db.custom).toBe(true);
    expect(db.id).toBe('orders-db_id');
    // Resources are in registration order: every dependency before its dependent.
    const at = new Map(input.resources.map((r, i) => [r.urn, i]));
    for (const r of input.resources) for (const d of r.dependencies) expect(at.get(d)!).toBeLessThan(at.get(r.urn)!);
  });

  it('keeps config values, and reads stack config for the program', () => {
    const db = byName(input, 'orders-db');
    expect(db.inputs.availabilityZone).toBe('eu-west-1a');
    expect(db.inputs.tags).toEqual({ 'firebreak:service': 'shop' });
    // Two replicas: the project default of `replicas`.
    expect(input.resources.filter((r) => r.type === 'aws:ec2/instance:Instance').map((r) => r.name)).toEqual(['web-1', 'web-2']);
  });

  it('captures dependencies and property dependencies, including those carried by Outputs and pulumi.interpolate', () => {
    const subnetA = byName(input, 'main-a');
    const vpc = byName(input, 'main-vpc');
    const db = byName(input, 'orders-db');
    const web1 = byName(input, 'web-1');
    expect(subnetA.propertyDependencies.vpcId).toEqual([vpc.urn]);
    expect(web1.propertyDependencies.subnetId).toEqual([subnetA.urn]);
    expect(web1.propertyDependencies.userData).toEqual([db.urn]);
    expect(web1.dependencies).toEqual(expect.arrayContaining([subnetA.urn, db.urn]));
    // dependsOn: [subnet] on the database.
    expect(db.dependencies).toContain(subnetA.urn);
    // The interpolated address is unknown in a preview.
    expect(asSpecial(web1.inputs.userData)).toEqual({ kind: 'unknown' });
  });

  it('drops secret values: a secret config value reaches the record only as a secret marker', () => {
    const db = byName(input, 'orders-db');
    expect(asSpecial(db.inputs.password)).toEqual({ kind: 'secret' });
    expect(JSON.stringify(input)).not.toContain('c2VjcmV0');
  });

  it('knows where each resource is declared (file:line in the program)', () => {
    const db = byName(input, 'orders-db');
    expect(db.source?.file).toBe(path.join(fixture('nodejs', 'ts-app'), 'components.ts'));
    expect(db.source?.line).toBe(52);
    expect(byName(input, 'main').source).toMatchObject({ file: path.join(fixture('nodejs', 'ts-app'), 'index.ts'), line: 10 });
  });

  it("keeps the program's exports as the stack outputs", () => {
    const stack = byName(input, 'ts-app-dev');
    expect(stack.outputs.vpcId).toBe('main-vpc_id');
    expect(Array.isArray(stack.outputs.webIps)).toBe(true);
  });
});

describe('firebreak analyze on a TypeScript program', () => {
  it('finds the single-zone database component as a single point of failure', async () => {
    const r = await runCli(['analyze', 'test/fixtures/nodejs/ts-app@dev', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as { inputs: Array<{ kind: string }>; findings: JsonFinding[] };
    expect(result.inputs[0]!.kind).toBe('nodejs-program');
    const db = result.findings.find((f) => f.event.name === 'orders-db');
    expect(db).toBeDefined();
    expect(db!.event.what).toBe('datastore');
    expect(db!.inPolicy).toBe(true);
    expect(db!.affected.map((a) => a.service)).toEqual(['shop']);
    const pathNodes = db!.affected[0]!.path.map((s) => s.node);
    expect(pathNodes[0]).toBe('service:shop');
    expect(pathNodes[pathNodes.length - 1]).toBe('component:urn:pulumi:dev::ts-app::shop:data:Database$aws:rds/instance:Instance::orders-db');
    const zone = result.findings.find((f) => f.event.id === 'domain:aws/eu-west-1/eu-west-1a');
    expect(zone?.inPolicy).toBe(true);
    // Zone b holds one of two web replicas only.
    expect(result.findings.some((f) => f.event.id === 'domain:aws/eu-west-1/eu-west-1b')).toBe(false);
    expect(r.stdout).not.toContain('c2VjcmV0');
  });
});

describe('a JavaScript program (main: folder, stackConfigDir, an exported function)', () => {
  it('runs, and finds its lone NAT gateway', async () => {
    const input = await loadInput(fixture('nodejs', 'js-app'), { invokes: BUILTIN_INVOKES });
    expect(input.stack).toBe('prod');
    expect(input.config).toEqual({ 'aws:region': 'us-west-2' });
    // Three workers from `js-app:workers`, in the zones an aws:getAvailabilityZones invoke gave.
    const subnets = input.resources.filter((r) => r.type === 'aws:ec2/subnet:Subnet').map((r) => r.inputs.availabilityZone);
    expect(subnets).toEqual(['us-west-2a', 'us-west-2b', 'us-west-2c']);
    const nat = byName(input, 'egress-nat');
    expect(nat.urn).toBe('urn:pulumi:prod::js-app::jobs:net:Egress$aws:ec2/natGateway:NatGateway::egress-nat');
    const worker = byName(input, 'worker-1');
    // dependsOn a component depends on its children.
    expect(worker.dependencies).toContain(nat.urn);
    expect(worker.propertyDependencies.tags).toEqual([nat.urn]);
    expect((worker.inputs.tags as Record<string, unknown>).Name).toBe('worker-1-egress-nat_id');
    // The function's result is the stack outputs.
    expect(byName(input, 'js-app-prod').outputs.natId).toBe('egress-nat_id');
    expect(nat.source?.file).toBe(path.join(fixture('nodejs', 'js-app'), 'src', 'index.js'));

    const r = await runCli(['analyze', 'test/fixtures/nodejs/js-app', '--format', 'json']);
    expect(r.code).toBe(1);
    // What the program prints is not firebreak's output.
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('planning');
    const result = JSON.parse(r.stdout) as { findings: JsonFinding[] };
    const finding = result.findings.find((f) => f.event.name === 'egress-nat');
    expect(finding?.affected.map((a) => a.service)).toContain('jobs');
  }, 60_000);
});

// Concurrent: each case waits on a child process of its own (one on a 2 s timeout, idle), so they overlap.
describe.concurrent("programs that fail: exit 2, the program's own message and file:line", () => {
  it('a program that throws', async () => {
    const r = await runCli(['analyze', 'test/fixtures/nodejs/fails']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('firebreak: error: test/fixtures/nodejs/fails/network.ts:4:15: the program failed: need subnets in 3 zones, got 2');
  });

  it('a program that does not compile', async () => {
    // Written at run time: the repository's own type check would trip on it.
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'firebreak-syntax-')), 'bad-syntax');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'Pulumi.yaml'), 'name: bad-syntax\nruntime: nodejs\n');
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bad-syntax', main: 'index.ts', dependencies: { '@pulumi/pulumi': '3.245.0' } }));
    writeFileSync(
      path.join(dir, 'index.ts'),
      [
        'import * as pulumi from "@pulumi/pulumi";',
        '',
        'const zones: string[] = ["a", "b"];',
        'new pulumi.CustomResource("aws:ec2/vpc:Vpc", "main", { cidrBlock: "10.0.0.0/16" ;',
        '',
      ].join('\n'),
    );
    linkPulumi(dir);
    const r = await runCli(['analyze', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`firebreak: error: ${dir}/index.ts:4:80: the program does not compile: Expected "}" but found ";"\n`);
  });

  it('a program that never finishes is stopped at --program-timeout (if it were not, the test would run into its own timeout)', async () => {
    const r = await runCli(['analyze', 'test/fixtures/nodejs/hangs', '--program-timeout', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'firebreak: error: test/fixtures/nodejs/hangs/index.ts: the program did not finish within 2 s and was stopped (raise the limit with --program-timeout <seconds>)',
    );
  });

  it('a program that awaits what never comes, with nothing left to run', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'firebreak-stall-')), 'stalls');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'Pulumi.yaml'), 'name: stalls\nruntime: nodejs\n');
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'stalls', main: 'index.js' }));
    writeFileSync(path.join(dir, 'index.js'), 'module.exports = async () => { await new Promise(() => undefined); };\n');
    linkPulumi(dir);
    const r = await runCli(['analyze', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `firebreak: error: ${dir}/index.js: the program failed: it never finished: it awaits a promise that never settles, and nothing is left to run\n`,
    );
  });

  it('refuses a --program-timeout that is not a positive number', async () => {
    const r = await runCli(['analyze', 'test/fixtures/nodejs/hangs', '--program-timeout', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/program-timeout/);
  });

  it('an error thrown by the program is an InputError with its location', async () => {
    const err = await loadInput(fixture('nodejs', 'fails')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).problems[0]).toMatchObject({ file: path.join(fixture('nodejs', 'fails'), 'network.ts'), line: 4 });
  }, 30_000);
});

describe('a program whose dependencies are not installed', () => {
  // Copied out of the repository: inside it, Node would find firebreak's own node_modules.
  const copy = (lock?: string): string => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'firebreak-nodeps-')), 'no-deps');
    cpSync(fixture('nodejs', 'no-deps'), dir, { recursive: true });
    rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });
    if (lock) writeFileSync(path.join(dir, lock), '');
    return dir;
  };

  it('says to run npm install there (exit 2)', async () => {
    const dir = copy();
    const r = await runCli(['analyze', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`firebreak: error: ${dir}: the program's dependencies are not installed (no node_modules): run \`npm install\` in ${dir}`);
  });

  it('names the package manager its lock file shows', async () => {
    expect((await runCli(['analyze', copy('yarn.lock')])).stderr).toContain('run `yarn install`');
    expect((await runCli(['analyze', copy('pnpm-lock.yaml')])).stderr).toContain('run `pnpm install`');
  });

  it('says what is missing when node_modules lacks @pulumi/pulumi', async () => {
    const dir = copy();
    mkdirSync(path.join(dir, 'node_modules', 'left-pad'), { recursive: true });
    const r = await runCli(['analyze', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('node_modules has no @pulumi/pulumi: run `npm install`');
  });
});

describe('project files of Node.js programs', () => {
  it('names the available stacks when the stack asked for has no config file', async () => {
    const r = await runCli(['analyze', 'test/fixtures/nodejs/ts-app@prod']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no stack "prod": available stacks are dev');
  });

  it('reports a main: that does not exist at its line in Pulumi.yaml', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'firebreak-main-')), 'app');
    cpSync(fixture('nodejs', 'ts-app'), dir, { recursive: true, dereference: false });
    writeFileSync(path.join(dir, 'Pulumi.yaml'), 'name: app\nruntime: nodejs\nmain: build/\n');
    const r = await runCli(['analyze', `${dir}@dev`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(dir, 'Pulumi.yaml')}:3:7: main: build/ does not exist`);
  });
});
