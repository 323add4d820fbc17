/**
 * sarif: SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, IDE viewers).
 * One run; one rule per finding kind, its id the kind's id (docs/findings/<id>.md);
 * one result per finding, at the finding's source locations or else at the input.
 * Built only from the result: names, ids and messages, never property values.
 */
import path from 'node:path';
import type { SourceLocation } from '../errors.js';
import { FINDING_KINDS } from '../analysis/findings/index.js';
import type { AnalysisResult, Finding, Severity } from '../analysis/types.js';
import type { ReportOptions } from './options.js';
import { plainPath } from './text.js';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://github.com/firebreak/firebreak';

type Level = 'error' | 'warning' | 'note';

export function sarifLevel(s: Severity): Level {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'note';
}

interface ReportingDescriptor {
  id: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string };
  defaultConfiguration: { level: Level };
  properties: { tags: string[] };
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
  return {
    id,
    shortDescription: { text: title },
    fullDescription: { text: description },
    help: { text: `${description} What it means, its severities and how to fix it: docs/findings/${id}.md in the firebreak package.` },
    defaultConfiguration: { level: sarifLevel(kind?.defaultSeverity ?? 'medium') },
    properties: { tags: ['reliability', 'availability', 'firebreak'] },
  };
}

/** A file path as a URI reference: forward slashes, segments percent-encoded, absolute paths as file: URIs. */
export function fileUri(file: string): string {
  const slashed = file.replace(/\\/g, '/');
  const encode = (p: string): string => p.split('/').map((seg) => encodeURIComponent(seg)).join('/');
  const drive = /^([A-Za-z]):\//.exec(slashed);
  if (drive) return `file:///${drive[1]}:/${encode(slashed.slice(3))}`;
  if (slashed.startsWith('/')) return `file://${encode(slashed)}`;
  return encode(slashed.replace(/^(\.\/)+/, ''));
}

/** The file that stands for the whole first input: the export itself, or a YAML project's program file. */
function inputFile(result: AnalysisResult): string {
  const input = result.inputs[0];
  if (!input) return 'Pulumi.yaml';
  if (input.kind !== 'yaml-program') return input.input;
  const at = input.input.lastIndexOf('@');
  const target = (at > 0 ? input.input.slice(0, at) : input.input).replace(/\\/g, '/');
  if (/\.ya?ml$/i.test(target)) return target;
  const dir = path.posix.normalize(target).replace(/(.)\/+$/, '$1');
  // The program file a node was declared in, when it lies in the project directory.
  for (const n of Object.values(result.nodes)) {
    const file = n.source && path.posix.normalize(n.source.file.replace(/\\/g, '/'));
    if (file && path.posix.dirname(file) === dir) return file;
  }
  return dir === '.' ? 'Pulumi.yaml' : `${dir}/Pulumi.yaml`;
}

function physicalLocation(loc: SourceLocation): object {
  const region: Record<string, number> = {};
  if (loc.line !== undefined && loc.line >= 1) {
    region.startLine = loc.line;
    if (loc.column !== undefined && loc.column >= 1) region.startColumn = loc.column;
  }
  return {
    physicalLocation: {
      artifactLocation: { uri: fileUri(loc.file) },
      ...(region.startLine !== undefined ? { region } : {}),
    },
  };
}

function messageText(result: AnalysisResult, f: Finding): string {
  const explained = f.affected.find((a) => a.path.length > 0);
  return explained ? `${f.message}\nPath: ${plainPath(result, explained.path)}` : f.message;
}

export function renderSarif(result: AnalysisResult, _options: ReportOptions): string {
  const ids = ruleIds(result);
  const index = new Map(ids.map((id, i) => [id, i]));
  const fallback = inputFile(result);
  const results = result.findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: index.get(f.rule)!,
    level: sarifLevel(f.severity),
    message: { text: messageText(result, f) },
    locations: (f.locations.length > 0 ? f.locations : [{ file: fallback }]).map(physicalLocation),
    partialFingerprints: { 'firebreak/v1': f.id },
    // Against a baseline: new or unchanged; an accepted risk (topology file) is suppressed, with its reason.
    ...(f.baseline ? { baselineState: f.baseline } : {}),
    ...(f.accepted
      ? { suppressions: [{ kind: 'external', status: 'accepted', justification: `${f.accepted.reason}${f.accepted.expires ? ` (until ${f.accepted.expires})` : ''}` }] }
      : {}),
    properties: { severity: f.severity, inPolicy: f.inPolicy, blastRadius: f.blastRadius },
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
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
