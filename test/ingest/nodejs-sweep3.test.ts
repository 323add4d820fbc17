/**
 * What the third sweep of real public TypeScript programs showed (docs/real-programs.md, "Sweep III"): a program
 * that reads, inside an apply, an output only the provider computes (azure-ts-webapp-privateendpoint-vnet-injection
 * reads a private DNS zone group's record sets) fails under mocks, which echo the inputs as the outputs. The
 * fixtures use only @pulumi/pulumi, linked as `npm install` would provide it.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { programDir, runCli } from '../helpers/cli.js';

/** A program in a temporary directory: its files (path -> text), Pulumi.yaml and package.json included. */
const program = (name: string, files: Record<string, string>): string => programDir(name, files, 'firebreak-sweep3-');

const pkg = JSON.stringify({ name: 'app', main: 'index.js', dependencies: { '@pulumi/pulumi': '3.228.0' } });

describe('a program that reads an output only the provider computes, inside an apply', () => {
  const zoneGroup = (read: string): string =>
    program('endpoint', {
      'Pulumi.yaml': 'name: endpoint\nruntime: nodejs\n',
      'package.json': pkg,
      'index.js': [
        'const pulumi = require("@pulumi/pulumi");',
        'const group = new pulumi.CustomResource("azure-native:network:PrivateDnsZoneGroup", "group", {',
        '  privateDnsZoneConfigs: [{ name: "config1", privateDnsZoneId: "zone" }],',
        '});',
        `exports.url = ${read};`,
        '',
      ].join('\n'),
    });

  it('fails at its line, saying the mocks echo the inputs and what to analyse instead', async () => {
    const dir = zoneGroup('group.privateDnsZoneConfigs.apply((configs) => configs[0].recordSets[0].fqdn)');
    const r = await runCli(['analyze', dir, '--fail-on', 'none']);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^firebreak: error: \S*index\.js:5:\d+: the program failed: Cannot read properties of undefined \(reading '0'\) \(it failed inside an apply callback: under mocks a resource's outputs are the inputs the program gave it, so an output only the provider computes is missing/,
    );
    expect(lines[0]).toContain('`pulumi preview --json` or a stack export');
  }, 60_000);

  it('gives no such hint for the same error outside an apply', async () => {
    const dir = zoneGroup('[][0].recordSets[0]');
    const r = await runCli(['analyze', dir, '--fail-on', 'none']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the program failed: Cannot read properties of undefined \(reading 'recordSets'\)/);
    expect(r.stderr).not.toContain('apply callback');
  }, 60_000);
});

describe('a program with no aws:region whose zones come from an invoke the mocks answer (aws-ts-langserve)', () => {
  const dir = (): string =>
    program('zones', {
      'Pulumi.yaml': 'name: zones\nruntime: nodejs\n',
      'package.json': pkg,
      'index.js': [
        'const pulumi = require("@pulumi/pulumi");',
        'module.exports = async () => {',
        '  const region = await pulumi.runtime.invoke("aws:index/getRegion:getRegion", {});',
        '  new pulumi.CustomResource("aws:ec2/subnet:Subnet", "subnet-a", { availabilityZone: `${region.name}a`, cidrBlock: "10.0.1.0/24" });',
        '  new pulumi.CustomResource("aws:ec2/subnet:Subnet", "subnet-b", { availabilityZone: `${region.name}b`, cidrBlock: "10.0.2.0/24" });',
        '  new pulumi.CustomResource("aws:ecr/repository:Repository", "repo", {});',
        '};',
        '',
      ].join('\n'),
    });

  it('places what names no zone in the region the invokes were answered with: one region, not that and <aws:region>', async () => {
    const d = dir();
    const r = await runCli(['rules', 'explain', 'repo', d, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const repo = JSON.parse(r.stdout) as { result: { placements: Array<{ path: string }> } };
    expect(repo.result.placements.map((p) => p.path)).toEqual(['aws/us-east-1']);
    const a = await runCli(['analyze', d, '--fail-on', 'none']);
    expect(a.code).toBe(0);
    expect(a.stdout).not.toContain('<aws:region>');
    expect(a.stdout).toContain('us-east-1 was assumed, for the invokes and for where the resources of the default aws provider are placed');
  }, 60_000);

  it('a stack that sets aws:region keeps it, with no assumption', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'Pulumi.dev.yaml'), 'config:\n  aws:region: eu-west-1\n');
    const r = await runCli(['rules', 'explain', 'repo', d, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const repo = JSON.parse(r.stdout) as { result: { placements: Array<{ path: string }> } };
    expect(repo.result.placements.map((p) => p.path)).toEqual(['aws/eu-west-1']);
  }, 60_000);
});
