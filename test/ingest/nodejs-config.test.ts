/** Node.js programs under mocks: missing required config is a warning and a symbol; named explicit providers keep their names. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { linkPulumi, runCli } from '../helpers/cli.js';

function program(name: string, code: string): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'firebreak-njs-')), name);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'Pulumi.yaml'), `name: ${name}\nruntime: nodejs\n`);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, main: 'index.js', dependencies: { '@pulumi/pulumi': '3.245.0' } }));
  writeFileSync(path.join(dir, 'index.js'), code);
  linkPulumi(dir);
  return dir;
}

// Concurrent: each case waits on a child process of its own.
describe.concurrent('Node.js programs under mocks', () => {
  it('reads missing required config as symbols, with one warning per key, and places zones under the symbolic region', async () => {
    const dir = program(
      'needs-config',
      [
        'const pulumi = require("@pulumi/pulumi");',
        'const cfg = new pulumi.Config();',
        'const aws = new pulumi.Config("aws");',
        'const region = aws.require("region");',
        'const again = aws.require("region");',
        'const password = cfg.requireSecret("dbPassword");',
        'for (const z of ["a", "b"]) new pulumi.CustomResource("aws:ec2/instance:Instance", `web-${z}`, { availabilityZone: `${region}${z}`, instanceType: "t3.micro" });',
        'new pulumi.CustomResource("aws:rds/instance:Instance", "db", { engine: "postgres", password, availabilityZone: `${again}a` });',
        '',
      ].join('\n'),
    );
    const r = await runCli(['analyze', dir, '--format', 'json', '--fail-on', 'none']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const missing = doc.warnings.filter((w: { message: string }) => /has no value/.test(w.message)).map((w: { message: string }) => w.message.split(' has')[0]);
    expect(missing).toEqual(['config aws:region', 'config dbPassword']);
    const ids = doc.findings.map((f: { event: { id: string } }) => f.event.id);
    expect(ids).toContain('domain:aws/<aws:region>/<aws:region>a');
    expect(ids.some((i: string) => i === 'domain:aws')).toBe(false);
  }, 60_000);

  it('keeps the name of a named explicit provider, so its resources are not dangling references', async () => {
    const dir = program(
      'explicit-provider',
      [
        'const pulumi = require("@pulumi/pulumi");',
        'const east = new pulumi.ProviderResource("aws", "us-east", { region: "us-east-1" });',
        'new pulumi.CustomResource("aws:s3/bucket:Bucket", "logs", {}, { provider: east });',
        '',
      ].join('\n'),
    );
    const r = await runCli(['analyze', dir, '--format', 'json', '--fail-on', 'none']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }, 60_000);
});
