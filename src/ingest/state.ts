/**
 * Pulumi state: `pulumi stack export` ({version, deployment}), file-backend
 * checkpoints ({version, checkpoint: {stack, latest}}) and the unversioned
 * legacy form ({target, latest}). Versions 3 and 4; a version-4 state that
 * lists a feature firebreak does not know is refused, as Pulumi refuses it.
 */
import { z } from 'zod';
import { chainText, InputError, type Problem, type Warning } from '../errors.js';
import { describeZodIssue, zodProblems } from '../zod-issues.js';
import { decodeMap, decodeValue, markSecrets, secretEnvelopes, UNKNOWN_SENTINEL } from './values.js';
import { parseUrn, type PropertyMap, type ResourceRecord, type StackInput } from './types.js';
import { STACK_TYPE } from '../pulumi.js';

/** Features of deployment version 4 that firebreak reads correctly. */
export const KNOWN_FEATURES: readonly string[] = ['refreshBeforeUpdate'];

export const resourceSchema = z.looseObject({
  urn: z.string().min(1),
  type: z.string().min(1).optional(),
  custom: z.boolean().optional(),
  delete: z.boolean().optional(),
  id: z.string().optional().nullable(),
  inputs: z.record(z.string(), z.unknown()).optional().nullable(),
  outputs: z.record(z.string(), z.unknown()).optional().nullable(),
  parent: z.string().optional().nullable(),
  provider: z.string().optional().nullable(),
  external: z.boolean().optional(),
  dependencies: z.array(z.string()).optional().nullable(),
  propertyDependencies: z.record(z.string(), z.array(z.string()).nullable()).optional().nullable(),
  sourcePosition: z.string().optional(),
});

const deploymentSchema = z.looseObject({
  manifest: z.looseObject({}).optional(),
  resources: z.array(z.unknown()).optional().nullable(),
  pending_operations: z.array(z.unknown()).optional().nullable(),
});

type RawResource = z.infer<typeof resourceSchema>;

const optString = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string';
const optBool = (v: unknown): boolean => v === undefined || typeof v === 'boolean';
const optMap = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'object' && !Array.isArray(v));
const isStringArray = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * The same check as resourceSchema, without building a copy: true only for
 * resources that resourceSchema accepts (a test compares the two).
 */
export function isWellFormedResource(r: unknown): r is RawResource {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) return false;
  const o = r as Record<string, unknown>;
  if (typeof o.urn !== 'string' || o.urn.length === 0) return false;
  if (o.type !== undefined && (typeof o.type !== 'string' || o.type.length === 0)) return false;
  if (!optBool(o.custom) || !optBool(o.delete) || !optBool(o.external)) return false;
  if (!optString(o.id) || !optString(o.parent) || !optString(o.provider)) return false;
  if (o.sourcePosition !== undefined && typeof o.sourcePosition !== 'string') return false;
  if (!optMap(o.inputs) || !optMap(o.outputs)) return false;
  if (o.dependencies !== undefined && o.dependencies !== null && !isStringArray(o.dependencies)) return false;
  const pd = o.propertyDependencies;
  if (pd !== undefined && pd !== null) {
    if (typeof pd !== 'object' || Array.isArray(pd)) return false;
    for (const k in pd as Record<string, unknown>) {
      const v = (pd as Record<string, unknown>)[k];
      if (v !== null && !isStringArray(v)) return false;
    }
  }
  return true;
}

export { describeZodIssue };

function shapeError(file: string, issues: z.core.$ZodIssue[], prefix: string): InputError {
  return new InputError(zodProblems(file, issues, { lead: 'not a Pulumi state: ', prefix, max: 5 }));
}

interface Envelope {
  kind: 'export' | 'checkpoint' | 'legacy-checkpoint';
  version?: number;
  stackName?: string;
  deployment: unknown;
  deploymentPath: string;
  config: Record<string, unknown>;
}

/** An update record (Go backend.UpdateInfo): what a DIY backend's `.history.json` holds and `pulumi stack history --json` lists. */
const isUpdateRecord = (v: unknown): boolean => isPlainObject(v) && typeof v.kind === 'string' && typeof v.startTime === 'number' && !('resources' in v);

