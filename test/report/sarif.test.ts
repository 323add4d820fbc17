/** The SARIF report, from the built CLI, validated against the official SARIF 2.1.0 JSON Schema. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { runCli, tempFile } from '../helpers/cli.js';

const require = createRequire(import.meta.url);
/** SARIF 2.1.0 (rtm.5, the schema of the published standard), as shipped by @microsoft/jest-sarif. */
const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
// unicodeRegExp off: the schema's `language` pattern (`[a-zA-Z]{2}]?`) is not valid with the u flag.
// CommonJS modules: under NodeNext the default import is module.exports, whose .default is the export.
const Ajv = AjvDraft04.default;
const addFormats = ajvFormats.default;
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

const KNOWN_RULES = ['quorum', 'recovery-path', 'shared-identity', 'single-point-of-failure'];
const twoZones = 'test/fixtures/exports/two-zones-single-db.json';

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number; startColumn?: number } } }>;
  partialFingerprints: Record<string, string>;
  properties: { severity: string; inPolicy: boolean; blastRadius: unknown };
}
interface SarifLog {
  $schema: string;
  version: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; rules: Array<{ id: string; defaultConfiguration: { level: string } }> } };
    results: SarifResult[];
  }>;
}
interface JsonFinding {
  id: string;
  rule: string;
  severity: string;
  message: string;
  locations: Array<{ file: string; line?: number }>;
}

async function report(...args: string[]): Promise<{ sarif: SarifLog; text: string; json: { findings: JsonFinding[]; tool: { version: string } } }> {
  const r = await runCli(['analyze', ...args, '--format', 'sarif', '--fail-on', 'none']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const j = await runCli(['analyze', ...args, '--format', 'json', '--fail-on', 'none']);
  return { sarif: JSON.parse(r.stdout), text: r.stdout, json: JSON.parse(j.stdout) };
}

function expectValid(log: unknown): void {
  const ok = validate(log);
  expect(ok ? [] : validate.errors).toEqual([]);
}

const LEVEL: Record<string, string> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

function expectMatchesJson(sarif: SarifLog, json: { findings: JsonFinding[]; tool: { version: string } }): void {
  expect(sarif.version).toBe('2.1.0');
  expect(sarif.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
  expect(sarif.runs).toHaveLength(1);
  const run = sarif.runs[0]!;
  expect(run.tool.driver.name).toBe('firebreak');
  expect(run.tool.driver.version).toBe(json.tool.version);
  const ruleIds = run.tool.driver.rules.map((r) => r.id);
  for (const id of KNOWN_RULES) expect(ruleIds).toContain(id);
  expect(run.results).toHaveLength(json.findings.length);
  run.results.forEach((res, i) => {
    const f = json.findings[i]!;
    expect(res.ruleId).toBe(f.rule);
    expect(run.tool.driver.rules[res.ruleIndex]!.id).toBe(res.ruleId);
    expect(res.level).toBe(LEVEL[f.severity]);
    expect(res.properties.severity).toBe(f.severity);
    expect(res.partialFingerprints['firebreak/v1']).toBe(f.id);
    expect(res.message.text.startsWith(f.message)).toBe(true);
    expect(res.locations.length).toBeGreaterThanOrEqual(1);
    expect(res.locations.length).toBe(Math.max(1, f.locations.length));
  });
}

describe('--format sarif', () => {
  it('on the Pangyo demo (a Pulumi YAML project): valid SARIF 2.1.0, results located in Pulumi.yaml', async () => {
    const { sarif, json } = await report('.@pangyo-2022');
    expectValid(sarif);
    expectMatchesJson(sarif, json);
    const results = sarif.runs[0]!.results;
    expect(results.length).toBeGreaterThan(0);
    const located = results.find((r) => r.ruleId === 'shared-identity');
    expect(located).toBeDefined();
    const loc = located!.locations[0]!.physicalLocation;
    expect(loc.artifactLocation.uri).toBe('Pulumi.yaml');
    expect(loc.region?.startLine).toBeGreaterThan(0);
    // Findings without a source location point at line 1 of the project file.
    const spof = results.find((r) => r.ruleId === 'single-point-of-failure')!;
    expect(spof.locations).toEqual([{ physicalLocation: { artifactLocation: { uri: 'Pulumi.yaml' }, region: { startLine: 1 } } }]);
    // The message carries the first explanation path, as plain text.
    expect(spof.message.text).toMatch(/\nPath: \S.* -requires-> .* -placed-in-> datacenter capital-area\/pangyo/);
    expect(spof.message.text).not.toMatch(/\x1b\[/);
  });

  it('on a stack export: valid, located at the export, no secret values, byte-identical on a rerun', async () => {
    const { sarif, text, json } = await report(twoZones);
    expectValid(sarif);
    expectMatchesJson(sarif, json);
    for (const r of sarif.runs[0]!.results) {
      expect(r.locations).toEqual([{ physicalLocation: { artifactLocation: { uri: twoZones }, region: { startLine: 1 } } }]);
    }
    const zone = sarif.runs[0]!.results.find((r) => r.message.text.startsWith('Losing zone aws/us-east-1/us-east-1a'))!;
    expect(zone.level).toBe('error');
    expect(zone.properties.inPolicy).toBe(true);
    expect(text).not.toContain('hunter2');
    expect((await runCli(['analyze', twoZones, '--format', 'sarif', '--fail-on', 'none'])).stdout).toBe(text);
  });

  it('gives an absolute input path as a file: URI, percent-encoded, still valid', async () => {
    const file = tempFile('stack export.json', readFileSync(twoZones, 'utf8'));
    const r = await runCli(['analyze', file, '--format', 'sarif', '--fail-on', 'none']);
    const sarif = JSON.parse(r.stdout) as SarifLog;
    expectValid(sarif);
    expect(sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe(pathToFileURL(file).href);
  });

  it('has a schema check that rejects what is not SARIF', async () => {
    const log = JSON.parse((await runCli(['analyze', twoZones, '--format', 'sarif'])).stdout);
    log.runs[0].results[0].level = 'fatal';
    delete log.runs[0].results[0].message;
    expect(validate(log)).toBe(false);
  });

  it('keeps the exit code of --fail-on', async () => {
    expect((await runCli(['analyze', twoZones, '--format', 'sarif'])).code).toBe(1);
  });

  it('marks results against a baseline, and suppresses accepted risks with their reason, still valid', async () => {
    const baseline = tempFile('baseline.yaml', '');
    expect((await runCli(['check', twoZones, '--baseline', baseline, '--update-baseline'])).code).toBe(0);
    const checked = JSON.parse((await runCli(['check', twoZones, '--baseline', baseline, '--format', 'sarif'])).stdout);
    expectValid(checked);
    expect(checked.runs[0].results.map((r: { baselineState: string }) => r.baselineState)).toEqual(checked.runs[0].results.map(() => 'unchanged'));

    const topology = tempFile(
      'firebreak.yaml',
      'accepted:\n  - finding: single-point-of-failure/*\n    reason: Moving to Multi-AZ in Q1\n    expires: 2099-12-31\n',
    );
    const accepted = JSON.parse((await runCli(['analyze', twoZones, '--topology', topology, '--format', 'sarif', '--fail-on', 'none'])).stdout);
    expectValid(accepted);
    const suppressed = accepted.runs[0].results.filter((r: { suppressions?: unknown[] }) => r.suppressions);
    expect(suppressed.length).toBeGreaterThan(0);
    expect(suppressed[0].suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'Moving to Multi-AZ in Q1 (until 2099-12-31)' }]);
  });
});
