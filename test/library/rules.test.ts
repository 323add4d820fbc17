/**
 * `firebreak rules list`, `rules list --findings` and `rules explain` are library documents:
 * listRules / findingKindLinks / explainResource rendered with renderDocument give the bytes
 * the CLI prints, in text and JSON.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError, explainResource, findingKindLinks, listRules, loadInputs, loadRules, renderDocument, type StackInput } from '../../src/index.js';
import { fixture, repoRoot, runCli, tempFile } from '../helpers/cli.js';

const USER_PACK =
  'pack: my-rules\ndescription: A user pack.\nrules:\n' +
  '  - id: my-widget\n    info: Widgets are zonal.\n    match: { type: ["acme:widget:Widget", "acme:widget:Gadget"] }\n    role: compute\n    scope: zonal\n' +
  '    replicas: { property: [count], default: 1 }\n';

describe('rules list, as a library document', () => {
  it.each(['text', 'json'])('%s: the built-in packs and a user pack render as the CLI prints them', async (format) => {
    const user = tempFile('my-rules.yaml', USER_PACK);
    for (const paths of [[], [user]]) {
      const listing = listRules(loadRules(paths).packs);
      const cli = await runCli(['rules', 'list', ...paths.flatMap((p) => ['--rules', p]), '--format', format]);
      expect(cli.code).toBe(0);
      expect(renderDocument('rules', listing, format, { cwd: repoRoot })).toBe(cli.stdout);
    }
  });

  it('lists the packs in precedence order, built-in ones first, the user pack marked and its rules last', () => {
    const user = tempFile('my-rules.yaml', USER_PACK);
    const listing = listRules(loadRules([user]).packs);
    expect(listing.packs.map((p) => p.order)).toEqual(listing.packs.map((_, i) => i + 1));
    const last = listing.packs.at(-1)!;
    expect(last).toMatchObject({ name: 'my-rules', file: user, builtin: false, rules: 1 });
    expect(listing.packs.slice(0, -1).every((p) => p.builtin)).toBe(true);
    expect(listing.rules.at(-1)).toEqual({
      pack: 'my-rules',
      id: 'my-widget',
      match: ['acme:widget:Widget', 'acme:widget:Gadget'],
      role: 'compute',
      scope: 'zonal',
      replicas: { property: ['count'], default: 1 },
      info: 'Widgets are zonal.',
    });
    const text = renderDocument('rules', listing, 'text');
    // Without a cwd the files are shown as loaded; the user's is marked, its extra type and capacity on lines of their own.
    expect(text).toContain(`${user} (user)`);
    expect(text).toMatch(/\n {2,}acme:widget:Gadget\n/);
    expect(text).toContain('capacity: count, default 1');
    expect(text).toMatch(new RegExp(`${listing.packs.length} packs, ${listing.rules.length} rules\\.\\n$`));
    const shortened = renderDocument('rules', listing, 'text', { cwd: path.dirname(user) });
    expect(shortened).toContain('  my-rules.yaml (user)');
    expect(JSON.parse(renderDocument('rules', listing, 'json'))).toEqual({ schemaVersion: 1, ...listing });
  });

  it('refuses a format the listing does not have', () => {
    expect(() => renderDocument('rules', listRules([]), 'markdown')).toThrow(new UsageError('unknown format "markdown"; use one of json, text'));
  });
});

describe('rules list --findings, as a library document', () => {
  it.each(['text', 'json'])('%s renders as the CLI prints it', async (format) => {
    const cli = await runCli(['rules', 'list', '--findings', '--format', format]);
    expect(cli.code).toBe(0);
    expect(renderDocument('findingKinds', findingKindLinks(), format)).toBe(cli.stdout);
  });
});

describe('rules explain, as a library document', () => {
  const rules = loadRules();
  const specs = [fixture('exports', 'two-zones-single-db.json'), '.@pangyo-2022', 'stacks/pangyo-tagged@pangyo-2022'];

  it.each(specs)('%s: resources explain, in text and JSON, as the CLI prints them', async (spec) => {
    const inputs: StackInput[] = await loadInputs([spec], { keepProperties: rules.properties });
    const all = inputs.flatMap((i) => i.resources);
    expect(all.length).toBeGreaterThan(3);
    // At most 10, spread over the stack (the stack resource, components and custom resources alike).
    const step = Math.max(1, Math.ceil(all.length / 10));
    const resources = all.filter((_, i) => i % step === 0);
    for (const r of resources) {
      const e = explainResource(inputs, rules.packs, r.urn);
      for (const format of ['text', 'json']) {
        const cli = await runCli(['rules', 'explain', r.urn, spec, '--format', format]);
        expect(cli.code, r.urn).toBe(0);
        expect(renderDocument('explanation', e, format), `${r.urn} ${format}`).toBe(cli.stdout);
      }
    }
  });

  it('the JSON is the document with its schema version', async () => {
    const inputs = await loadInputs([specs[0]!], { keepProperties: rules.properties });
    const e = explainResource(inputs, rules.packs, 'orders-db');
    expect(JSON.parse(renderDocument('explanation', e, 'json'))).toEqual(JSON.parse(JSON.stringify({ schemaVersion: 1, ...e })));
    expect(renderDocument('explanation', e, 'text')).toMatch(/^orders-db \(aws:rds\/instance:Instance\)\n/);
  });
});

describe('names from input in the rules documents', () => {
  it('explain text and the listing escape control characters and line breaks; JSON keeps them as data', async () => {
    const name = 'db\u001b]0;pwn\u0007\nforged: line';
    const state = {
      version: 3,
      checkpoint: {
        latest: {
          resources: [
            { urn: 'urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod', type: 'pulumi:pulumi:Stack', custom: false },
            {
              urn: `urn:pulumi:prod::shop::aws:rds/instance:Instance::${name}`,
              type: 'aws:rds/instance:Instance',
              custom: true,
              inputs: { availabilityZone: 'us-east-1a\u001b[2J' },
              outputs: { availabilityZone: 'us-east-1a\u001b[2J' },
            },
          ],
        },
      },
    };
    const file = tempFile('hostile.json', JSON.stringify(state));
    const cli = await runCli(['rules', 'explain', name, file]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(cli.stdout).toContain('db\\x1b]0;pwn\\x07\\x0aforged: line (aws:rds/instance:Instance)\n');
    expect(cli.stdout).not.toMatch(/^forged/m);
    const json = JSON.parse((await runCli(['rules', 'explain', name, file, '--format', 'json'])).stdout);
    expect(json.resource.name).toBe(name);
    const pack = tempFile('hostile-pack.yaml', USER_PACK.replace('Widgets are zonal.', '"Widgets\\u001b[31m are zonal."'));
    const listed = await runCli(['rules', 'list', '--rules', pack]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('Widgets\\x1b[31m are zonal.');
    expect(listed.stdout).not.toContain('\u001b');
  });
});
