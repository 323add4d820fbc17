/**
 * `plan --apply` writes a checkpoint: of the stack config it copies only what places resources (the packs'
 * regionConfig / zoneConfig keys, `<package>:region` for a package no pack declares), never a credential a stack
 * file holds in plain text for a provider no pack knows the secret inputs of.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('plan --apply, on a stack config with plain-text credentials', () => {
  it('copies the placing config only', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-apply-config-'));
    writeFileSync(
      path.join(dir, 'Pulumi.yaml'),
      [
        'name: shop',
        'runtime: yaml',
        'resources:',
        '  web:',
        '    type: aws:ec2:Instance',
        '    properties: { availabilityZone: us-east-1a, tags: { "firebreak:service": shop } }',
        '  edge:',
        '    type: vultr:index/instance:Instance',
        '    properties: { tags: { "firebreak:service": shop } }',
        '',
      ].join('\n'),
    );
    writeFileSync(
      path.join(dir, 'Pulumi.dev.yaml'),
      'config:\n  aws:region: us-east-1\n  aws:secretKey: ZqAwsPlainKey\n  vultr:region: ewr\n  vultr:apiKey: ZqVultrPlainKey\n  datadog:apiKey: ZqDatadogPlainKey\n  shop:dbName: orders\n',
    );
    const out = path.join(dir, 'planned.json');
    const r = await runCli(['plan', `${dir}@dev`, '--add-domain', 'us-east-1b', '--apply', out]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(JSON.parse(text).checkpoint.config).toEqual({ 'aws:region': 'us-east-1', 'vultr:region': 'ewr' });
    expect(text).not.toMatch(/Zq[A-Za-z]+PlainKey/);
    // The written estate still places what it placed.
    const again = await runCli(['analyze', out, '--format', 'json', '--fail-on', 'none']);
    expect(again.code, again.stderr).toBe(0);
  });
});