function envelopeOf(doc: unknown, file: string): Envelope {
  if (isUpdateRecord(doc) || (Array.isArray(doc) && doc.length > 0 && isUpdateRecord(doc[0]))) {
    throw new InputError({
      file,
      reason:
        'a record of stack updates (a DIY backend .history.json, or `pulumi stack history --json`), not a state: analyze `pulumi stack export` output, or the .checkpoint.json beside a .history.json',
    });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new InputError({ file, reason: 'not a Pulumi state: expected a JSON object such as `pulumi stack export` prints' });
  }
  const d = doc as Record<string, unknown>;
  if ('deployment' in d) {
    return { kind: 'export', version: numberOrUndefined(d.version), deployment: d.deployment, deploymentPath: 'deployment', config: {} };
  }
  if ('checkpoint' in d) {
    const cp = d.checkpoint;
    if (cp === null || typeof cp !== 'object' || Array.isArray(cp)) {
      throw new InputError({ file, reason: 'not a Pulumi state: `checkpoint` must be an object' });
    }
    const c = cp as Record<string, unknown>;
    return {
      kind: 'checkpoint',
      version: numberOrUndefined(d.version),
      stackName: typeof c.stack === 'string' ? c.stack : undefined,
      deployment: c.latest ?? { resources: [] },
      deploymentPath: 'checkpoint.latest',
      config: isPlainObject(c.config) ? c.config : {},
    };
  }
  if ('latest' in d && !('version' in d)) {
    return {
      kind: 'legacy-checkpoint',
      stackName: typeof d.target === 'string' ? d.target : undefined,
      deployment: d.latest ?? { resources: [] },
      deploymentPath: 'latest',
      config: isPlainObject(d.config) ? d.config : {},
    };
  }
  throw new InputError({
    file,
    reason:
      'not a Pulumi state: expected `{version, deployment}` (pulumi stack export), `{version, checkpoint}` (a .pulumi/stacks checkpoint) or `{target, latest}` (legacy)',
  });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function numberOrUndefined(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

/** Provider-namespaced scalar config that can place resources; secrets are left out. */
export function placementConfig(config: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(config).sort()) {
    const value = config[key];
    if (typeof value === 'string' && key.includes(':')) out[key] = value;
  }
  return out;
}

function checkVersion(doc: Record<string, unknown>, env: Envelope, file: string): void {
  if (env.kind === 'legacy-checkpoint') return;
  if (env.version === undefined) {
    throw new InputError({ file, reason: 'not a Pulumi state: `version` is missing or not a number' });
  }
  if (env.version < 1 || env.version > 4) {
    throw new InputError({
      file,
      reason: `deployment version ${env.version} is not supported (firebreak reads versions 1 to 4); upgrade firebreak or export with a matching Pulumi CLI`,
    });
  }
  if (env.version === 4) {
    const features = doc.features;
    if (features !== undefined && !Array.isArray(features)) {
      throw new InputError({ file, reason: 'not a Pulumi state: `features` must be a list' });
    }
    // Named when a feature is a name; otherwise by position (input bytes are never quoted).
    const unknown = (features ?? []).flatMap((f, i) =>
      typeof f === 'string' && KNOWN_FEATURES.includes(f) ? [] : [typeof f === 'string' && /^[A-Za-z][\w-]{0,63}$/.test(f) ? f : `features[${i}]`],
    );
    if (unknown.length > 0) {
      throw new InputError({
        file,
        reason: `the state needs feature(s) firebreak does not support: ${unknown.join(', ')} (as Pulumi itself would refuse it); firebreak knows: ${KNOWN_FEATURES.join(', ')}`,
      });
    }
  }
}

/** The provider URN of a provider reference `<urn>::<id>`. */
export function providerUrn(ref: string): string {
  const i = ref.lastIndexOf('::');
  return i > 0 && ref.slice(0, i).startsWith('urn:pulumi:') ? ref.slice(0, i) : ref;
}

/**
 * The references (dependencies, property dependencies, parents, providers) of the resources read lately, so that
 * a reference that repeats one of them becomes that same string: the parsed copy is let go at once instead of
 * living, one per mention, until checkIntegrity interns them all. A reference is compared with the few last ones
 * (a length check and a memcmp; cheaper than hashing it), and for a property dependency with the resource's own
 * dependencies, which Pulumi lists it among. Only ever an equal string is handed back. One per batch of a state.
 * (At 100k resources about 70 % of the 450k references repeat one of these; with parseUrn's reuse of stack, project
 * and type, the bytes the scavenger promoted fell from 329 to 288 MB and its pauses by about a sixth.)
 */
export class Mentions {
  private readonly recent: string[] = ['', '', '', ''];
  private next = 0;
  private lastRef = '';
  private lastProvider = '';

  /** `urn`, or an equal string mentioned lately. */
  one(urn: string): string {
    const recent = this.recent;
    for (let k = 0; k < recent.length; k++) if (recent[k] === urn) return recent[k]!;
    recent[this.next] = urn;
    this.next = (this.next + 1) % recent.length;
    return urn;
  }

  /** The provider URN of a provider reference, as providerUrn gives it. */
  provider(ref: string): string {
    if (ref !== this.lastRef) {
      this.lastRef = ref;
      this.lastProvider = this.one(providerUrn(ref));
    }
    return this.lastProvider;
  }

  /** A record's references, in place. */
  record(r: ResourceRecord): void {
    const deps = r.dependencies;
    for (let k = 0; k < deps.length; k++) deps[k] = this.one(deps[k]!);
    for (const key in r.propertyDependencies) {
      const list = r.propertyDependencies[key]!;
      for (let k = 0; k < list.length; k++) {
        const urn = list[k]!;
        let d = deps.length <= 32 ? 0 : deps.length;
        while (d < deps.length && deps[d] !== urn) d++;
        list[k] = d < deps.length ? deps[d]! : this.one(urn);
      }
    }
    if (r.parent) r.parent = this.one(r.parent);
  }
}

/** A property map left undecoded: an object as it is, anything else {} (as decodeMap gives). */
function asMap(value: unknown): PropertyMap {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as PropertyMap) : {};
}

