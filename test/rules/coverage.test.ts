/**
 * `rules coverage`, the schema and SDK readers, rule generation and the
 * generated/curated conflict check, on a small package schema shaped like a
 * real one (zonal servers, regional clusters, wiring, nested node counts,
 * an alias from a renamed module).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { InputError } from '../../src/errors.js';
import { parsePackageSchema, readProviderSchema } from '../../src/ingest/provider-schema.js';
import { ruleCoverage } from '../../src/classify/coverage.js';
import { generatePack, type GenerateHeuristics } from '../../src/classify/generate.js';
import { generatedConflicts } from '../../src/classify/conflicts.js';
import { builtinRulesDir, loadPacks, parsePack, type LoadedPack } from '../../src/classify/packs.js';
import { renderCoverageText } from '../../src/report/coverage.js';
import { runCli, repoRoot, tempFile } from '../helpers/cli.js';
import { generatedText, loadConfig, sdkDir } from '../../scripts/generate-rules.js';

const schemaDoc = {
  name: 'acme',
  version: '2.4.0',
  resources: {
    'acme:compute/server:Server': { inputProperties: { zone: { type: 'string' }, size: { type: 'string' } }, aliases: [{ type: 'acme:vm/server:Server' }] },
    'acme:db/cluster:Cluster': { inputProperties: { region: { type: 'string' }, engine: { type: 'string' } } },
    'acme:iam/projectMember:ProjectMember': { inputProperties: { role: { type: 'string' }, member: { type: 'string' }, region: { type: 'string' } } },
    'acme:lb/balancer:Balancer': { inputProperties: { subnetIds: { type: 'array', items: { type: 'string' } } } },
    'acme:k8s/pool:Pool': { inputProperties: { config: { $ref: '#/types/acme:k8s/PoolConfig:PoolConfig' } } },
    'acme:misc/note:Note': { inputProperties: { text: { type: 'string' } } },
  },
  types: { 'acme:k8s/PoolConfig:PoolConfig': { properties: { nodeCount: { type: 'integer' } } } },
};
const schema = parsePackageSchema(schemaDoc, 'acme-schema.json');
const core = loadPacks(builtinRulesDir()).filter((p) => p.pack === 'core');
const heuristics = loadConfig().heuristics as GenerateHeuristics;

function pack(text: string): LoadedPack {
  return parsePack(text, 'test-pack.yaml');
}

describe('rules coverage', () => {
  it('finds the placement-bearing types, nested one level, and reports those without a rule', async () => {
    const user = pack('pack: acme\ndescription: t\nrules:\n  - { id: acme-server, info: x, match: { type: ["acme:compute/server:Server"] }, scope: zonal }\n');
    const r = ruleCoverage(schema, [...core, user]);
    expect(r.types).toBe(6);
    expect(r.placementBearing).toBe(5);
    expect(r.covered).toBe(1);
    expect(r.percent).toBe(20);
    expect(r.uncovered).toEqual(['acme:db/cluster:Cluster', 'acme:iam/projectMember:ProjectMember', 'acme:k8s/pool:Pool', 'acme:lb/balancer:Balancer']);
    expect(r.entries.find((e) => e.type === 'acme:k8s/pool:Pool')!.placementProperties).toEqual(['config.nodeCount']);
    expect(r.entries.find((e) => e.type === 'acme:compute/server:Server')).toMatchObject({
      rules: ['acme/acme-server'],
      covered: true,
      aliases: ['acme:vm/server:Server'],
    });
    expect(renderCoverageText([r])).toContain('acme 2.4.0 (acme-schema.json): 6 resource types, 5 placement-bearing, 1 of them placed by a rule: 20.0%');
  });

  it('a catch-all rule does not count as coverage', async () => {
    expect(ruleCoverage(schema, core).covered).toBe(0);
  });

  it('generated rules cover what the schema says enough about, and aliases resolve to their canonical type', async () => {
    const gen = generatePack(schema, heuristics, core, 'acme-generated');
    expect(gen.generated).toEqual({ source: 'acme-schema.json', version: '2.4.0' });
    const byType = new Map(gen.rules.flatMap((r) => r.match.type.map((t) => [t, r] as const)));
    expect(byType.get('acme:compute/server:Server')).toMatchObject({ scope: 'zonal', zone: ['zone'] });
    expect(byType.get('acme:db/cluster:Cluster')).toMatchObject({ scope: 'regional', region: ['region'] });
    expect(byType.get('acme:iam/projectMember:ProjectMember')).toMatchObject({ role: 'config-only' });
    expect(byType.get('acme:lb/balancer:Balancer')).toMatchObject({ scope: 'regional', zoneVia: ['subnetIds'] });
    expect(byType.has('acme:misc/note:Note')).toBe(false);
    expect(byType.has('acme:k8s/pool:Pool')).toBe(false);
    expect(gen.typeNames?.types).toEqual([{ from: 'acme:vm/server:Server', to: 'acme:compute/server:Server' }]);
    const loaded = { ...gen, file: 'acme-generated.yaml' } as LoadedPack;
    const r = ruleCoverage(schema, [...core, loaded]);
    expect(r.uncovered).toEqual(['acme:k8s/pool:Pool']);
    const alias = ruleCoverage(parsePackageSchema({ name: 'acme', resources: { 'acme:vm/server:Server': {} } }, 'a.json'), [...core, loaded]);
    expect(alias.entries[0]!.rules).toEqual(['acme-generated/acme-generated-zonal-zone']);
  });

  it('leaves out types a curated rule classifies, so curated rules decide them', async () => {
    const curated = pack(
      'pack: acme\ndescription: t\nrules:\n  - { id: acme-db, info: x, match: { type: ["acme:db/cluster:Cluster"] }, scope: regional, managed: true }\n',
    );
    const gen = generatePack(schema, heuristics, [...core, curated], 'acme-generated');
    expect(gen.rules.flatMap((r) => r.match.type)).not.toContain('acme:db/cluster:Cluster');
  });

  it('reports a generated rule a curated rule contradicts, and not one it agrees with', async () => {
    const gen = { ...generatePack(schema, heuristics, core, 'acme-generated'), file: 'acme-generated.yaml' } as LoadedPack;
    const against = pack(
      'pack: acme\ndescription: t\nrules:\n  - { id: acme-server, info: x, match: { type: ["acme:compute/server:Server"] }, scope: regional }\n',
    );
    const agrees = pack(
      'pack: acme\ndescription: t\nrules:\n  - { id: acme-server, info: x, match: { type: ["acme:compute/server:Server"] }, scope: zonal }\n',
    );
    const problems = generatedConflicts([gen], [against]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'acme-generated.yaml' });
    expect(problems[0]!.reason).toContain(
      'acme:compute/server:Server: generated rule acme-generated-zonal-zone says scope zonal, curated rule acme/acme-server says regional',
    );
    expect(generatedConflicts([gen], [agrees])).toEqual([]);
  });

  it('reads an installed provider SDK: type tokens, aliases and the inputs of its Args interface', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-sdk-'));
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: '@acme/pulumi', version: '2.4.0', pulumi: { resource: true, name: 'acme', version: '2.4.0' } }),
    );
    mkdirSync(path.join(dir, 'compute'));
    writeFileSync(
      path.join(dir, 'compute', 'server.js'),
      [
        'class Server extends pulumi.CustomResource {',
        "    static __pulumiType = 'acme:compute/server:Server';",
        '    constructor(name, argsOrState, opts) {',
        '        const aliasOpts = { aliases: [{ type: "acme:vm/server:Server" }] };',
        '    }',
        '}',
      ].join('\n'),
    );
    writeFileSync(
      path.join(dir, 'compute', 'server.d.ts'),
      [
        'export declare class Server extends pulumi.CustomResource {',
        '    readonly zone: pulumi.Output<string>;',
        '}',
        'export interface ServerArgs {',
        '    /**',
        '     * The zone.',
        '     */',
        '    zone?: pulumi.Input<string | undefined>;',
        '    disks?: pulumi.Input<pulumi.Input<inputs.compute.ServerDisk>[]>;',
        '}',
      ].join('\n'),
    );
    const s = readProviderSchema(dir);
    expect(s).toMatchObject({ name: 'acme', version: '2.4.0', source: 'npm:@acme/pulumi@2.4.0' });
    expect(s.resources['acme:compute/server:Server']).toEqual({
      inputProperties: { zone: {}, disks: { ref: '#/types/sdk:compute.ServerDisk' } },
      aliases: ['acme:vm/server:Server'],
    });
  });

  it('a file that is not a package schema gives one problem naming it', async () => {
    for (const [text, reason] of [
      ['{"openapi": "3.0.0"}', /not a Pulumi package schema/],
      ['not json', /not JSON/],
    ] as const) {
      const file = tempFile('schema.json', text);
      let err: unknown;
      try {
        readProviderSchema(file);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).problems).toEqual([{ file, reason: expect.stringMatching(reason) }]);
    }
  });
});

