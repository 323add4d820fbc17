/** The JUnit report, from the built CLI, read back with a real XML parser and checked against the JSON report. */
import { readFileSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { xmlAttr, xmlText } from '../../src/report/junit.js';
import { analyze, loadInputs, loadRules, renderDocument } from '../../src/index.js';
import { fixture, runCli, tempFile } from '../helpers/cli.js';

const KNOWN_RULES = ['quorum', 'recovery-path', 'shared-identity', 'single-point-of-failure'];
const twoZones = fixture('exports', 'two-zones-single-db.json');

interface XmlFailure {
  '@_message': string;
  '@_type': string;
  '#text': string;
}
interface XmlCase {
  '@_classname': string;
  '@_name': string;
  failure?: XmlFailure[];
  error?: unknown[];
}
interface XmlSuite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_skipped'?: string;
  properties?: { property: Array<{ '@_name': string; '@_value': string }> };
  testcase?: XmlCase[];
}
interface XmlDoc {
  testsuites: { '@_name': string; '@_tests': string; '@_failures': string; '@_errors': string; testsuite: XmlSuite[] };
}
interface JsonFinding {
  id: string;
  rule: string;
  severity: string;
  message: string;
  affected: Array<{ service: string }>;
  services?: string[];
}
interface JsonResult {
  services: Array<{ name: string }>;
  findings: JsonFinding[];
  summary: { coverage: Record<string, number> };
  unjudged: Array<{ name: string; type: string; message: string }>;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  htmlEntities: true, // also decodes numeric character references (&#10;)
  isArray: (name) => ['testsuite', 'testcase', 'failure', 'error', 'property'].includes(name),
});

async function reports(input: string): Promise<{ xml: string; doc: XmlDoc; json: JsonResult }> {
  const r = await runCli(['analyze', input, '--format', 'junit', '--fail-on', 'none']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  expect(XMLValidator.validate(r.stdout)).toBe(true);
  const json = JSON.parse((await runCli(['analyze', input, '--format', 'json', '--fail-on', 'none'])).stdout) as JsonResult;
  return { xml: r.stdout, doc: parser.parse(r.stdout) as XmlDoc, json };
}

function servicesOf(f: JsonFinding): string[] {
  return f.affected.length > 0 ? f.affected.map((a) => a.service) : (f.services ?? []);
}

/** What the JUnit report must say, worked out from the JSON report: failures per rule and service. */
function expectMatchesJson(doc: XmlDoc, json: JsonResult): void {
  const services = json.services.map((s) => s.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const root = doc.testsuites;
  expect(root['@_name']).toBe('firebreak');
  // Last, the coverage suite: the counts as properties, one skipped case per unjudged resource.
  const coverage = root.testsuite.at(-1)!;
  expect(coverage['@_name']).toBe('coverage');
  const props = Object.fromEntries((coverage.properties?.property ?? []).map((p) => [p['@_name'].replace(/^coverage\./, ''), Number(p['@_value'])]));
  expect(props).toEqual(json.summary.coverage);
  expect((coverage.testcase ?? []).map((c) => c['@_name'])).toEqual(json.unjudged.map((u) => `${u.name} (${u.type})`));
  expect(coverage['@_skipped']).toBe(String(json.unjudged.length));
  expect(coverage['@_failures']).toBe('0');
  // One suite per finding kind: at least the four documented ones, sorted, and every kind that has findings.
  const suites = root.testsuite.slice(0, -1);
  const suiteNames = suites.map((s) => s['@_name']);
  expect(suiteNames).toEqual(expect.arrayContaining([...KNOWN_RULES, ...json.findings.map((f) => f.rule)]));
  expect(suiteNames).toEqual([...new Set(suiteNames)].sort());
  let failing = 0;
  for (const suite of suites) {
    const rule = suite['@_name'];
    const cases = suite.testcase ?? [];
    expect(cases.map((c) => c['@_name'])).toEqual(services);
    expect(cases.every((c) => c['@_classname'] === rule)).toBe(true);
    expect(suite['@_tests']).toBe(String(services.length));
    let suiteFailing = 0;
    for (const c of cases) {
      const expected = json.findings.filter((f) => f.rule === rule && f.severity !== 'info' && servicesOf(f).includes(c['@_name']));
      const failures = c.failure ?? [];
      expect(failures.map((x) => x['@_message'])).toEqual(expected.map((f) => f.message));
      expect(failures.map((x) => x['@_type'])).toEqual(expected.map((f) => f.severity));
      failures.forEach((x, i) => {
        expect(x['#text'].startsWith(expected[i]!.message)).toBe(true);
        expect(x['#text']).toContain(`Finding: ${expected[i]!.id}`);
      });
      if (failures.length > 0) suiteFailing++;
    }
    expect(suite['@_failures']).toBe(String(suiteFailing));
    failing += suiteFailing;
  }
  expect(root['@_tests']).toBe(String(services.length * suiteNames.length + json.unjudged.length));
  expect(root['@_failures']).toBe(String(failing));
  expect(root['@_errors']).toBe('0');
}

/** Every string value in a JSON document, rewritten. */
function mapStrings(v: unknown, f: (s: string) => string): unknown {
  if (typeof v === 'string') return f(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapStrings(x, f)]));
  return v;
}

