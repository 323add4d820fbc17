/**
 * Nothing vanishes: every resource ends in one coverage class (modelled,
 * configuration only, a component resource, unjudged with its reason), the
 * classes add up in every format, and a result with unjudged resources never
 * reads as clean; `--fail-on-unjudged` makes "could not see it" fail the gate.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { runCli, tempFile } from '../helpers/cli.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-coverage-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const stackFile = 'config:\n  aws:region: eu-west-1\n';

/** A program whose only resource is an awsx component with no rule: its children (a trail, a bucket) are not in the program. */
const componentOnly = project({
  'Pulumi.yaml': 'name: audit\nruntime: yaml\nresources:\n  trail:\n    type: awsx:cloudtrail:Trail\n    properties:\n      enableLogging: true\n',
  'Pulumi.dev.yaml': stackFile,
});

/** A component package's type as the short token a YAML program may write (`eks:VpcCniAddon`, pulumi-yaml's `eks:index:VpcCniAddon`), no rule for it. */
const shortToken = project({
  // An eks component no rule describes (eks:NodeGroupV2 has one since the second sweep of real programs).
  'Pulumi.yaml': 'name: platform\nruntime: yaml\nresources:\n  cni:\n    type: eks:VpcCniAddon\n    properties:\n      enablePodEni: true\n',
  'Pulumi.dev.yaml': stackFile,
});

/** `eks:Cluster` is `eks:index:Cluster`, which the components pack judges. */
const shortCluster = project({
  'Pulumi.yaml': 'name: platform\nruntime: yaml\nresources:\n  cluster:\n    type: eks:Cluster\n    properties:\n      desiredCapacity: 2\n',
  'Pulumi.dev.yaml': stackFile,
});

/** Two instances in two zones behind nothing else: everything modelled, nothing unjudged. */
const judged = project({
  'Pulumi.yaml': [
    'name: web',
    'runtime: yaml',
    'resources:',
    '  web-a:',
    '    type: aws:ec2:Instance',
    '    properties:',
    '      ami: ami-0123',
    '      instanceType: t3.micro',
    '      availabilityZone: eu-west-1a',
    '  key:',
    '    type: random:RandomPassword',
    '    properties:',
    '      length: 16',
    '',
  ].join('\n'),
  'Pulumi.dev.yaml': stackFile,
});

/** A stack export with a user component whose children are recorded, an empty one, a type no rule knows, and a provider. */
const state = tempFile(
  'stack.json',
  JSON.stringify({
    version: 3,
    deployment: {
      manifest: { time: '2026-11-20T10:00:00Z', magic: 'x', version: 'v3.200.0' },
      resources: [
        { urn: 'urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod', custom: false, type: 'pulumi:pulumi:Stack' },
        {
          urn: 'urn:pulumi:prod::shop::pulumi:providers:aws::default',
          custom: true,
          id: 'p1',
          type: 'pulumi:providers:aws',
          inputs: { region: 'eu-west-1' },
          outputs: { region: 'eu-west-1' },
        },
        {
          urn: 'urn:pulumi:prod::shop::acme:web:Site::site',
          custom: false,
          type: 'acme:web:Site',
          parent: 'urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod',
        },
        {
          urn: 'urn:pulumi:prod::shop::acme:web:Empty::empty',
          custom: false,
          type: 'acme:web:Empty',
          parent: 'urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod',
        },
        {
          urn: 'urn:pulumi:prod::shop::acme:web:Site$aws:ec2/instance:Instance::web-1',
          custom: true,
          id: 'i-1',
          type: 'aws:ec2/instance:Instance',
          parent: 'urn:pulumi:prod::shop::acme:web:Site::site',
          provider: 'urn:pulumi:prod::shop::pulumi:providers:aws::default::p1',
          inputs: { availabilityZone: 'eu-west-1a' },
          outputs: { availabilityZone: 'eu-west-1a' },
        },
        {
          urn: 'urn:pulumi:prod::shop::acme:web:Site$aws:fancy/widget:Widget::w',
          custom: true,
          id: 'w-1',
          type: 'aws:fancy/widget:Widget',
          parent: 'urn:pulumi:prod::shop::acme:web:Site::site',
          provider: 'urn:pulumi:prod::shop::pulumi:providers:aws::default::p1',
          inputs: {},
          outputs: {},
        },
      ],
    },
  }),
);

