/**
 * sarif: SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, IDE viewers).
 * One run; one rule per finding kind, its id the kind's id (docs/findings/<id>.md),
 * with helpUri, help.markdown and security-severity; one result per finding, at
 * the finding's source locations or else at line 1 of the input's program file
 * (or of the input), with a stable fingerprint. URIs are relative to the
 * repository root when `options.sarif` gives it (docs/ci.md).
 * Built only from the result: names, ids and messages, never property values.
 * Message texts show names as the text report does (visible escapes, long names
 * cut with a marker); locations, fingerprints and properties keep them exactly.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { SourceLocation } from '../errors.js';
import { FINDING_KINDS } from '../analysis/findings/index.js';
import type { AnalysisResult, Finding, Severity } from '../analysis/types.js';
import type { ReportOptions } from './options.js';
import { plainPath } from './text.js';
import { REPOSITORY_URL, findingDocsUrl } from './docs-links.js';
import { visibleDeep } from '../visible.js';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = REPOSITORY_URL;

/**
 * GitHub's security-severity scores: over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
 * GitHub reads it from the rule; each result carries its own finding's score too.
 */
export const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '2.0', info: '0.0' };

type Level = 'error' | 'warning' | 'note';

export function sarifLevel(s: Severity): Level {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'note';
}

