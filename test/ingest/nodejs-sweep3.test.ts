/**
 * What the third sweep of real public TypeScript programs showed (docs/real-programs.md, "Sweep III"): a program
 * that reads, inside an apply, an output only the provider computes (azure-ts-webapp-privateendpoint-vnet-injection
 * reads a private DNS zone group's record sets) fails under mocks, which echo the inputs as the outputs. The
 * fixtures use only @pulumi/pulumi, linked as `npm install` would provide it.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { linkPulumi, runCli } from '../helpers/cli.js';

/** A program in a temporary directory: its files (path -> text), Pulumi.yaml and package.json included. */
function program(name: string, files: Record<string, string>): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'firebreak-sweep3-')), name);
  mkdirSync(dir);
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  linkPulumi(dir);
  return dir;
}

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
