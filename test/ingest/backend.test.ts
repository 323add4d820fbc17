/**
 * A DIY backend folder (`.pulumi/stacks/<project>/<stack>.json`, `.json.gz`, or a
 * `file://` backend URL) as one input: all its stacks, linked by StackReferences.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { backendUrlPath } from '../../src/ingest/backend.js';
import { defaultInputs, loadInputs } from '../../src/ingest/index.js';
import { fixture, runCli } from '../helpers/cli.js';

const NET = 'urn:pulumi:prod::network::';

/** A `pulumi stack export` as the file backend stores it: a checkpoint. */
function checkpoint(exportFile: string, stack: string, rename?: [string, string]): string {
  let text = readFileSync(exportFile, 'utf8');
  if (rename) text = text.split(rename[0]).join(rename[1]);
  const doc = JSON.parse(text) as { deployment: unknown };
  return JSON.stringify({ version: 3, checkpoint: { stack, latest: doc.deployment } });
}

/** Three stacks: network (plain), shop (gzipped, references network), billing (its own project), plus files that are not stacks. */
function backend(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-diy-'));
  const stacks = path.join(dir, '.pulumi', 'stacks');
  for (const p of ['network', 'shop', 'billing']) mkdirSync(path.join(stacks, p), { recursive: true });
  writeFileSync(path.join(dir, '.pulumi', 'meta.yaml'), 'version: 1\n');
  writeFileSync(path.join(stacks, 'network', 'prod.json'), checkpoint(fixture('exports', 'stackref-network.json'), 'organization/network/prod'));
  writeFileSync(path.join(stacks, 'network', 'prod.json.bak'), '{ not json');
  writeFileSync(path.join(stacks, 'shop', 'prod.json.gz'), zlib.gzipSync(checkpoint(fixture('exports', 'stackref-app.json'), 'organization/shop/prod')));
  writeFileSync(
    path.join(stacks, 'billing', 'prod.json'),
    checkpoint(fixture('exports', 'two-zones-single-db.json'), 'organization/billing/prod', ['::shop::', '::billing::']),
  );
  mkdirSync(path.join(dir, '.pulumi', 'history', 'shop'), { recursive: true });
  writeFileSync(path.join(dir, '.pulumi', 'history', 'shop', 'prod-1.history.json'), '{}');
  return dir;
}

interface JsonResult {
  inputs: Array<{ input: string; project: string; stack: string }>;
  findings: Array<{ event: { id: string }; affected: Array<{ service: string; path: Array<{ node: string }> }> }>;
}

