/**
 * SARIF as GitHub code scanning needs it: every result at a file relative to the
 * repository root with a startLine, stable fingerprints, rules with helpUri,
 * help.markdown and security-severity; baselined results suppressed. On a Pulumi
 * YAML project, an export next to its program, a lone export and a preview.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { loadInputs } from '../../src/index.js';
import { checkpointOf } from '../../src/ingest/write.js';
import { repoRoot, runCli, tempFile } from '../helpers/cli.js';

const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
ajvFormats.default(ajv);
const validate = ajv.compile(schema);

interface Region {
  startLine: number;
  startColumn?: number;
}
interface Result {
  ruleId: string;
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: Region } }>;
  partialFingerprints: Record<string, string>;
  suppressions?: Array<{ justification: string }>;
  properties: { severity: string; 'security-severity': string };
}
interface Rule {
  id: string;
  helpUri: string;
  help: { text: string; markdown: string };
  properties: { tags: string[]; 'security-severity': string };
}
interface Log {
  runs: Array<{ tool: { driver: { rules: Rule[] } }; results: Result[] }>;
}

async function sarif(args: string[], cwd = repoRoot): Promise<Log> {
  const r = await runCli(['analyze', ...args, '--format', 'sarif', '--fail-on', 'none'], { cwd });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const log = JSON.parse(r.stdout) as Log;
  expect(validate(log) ? [] : validate.errors).toEqual([]);
  return log;
}

const SCORE: Record<string, [number, number]> = { critical: [9.0, 10], high: [7.0, 8.9], medium: [4.0, 6.9], low: [0.1, 3.9], info: [0, 0] };

/** What code scanning requires of every result and rule. */
function expectCodeScanningReady(log: Log): void {
  const run = log.runs[0]!;
  expect(run.results.length).toBeGreaterThan(0);
  for (const r of run.results) {
    expect(r.locations.length).toBeGreaterThan(0);
    for (const l of r.locations) {
      const uri = l.physicalLocation.artifactLocation.uri;
      expect(uri).not.toMatch(/^(file:|\/|\.\.)/);
      expect(uri).toMatch(/\.(ya?ml|json|ts|js)$/);
      expect(l.physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
    }
    expect(r.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{32}:1$/);
    const score = Number(r.properties['security-severity']);
    const [lo, hi] = SCORE[r.properties.severity]!;
    expect(score).toBeGreaterThanOrEqual(lo);
    expect(score).toBeLessThanOrEqual(hi);
  }
  const ids = run.results.map((r) => r.partialFingerprints.primaryLocationLineHash);
  expect(new Set(ids).size).toBe(ids.length);
  for (const rule of run.tool.driver.rules) {
    expect(rule.helpUri).toMatch(new RegExp(`^https://.*/docs/findings/${rule.id}\\.md$`));
    expect(rule.help.markdown).toContain(`](${rule.helpUri})`);
    expect(rule.properties.tags).toContain('security');
    expect(Number(rule.properties['security-severity'])).toBeGreaterThanOrEqual(0);
  }
  const byId = new Map(run.tool.driver.rules.map((r) => [r.id, Number(r.properties['security-severity'])]));
  // shared-identity is critical by default, single-point-of-failure high: code scanning tells them apart.
  expect(byId.get('shared-identity')!).toBeGreaterThanOrEqual(9.0);
  expect(byId.get('single-point-of-failure')!).toBeLessThan(9.0);
  expect(byId.get('single-point-of-failure')!).toBeGreaterThanOrEqual(7.0);
}

/** The demo as a `pulumi stack export`-like checkpoint, without source positions, in a directory of its own. */
async function demoExport(withProgram: boolean): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-sarif-'));
  const inputs = await loadInputs([path.join(repoRoot, '.') + '@pangyo-2022']);
  const resources = inputs.flatMap((i) => i.resources).map(({ source: _s, ...r }) => r);
  mkdirSync(path.join(dir, 'infra'));
  writeFileSync(path.join(dir, 'infra', 'stack.json'), JSON.stringify(checkpointOf(inputs, resources)));
  if (withProgram) copyFileSync(path.join(repoRoot, 'Pulumi.yaml'), path.join(dir, 'infra', 'Pulumi.yaml'));
  return dir;
}