/** Only the properties some rule reads: the rest of a large state is let go at once. */
function pick(map: Record<string, unknown> | null | undefined, keep: ReadonlySet<string>): Record<string, unknown> | undefined {
  if (!map) return undefined;
  const out: Record<string, unknown> = {};
  for (const key in map) if (keep.has(key)) out[key] = map[key];
  return out;
}

/**
 * pick, then decodeMap, in one pass: each kept value decoded as it is copied (as decodeMap would decode it in place),
 * rather than a second loop over the copy (100k resources, --jobs 1: the batches' separate decode pass was about
 * 50 ms of CPU).
 */
function pickDecoded(map: Record<string, unknown> | null | undefined, keep: ReadonlySet<string>): PropertyMap {
  if (!map) return {};
  const out: Record<string, unknown> = {};
  for (const key in map) {
    if (!keep.has(key)) continue;
    const v = map[key];
    out[key] = v !== null && (typeof v === 'object' || v === UNKNOWN_SENTINEL) ? decodeValue(v) : v;
  }
  return out as PropertyMap;
}

/**
 * A new empty map of property dependencies: a null prototype (a property named __proto__ is just a name), made a
 * fast object rather than Object.create(null)'s dictionary, smaller and kept with every record that has none
 * (100k, the heap after ingest: 109.5 to 104.8 MB for the 38k records without any).
 */
export function noPropertyDependencies(): Record<string, string[]> {
  return Object.setPrototypeOf({}, null) as Record<string, string[]>;
}

/** Whether every list of a (checked) propertyDependencies map has a URN. */
function allListed(pd: Record<string, string[] | null>): boolean {
  for (const key in pd) {
    const deps = pd[key];
    if (!deps || deps.length === 0) return false;
  }
  return true;
}

