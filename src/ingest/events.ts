/**
 * Pulumi engine event logs: the JSON lines of `pulumi up --json`,
 * `--event-log FILE`, and `pulumi preview --json` in streaming mode (Go
 * `apitype.EngineEvent`). Each line is one event; the resource states are in
 * the `metadata` (a `StepEventMetadata`) of `resourcePreEvent` and
 * `resOutputsEvent` events: `new` (or, for a `same` step, `old`) is the
 * resource as it will stand. They become records like a preview's steps. The
 * events carry no dependencies between resources, which a warning says.
 */
import { InputError, type Problem, type Warning } from '../errors.js';
import { STACK_TYPE } from '../pulumi.js';
import { depthOver, lineColumnAt, MAX_JSON_DEPTH } from './json.js';
import { checkIntegrity, placementConfig, recordFromRaw, isWellFormedResource } from './state.js';
import { asSpecial, parseUrn, special, type PropertyMap, type PropertyValue, type ResourceRecord, type StackInput } from './types.js';

/** The event kinds of apitype.EngineEvent; one of them is set on each event. */
const EVENT_KEYS = [
  'cancelEvent',
  'stdoutEvent',
  'diagnosticEvent',
  'preludeEvent',
  'summaryEvent',
  'resourcePreEvent',
  'resOutputsEvent',
  'resOpFailedEvent',
  'policyEvent',
  'policyRemediationEvent',
  'policyLoadEvent',
  'policyAnalyzeSummaryEvent',
  'policyRemediateSummaryEvent',
  'policyAnalyzeStackSummaryEvent',
  'startDebuggingEvent',
  'progressEvent',
  'errorEvent',
];

/** Steps after which the resource no longer exists (pkg/resource/deploy/step.go). */
const GONE = new Set(['delete', 'delete-replaced', 'discard', 'discard-replaced', 'remove-pending-replace', 'read-discard']);

type RawResource = Parameters<typeof recordFromRaw>[0];

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Split text into its top-level JSON values (one per line, or pretty-printed
 * one after another): the offsets where each starts and ends. Strings are
 * skipped so braces inside them do not count.
 */
function topLevelValues(text: string, limit = Infinity): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length && out.length < limit; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (depth === 0) start = i;
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0 && start >= 0) {
        out.push([start, i + 1]);
        start = -1;
      }
      if (depth < 0) return out;
    }
  }
  return out;
}

function isEvent(v: unknown): boolean {
  return isObject(v) && (typeof v.sequence === 'number' || typeof v.timestamp === 'number') && EVENT_KEYS.some((k) => k in v);
}

