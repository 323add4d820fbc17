/**
 * diff: two analyses of the same estate, before and after a change. Findings
 * match by stable id: resolved (only before), introduced (only after) and
 * unchanged. Per service: how many single-domain losses within the policy it
 * survives, before and after.
 */
import { formatWarning, type Warning } from '../errors.js';
import { VERSION } from '../version.js';
import { severityRank, type AnalysisResult, type Finding, type Severity } from './types.js';
import { byText } from '../text.js';

export interface ServiceSurvival {
  /** In-policy domain losses it survives, of those checked; absent when the service is not on that side. */
  survives: number;
  of: number;
  /** The domains whose loss alone takes it down or strands it. */
  lostTo: string[];
}

export interface DiffResult {
  schemaVersion: 1;
  tool: { name: 'firebreak'; version: string };
  before: AnalysisResult['inputs'];
  after: AnalysisResult['inputs'];
  resolved: Finding[];
  introduced: Finding[];
  unchanged: Finding[];
  services: Array<{ name: string; critical: boolean; before?: ServiceSurvival; after?: ServiceSurvival }>;
  /** Nodes the introduced and resolved findings name. */
  nodes: AnalysisResult['nodes'];
  /** Each side's counts of resources by class (its summary.coverage): the survival counts hold for what was judged. */
  coverage: { before: AnalysisResult['summary']['coverage']; after: AnalysisResult['summary']['coverage'] };
  /** Of the after side, as in AnalysisResult: what firebreak could not judge, and the resources counted unjudged. */
  blindSpots: AnalysisResult['blindSpots'];
  unjudged: AnalysisResult['unjudged'];
  /** Both sides' warnings (reading the inputs, building the model), before's first, each once; then each side's analysis errors (file `(before)`, `(after)`). */
  warnings: Warning[];
}

function survival(result: AnalysisResult): Map<string, ServiceSurvival> {
  const lost = new Map<string, string[]>();
  for (const f of result.findings) {
    if (f.rule !== 'single-point-of-failure' || f.event.kind !== 'domain' || !f.inPolicy) continue;
    for (const a of f.affected) lost.set(a.service, [...(lost.get(a.service) ?? []), f.event.name]);
  }
  const of = result.summary.domainEvents;
  return new Map(
    result.services.map((s) => {
      const lostTo = (lost.get(s.name) ?? []).sort(byText);
      return [s.name, { survives: of - lostTo.length, of, lostTo }];
    }),
  );
}

/** A side's analysis errors (a shared-risk-group search stopped at --max-seconds...), as warnings naming the side. */
function searchNotes(result: AnalysisResult, side: string): Warning[] {
  return result.analysisErrors.map((e) => ({ file: side, message: `analysis error in ${e.rule}: ${e.message}` }));
}

export function compareResults(before: AnalysisResult, after: AnalysisResult): DiffResult {
  const beforeIds = new Set(before.findings.map((f) => f.id));
  const afterIds = new Set(after.findings.map((f) => f.id));
  const resolved = before.findings.filter((f) => !afterIds.has(f.id));
  const introduced = after.findings.filter((f) => !beforeIds.has(f.id));
  const unchanged = after.findings.filter((f) => beforeIds.has(f.id));
  const sb = survival(before);
  const sa = survival(after);
  const critical = new Map<string, boolean>();
  for (const s of [...before.services, ...after.services]) critical.set(s.name, (critical.get(s.name) ?? false) || s.critical);
  const services = [...critical.keys()].sort(byText).map((name) => ({
    name,
    critical: critical.get(name)!,
    ...(sb.has(name) ? { before: sb.get(name)! } : {}),
    ...(sa.has(name) ? { after: sa.get(name)! } : {}),
  }));
  const nodes: AnalysisResult['nodes'] = {};
  const take = (f: Finding, from: AnalysisResult): void => {
    const ids = [f.event.id, ...(f.evidence?.nodes ?? []), ...f.affected.flatMap((a) => a.path.map((s) => s.node))];
    for (const id of ids) if (from.nodes[id] && !nodes[id]) nodes[id] = from.nodes[id]!;
  };
  resolved.forEach((f) => take(f, before));
  introduced.forEach((f) => take(f, after));
  return {
    schemaVersion: 1,
    tool: { name: 'firebreak', version: VERSION },
    before: before.inputs,
    after: after.inputs,
    resolved,
    introduced,
    unchanged,
    services,
    nodes,
    coverage: { before: before.summary.coverage, after: after.summary.coverage },
    blindSpots: after.blindSpots,
    unjudged: after.unjudged,
    warnings: [
      ...new Map(
        [...before.warnings, ...after.warnings, ...searchNotes(before, '(before)'), ...searchNotes(after, '(after)')].map((w) => [formatWarning(w), w]),
      ).values(),
    ],
  };
}

/** Introduced findings at or above the threshold (none for `none`). */
export function introducedAtOrAbove(diff: DiffResult, failOn: Severity | 'none'): Finding[] {
  if (failOn === 'none') return [];
  return diff.introduced.filter((f) => severityRank(f.severity) >= severityRank(failOn));
}