describe('firebreak rules coverage (CLI)', () => {
  const file = tempFile('acme-schema.json', JSON.stringify(schemaDoc));

  it('prints text and JSON, and exits 1 under --min-coverage', async () => {
    const text = await runCli(['rules', 'coverage', file]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/acme 2\.4\.0 .*6 resource types, 5 placement-bearing/);
    const json = await runCli(['rules', 'coverage', file, '--format', 'json', '--min-coverage', '100']);
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout);
    expect(doc.schemas[0]).toMatchObject({ types: 6, placementBearing: 5 });
    expect((await runCli(['rules', 'coverage', file, '--min-coverage', '0'])).code).toBe(0);
  });

  it('a bad schema file: exit 2, one line naming the file, no stack trace', async () => {
    const bad = tempFile('not-a-schema.json', '{"swagger": "2.0"}');
    const r = await runCli(['rules', 'coverage', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('not-a-schema.json');
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });
});

describe('generated packs', () => {
  const config = loadConfig();

  it.each(config.providers.map((p) => [p.pack, p] as const))('%s is marked generated with its source and version', async (name, p) => {
    const text = readFileSync(path.join(repoRoot, 'rules', 'generated', `${name}.yaml`), 'utf8');
    expect(text.split('\n')[1]).toBe(`# GENERATED by npm run rules:generate from ${p.npm}@${p.version} (the provider SDK's type tokens,`);
    expect(parse(text).generated).toEqual({ source: `npm:${p.npm}@${p.version}`, version: p.version });
  });

  it.each(config.providers.map((p) => [p.pack, p] as const))('%s is what the generator writes today', async (name, p) => {
    const sdk = sdkDir(p.npm, p.version, false);
    if (!sdk) {
      console.warn(`${name}: ${p.npm}@${p.version} is not in the SDK cache (npm run rules:generate fetches it); comparison skipped`);
      return;
    }
    expect(generatedText(p, sdk, config)).toBe(readFileSync(path.join(repoRoot, 'rules', 'generated', `${name}.yaml`), 'utf8'));
  });

  it('rules validate finds no conflict between the generated and the curated packs', async () => {
    const r = await runCli(['rules', 'validate', path.join(repoRoot, 'rules', 'generated')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