describe('--format junit', () => {
  it('on the Pangyo demo: one suite per finding kind, one case per service, failures as in the JSON report', async () => {
    const { doc, json } = await reports('.@pangyo-2022');
    expectMatchesJson(doc, json);
    // The demo has failures of the path-less kinds too (services listed by the finding, not by paths).
    const failingSuites = doc.testsuites.testsuite.filter((s) => s['@_failures'] !== '0').map((s) => s['@_name']);
    expect(failingSuites).toEqual(expect.arrayContaining(['recovery-path', 'shared-identity', 'single-point-of-failure']));
    // Info findings (the region, beyond the policy) never fail a case: KakaoBank is hurt only by the region.
    const spof = doc.testsuites.testsuite.find((s) => s['@_name'] === 'single-point-of-failure')!;
    expect(spof.testcase!.find((c) => c['@_name'] === 'KakaoBank')!.failure).toBeUndefined();
    // The explanation path is in the failure body, as plain text.
    const mail = spof.testcase!.find((c) => c['@_name'] === 'Daum mail')!;
    expect(mail.failure![0]!['#text']).toMatch(/\nPath: Daum mail -requires-> .* -placed-in-> datacenter capital-area\/pangyo/);
  });

  it('on a stack export: matches the JSON report, no secret values, byte-identical on a rerun', async () => {
    const { xml, doc, json } = await reports(twoZones);
    expectMatchesJson(doc, json);
    expect(xml).not.toContain('hunter2');
    expect((await runCli(['analyze', twoZones, '--format', 'junit', '--fail-on', 'none'])).stdout).toBe(xml);
  });

  it('skips the shared-risk-group cases without --order 2 (nothing looked for them), and runs them with it', async () => {
    const suite = async (args: string[]): Promise<XmlSuite> => {
      const r = await runCli(['analyze', twoZones, '--format', 'junit', '--fail-on', 'none', ...args]);
      expect(XMLValidator.validate(r.stdout)).toBe(true);
      return (parser.parse(r.stdout) as XmlDoc).testsuites.testsuite.find((t) => t['@_name'] === 'shared-risk-group')!;
    };
    const order1 = await suite([]);
    expect(Number(order1['@_skipped'])).toBe(Number(order1['@_tests']));
    expect(Number(order1['@_tests'])).toBeGreaterThan(0);
    expect(order1.testcase!.every((c) => (c as unknown as { skipped?: unknown }).skipped !== undefined)).toBe(true);
    const order2 = await suite(['--order', '2']);
    expect(order2['@_skipped']).toBe('0');
    expect(order2.testcase!.some((c) => (c as unknown as { skipped?: unknown }).skipped !== undefined)).toBe(false);
  });

  it('renderDocument (the library) needs no order: the result records whether shared risk groups were searched', async () => {
    const rules = loadRules();
    const inputs = await loadInputs([twoZones], { keepProperties: rules.properties });
    const srg = (xml: string): XmlSuite => {
      expect(XMLValidator.validate(xml)).toBe(true);
      return (parser.parse(xml) as XmlDoc).testsuites.testsuite.find((t) => t['@_name'] === 'shared-risk-group')!;
    };
    // Not searched: every case skipped (before, without the option, each service passed though nothing looked).
    const unsearched = srg(renderDocument('analysis', analyze(inputs, { packs: rules.packs }), 'junit'));
    expect(Number(unsearched['@_tests'])).toBeGreaterThan(0);
    expect(Number(unsearched['@_skipped'])).toBe(Number(unsearched['@_tests']));
    // Searched: no case skipped, and the same document the CLI writes.
    const searched = analyze(inputs, { packs: rules.packs, order: 2 });
    const xml = renderDocument('analysis', searched, 'junit');
    expect(srg(xml)['@_skipped']).toBe('0');
    expect((await runCli(['analyze', twoZones, '--format', 'junit', '--fail-on', 'none', '--order', '2'])).stdout).toBe(xml);
  });

  it('fails no case for findings in the baseline', async () => {
    const baseline = tempFile('baseline.yaml', '');
    expect((await runCli(['check', twoZones, '--baseline', baseline, '--update-baseline'])).code).toBe(0);
    const xml = (await runCli(['check', twoZones, '--baseline', baseline, '--format', 'junit'])).stdout;
    expect(xml).toMatch(/<testsuites name="firebreak" tests="\d+" failures="0" errors="0">/);
    expect((await reports(twoZones)).xml).not.toMatch(/<testsuites name="firebreak" tests="\d+" failures="0"/);
  });

  it('escapes names with XML characters and shows control characters as visible escapes, as the text report does', async () => {
    const service = `shop <script>&"it's"\u0001`;
    const db = `orders<script>&"db`;
    const doc = mapStrings(JSON.parse(readFileSync(twoZones, 'utf8')), (s) => (s === 'shop' ? service : s.replace(/::orders-db$/, `::${db}`)));
    const input = tempFile('escape.json', JSON.stringify(doc));
    const { xml, doc: parsed, json } = await reports(input);
    expect(json.services.map((s) => s.name)).toEqual([service]);
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('\u0001');
    // The JSON report keeps U+0001; the XML shows it as `\x01` and is otherwise the same.
    expectMatchesJson(parsed, mapStrings(json, (s) => s.replace(/\u0001/g, '\\x01')) as JsonResult);
    const spof = parsed.testsuites.testsuite.find((s) => s['@_name'] === 'single-point-of-failure')!;
    const c = spof.testcase![0]!;
    expect(c['@_name']).toBe(`shop <script>&"it's"\\x01`);
    expect(c.failure!.some((f) => f['#text'].includes(`-requires-> ${db} [us-east-1a]`))).toBe(true);
  });

  it('xmlText and xmlAttr: the five characters escaped, characters XML 1.0 cannot hold shown as escapes', () => {
    expect(xmlText(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
    expect(xmlText('x\u0000\u0008\u000b\u001f\ud800\ufffe\uffffy')).toBe('x\\x00\\x08\\x0b\\x1f\\ud800\\ufffe\\uffffy');
    expect(xmlText('tab\tlf\ncr\r \u00e9 \ud83d\udd25 \ue000')).toBe('tab\tlf\ncr\r \u00e9 \ud83d\udd25 \ue000');
    expect(xmlAttr('a\tb\nc\rd')).toBe('a&#9;b&#10;c&#13;d');
    const parsed = parser.parse(`<r a="${xmlAttr('1\n2 <&>')}">${xmlText('\ud83d\udd25 <&>')}</r>`) as { r: { '@_a': string; '#text': string } };
    expect(parsed.r['@_a']).toBe('1\n2 <&>');
    expect(parsed.r['#text']).toBe('\ud83d\udd25 <&>');
  });
});
