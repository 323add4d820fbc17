/**
 * junit: JUnit XML for CI test dashboards. One test suite per finding kind,
 * one test case per service in each: a case fails with one <failure> per
 * finding of that kind (low or above; info never fails, nor findings in
 * the baseline or accepted in the topology file) that names the
 * service. A kind that failed to run adds a case with an <error>.
 * `tests`, `failures` and `errors` count test cases. A last suite, `coverage`,
 * carries the coverage counts as properties and one case per resource that
 * was not judged: skipped, or failed with --fail-on-unjudged. Without --order 2
 * (`order` below 2) the shared-risk-group cases are skipped: nothing looked for them.
 * Names from input are shown as in the text report (dashboards show them to
 * people): control, bidi and zero-width characters as visible escapes
 * (src/visible.ts), a name over 1,000 characters cut with a marker.
 */
import { formatLocation } from '../errors.js';
import { FINDING_KINDS } from '../analysis/findings/index.js';
import { severityRank, type AnalysisResult, type Finding } from '../analysis/types.js';
import type { ReportOptions } from './options.js';
import { plainPath } from './text.js';
import { visibleDeep } from '../visible.js';

/** Characters XML 1.0 does not allow, even escaped (C0 controls but tab, CR, LF; lone surrogates; U+FFFE/U+FFFF). */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** A character XML cannot hold, as the visible escape the other formats show (`\x1b`, `\ufffe`): never dropped unseen. */
function notXmlEscape(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Text content: the five special characters escaped, characters XML cannot hold as visible escapes. */
export function xmlText(s: string): string {
  return s.replace(NOT_XML, notXmlEscape).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** An attribute value: as text, with whitespace kept as character references (parsers normalise raw ones). */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The services a finding names: its affected services, else the services it lists (findings without paths). */
export function findingServices(f: Finding): string[] {
  if (f.affected.length > 0) return f.affected.map((a) => a.service);
  if (f.services) return f.services;
  return (f.evidence?.nodes ?? []).filter((n) => n.startsWith('service:')).map((n) => n.slice('service:'.length));
}

const FAILS_FROM = severityRank('low');

function failureBody(result: AnalysisResult, f: Finding, service: string): string {
  const lines = [f.message];
  const path = f.affected.find((a) => a.service === service)?.path ?? [];
  if (path.length > 0) lines.push(`Path: ${plainPath(result, path)}`);
  if (f.locations.length > 0) lines.push(`At: ${f.locations.map(formatLocation).join(', ')}`);
  lines.push(`Finding: ${f.id}`);
  return lines.join('\n');
}

export function renderJunit(result: AnalysisResult, options: ReportOptions): string {
  result = visibleDeep(result); // names from input, shown on a dashboard
  const rules = [...new Set([...Object.keys(FINDING_KINDS), ...result.findings.map((f) => f.rule)])].sort(byText);
  const services = result.services.map((s) => s.name).sort(byText);
  // options.order only for a result that does not record its search (one written before summary.sharedRiskGroups).
  const srgSearched = result.summary.sharedRiskGroups !== undefined || (options.order ?? 1) >= 2;
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  for (const rule of rules) {
    // Findings accepted in the baseline or the topology file fail no case, as they fail no gate.
    const findings = result.findings.filter((f) => f.rule === rule && severityRank(f.severity) >= FAILS_FROM && f.baseline !== 'unchanged' && !f.accepted);
    const byService = new Map<string, Finding[]>();
    for (const f of findings) {
      for (const s of new Set(findingServices(f))) {
        const list = byService.get(s);
        if (list) list.push(f);
        else byService.set(s, [f]);
      }
    }
    const cases: string[] = [];
    let suiteFailures = 0;
    // Shared risk groups are looked for only with --order 2 or more (the result records it): without, their cases did not run.
    const notSearched = rule === 'shared-risk-group' && !srgSearched && findings.length === 0;
    for (const service of services) {
      const open = `    <testcase classname="${xmlAttr(rule)}" name="${xmlAttr(service)}"`;
      const hits = byService.get(service) ?? [];
      if (notSearched) {
        cases.push(`${open}>`, '      <skipped message="not searched: shared risk groups are looked for with --order 2 or more"/>', '    </testcase>');
        continue;
      }
      if (hits.length === 0) {
        cases.push(`${open}/>`);
        continue;
      }
      suiteFailures++;
      cases.push(`${open}>`);
      for (const f of hits) {
        cases.push(`      <failure message="${xmlAttr(f.message)}" type="${xmlAttr(f.severity)}">${xmlText(failureBody(result, f, service))}</failure>`);
      }
      cases.push('    </testcase>');
    }
    const ruleErrors = result.analysisErrors.filter((e) => e.rule === rule);
    for (const e of ruleErrors) {
      cases.push(`    <testcase classname="${xmlAttr(rule)}" name="(analysis)">`);
      cases.push(`      <error message="${xmlAttr(e.message)}" type="analysis-error">${xmlText(`analysis error in ${rule}: ${e.message}`)}</error>`);
      cases.push('    </testcase>');
    }
    const suiteTests = services.length + ruleErrors.length;
    tests += suiteTests;
    failures += suiteFailures;
    errors += ruleErrors.length;
    const attrs = `name="${xmlAttr(rule)}" tests="${suiteTests}" failures="${suiteFailures}" errors="${ruleErrors.length}" skipped="${notSearched ? services.length : 0}"`;
    suites.push(cases.length > 0 ? `  <testsuite ${attrs}>\n${cases.join('\n')}\n  </testsuite>` : `  <testsuite ${attrs}/>`);
  }
  const cov = result.summary.coverage;
  const fails = options.failOnUnjudged === true;
  const props = (['resources', 'modelled', 'configOnly', 'components', 'unjudged'] as const).map(
    (k) => `      <property name="coverage.${k}" value="${cov[k]}"/>`,
  );
  const cases = result.unjudged.map((u) => {
    const body = `${u.message}${u.source ? `\nAt: ${formatLocation(u.source)}` : ''}\nURN: ${u.urn}`;
    const inner = fails
      ? `<failure message="${xmlAttr(u.message)}" type="unjudged/${xmlAttr(u.reason)}">${xmlText(body)}</failure>`
      : `<skipped message="${xmlAttr(u.message)}"/>`;
    return `    <testcase classname="coverage" name="${xmlAttr(`${u.name} (${u.type})`)}">\n      ${inner}\n    </testcase>`;
  });
  const covFailures = fails ? cases.length : 0;
  tests += cases.length;
  failures += covFailures;
  suites.push(
    [
      `  <testsuite name="coverage" tests="${cases.length}" failures="${covFailures}" errors="0" skipped="${fails ? 0 : cases.length}">`,
      '    <properties>',
      ...props,
      '    </properties>',
      ...cases,
      '  </testsuite>',
    ].join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="firebreak" tests="${tests}" failures="${failures}" errors="${errors}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
