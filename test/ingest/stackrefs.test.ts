/**
 * Stack references between inputs: a StackReference in one stack to another
 * input's stack links its dependents to the resources behind the outputs
 * they read, so a single point of failure can be found across stacks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInputs } from '../../src/ingest/index.js';
import { parseStackName } from '../../src/ingest/stackrefs.js';
import type { ResourceRecord, StackInput } from '../../src/ingest/types.js';
import { fixture, linkPulumi, runCli, tempFile } from '../helpers/cli.js';

const network = fixture('exports', 'stackref-network.json');
const app = fixture('exports', 'stackref-app.json');
const NET = 'urn:pulumi:prod::network::';
const SHOP = 'urn:pulumi:prod::shop::';

const byName = (inputs: StackInput[], name: string): ResourceRecord => inputs.flatMap((i) => i.resources).find((r) => r.name === name)!;

interface JsonFinding {
  event: { id: string; name: string };
  inPolicy: boolean;
  affected: Array<{ service: string; path: Array<{ node: string }> }>;
}

describe('stack names', () => {
  it('reads org/project/stack, project/stack and stack', () => {
    expect(parseStackName('acme/network/prod')).toEqual({ organization: 'acme', project: 'network', stack: 'prod' });
    expect(parseStackName('network/prod')).toEqual({ project: 'network', stack: 'prod' });
    expect(parseStackName('prod')).toEqual({ stack: 'prod' });
  });
});

describe('two stack exports linked through a StackReference', () => {
  it('links the outputs read to the resources behind them, element by element', async () => {
    const inputs = await loadInputs([app, network]);
    const web1 = byName(inputs, 'web-1');
    const web2 = byName(inputs, 'web-2');
    // subnetId came from privateSubnetIds[1]: that subnet only; userData embeds dbAddress.
    expect(web2.propertyDependencies.subnetId).toEqual([`${SHOP}pulumi:pulumi:StackReference::network`, `${NET}aws:ec2/subnet:Subnet::private-b`]);
    expect(web2.propertyDependencies.userData).toEqual([`${SHOP}pulumi:pulumi:StackReference::network`, `${NET}aws:rds/instance:Instance::orders-db`]);
    expect(web1.dependencies).toContain(`${NET}aws:ec2/subnet:Subnet::private-a`);
    expect(web1.dependencies).not.toContain(`${NET}aws:ec2/subnet:Subnet::private-b`);
    // The region inside the host name is not an output read.
    const shop = inputs.find((i) => i.project === 'shop')!;
    expect(shop.warnings.some((w) => /region/.test(w.message) && /found no resource/.test(w.message))).toBe(false);
  });

  it('links a dependsOn-only dependent coarsely, and says so', async () => {
    const inputs = await loadInputs([network, app]);
    const alarm = byName(inputs, 'db-alarm');
    expect(alarm.dependencies).toEqual(expect.arrayContaining([`${NET}aws:rds/instance:Instance::orders-db`, `${NET}aws:ec2/vpc:Vpc::main`]));
    const shop = inputs.find((i) => i.project === 'shop')!;
    const warning = shop.warnings.find((w) => w.message.includes('db-alarm'));
    expect(warning?.message).toMatch(/coarsely/);
    expect(warning?.message).toContain('orders-db');
  });

  it('finds the database of the network stack as the single point of failure of the shop service, on a path across stacks', async () => {
    for (const order of [
      [network, app],
      [app, network],
    ]) {
      const r = await runCli(['analyze', ...order, '--format', 'json']);
      expect(r.code).toBe(1);
      const result = JSON.parse(r.stdout) as { findings: JsonFinding[] };
      const db = result.findings.find((f) => f.event.id === `component:${NET}aws:rds/instance:Instance::orders-db`);
      expect(db).toBeDefined();
      expect(db!.inPolicy).toBe(true);
      const shop = db!.affected.find((a) => a.service === 'shop');
      expect(shop).toBeDefined();
      const nodes = shop!.path.map((s) => s.node);
      expect(nodes[0]).toBe('service:shop');
      expect(nodes.some((n) => n.includes(SHOP))).toBe(true);
      expect(nodes[nodes.length - 1]).toBe(`component:${NET}aws:rds/instance:Instance::orders-db`);
    }
  });

  it('without the referenced stack, nothing is linked', async () => {
    const r = await runCli(['analyze', app, '--format', 'json']);
    const result = JSON.parse(r.stdout) as { findings: JsonFinding[] };
    expect(result.findings.some((f) => f.event.id.includes(NET))).toBe(false);
  });

  it('warns when the referenced stack is not among several inputs', async () => {
    // Another stack, not the one referenced (not shop/prod either: one stack read twice is refused).
    const other = tempFile(
      'other.json',
      JSON.stringify({
        version: 3,
        deployment: { manifest: {}, resources: [{ urn: 'urn:pulumi:dev::other::pulumi:pulumi:Stack::other-dev', type: 'pulumi:pulumi:Stack' }] },
      }),
    );
    const inputs = await loadInputs([app, other]);
    const shop = inputs.find((i) => i.project === 'shop' && i.file === app)!;
    expect(shop.warnings.map((w) => w.message)).toContainEqual(expect.stringContaining('"acme/network/prod" names no stack among the inputs'));
  });

  it('links states that rule packs prune (keepProperties), reading them again whole', async () => {
    const inputs = await loadInputs([app, network], { keepProperties: new Set(['availabilityZone', 'tags']) });
    expect(byName(inputs, 'web-2').dependencies).toContain(`${NET}aws:rds/instance:Instance::orders-db`);
  });
});

describe('a TypeScript program that reads a stack export through a StackReference', () => {
  beforeAll(() => linkPulumi(fixture('nodejs', 'ts-consumer')));

  it('links the dependents to the resources behind the outputs the program asked for', async () => {
    const inputs = await loadInputs([network, `${fixture('nodejs', 'ts-consumer')}@prod`]);
    const api = byName(inputs, 'api-a');
    // The values are unknown under mocks; the program asked for dbAddress only.
    expect(api.dependencies).toContain(`${NET}aws:rds/instance:Instance::orders-db`);
    expect(api.dependencies).not.toContain(`${NET}aws:ec2/vpc:Vpc::main`);
    const consumer = inputs.find((i) => i.project === 'consumer')!;
    expect(consumer.warnings.find((w) => w.message.includes('api-a'))?.message).toMatch(/coarsely to every resource behind the outputs dbAddress: orders-db/);
  }, 60_000);
});

describe('a reference whose stack has outputs but no resource behind them (aws-ts-stackreference)', () => {
  const deployment = (resources: unknown[]): string => JSON.stringify({ version: 3, deployment: { manifest: { time: '2026-03-02T09:14:07Z' }, resources } });
  const company = (): string =>
    tempFile(
      'company.json',
      deployment([
        { urn: 'urn:pulumi:dev::company::pulumi:pulumi:Stack::company-dev', custom: false, type: 'pulumi:pulumi:Stack', outputs: { companyName: 'Acme' } },
      ]),
    );
  const team = (): string => {
    const stack = 'urn:pulumi:dev::team::pulumi:pulumi:Stack::team-dev';
    const ref = 'urn:pulumi:dev::team::pulumi:pulumi:StackReference::acme/company/dev';
    const provider = 'urn:pulumi:dev::team::pulumi:providers:aws::default';
    return tempFile(
      'team.json',
      deployment([
        { urn: stack, custom: false, type: 'pulumi:pulumi:Stack' },
        { urn: provider, custom: true, id: 'p1', type: 'pulumi:providers:aws', inputs: { region: 'us-west-2' }, outputs: { region: 'us-west-2' } },
        // A program's reference under mocks: its outputs are not known.
        {
          urn: ref,
          custom: true,
          id: 'acme/company/dev',
          type: 'pulumi:pulumi:StackReference',
          parent: stack,
          inputs: { name: 'acme/company/dev' },
          outputs: { name: 'acme/company/dev' },
        },
        {
          urn: 'urn:pulumi:dev::team::aws:ec2/instance:Instance::tagged',
          custom: true,
          id: 'i-1',
          type: 'aws:ec2/instance:Instance',
          parent: stack,
          provider: `${provider}::p1`,
          inputs: { instanceType: 't3.micro', tags: { company: '04da6b54-80e4-46f7-96ec-b56ff0331ba9' } },
          outputs: {},
          dependencies: [ref],
          propertyDependencies: { tags: [ref] },
        },
      ]),
    );
  };

  it('says that no resource is behind any of its outputs, naming the reference once', async () => {
    const inputs = await loadInputs([company(), team()]);
    const messages = inputs.find((i) => i.project === 'team')!.warnings.map((w) => w.message);
    expect(messages).toContain('acme/company/dev: found no resource of company/dev behind any of its outputs; its dependents are not linked');
  });
});