describe('DIY backend folder', () => {
  it('never skips a zstd-compressed stack (.json.zst): read where Node has zstd, else refused naming the file and what to do', async () => {
    const dir = backend();
    const shop = path.join(dir, '.pulumi', 'stacks', 'shop');
    const text = checkpoint(fixture('exports', 'stackref-app.json'), 'organization/shop/prod');
    rmSync(path.join(shop, 'prod.json.gz'));
    const compress = (zlib as unknown as { zstdCompressSync?: (b: Buffer) => Buffer }).zstdCompressSync;
    writeFileSync(path.join(shop, 'prod.json.zst'), compress ? compress(Buffer.from(text)) : Buffer.from([0x28, 0xb5, 0x2f, 0xfd]));
    for (const target of [dir, path.join(shop, 'prod.json.zst')]) {
      const r = await runCli(['analyze', target, '--format', 'json', '--fail-on', 'none']);
      if (compress) {
        expect(r.code).toBe(0);
        expect((JSON.parse(r.stdout) as JsonResult).inputs.map((i) => `${i.project}/${i.stack}`)).toContain('shop/prod');
      } else {
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(
          /prod\.json\.zst: a zstd-compressed stack \(PULUMI_DIY_BACKEND_ZSTD\), which this Node\.js \(v[\d.]+\) cannot decompress: run firebreak on Node\.js 22\.15 or later/,
        );
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
      }
    }
  });

  it('reads one gzipped stack file named on its own (.json.gz), as the folder reads it, never as JSON at 1:1', async () => {
    const dir = backend();
    const file = path.join(dir, '.pulumi', 'stacks', 'shop', 'prod.json.gz');
    const [alone] = await loadInputs([file]);
    const [inFolder] = (await loadInputs([dir])).filter((i) => i.project === 'shop');
    expect(alone!.resources.map((r) => r.urn)).toEqual(inFolder!.resources.map((r) => r.urn));
    const r = await runCli(['analyze', file, '--format', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as JsonResult).inputs.map((i) => `${i.project}/${i.stack}`)).toEqual(['shop/prod']);
    writeFileSync(file, 'plain text, secret=hunter2');
    const bad = await runCli(['analyze', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/prod\.json\.gz: not a gzip file/);
    expect(bad.stderr).not.toContain('hunter2');
  });

  it('reads every stack, plain and gzipped, and links the StackReference across them', async () => {
    const dir = backend();
    const inputs = await loadInputs([dir]);
    expect(inputs.map((i) => `${i.project}/${i.stack}`)).toEqual(['billing/prod', 'network/prod', 'shop/prod']);
    const web2 = inputs.find((i) => i.project === 'shop')!.resources.find((r) => r.name === 'web-2')!;
    expect(web2.propertyDependencies.userData).toContain(`${NET}aws:rds/instance:Instance::orders-db`);
    // Also from the .pulumi folder itself, and pruned as the CLI reads it.
    const pruned = await loadInputs([path.join(dir, '.pulumi')], { keepProperties: new Set(['availabilityZone', 'tags']) });
    expect(pruned.find((i) => i.project === 'shop')!.resources.find((r) => r.name === 'web-2')!.dependencies).toContain(
      `${NET}aws:rds/instance:Instance::orders-db`,
    );
  });

  it('finds the network database as the shop service single point of failure, from a file:// URL and from PULUMI_BACKEND_URL', async () => {
    const dir = backend();
    const check = (r: { code: number; stdout: string; stderr: string }): void => {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      const result = JSON.parse(r.stdout) as JsonResult;
      expect(result.inputs).toHaveLength(3);
      const db = result.findings.find((f) => f.event.id === `component:${NET}aws:rds/instance:Instance::orders-db`);
      expect(db?.affected.map((a) => a.service)).toContain('shop');
    };
    check(await runCli(['analyze', pathToFileURL(dir).href, '--format', 'json']));
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'firebreak-cwd-'));
    check(await runCli(['analyze', '--format', 'json'], { cwd: elsewhere, env: { PULUMI_BACKEND_URL: `file://${dir}` } }));
  });

  it('a Pulumi project folder stays a project; PULUMI_BACKEND_URL is the default input only outside one', async () => {
    expect(defaultInputs({ PULUMI_BACKEND_URL: 'https://api.pulumi.com' })).toEqual(['.']);
    expect(backendUrlPath('file://~/state')).toMatch(/state$/);
    expect(backendUrlPath('file:///var/state?no_tmp_dir=true')).toBe('/var/state');
  });

  it('bad backends: one line naming the folder or file, exit 2', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'firebreak-diy-empty-'));
    mkdirSync(path.join(empty, '.pulumi', 'stacks'), { recursive: true });
    const none = await runCli(['analyze', pathToFileURL(empty).href]);
    expect(none.code).toBe(2);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(none.stderr).toMatch(/stacks: the DIY backend has no stacks/);
    const missing = await runCli(['analyze', `file://${empty}/nope`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no DIY backend here/);
    const dir = backend();
    writeFileSync(path.join(dir, '.pulumi', 'stacks', 'shop', 'prod.json.gz'), 'plain text, secret=hunter2');
    const bad = await runCli(['analyze', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/prod\.json\.gz: not a gzip file/);
    expect(bad.stderr).not.toContain('hunter2');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