describe('SARIF for code scanning', () => {
  it('on the Pulumi YAML demo: every result at a Pulumi.yaml line, resources at their own line', async () => {
    const log = await sarif(['.@pangyo-2022']);
    expectCodeScanningReady(log);
    const lines = log.runs[0]!.results.flatMap((r) => r.locations.map((l) => l.physicalLocation.region.startLine));
    expect(lines.some((l) => l > 1)).toBe(true);
    for (const r of log.runs[0]!.results) for (const l of r.locations) expect(l.physicalLocation.artifactLocation.uri).toBe('Pulumi.yaml');
  });

  it('on an export next to its Pulumi YAML program: located at the declarations, relative to --sarif-root', async () => {
    const root = await demoExport(true);
    const log = await sarif(['infra/stack.json', '--sarif-root', '.'], root);
    expectCodeScanningReady(log);
    const located = log.runs[0]!.results.find((r) => r.ruleId === 'shared-identity')!;
    const loc = located.locations[0]!.physicalLocation;
    expect(loc.artifactLocation.uri).toBe('infra/Pulumi.yaml');
    expect(loc.region.startLine).toBeGreaterThan(1);
    // The declaration line holds the resource key.
    const line = readFileSync(path.join(root, 'infra', 'Pulumi.yaml'), 'utf8').split('\n')[loc.region.startLine - 1]!;
    expect(line).toMatch(/^ {2}[\w-]+:\s*$/);
    // Findings of a whole domain stand at the program's first line, never at the JSON or a directory.
    const spof = log.runs[0]!.results.find((r) => r.ruleId === 'single-point-of-failure')!;
    expect(spof.locations[0]!.physicalLocation.artifactLocation.uri).toBe('infra/Pulumi.yaml');
    // Same input, same fingerprints, wherever it is run from.
    const again = await sarif([path.join(root, 'infra', 'stack.json'), '--sarif-root', root]);
    expect(again.runs[0]!.results.map((r) => r.partialFingerprints)).toEqual(log.runs[0]!.results.map((r) => r.partialFingerprints));
  });

  it('on an export without a program: line 1 of the export, relative to the root', async () => {
    const root = await demoExport(false);
    const log = await sarif(['infra/stack.json', '--sarif-root', '.'], root);
    expectCodeScanningReady(log);
    for (const r of log.runs[0]!.results)
      expect(r.locations).toEqual([{ physicalLocation: { artifactLocation: { uri: 'infra/stack.json' }, region: { startLine: 1 } } }]);
  });

  it('on a preview: at line 1 of the preview file, relative to --sarif-root', async () => {
    const log = await sarif(['test/fixtures/previews/delete-last-replica-outside-zone-a.json', '--sarif-root', 'test/fixtures']);
    expectCodeScanningReady(log);
    for (const r of log.runs[0]!.results)
      expect(r.locations[0]!.physicalLocation).toEqual({
        artifactLocation: { uri: 'previews/delete-last-replica-outside-zone-a.json' },
        region: { startLine: 1 },
      });
  });

  it('on a preview generated in CI next to a Node.js project: at line 1 of its Pulumi.yaml, not at the generated file', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'firebreak-sarif-'));
    mkdirSync(path.join(root, 'infra'));
    copyFileSync(path.join(repoRoot, 'test/fixtures/previews/delete-last-replica-outside-zone-a.json'), path.join(root, 'infra', 'preview.json'));
    writeFileSync(path.join(root, 'infra', 'Pulumi.yaml'), 'name: shop\nruntime: nodejs\n');
    const log = await sarif(['infra/preview.json', '--sarif-root', '.'], root);
    expectCodeScanningReady(log);
    for (const r of log.runs[0]!.results)
      expect(r.locations).toEqual([{ physicalLocation: { artifactLocation: { uri: 'infra/Pulumi.yaml' }, region: { startLine: 1 } } }]);
    // Another project's Pulumi.yaml is not this stack's program.
    writeFileSync(path.join(root, 'infra', 'Pulumi.yaml'), 'name: billing\nruntime: nodejs\n');
    const other = await sarif(['infra/preview.json', '--sarif-root', '.'], root);
    expect(other.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('infra/preview.json');
  });

  it('suppresses baselined results so they are not new alerts, and keeps new ones open', async () => {
    const twoZones = 'test/fixtures/exports/two-zones-single-db.json';
    const baseline = tempFile('baseline.yaml', '');
    expect((await runCli(['check', twoZones, '--baseline', baseline, '--update-baseline'])).code).toBe(0);
    const all = JSON.parse((await runCli(['check', twoZones, '--baseline', baseline, '--format', 'sarif'])).stdout) as Log;
    for (const r of all.runs[0]!.results) expect(r.suppressions?.[0]?.justification).toBe(`in the baseline ${baseline}`);
    const fresh = JSON.parse((await runCli(['check', twoZones, '--format', 'sarif', '--fail-on', 'none'])).stdout) as Log;
    expect(fresh.runs[0]!.results.length).toBeGreaterThan(0);
    for (const r of fresh.runs[0]!.results) expect(r.suppressions).toBeUndefined();
  });
});