interface ReportingDescriptor {
  id: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  helpUri: string;
  help: { text: string; markdown: string };
  defaultConfiguration: { level: Level };
  properties: { tags: string[]; 'security-severity': string };
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every known finding kind, plus any other rule id the findings carry; sorted. */
export function ruleIds(result: AnalysisResult): string[] {
  return [...new Set([...Object.keys(FINDING_KINDS), ...result.findings.map((f) => f.rule)])].sort(byText);
}

function descriptor(id: string): ReportingDescriptor {
  const kind = FINDING_KINDS[id];
  const title = kind?.title ?? id;
  const description = kind?.description ?? `Findings of the ${id} kind.`;
  const severity = kind?.defaultSeverity ?? 'medium';
  const url = findingDocsUrl(id);
  return {
    id,
    shortDescription: { text: title },
    fullDescription: { text: description },
    helpUri: url,
    help: {
      text: `${description} What it means, its severities and how to fix it: ${url} (docs/findings/${id}.md in the firebreak package).`,
      markdown: `**${title}** (\`${id}\`, ${severity} by default)\n\n${description}\n\n[What it means, its severities and how to fix it](${url})`,
    },
    defaultConfiguration: { level: sarifLevel(severity) },
    // `security` makes code scanning show security-severity (availability is the A of CIA).
    properties: { tags: ['reliability', 'availability', 'security', 'firebreak'], 'security-severity': SECURITY_SEVERITY[severity] },
  };
}

/** A file path as a URI reference: forward slashes, segments percent-encoded, absolute paths as file: URIs. */
export function fileUri(file: string): string {
  const slashed = file.replace(/\\/g, '/');
  const encode = (p: string): string =>
    p
      .split('/')
      .map((seg) => encodeURIComponent(seg))
      .join('/');
  const drive = /^([A-Za-z]):\//.exec(slashed);
  if (drive) return `file:///${drive[1]}:/${encode(slashed.slice(3))}`;
  if (slashed.startsWith('/')) return `file://${encode(slashed)}`;
  return encode(slashed.replace(/^(\.\/)+/, ''));
}

/** Forward slashes, normalized, no trailing slash. */
function posix(file: string): string {
  return path.posix.normalize(file.replace(/\\/g, '/')).replace(/(.)\/+$/, '$1');
}

/** The program file a node was declared in, when it lies in `dir` (and, for an export, is a Pulumi.yaml). */
function programIn(result: AnalysisResult, dir: string, pulumiYamlOnly: boolean): string | undefined {
  for (const n of Object.values(result.nodes)) {
    if (!n.source) continue;
    const file = posix(n.source.file);
    if (path.posix.dirname(file) !== dir) continue;
    if (pulumiYamlOnly && !/^Pulumi\.ya?ml$/.test(path.posix.basename(file))) continue;
    return file;
  }
  return undefined;
}

/**
 * The file that stands for the whole first input, never a directory: a program's
 * file; for an export or preview, the project file of its stack when found next to
 * it (Pulumi.yaml of the same project, any runtime), else the file itself.
 */
function inputFile(result: AnalysisResult): string {
  const input = result.inputs[0];
  if (!input) return 'Pulumi.yaml';
  if (input.kind === 'yaml-program' || input.kind === 'nodejs-program') {
    const at = input.input.lastIndexOf('@');
    const target = (at > 0 ? input.input.slice(0, at) : input.input).replace(/\\/g, '/');
    if (/\.ya?ml$/i.test(target)) return target;
    const dir = posix(target);
    return programIn(result, dir, false) ?? (dir === '.' ? 'Pulumi.yaml' : `${dir}/Pulumi.yaml`);
  }
  if (input.program) return input.program;
  if (input.input === '-') return programIn(result, '.', true) ?? 'Pulumi.yaml';
  return programIn(result, path.posix.dirname(posix(input.input)), true) ?? input.input;
}

/** A location file as a URI: relative to the repository root when it lies under it, else a file: URI. */
function locationUri(file: string, options: ReportOptions): string {
  if (!options.sarif) return fileUri(file);
  const abs = path.resolve(options.sarif.cwd, file);
  const rel = path.relative(options.sarif.root, abs);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return fileUri(abs);
  return fileUri(rel.split(path.sep).join('/'));
}

function physicalLocation(loc: SourceLocation, options: ReportOptions): object {
  // Code scanning needs a line: a location without one is the file's first line.
  const region: Record<string, number> = { startLine: loc.line !== undefined && loc.line >= 1 ? loc.line : 1 };
  if (loc.line !== undefined && loc.line >= 1 && loc.column !== undefined && loc.column >= 1) region.startColumn = loc.column;
  return { physicalLocation: { artifactLocation: { uri: locationUri(loc.file, options) }, region } };
}

/**
 * Fingerprints that follow a finding across runs whatever lines move: the finding id
 * (stable for the same risk), and primaryLocationLineHash, the key code scanning
 * tracks, derived from it (so upload-sarif does not hash the line's text instead).
 */
function fingerprints(f: Finding): Record<string, string> {
  return { 'firebreak/v1': f.id, primaryLocationLineHash: `${createHash('sha256').update(f.id).digest('hex').slice(0, 32)}:1` };
}

function messageText(result: AnalysisResult, f: Finding): string {
  const explained = f.affected.find((a) => a.path.length > 0);
  return explained ? `${f.message}\nPath: ${plainPath(result, explained.path)}` : f.message;
}

function suppressions(result: AnalysisResult, f: Finding): object {
  if (f.accepted) {
    return {
      suppressions: [
        { kind: 'external', status: 'accepted', justification: `${f.accepted.reason}${f.accepted.expires ? ` (until ${f.accepted.expires})` : ''}` },
      ],
    };
  }
  // In the baseline: accepted as it stands, so code scanning does not raise it as a new alert.
  if (f.baseline === 'unchanged')
    return { suppressions: [{ kind: 'external', status: 'accepted', justification: `in the baseline ${result.baseline?.file ?? ''}`.trimEnd() }] };
  return {};
}

/** A resource that could fail but was not judged, as a tool notification at its declaration (or the input's file). */
function unjudgedNotification(u: AnalysisResult['unjudged'][number], message: string, fallback: string, options: ReportOptions): object {
  return {
    descriptor: { id: `unjudged/${u.reason}` },
    level: 'warning',
    message: { text: message },
    locations: [physicalLocation(u.source ?? { file: fallback }, options)],
    properties: { urn: u.urn, type: u.type, reason: u.reason },
  };
}

export function renderSarif(result: AnalysisResult, options: ReportOptions): string {
  // Message texts are read by people (code scanning shows them): names in them as in the text report;
  // locations, fingerprints and properties keep the names exactly.
  const shown = visibleDeep(result);
  const ids = ruleIds(result);
  const index = new Map(ids.map((id, i) => [id, i]));
  const fallback = inputFile(result);
  const results = result.findings.map((f, i) => ({
    ruleId: f.rule,
    ruleIndex: index.get(f.rule)!,
    level: sarifLevel(f.severity),
    message: { text: messageText(shown, shown.findings[i]!) },
    locations: (f.locations.length > 0 ? f.locations : [{ file: fallback }]).map((l) => physicalLocation(l, options)),
    partialFingerprints: fingerprints(f),
    // Against a baseline: new or unchanged (suppressed); an accepted risk (topology file) is suppressed, with its reason.
    ...(f.baseline ? { baselineState: f.baseline } : {}),
    ...suppressions(shown, shown.findings[i]!),
    properties: { severity: f.severity, 'security-severity': SECURITY_SEVERITY[f.severity], inPolicy: f.inPolicy, blastRadius: f.blastRadius },
  }));
  const log = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'firebreak',
            version: result.tool.version,
            informationUri: INFORMATION_URI,
            rules: ids.map(descriptor),
          },
        },
        // What was not judged: notifications (not alerts), one per resource, and the coverage counts (docs/coverage.md).
        ...(result.unjudged.length > 0
          ? {
              invocations: [
                {
                  executionSuccessful: true,
                  toolExecutionNotifications: result.unjudged.map((u, i) => unjudgedNotification(u, shown.unjudged[i]!.message, fallback, options)),
                },
              ],
            }
          : {}),
        columnKind: 'utf16CodeUnits',
        results,
        properties: { coverage: result.summary.coverage },
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