/** A record from a checked resource; with decode false its inputs and outputs are left as JSON (decodeMap them later). */
export function recordFromRaw(
  r: RawResource,
  file: string,
  problems: Problem[],
  index: number,
  keep?: ReadonlySet<string>,
  decode = true,
  mentions?: Mentions,
): ResourceRecord | undefined {
  const parsed = parseUrn(r.urn);
  if (!parsed) {
    problems.push({ file, reason: `resources[${index}].urn: not a Pulumi URN (expected urn:pulumi:STACK::PROJECT::TYPE::NAME)` });
    return undefined;
  }
  // Null prototype: a property named __proto__ is just a name, and no name finds Object.prototype's members.
  let propertyDependencies: Record<string, string[]>;
  const pd = r.propertyDependencies;
  if (pd && allListed(pd)) {
    // The parsed object itself, when no list is null or empty (as Pulumi writes them): its prototype set to null it
    // stays a fast object, where a copy into Object.create(null) made a dictionary for each resource, kept to the end
    // (a micro-benchmark of 60k resources: 30 ms to 4 ms; and for-in over it uses the enum cache).
    propertyDependencies = Object.setPrototypeOf(pd, null) as Record<string, string[]>;
  } else {
    propertyDependencies = noPropertyDependencies();
    if (pd) {
      for (const key of Object.keys(pd)) {
        const deps = pd[key];
        if (deps && deps.length > 0) propertyDependencies[key] = deps;
      }
    }
  }
  const record: ResourceRecord = {
    urn: r.urn,
    type: r.type ?? parsed.type,
    name: parsed.name,
    stack: parsed.stack,
    project: parsed.project,
    custom: r.custom ?? false,
    // additionalSecretOutputs: secrets even in plain text (left undecoded, as secret envelopes that decodeMap reads later).
    inputs: decode
      ? markSecrets(keep ? pickDecoded(r.inputs, keep) : decodeMap(r.inputs), r.additionalSecretOutputs)
      : secretEnvelopes(asMap(keep ? pick(r.inputs, keep) : r.inputs), r.additionalSecretOutputs),
    outputs: decode
      ? markSecrets(keep ? pickDecoded(r.outputs, keep) : decodeMap(r.outputs), r.additionalSecretOutputs)
      : secretEnvelopes(asMap(keep ? pick(r.outputs, keep) : r.outputs), r.additionalSecretOutputs),
    dependencies: r.dependencies ?? [],
    propertyDependencies,
  };
  if (r.id) record.id = r.id;
  if (r.parent) record.parent = r.parent;
  if (r.provider) record.provider = mentions ? mentions.provider(r.provider) : providerUrn(r.provider);
  if (mentions) mentions.record(record);
  if (r.external) record.external = true;
  if (r.sourcePosition) {
    const m = /^project:\/\/(.*?)(?:#(\d+)(?:,(\d+))?)?$/.exec(r.sourcePosition);
    if (m && m[1]) {
      record.source = { file: m[1], ...(m[2] ? { line: Number(m[2]) } : {}), ...(m[3] ? { column: Number(m[3]) } : {}) };
    }
  }
  return record;
}

/**
 * Check what Pulumi's own snapshot integrity check would: URNs unique, every
 * dependency, parent and provider present, no dependency cycle. On the way,
 * references and types are interned (one string each, see below).
 */
export function checkIntegrity(resources: ResourceRecord[], file: string): void {
  const problems: Problem[] = [];
  const byUrn = new Map<string, number>();
  const types = new Map<string, string>();
  let lastType = '';
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i]!;
    // One string per type too (a state repeats a few hundred types over and over, often in runs: the previous
    // resource's type is tried first, a comparison being cheaper than hashing the string for the map).
    if (r.type === lastType) r.type = lastType;
    else {
      const type = types.get(r.type);
      if (type === undefined) types.set(r.type, r.type);
      else r.type = type;
      lastType = r.type;
    }
    const urn = r.urn;
    const seen = byUrn.get(urn);
    if (seen !== undefined) problems.push({ file, reason: `duplicate URN ${urn} (resources[${seen}] and resources[${i}])` });
    else byUrn.set(urn, i);
  }
  // Every reference must resolve; note whether all point backwards (Pulumi's order).
  // Each reference then becomes the referenced resource's own URN string: one string per URN in memory, not one per
  // mention, and a lookup by it hashes a string whose hash is already known.
  let ordered = true;
  const dangling = (r: ResourceRecord, what: string, urn: string): string => {
    if (problems.length < 20) problems.push({ file, reason: `${r.urn}: ${what} ${urn} is not in the state (dangling reference)` });
    return urn;
  };
  // A freshly parsed reference is a new string: a map lookup must hash it, while comparing it with a string it
  // likely equals is cheaper (a length check and a memcmp). So the references most likely to repeat are tried
  // first: the provider and the parent the previous resource named, the last few dependencies resolved (runs of
  // resources depend on the same network or subnet), and for a property dependency the resource's own
  // dependencies (Pulumi lists each among them). At 100k resources 70 % of the 450k references hit
  // (checkIntegrity of 100k records, median of 5 under load: 204 to 163 ms).
  // Each slot holds a resolved URN and its index; they start as resources[0]'s, a true entry.
  const first = resources.length > 0 ? resources[0]!.urn : '';
  const recent: string[] = [first, first, first, first];
  const recentAt: number[] = [0, 0, 0, 0];
  let next = 0;
  let provider = first;
  let providerAt = 0;
  let parent = first;
  let parentAt = 0;
  const resolve = (urn: string): number => {
    for (let k = 0; k < recent.length; k++) if (recent[k] === urn) return recentAt[k]!;
    const at = byUrn.get(urn);
    if (at === undefined) return -1;
    recent[next] = resources[at]!.urn;
    recentAt[next] = at;
    next = (next + 1) % recent.length;
    return at;
  };
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i]!;
    const deps = r.dependencies;
    for (let k = 0; k < deps.length; k++) {
      const at = resolve(deps[k]!);
      if (at < 0) dangling(r, 'dependency', deps[k]!);
      else {
        if (at >= i) ordered = false;
        deps[k] = resources[at]!.urn;
      }
    }
    for (const key in r.propertyDependencies) {
      const list = r.propertyDependencies[key]!;
      for (let k = 0; k < list.length; k++) {
        const urn = list[k]!;
        let same: string | undefined;
        if (deps.length <= 32) for (let d = 0; d < deps.length && same === undefined; d++) if (deps[d] === urn) same = deps[d];
        if (same !== undefined && byUrn.has(same)) list[k] = same;
        else {
          const at = resolve(urn);
          if (at < 0) dangling(r, `property dependency (${key})`, urn);
          else list[k] = resources[at]!.urn;
        }
      }
    }
    if (r.parent) {
      const at = r.parent === parent ? parentAt : byUrn.get(r.parent);
      if (at === undefined) dangling(r, 'parent', r.parent);
      else {
        if (at >= i) ordered = false;
        parent = r.parent = resources[at]!.urn;
        parentAt = at;
      }
    }
    if (r.provider) {
      const at = r.provider === provider ? providerAt : byUrn.get(r.provider);
      if (at === undefined) dangling(r, 'provider', r.provider);
      else {
        if (at >= i) ordered = false;
        provider = r.provider = resources[at]!.urn;
        providerAt = at;
      }
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  // In dependency order, no cycle is possible; otherwise look for one.
  if (ordered) return;
  const cycle = findCycle(resources, byUrn);
  if (cycle) {
    throw new InputError({ file, reason: `dependency cycle: ${chainText(cycle)}` });
  }
}