const json = async (target: string, extra: string[] = []) => {
  const r = await runCli(['analyze', target, '--format', 'json', '--fail-on', 'none', ...extra]);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
};

function addsUp(c: { resources: number; modelled: number; configOnly: number; components: number; unjudged: number }): void {
  expect(c.modelled + c.configOnly + c.components + c.unjudged).toBe(c.resources);
}

describe('coverage: every resource in exactly one class', () => {
  it('a program whose only resource is a component package is unjudged, and never reported clean', async () => {
    const doc = await json(componentOnly);
    expect(doc.summary.coverage).toEqual({ resources: 1, modelled: 0, configOnly: 0, components: 0, unjudged: 1 });
    expect(doc.unjudged).toHaveLength(1);
    expect(doc.unjudged[0]).toMatchObject({ name: 'trail', type: 'awsx:cloudtrail:Trail', reason: 'component-package' });
    expect(doc.unjudged[0].source.file).toMatch(/Pulumi\.yaml$/);
    const text = (await runCli(['analyze', componentOnly, '--fail-on', 'none'])).stdout;
    expect(text).not.toContain('No single point of failure found');
    expect(text).toContain('1 of 1 resource could not be judged — see below.');
    // Every verdict line is singular for one resource: --quiet's, markdown's, check's (with and without --fail-on-unjudged).
    const quiet = (await runCli(['analyze', componentOnly, '--quiet'])).stdout;
    expect(quiet).toContain('not clean: 1 of 1 resource could not be judged');
    const gated = (await runCli(['analyze', componentOnly, '--quiet', '--fail-on-unjudged'])).stdout;
    expect(gated).toContain('failed: 1 of 1 resource could not be judged (--fail-on-unjudged)');
    const md = (await runCli(['analyze', componentOnly, '--format', 'markdown'])).stdout;
    expect(md).toContain('1 of 1 resource could not be judged');
    const check = await runCli(['check', componentOnly]);
    expect(check.stderr).toContain('not clean: 1 of 1 resource could not be judged');
    for (const out of [quiet, gated, md, check.stderr]) expect(out).not.toContain('1 of 1 resources');
    expect(text).toMatch(/Unjudged \(1\)[^\n]*\n {2}- trail \(awsx:cloudtrail:Trail\): a component package whose children are not in the input/);
    expect(text).toContain('Coverage: 0 modelled, 0 configuration only, 0 component resources (judged through their children), 1 unjudged, of 1 resource');
  });

  it('a component package written as a short token is unjudged as one', async () => {
    const doc = await json(shortToken);
    addsUp(doc.summary.coverage);
    expect(doc.unjudged.map((u: { reason: string; type: string }) => [u.type, u.reason])).toEqual([['eks:VpcCniAddon', 'component-package']]);
  });

  it('a short token is its index-module type, as pulumi-yaml resolves it: eks:Cluster is judged by the eks Cluster rule', async () => {
    const doc = await json(shortCluster);
    addsUp(doc.summary.coverage);
    expect(doc.unjudged).toEqual([]);
    expect(doc.summary.coverage).toEqual({ resources: 1, modelled: 1, configOnly: 0, components: 0, unjudged: 0 });
  });

  it('a resource whose placement is unknown, and a short token no rule knows, are unjudged with their reasons', async () => {
    // A droplet without a region: the digitalocean provider has no region config to stand for it (an aws resource
    // without aws:region is placed in the unknown region <aws:region> instead, test/classify/unset-region.test.ts).
    const dir = project({
      'Pulumi.yaml': [
        'name: shop',
        'runtime: yaml',
        'resources:',
        '  cluster:',
        '    type: digitalocean:index/droplet:Droplet',
        '    properties:',
        '      image: ubuntu-22-04-x64',
        '  image:',
        '    type: docker:RemoteImage',
        '    properties:',
        '      name: app',
        '',
      ].join('\n'),
    });
    const doc = await json(dir);
    addsUp(doc.summary.coverage);
    expect(doc.unjudged.map((u: { name: string; reason: string }) => [u.name, u.reason])).toEqual([
      ['cluster', 'unknown-placement'],
      ['image', 'no-rule'],
    ]);
    const text = (await runCli(['analyze', dir, '--fail-on', 'none'])).stdout;
    expect(text).toContain(`${doc.summary.coverage.unjudged} of ${doc.summary.coverage.resources} resources could not be judged — see below.`);
  });

  it('a program with nothing unjudged reads clean, and its counts add up', async () => {
    const doc = await json(judged);
    expect(doc.summary.coverage).toEqual({ resources: 2, modelled: 1, configOnly: 1, components: 0, unjudged: 0 });
    expect(doc.unjudged).toEqual([]);
    const text = (await runCli(['analyze', judged, '--fail-on', 'none'])).stdout;
    expect(text).not.toContain('could not be judged');
    const md = (await runCli(['analyze', judged, '--format', 'markdown'])).stdout;
    expect(md.split('\n')[0]).not.toContain('Not clean');
  });

  it('a state: the stack and provider are configuration, a component with recorded children (or none) is a component, an unknown type is unjudged', async () => {
    const doc = await json(state);
    expect(doc.summary.coverage).toEqual({ resources: 6, modelled: 1, configOnly: 2, components: 2, unjudged: 1 });
    expect(doc.unjudged).toEqual([
      expect.objectContaining({
        name: 'w',
        type: 'aws:fancy/widget:Widget',
        reason: 'no-rule',
        message: expect.stringContaining('no rule for type aws:fancy/widget:Widget'),
      }),
    ]);
    expect(doc.summary.resources).toBe(6);
  });

  it('says so in markdown, SARIF and JUnit, with counts that add up', async () => {
    const md = (await runCli(['analyze', componentOnly, '--format', 'markdown'])).stdout;
    expect(md.split('\n')[0]).toBe('**firebreak: passed**: no finding at or above high. Not clean: 1 of 1 resource could not be judged.');
    expect(md).toContain('### firebreak: 1 of 1 resource could not be judged');
    expect(md).toContain('**1 unjudged**, of 1 resource');
    expect(md).toContain('<summary>Unjudged (1): resources that could fail but were not judged</summary>');

    const sarif = JSON.parse((await runCli(['analyze', componentOnly, '--format', 'sarif', '--fail-on', 'none'])).stdout);
    const run = sarif.runs[0];
    expect(run.properties.coverage).toEqual({ resources: 1, modelled: 0, configOnly: 0, components: 0, unjudged: 1 });
    const notes = run.invocations[0].toolExecutionNotifications;
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ descriptor: { id: 'unjudged/component-package' }, level: 'warning' });
    expect(notes[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(/Pulumi\.yaml$/);
    expect(run.results.every((r: { level: string }) => r.level === 'note')).toBe(true); // the region's info finding only

    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (n) => ['testsuite', 'testcase', 'property'].includes(n) });
    const junit = (flags: string[]) => runCli(['analyze', componentOnly, '--format', 'junit', '--fail-on', 'none', ...flags]);
    const skipped = parser.parse((await junit([])).stdout).testsuites.testsuite.at(-1);
    expect(skipped['@_name']).toBe('coverage');
    expect(skipped['@_skipped']).toBe('1');
    expect(skipped.testcase[0].skipped['@_message']).toContain('component package');
    const failed = parser.parse((await junit(['--fail-on-unjudged'])).stdout).testsuites;
    expect(failed['@_failures']).toBe('1');
    expect(failed.testsuite.at(-1).testcase[0].failure['@_type']).toBe('unjudged/component-package');
  });

  it('check passes by default but says not clean; --fail-on-unjudged fails it', async () => {
    const soft = await runCli(['check', componentOnly, '--format', 'json']);
    expect(soft.code).toBe(0);
    expect(soft.stderr).toBe(
      'firebreak check: passed: no finding at or above high; not clean: 1 of 1 resource could not be judged (--fail-on-unjudged fails on them)\n',
    );
    const hard = await runCli(['check', componentOnly, '--format', 'markdown', '--fail-on-unjudged']);
    expect(hard.code).toBe(1);
    expect(hard.stderr).toBe('firebreak check: FAILED: 1 of 1 resource could not be judged (--fail-on-unjudged)\n');
    expect(hard.stdout.split('\n')[0]).toBe('**firebreak: failed**: 1 of 1 resource could not be judged (--fail-on-unjudged).');
    expect((await runCli(['analyze', componentOnly, '--fail-on-unjudged'])).code).toBe(1);
    // Nothing unjudged: the flag changes nothing.
    const clean = await runCli(['check', judged, '--fail-on-unjudged', '--fail-on', 'critical']);
    expect(clean.stderr).toBe('firebreak check: passed: no finding at or above critical\n');
    expect(clean.code).toBe(0);
  });
});