/** Does this text look like an engine event log (more than one JSON value, the first an engine event)? */
export function isEventLog(text: string): boolean {
  // Cheap first: an event names its kind near the start; a state or a preview does not.
  if (!/"(sequence|timestamp)"/.test(text.slice(0, 4096)) || !/Event"\s*:/.test(text.slice(0, 65536))) return false;
  const first = topLevelValues(text, 2);
  if (first.length === 0) return false;
  if (text.slice(0, first[0]![0]).trim() !== '') return false;
  let v: unknown;
  try {
    v = JSON.parse(text.slice(first[0]![0], first[0]![1]));
  } catch {
    return false;
  }
  return isEvent(v);
}

/**
 * The engine events of a Pulumi Cloud API answer (Go apitype.GetUpdateEventsResponse, `{events, continuationToken}`,
 * what `/api/stacks/ORG/PROJECT/STACK/update/ID/events` returns) or of an EngineEventBatch (`{events}`): the list,
 * when the document is one and its first event is an engine event.
 */
export function eventBatchOf(doc: unknown): { events: unknown[]; more: boolean } | undefined {
  if (!isObject(doc) || !Array.isArray(doc.events) || doc.events.length === 0 || !isEvent(doc.events[0])) return undefined;
  if ('deployment' in doc || 'checkpoint' in doc || 'steps' in doc) return undefined;
  return { events: doc.events, more: typeof doc.continuationToken === 'string' && doc.continuationToken !== '' };
}

/** A Cloud API page of engine events, read as the same events one per line would be. */
export function readEventBatch(doc: unknown, file: string, input: string, keep?: ReadonlySet<string>): StackInput {
  const batch = eventBatchOf(doc)!;
  const read = readEventLog(batch.events.map((e) => JSON.stringify(e)).join('\n'), file, input, keep);
  if (batch.more) {
    read.warnings.push({
      file,
      message:
        'a page of engine events with a continuationToken: more events follow (the update was still running, or the answer was paged); fetch every page, or analyze `pulumi stack export` output',
    });
  }
  return read;
}

/** Engine events display secrets as "[secret]": keep them as secrets, never as text. */
function secretsOf(v: PropertyValue): PropertyValue {
  if (v === '[secret]') return special({ kind: 'secret' });
  if (v === null || typeof v !== 'object' || asSpecial(v)) return v;
  if (Array.isArray(v)) return v.map(secretsOf);
  const out: PropertyMap = {};
  for (const k of Object.keys(v)) out[k] = secretsOf((v as PropertyMap)[k]!);
  return out;
}

/** Steps that make or change a custom resource: the engine ends each with resOutputsEvent, or resOpFailedEvent. */
const MAKING = new Set(['create', 'update', 'replace', 'create-replacement', 'import', 'import-replacement']);

function noteBegunOrEnded(e: Record<string, unknown>, begun: Map<string, string>): void {
  const ended = isObject(e.resOutputsEvent) ? e.resOutputsEvent : isObject(e.resOpFailedEvent) ? e.resOpFailedEvent : undefined;
  if (ended && isObject(ended.metadata) && typeof ended.metadata.urn === 'string') {
    begun.delete(ended.metadata.urn);
    return;
  }
  const pre = isObject(e.resourcePreEvent) ? e.resourcePreEvent.metadata : undefined;
  if (!isObject(pre) || typeof pre.urn !== 'string' || typeof pre.op !== 'string' || !MAKING.has(pre.op)) return;
  const state = isObject(pre.new) ? pre.new : undefined;
  // Component resources end when their children do, and some never get an event of their own: only custom ones count.
  if (state?.custom === true) begun.set(pre.urn, pre.op);
}

/**
 * Why the run a log records may have left resources out or half made: it failed or was canceled (the summary's
 * `result`, or resource operations that failed), the engine flagged the state `maybeCorrupt`, or the log ends with no
 * summary event at all. Undefined for a run that finished.
 */
function runNotFinished(summary: Record<string, unknown> | undefined, failedOps: string[], begun: string[]): string | undefined {
  const why: string[] = [];
  const listed = (urns: string[]): string => {
    const names = [...new Set(urns)].map((u) => parseUrn(u)?.name ?? u);
    return names.slice(0, 3).join(', ') + (names.length > 3 ? `, and ${names.length - 3} more` : '');
  };
  if (!summary) why.push('the log ends without a summary event (the run had not finished, or the log was cut off at the end of a line)');
  else if (summary.result === 'failed' || summary.result === 'canceled')
    why.push(`the run it records ${summary.result === 'failed' ? 'failed' : 'was canceled'}`);
  if (failedOps.length > 0) {
    const n = new Set(failedOps).size;
    why.push(`${n} resource operation${n === 1 ? '' : 's'} failed (${listed(failedOps)})`);
  }
  if (begun.length > 0)
    why.push(`${begun.length} resource step${begun.length === 1 ? '' : 's'} began and never finished (${listed(begun)}), as when a run is interrupted`);
  if (summary?.maybeCorrupt === true) why.push('the engine marked the state as possibly corrupt (maybeCorrupt)');
  if (why.length === 0) return undefined;
  return `${why.join('; ')}: what the run did not reach is missing and what it left unfinished may not exist as recorded; analyze \`pulumi stack export\` for the state as it stands`;
}

export function readEventLog(text: string, file: string, input: string, keep?: ReadonlySet<string>): StackInput {
  const problems: Problem[] = [];
  const warnings: Warning[] = [];
  const order: string[] = [];
  // Every URN a step names, in the order first named: a step with no state (a refresh of a view, a delete) names it without setting `latest`.
  const named = new Set<string>();
  const latest = new Map<string, { raw: RawResource; index: number } | null>();
  const failedOps: string[] = [];
  const pendingDelete = new Set<string>();
  // Steps of custom resources that began (resourcePreEvent) and have not ended (resOutputsEvent or resOpFailedEvent).
  const begun = new Map<string, string>();
  let summary: Record<string, unknown> | undefined;
  let config: Record<string, unknown> = {};
  let index = 0;
  let rest = 0;
  for (const [a, b] of topLevelValues(text)) {
    index++;
    if (text.slice(rest, a).trim() !== '') {
      problems.push({ file, reason: `event ${index}: text between events; an engine event log holds one JSON event per line` });
      break;
    }
    rest = b;
    let ev: unknown;
    try {
      ev = JSON.parse(text.slice(a, b));
    } catch {
      problems.push({ file, reason: `event ${index}: not valid JSON` });
      if (problems.length >= 10) break;
      continue;
    }
    // As for a whole JSON file (parseJson): deeper nesting is refused here, before any walk of the values can run out of stack.
    if (depthOver(ev, MAX_JSON_DEPTH)) {
      problems.push({
        file,
        line: lineColumnAt(text, a).line,
        reason: `event ${index}: JSON nested too deeply: firebreak reads at most ${MAX_JSON_DEPTH} levels of nesting`,
      });
      if (problems.length >= 10) break;
      continue;
    }
    if (!isEvent(ev)) {
      problems.push({ file, reason: `event ${index}: not a Pulumi engine event (no sequence and event kind)` });
      if (problems.length >= 10) break;
      continue;
    }
    const e = ev as Record<string, unknown>;
    if (isObject(e.preludeEvent) && isObject(e.preludeEvent.config)) config = e.preludeEvent.config;
    if (isObject(e.summaryEvent)) summary = e.summaryEvent;
    if (isObject(e.resOpFailedEvent) && isObject(e.resOpFailedEvent.metadata) && typeof e.resOpFailedEvent.metadata.urn === 'string')
      failedOps.push(e.resOpFailedEvent.metadata.urn);
    const step = isObject(e.resOutputsEvent) ? e.resOutputsEvent.metadata : isObject(e.resourcePreEvent) ? e.resourcePreEvent.metadata : undefined;
    noteBegunOrEnded(e, begun);
    if (!isObject(step) || typeof step.urn !== 'string' || typeof step.op !== 'string') continue;
    const urn = step.urn;
    if (!named.has(urn)) {
      named.add(urn);
      order.push(urn);
    }
    if (GONE.has(step.op)) {
      // Deleting an old copy marked for deletion leaves the resource of that URN standing.
      if (isObject(step.old) && step.old.delete === true) continue;
      if (step.op === 'delete' || step.op === 'discard' || !latest.has(urn)) latest.set(urn, null);
      continue;
    }
    const state = isObject(step.new) ? step.new : step.op === 'same' && isObject(step.old) ? step.old : undefined;
    if (!state) continue;
    // An old copy waiting to be deleted after a replace (a refresh reads it too): not the resource, as a state reader skips it.
    if (state.delete === true) {
      pendingDelete.add(`${urn}\u0000${typeof state.id === 'string' ? state.id : ''}`);
      continue;
    }
    const raw: Record<string, unknown> = { ...state, urn: typeof state.urn === 'string' && state.urn ? state.urn : urn };
    if (raw.type === '' || raw.type === undefined) raw.type = step.type;
    for (const k of ['id', 'parent', 'provider']) if (raw[k] === '') delete raw[k];
    if (!isWellFormedResource(raw)) {
      problems.push({ file, reason: `event ${index} (${step.op} ${urn}): the resource state is not well formed` });
      continue;
    }
    latest.set(urn, { raw, index });
  }
  if (rest < text.length && text.slice(rest).trim() !== '')
    problems.push({ file, reason: `event ${index + 1}: an incomplete JSON event at the end (was the log cut off?)` });
  const records: ResourceRecord[] = [];
  for (const urn of order) {
    const entry = latest.get(urn);
    if (!entry) continue;
    const record = recordFromRaw(entry.raw, file, problems, entry.index, keep);
    if (!record) continue;
    record.inputs = secretsOf(record.inputs) as PropertyMap;
    record.outputs = secretsOf(record.outputs) as PropertyMap;
    records.push(record);
  }
  if (problems.length > 0) throw new InputError(problems.slice(0, 10));
  const stackInput = (stack: string, project: string, resources: ResourceRecord[]): StackInput => ({
    input,
    file,
    kind: 'preview',
    stack,
    project,
    config: placementConfig(Object.fromEntries(Object.entries(config).filter(([, v]) => v !== '[secret]'))),
    resources,
    warnings,
  });
  if (records.length === 0 && order.length > 0 && order.every((u) => latest.get(u) === null)) {
    // A destroy (or a refresh that found everything gone) leaves an empty stack: read as that, as an empty state is, so that
    // `diff before.json destroy.json` shows every finding resolved and every service gone rather than refusing the log.
    const urn = parseUrn(order.find((u) => parseUrn(u)?.type === STACK_TYPE) ?? order[0]!);
    warnings.push({
      file,
      message: `a Pulumi engine event log in which every resource its steps name (${order.length}) is deleted (a \`pulumi destroy\`, or a refresh that found them gone): read as the empty stack it leaves; nothing in it can be judged`,
    });
    const unfinishedDestroy = runNotFinished(summary, failedOps, [...begun.keys()]);
    if (unfinishedDestroy) warnings.push({ file, message: unfinishedDestroy });
    return stackInput(urn?.stack ?? 'unknown', urn?.project ?? 'unknown', []);
  }
  if (records.length === 0) {
    const failed =
      summary?.result === 'failed' || summary?.result === 'canceled' ? ` (the run it records ${summary.result === 'failed' ? 'failed' : 'was canceled'})` : '';
    throw new InputError({
      file,
      reason: `a Pulumi engine event log with no resource steps${failed}: record one with \`pulumi up --event-log FILE\` or \`pulumi preview --json\` after the program registered resources, or analyze \`pulumi stack export\` output`,
    });
  }
  const present = new Set(records.map((r) => r.urn));
  for (const r of records) {
    if (r.parent && !present.has(r.parent)) delete r.parent;
    if (r.provider && !present.has(r.provider)) delete r.provider;
  }
  checkIntegrity(records, file);
  warnings.push({
    file,
    message:
      'an engine event log carries no dependencies between resources: shared dependencies are not seen; for them analyze `pulumi stack export` or `pulumi preview --json` output',
  });
  if (pendingDelete.size > 0) {
    const n = pendingDelete.size;
    warnings.push({ file, message: `skipped ${n} old resource cop${n === 1 ? 'y' : 'ies'} marked for deletion after a replace` });
  }
  const unfinished = runNotFinished(summary, failedOps, [...begun.keys()]);
  if (unfinished) warnings.push({ file, message: unfinished });
  const stackRecord = records.find((r) => r.type === STACK_TYPE) ?? records[0]!;
  return stackInput(stackRecord.stack, stackRecord.project, records);
}
