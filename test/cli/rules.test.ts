/**
 * `firebreak rules list | validate | explain` through the built binary, and
 * the JSON Schema of rule packs (schema/rule-pack.schema.json).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { packJsonSchemaText } from '../../src/classify/packs.js';
import { fixture, repoRoot, runCli, tempFile } from '../helpers/cli.js';

/** The built-in packs in load order: core, then the generated packs, then the others, each by file name. */
const BUILT_IN: string[] = (() => {
  const names = (dir: string): string[] =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => (parse(readFileSync(path.join(dir, f), 'utf8')) as { pack: string }).pack);
  const curated = names(path.join(repoRoot, 'rules'));
  return ['core', ...names(path.join(repoRoot, 'rules', 'generated')), ...curated.filter((n) => n !== 'core')];
})();

const rulesDir = path.join(repoRoot, 'rules');
const builtinFiles = readdirSync(rulesDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => path.join('rules', f));
const twoZones = fixture('exports', 'two-zones-single-db.json');

const USER_PACK = `pack: my-rules
description: A user pack for the test.
rules:
  - id: my-widget
    info: Widgets are zonal.
    match: { type: ["acme:widget:Widget"] }
    role: compute
    scope: zonal
`;

describe('schema/rule-pack.schema.json', () => {
  const committed = readFileSync(path.join(repoRoot, 'schema', 'rule-pack.schema.json'), 'utf8');

  it('is what `npm run schema` generates from the zod schema (run it after changing src/classify/schema.ts)', () => {
    expect(committed).toBe(packJsonSchemaText());
  });

  const ajv = new Ajv2020.default({ allErrors: true, strict: true, allowUnionTypes: true });
  const validate = ajv.compile(JSON.parse(committed));

  it.each(builtinFiles)('%s validates against it and names it in its first line', (file) => {
    const text = readFileSync(path.join(repoRoot, file), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/rule-pack.schema.json');
    const ok = validate(parse(text));
    expect(validate.errors ?? [], file).toEqual([]);
    expect(ok).toBe(true);
  });

  it('rejects what zod rejects: unknown keys, wrong roles', () => {
    expect(validate(parse(USER_PACK))).toBe(true);
    expect(validate(parse(USER_PACK.replace('scope: zonal', 'scop: zonal')))).toBe(false);
    expect(validate(parse(USER_PACK.replace('role: compute', 'role: database')))).toBe(false);
  });
});

describe('firebreak rules list', () => {
  it('lists core first, then every built-in pack, and their rules', async () => {
    const r = await runCli(['rules', 'list', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const names = out.packs.map((p: { name: string }) => p.name);
    expect(names[0]).toBe('core');
    expect(names).toEqual(BUILT_IN);
    expect(out.packs.every((p: { builtin: boolean }) => p.builtin)).toBe(true);
    const rds = out.rules.find((x: { id: string }) => x.id === 'aws-rds-instance');
    expect(rds).toMatchObject({ pack: 'aws', role: 'datastore', match: ['aws:rds/instance:Instance'] });
    expect(out.rules[0].pack).toBe('core');
    const total = out.packs.reduce((n: number, p: { rules: number }) => n + p.rules, 0);
    expect(out.rules).toHaveLength(total);
  });

  it('prints an aligned table in text', async () => {
    const r = await runCli(['rules', 'list']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const header = lines.find((l) => l.startsWith('PACK '))!;
    expect(header).toMatch(/^PACK\s+ID\s+ROLE\s+MATCH\s+INFO$/);
    const rds = lines.find((l) => /^aws\s+aws-rds-instance\s/.test(l))!;
    expect(rds).toBeDefined();
    // Columns line up with the header.
    expect(rds.indexOf('datastore')).toBe(header.indexOf('ROLE'));
    expect(rds.indexOf('aws:rds/instance:Instance')).toBe(header.indexOf('MATCH'));
    const packRows = lines.filter((l) => /^\d+\s+\S+\s+rules\/\S+\.yaml\s/.test(l));
    expect(packRows.map((l) => l.split(/\s+/)[1])).toEqual(BUILT_IN);
  });

  it('shows a --rules pack last', async () => {
    const user = tempFile('my-rules.yaml', USER_PACK);
    const r = await runCli(['rules', 'list', '--rules', user, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const last = out.packs.at(-1);
    expect(last).toMatchObject({ name: 'my-rules', file: user, builtin: false, rules: 1 });
    expect(out.rules.at(-1)).toMatchObject({ pack: 'my-rules', id: 'my-widget', role: 'compute', match: ['acme:widget:Widget'] });

    const text = await runCli(['rules', 'list', '--rules', user]);
    const packRows = text.stdout.split('\n').filter((l) => /^\d+\s+\S+\s+\S+\.yaml/.test(l));
    expect(packRows.at(-1)).toMatch(new RegExp(`^${BUILT_IN.length + 1}\\s+my-rules`));
    expect(packRows.at(-1)).toMatch(/my-rules\s+.*my-rules\.yaml \(user\)\s+1\s+A user pack/);
  });

  it('an invalid --rules pack is an input error', async () => {
    const bad = tempFile('bad.yaml', USER_PACK.replace('role: compute', 'role: database'));
    const r = await runCli(['rules', 'list', '--rules', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:7:11: rules.0.role:`);
  });
});

describe('firebreak rules validate', () => {
  it('says ok for every built-in pack', async () => {
    const r = await runCli(['rules', 'validate', ...builtinFiles]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(builtinFiles.length);
    for (const [i, file] of builtinFiles.entries()) expect(lines[i]).toMatch(new RegExp(`^ok: ${file.replace(/[.]/g, '\\.')} \\(\\d+ rules?\\)$`));
  });

  it('validates a user pack', async () => {
    const user = tempFile('my-rules.yaml', USER_PACK);
    const r = await runCli(['rules', 'validate', user]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`ok: ${user} (1 rule)\n`);
  });

  it('an unknown key: exit 2, file:line:col and the zod path', async () => {
    const file = tempFile('unknown.yaml', USER_PACK.replace('scope: zonal', 'scop: zonal'));
    const r = await runCli(['rules', 'validate', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${file}:4:5: rules.0: Unrecognized key: "scop"\n`);
  });

  it('a wrong role value: exit 2, the line of the value and the path rules.0.role', async () => {
    const file = tempFile('role.yaml', USER_PACK.replace('role: compute', 'role: database'));
    const r = await runCli(['rules', 'validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:7:11: rules\\.0\\.role: .*"compute".*\\n$`));
  });

  it('bad YAML: exit 2 with file:line:col', async () => {
    const file = tempFile('broken.yaml', 'pack: mine\ndescription: "unterminated\nrules: [\n');
    const r = await runCli(['rules', 'validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:\\d+:\\d+: `));
  });

  it('reports every problem of every file, one per line, and still says ok for the good ones', async () => {
    const good = tempFile('good.yaml', USER_PACK);
    const bad = tempFile('bad.yaml', USER_PACK.replace('role: compute', 'role: database').replace('pack: my-rules', 'pack: My Rules'));
    const r = await runCli(['rules', 'validate', bad, good]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(`ok: ${good} (1 rule)\n`);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^${bad.replace(/[.]/g, '\\.')}:1:7: pack: `));
    expect(lines[1]).toMatch(/:7:11: rules\.0\.role: /);
  });

  it('a regular expression that does not compile is reported with its line', async () => {
    const file = tempFile('regex.yaml', 'pack: mine\ndescription: x\ngrouping: { nameSuffix: "(" }\n');
    const r = await runCli(['rules', 'validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:3:25: grouping.nameSuffix: not a valid regular expression`);
  });

  it('a missing file is exit 2, in words (not an errno code)', async () => {
    const r = await runCli(['rules', 'validate', 'no-such-pack.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no-such-pack.yaml: cannot read the rule pack: no such file');
    expect(r.stderr).not.toContain('ENOENT');
  });

  it('an alias to no anchor or an unknown YAML error is an input error in firebreak words, never quoting the pack', async () => {
    const alias = tempFile('alias.yaml', 'pack: mine\ndescription: x\nrules: *SECRETALIAS\n');
    for (const args of [
      ['rules', 'validate', alias],
      ['analyze', twoZones, '--rules', alias],
    ]) {
      const r = await runCli(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${alias}:3:8: invalid YAML: an alias that names no anchor defined before it`);
      expect(r.stderr).not.toMatch(/internal error|SECRETALIAS/);
    }
    const broken = tempFile('flow.yaml', 'pack: mine\ndescription: x\nrules: [ {id: SECRETWORD\n');
    const r = await runCli(['rules', 'validate', broken]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/: invalid YAML: /);
    expect(r.stderr).not.toContain('SECRETWORD');
  });
});

describe('firebreak rules explain', () => {
  it('orders-db: the aws rds rule, its multiAz span, and a zonal placement', async () => {
    const r = await runCli(['rules', 'explain', 'orders-db', twoZones]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('urn:pulumi:prod::shop::aws:rds/instance:Instance::orders-db');
    expect(r.stdout).toMatch(/core\/core-placement \(catch-all\)/);
    expect(r.stdout).toMatch(/aws\/aws-rds-instance: role datastore; scope zonal; spans regional when multiAz = true/);
    expect(r.stdout).toMatch(/spans\s+regional when multiAz = true: does not hold \(multiAz is false\)/);
    expect(r.stdout).toMatch(/placement\s+aws\/us-east-1\/us-east-1a \(provider\/region\/zone\)/);
    expect(r.stdout).toMatch(/placed by\s+its zone/);
    expect(r.stdout).toMatch(/event\s+yes/);
    // The rds rule comes after the catch-all: merge order.
    expect(r.stdout.indexOf('core-placement')).toBeLessThan(r.stdout.indexOf('aws-rds-instance'));
  });

  it('orders-db in json: rules in merge order with their packs, the merged result, the classification', async () => {
    const r = await runCli(['rules', 'explain', 'orders-db', twoZones, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout);
    expect(e.rules.map((x: { pack: string; id: string }) => `${x.pack}/${x.id}`)).toEqual(['core/core-placement', 'aws/aws-rds-instance']);
    expect(e.rules[1].decides).toEqual({ role: 'datastore', scope: 'zonal', spans: [{ property: 'multiAz', equals: true, scope: 'regional' }] });
    expect(e.merged).toMatchObject({
      role: 'datastore',
      scope: 'zonal',
      specific: true,
      decidedBy: { role: 'aws-rds-instance', zone: 'core-placement', spans: 'aws-rds-instance' },
    });
    expect(e.merged.spans).toEqual([{ property: 'multiAz', equals: true, scope: 'regional', value: 'false', holds: false }]);
    expect(e.merged.zone[0]).toEqual({ path: 'availabilityZone', value: 'us-east-1a' });
    expect(e.result).toMatchObject({ role: 'datastore', failable: true, event: true, placedBy: 'its zone', service: 'shop' });
    expect(e.result.placements.map((p: { path: string }) => p.path)).toEqual(['aws/us-east-1/us-east-1a']);
    expect(e.overrides).toEqual([]);
  });

  it('with multiAz set, the span holds and places it in the region', async () => {
    const doc = JSON.parse(readFileSync(twoZones, 'utf8'));
    for (const res of doc.deployment.resources) if (res.type === 'aws:rds/instance:Instance') res.outputs.multiAz = res.inputs.multiAz = true;
    const file = tempFile('multi-az.json', JSON.stringify(doc));
    const e = JSON.parse((await runCli(['rules', 'explain', 'orders-db', file, '--format', 'json'])).stdout);
    expect(e.merged.spans[0]).toMatchObject({ holds: true, value: 'true' });
    expect(e.result).toMatchObject({ placedBy: 'multiAz = true', event: false });
    expect(e.result.placements.map((p: { path: string }) => p.path)).toEqual(['aws/us-east-1']);
  });

  it('finds a resource by URN too', async () => {
    const urn = 'urn:pulumi:prod::shop::aws:ec2/instance:Instance::web-1';
    const e = JSON.parse((await runCli(['rules', 'explain', urn, twoZones, '--format', 'json'])).stdout);
    expect(e.resource.urn).toBe(urn);
    expect(e.result.group).toBe('shop/web');
    expect(e.result.groupFrom).toMatch(/name suffix/);
  });

  it('a name that does not exist is exit 2', async () => {
    const r = await runCli(['rules', 'explain', 'no-such-db', twoZones]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no resource has the URN or name "no-such-db"/);
  });

  it('a name several resources share is exit 2, listing their URNs', async () => {
    const r = await runCli(['rules', 'explain', 'login-api-1', '.@pangyo-2022', '.@ansan-2023']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('urn:pulumi:pangyo-2022::kakao-estate::openstack:compute:Instance::login-api-1');
    expect(r.stderr).toContain('urn:pulumi:ansan-2023::kakao-estate::openstack:compute:Instance::login-api-1');
  });

  it('the tagged demo login-api-1: placement from its firebreak:domain tag, role from its firebreak:role tag', async () => {
    const r = await runCli(['rules', 'explain', 'login-api-1', 'stacks/pangyo-tagged@pangyo-2022']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/openstack\/openstack-compute-instance: role compute; scope zonal/);
    expect(r.stdout).toMatch(/placement\s+capital-area\/pangyo \(region\/datacenter\)/);
    expect(r.stdout).toMatch(/placed by\s+firebreak:domain tag/);
    expect(r.stdout).toMatch(/firebreak:domain: overrides the rules' placement/);
    // The ops pack recognises the login by its name now: the tag agrees with the rules.
    expect(r.stdout).toMatch(/firebreak:role: sets role identity, the same as the rules/);

    const e = JSON.parse((await runCli(['rules', 'explain', 'login-api-1', 'stacks/pangyo-tagged@pangyo-2022', '--format', 'json'])).stdout);
    expect(e.tags).toMatchObject({ domain: 'region=capital-area/datacenter=pangyo', role: 'identity', service: 'Kakao account login' });
    expect(e.result).toMatchObject({ role: 'identity', placedBy: 'firebreak:domain tag', service: 'Kakao account login', group: 'login-api' });
    expect(e.result.placements[0].segments).toEqual([
      { name: 'capital-area', kind: 'region' },
      { name: 'pangyo', kind: 'datacenter' },
    ]);
    expect(e.overrides.map((o: { tag: string }) => o.tag)).toEqual(['firebreak:role', 'firebreak:domain']);
  });

  it('the demo login-api-1 without a role tag: identity from the ops pack (its name)', async () => {
    const e = JSON.parse((await runCli(['rules', 'explain', 'login-api-1', '.@pangyo-2022', '--format', 'json'])).stdout);
    expect(e.result.role).toBe('identity');
    expect(e.rules.at(-1)).toMatchObject({ pack: 'ops', id: 'vm-identity', matchedProperty: { path: 'name', value: 'login-api-1' } });
  });

  it('chooses the inputs and the stack as analyze does: PULUMI_STACK, and piped stdin when no input is named', async () => {
    // The repository's own project has two stacks: with no stack named, explain (as analyze) asks for one.
    const home = path.dirname(tempFile('README', 'no stack selected here'));
    const none = await runCli(['rules', 'explain', 'login-api-1'], { env: { PULUMI_STACK: '', PULUMI_HOME: home } });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/several stacks \(ansan-2023, pangyo-2022\)/);
    const env = await runCli(['rules', 'explain', 'login-api-1', '--format', 'json'], { env: { PULUMI_STACK: 'ansan-2023' } });
    expect(env.code, env.stderr).toBe(0);
    expect(JSON.parse(env.stdout).resource.stack).toBe('ansan-2023');
    const piped = await runCli(['rules', 'explain', 'orders-db'], { input: readFileSync(twoZones, 'utf8') });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toMatch(/^orders-db \(aws:rds\/instance:Instance\)/);
  });

  it('a config-only resource says it never fails on its own', async () => {
    const r = await runCli(['rules', 'explain', 'private-a', twoZones]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/aws\/aws-config-only: role config-only/);
    expect(r.stdout).toMatch(/failable\s+no/);
  });
});