/** An iterative DFS over dependencies, parents and providers; returns one cycle as URNs. */
function findCycle(resources: ResourceRecord[], byUrn: Map<string, number>): string[] | undefined {
  const n = resources.length;
  const color = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const parentOf = new Int32Array(n).fill(-1);
  const edges = (i: number): number[] => {
    const r = resources[i]!;
    const out: number[] = [];
    for (const d of r.dependencies) out.push(byUrn.get(d)!);
    if (r.parent) out.push(byUrn.get(r.parent)!);
    if (r.provider) out.push(byUrn.get(r.provider)!);
    return out;
  };
  for (let start = 0; start < n; start++) {
    if (color[start] !== 0) continue;
    const stack: Array<[number, number[], number]> = [[start, edges(start), 0]];
    color[start] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [node, next] = top;
      if (top[2] < next.length) {
        const m = next[top[2]++]!;
        if (color[m] === 1) {
          const cycle = [resources[m]!.urn];
          for (let k = node; k !== m && k !== -1; k = parentOf[k]!) cycle.push(resources[k]!.urn);
          cycle.push(resources[m]!.urn);
          return cycle.reverse();
        }
        if (color[m] === 0) {
          color[m] = 1;
          parentOf[m] = node;
          stack.push([m, edges(m), 0]);
        }
      } else {
        color[node] = 2;
        stack.pop();
      }
    }
  }
  return undefined;
}

/**
 * One resource of a state as the streaming reader hands it over (src/ingest/stream.ts):
 * checked, projected and made a record already (its inputs and outputs not yet
 * decoded: decoded values carry a symbol key, which does not cross threads;
 * streamState decodes them as each batch arrives).
 */
export type ResourceItem = { record: ResourceRecord } | { bad: string[] } | { deleted: true } | { urnProblem: string };

type Checked = { raw: RawResource } | { bad: string[] } | { deleted: true };

/** Check one parsed resource as readState always has. */
function checkResource(raw: unknown, at: () => string): Checked {
  // Most resources are well formed: check them cheaply, and let zod explain the rest.
  const parsed = isWellFormedResource(raw) ? { success: true as const, data: raw } : resourceSchema.safeParse(raw);
  if (!parsed.success) return { bad: parsed.error.issues.slice(0, 3).map((issue) => `not a Pulumi state: ${describeZodIssue(issue, at())}`) };
  return parsed.data.delete ? { deleted: true } : { raw: parsed.data };
}

/**
 * resources[index] of the list at `path` (`deployment.resources`...) as the streaming reader hands it over; its values
 * decoded with `decode` (on the main thread), else left for decodeMap (a worker's: decoded values do not cross threads).
 */
export function resourceItem(raw: unknown, path: string, index: number, keep?: ReadonlySet<string>, mentions?: Mentions, decode = false): ResourceItem {
  const checked = checkResource(raw, () => `${path}[${index}]`);
  if (!('raw' in checked)) return checked;
  const problems: Problem[] = [];
  const record = recordFromRaw(checked.raw, '', problems, index, keep, decode, mentions);
  return record ? { record } : { urnProblem: problems[0]!.reason };
}

/**
 * Read one Pulumi state document (already parsed) into a StackInput. With
 * `items`, the resources were read apart from the document (whose resource
 * list is then empty), by the streaming reader, and their values decoded.
 */
export function readState(doc: unknown, file: string, input: string, keep?: ReadonlySet<string>, items?: ResourceItem[]): StackInput {
  const env = envelopeOf(doc, file);
  checkVersion(doc as Record<string, unknown>, env, file);
  const dep = deploymentSchema.safeParse(env.deployment);
  if (!dep.success) throw shapeError(file, dep.error.issues, env.deploymentPath);
  const rawResources = dep.data.resources ?? [];
  const problems: Problem[] = [];
  const warnings: Warning[] = [];
  const records: ResourceRecord[] = [];
  let pendingDelete = 0;
  const mentions = new Mentions();
  const count = items ? items.length : rawResources.length;
  for (let i = 0; i < count; i++) {
    const item = items ? items[i]! : checkResource(rawResources[i], () => `${env.deploymentPath}.resources[${i}]`);
    if ('record' in item) {
      // From the streaming reader, decoded already.
      records.push(item.record);
      continue;
    }
    if ('urnProblem' in item) {
      problems.push({ file, reason: item.urnProblem });
      continue;
    }
    if ('bad' in item) {
      for (const reason of item.bad) problems.push({ file, reason });
      if (problems.length >= 10) break;
      continue;
    }
    if ('deleted' in item) {
      pendingDelete++;
      continue;
    }
    const record = recordFromRaw(item.raw, file, problems, i, keep, true, mentions);
    if (record) records.push(record);
  }
  if (problems.length > 0) throw new InputError(problems);
  checkIntegrity(records, file);
  if (pendingDelete > 0) {
    warnings.push({ file, message: `skipped ${pendingDelete} old resource cop${pendingDelete === 1 ? 'y' : 'ies'} marked for deletion after a replace` });
  }
  const pending = dep.data.pending_operations ?? [];
  if (pending.length > 0) {
    warnings.push({
      file,
      message: `the state records ${pending.length} pending operation(s): a deployment was interrupted, so the state may not match the cloud`,
    });
  }
  if (records.length === 0 && pendingDelete === 0) {
    warnings.push({ file, message: 'the state holds no resources (a stack not yet deployed, or destroyed): nothing in it can be judged' });
  }
  const stackRecord = records.find((r) => r.type === STACK_TYPE);
  const first = stackRecord ?? records[0];
  // A checkpoint names its stack `organization/project/stack` (DIY backends in project mode) or just `stack`.
  const named = env.stackName ? env.stackName.split('/') : [];
  return {
    input,
    file,
    kind: env.kind,
    stack: named.length > 0 ? named[named.length - 1]! : (first?.stack ?? 'unknown'),
    project: first?.project ?? (named.length === 3 ? named[1]! : 'unknown'),
    config: placementConfig(env.config),
    resources: records,
    warnings,
  };
}
