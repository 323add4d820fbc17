/**
 * Stack references across inputs. A `pulumi:pulumi:StackReference` in stack A
 * whose `name` (org/project/stack, project/stack or stack) names the stack of
 * another input B is linked: every resource of A that depends on the
 * reference (dependencies or property dependencies) gets dependencies on the
 * resources of B behind the outputs it reads, so that it `requires` them in
 * the model, across stacks.
 *
 * Which resources are behind which outputs (a heuristic; see
 * docs/inputs-nodejs.md):
 *  1. Outputs read. The values of the dependent's inputs that came through
 *     the reference (its property dependencies on it) are compared with the
 *     values of B's stack outputs (the outputs of its `pulumi:pulumi:Stack`
 *     resource): equal strings, or an output string of 8 characters or more
 *     inside an input string (`postgres://${host}:5432`).
 *  2. Producers of an output: for each string of it that was used (one id
 *     of a list of subnet ids), or every string of it when linking coarsely: the
 *     resource whose id it is; else the resources whose outputs hold it and
 *     whose inputs do not (they made it, they were not given it); else, when
 *     at most three resources hold it at all, those. A resource reference in
 *     an output is its resource.
 *  3. When the outputs read cannot be told (the values are unknown, as in a
 *     preview or a program run under mocks, secret, or match nothing; or the
 *     dependency is only `dependsOn`), the dependent is linked to the
 *     producers of every output the reference may have read (the outputs its
 *     state lists, or that a program asked for; else all of B's outputs), and
 *     of the Stack resource's own dependencies, and a warning names what was
 *     linked so coarsely.
 */
import type { Warning } from '../errors.js';
import { asSpecial, type PropertyValue, type ResourceRecord, type StackInput } from './types.js';
import { isProviderType, STACK_REFERENCE_TYPE, STACK_TYPE } from '../pulumi.js';

export { STACK_REFERENCE_TYPE };
/** An output string at least this long may be found inside a longer input string. */
const MIN_EMBEDDED = 8;
/** A value held by more resources than this (a region, a CIDR) names none of them. */
const MAX_HOLDERS = 3;

const isObject = (v: unknown): v is Record<string, PropertyValue> => v !== null && typeof v === 'object' && !Array.isArray(v) && asSpecial(v) === undefined;

/** The strings in a value, deep; a resource reference gives its URN (marked). */
function strings(v: PropertyValue | undefined, out: string[] = [], refs?: string[]): string[] {
  if (v === undefined || v === null) return out;
  if (typeof v === 'string') {
    if (v !== '') out.push(v);
    return out;
  }
  if (typeof v !== 'object') return out;
  if (Array.isArray(v)) {
    for (const x of v) strings(x, out, refs);
    return out;
  }
  const s = asSpecial(v);
  if (s) {
    if (s.kind === 'resource-ref' && refs) refs.push(s.urn);
    return out;
  }
  for (const key of Object.keys(v)) strings((v as Record<string, PropertyValue>)[key], out, refs);
  return out;
}

export interface StackName {
  organization?: string;
  project?: string;
  stack: string;
}

export function parseStackName(name: string): StackName {
  const parts = name.split('/');
  if (parts.length >= 3) return { organization: parts[0]!, project: parts[1]!, stack: parts.slice(2).join('/') };
  if (parts.length === 2) return { project: parts[0]!, stack: parts[1]! };
  return { stack: name };
}

/** The input a reference names: by project and stack; a bare stack prefers the referrer's project. */
function findTarget(inputs: StackInput[], from: StackInput, name: StackName): StackInput[] {
  const others = inputs.filter((i) => i !== from && !(i.project === from.project && i.stack === from.stack));
  if (name.project !== undefined) {
    const exact = others.filter((i) => i.project === name.project && i.stack === name.stack);
    if (exact.length > 0 || name.organization !== undefined) return exact;
    // `org/stack`, the older spelling: the first part is not a project.
  }
  const byStack = others.filter((i) => i.stack === name.stack);
  const sameProject = byStack.filter((i) => i.project === from.project);
  return sameProject.length > 0 ? sameProject : byStack;
}

/** Who is behind the values of one stack's outputs. */
class Producers {
  private readonly byId = new Map<string, ResourceRecord[]>();
  private readonly byUrn = new Map<string, ResourceRecord>();
  private holders?: Map<string, Array<{ record: ResourceRecord; given: boolean }>>;
  private readonly memo = new Map<string, ResourceRecord[]>();

  constructor(private readonly target: StackInput) {
    for (const r of target.resources) {
      this.byUrn.set(r.urn, r);
      if (!candidate(r) || !r.id) continue;
      const list = this.byId.get(r.id);
      if (list) list.push(r);
      else this.byId.set(r.id, [r]);
    }
  }

  get stackResource(): ResourceRecord | undefined {
    return this.target.resources.find((r) => r.type === STACK_TYPE);
  }

  get outputs(): Record<string, PropertyValue> {
    const o = this.stackResource?.outputs;
    return o ?? {};
  }

  record(urn: string): ResourceRecord | undefined {
    return this.byUrn.get(urn);
  }

  private holdersOf(value: string): Array<{ record: ResourceRecord; given: boolean }> {
    if (!this.holders) {
      this.holders = new Map();
      for (const r of this.target.resources) {
        if (!candidate(r)) continue;
        const given = new Set(strings(r.inputs));
        const seen = new Set<string>();
        for (const s of strings(r.outputs)) {
          if (seen.has(s)) continue;
          seen.add(s);
          const list = this.holders.get(s);
          const entry = { record: r, given: given.has(s) };
          if (list) list.push(entry);
          else this.holders.set(s, [entry]);
        }
      }
    }
    return this.holders.get(value) ?? [];
  }

  /** The resources that produced one string value (see the header). */
  ofString(value: string): ResourceRecord[] {
    const memo = this.memo.get(value);
    if (memo) return memo;
    let out: ResourceRecord[] = this.byId.get(value) ?? [];
    if (out.length === 0) {
      const holders = this.holdersOf(value);
      const made = holders.filter((h) => !h.given).map((h) => h.record);
      if (made.length > 0 && made.length <= MAX_HOLDERS) out = made;
      else if (made.length === 0 && holders.length > 0 && holders.length <= MAX_HOLDERS) out = holders.map((h) => h.record);
    }
    out = [...new Set(out)];
    this.memo.set(value, out);
    return out;
  }

  /** The resources behind one stack output. */
  ofOutput(name: string): ResourceRecord[] {
    const refs: string[] = [];
    const found = new Set<ResourceRecord>();
    for (const s of strings(this.outputs[name], [], refs)) for (const r of this.ofString(s)) found.add(r);
    for (const urn of refs) {
      const r = this.byUrn.get(urn);
      if (r && candidate(r)) found.add(r);
    }
    return [...found];
  }
}

/** A resource that can be behind an output: not the stack, a provider or another reference. */
function candidate(r: ResourceRecord): boolean {
  return r.type !== STACK_TYPE && r.type !== STACK_REFERENCE_TYPE && !isProviderType(r.type);
}

/** Pairs of strings compared directly at most; beyond, through a Containment index (the same answers, not quadratic). */
const DIRECT_PAIRS = 100_000;

/**
 * Which of a list of strings contain a given one, without trying each: the strings indexed by their substrings of
 * MIN_EMBEDDED characters (a longer needle's first ones pick the candidates, checked whole), and by substrings of a
 * shorter needle's length, made when first asked for.
 */
class Containment {
  private readonly grams = new Map<number, Map<string, number[]>>();

  constructor(private readonly texts: readonly string[]) {}

  private gramsOf(len: number): Map<string, number[]> {
    let map = this.grams.get(len);
    if (!map) {
      map = new Map();
      for (let t = 0; t < this.texts.length; t++) {
        const text = this.texts[t]!;
        for (let i = 0; i + len <= text.length; i++) {
          const g = text.slice(i, i + len);
          const list = map.get(g);
          if (!list) map.set(g, [t]);
          else if (list[list.length - 1] !== t) list.push(t);
        }
      }
      this.grams.set(len, map);
    }
    return map;
  }

  /** Whether some text that `accept` takes contains `needle` (not empty). */
  some(needle: string, accept: (text: string) => boolean): boolean {
    const len = Math.min(needle.length, MIN_EMBEDDED);
    const grams = this.gramsOf(len);
    // The candidates of the needle's rarest substring (ids that share a prefix share its first characters).
    let candidates: number[] | undefined;
    for (let i = 0; i + len <= needle.length; i++) {
      const list = grams.get(needle.slice(i, i + len));
      if (!list) return false;
      if (!candidates || list.length < candidates.length) candidates = list;
    }
    for (const t of candidates ?? []) {
      const text = this.texts[t]!;
      if ((needle.length === len || text.includes(needle)) && accept(text)) return true;
    }
    return false;
  }
}

/**
 * The outputs of `outputs` whose values were passed into `inputValue`, with the strings of each that were.
 * `directPairs`: for tests, to compare both ways of finding them.
 */
export function outputsRead(outputs: Record<string, PropertyValue>, inputValue: PropertyValue | undefined, directPairs = DIRECT_PAIRS): Map<string, string[]> {
  const values = strings(inputValue);
  if (values.length === 0) return new Map();
  const byOutput = Object.keys(outputs).map((name) => [name, strings(outputs[name])] as const);
  const pairs = values.length * byOutput.reduce((n, [, list]) => n + list.length, 0);
  let read: (o: string) => boolean;
  if (pairs <= directPairs) read = (o) => values.some((v) => v === o || (o.length >= MIN_EMBEDDED && v.includes(o)));
  else {
    const exact = new Set(values);
    const index = new Containment(values);
    read = (o) => exact.has(o) || (o.length >= MIN_EMBEDDED && index.some(o, () => true));
  }
  const matched = new Map<string, string[]>();
  for (const [name, list] of byOutput) {
    const hits = list.filter(read);
    if (hits.length > 0) matched.set(name, hits);
  }
  // An output found only inside the value of another output that was read (the region inside a
  // host name) was not read itself.
  const all = [...matched.values()].flat();
  let inside: (h: string) => boolean;
  if (all.length * all.length <= directPairs) inside = (h) => all.some((o) => o !== h && o.includes(h));
  else {
    const index = new Containment([...new Set(all)]);
    inside = (h) => index.some(h, (o) => o !== h);
  }
  for (const [name, hits] of [...matched]) if (hits.every(inside)) matched.delete(name);
  return matched;
}

function nameOf(sr: ResourceRecord): string | undefined {
  for (const v of [sr.inputs.name, sr.outputs.name]) if (typeof v === 'string' && v !== '') return v;
  return sr.id ?? sr.name;
}

function addDependency(r: ResourceRecord, key: string | undefined, urns: string[]): void {
  appendNew(r.dependencies, urns);
  if (key !== undefined) appendNew(r.propertyDependencies[key] ?? (r.propertyDependencies[key] = []), urns);
}

/** Append the URNs not in the list yet, in order, through a set: linked coarsely to 20,000 resources, an `includes` per URN was quadratic. */
function appendNew(list: string[], urns: string[]): void {
  const have = new Set(list);
  for (const urn of urns) {
    if (have.has(urn)) continue;
    have.add(urn);
    list.push(urn);
  }
}

function where(input: StackInput, r: ResourceRecord): Warning {
  return { file: r.source?.file ?? input.file, ...(r.source?.line ? { line: r.source.line } : {}), message: '' };
}

const list = (names: string[], max = 5): string =>
  names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;

/** The indices of the inputs that stack references link: the referring inputs and the ones they name. */
export function stacksToLink(inputs: StackInput[]): number[] {
  const out = new Set<number>();
  inputs.forEach((from, i) => {
    for (const r of from.resources) {
      if (r.type !== STACK_REFERENCE_TYPE) continue;
      const name = nameOf(r);
      const targets = name ? findTarget(inputs, from, parseStackName(name)) : [];
      if (targets.length !== 1) continue;
      out.add(i);
      out.add(inputs.indexOf(targets[0]!));
    }
  });
  return [...out].sort((a, b) => a - b);
}

/** Link every stack reference of the inputs to the inputs they name (in place); warnings go to the referring input. */
export function linkStackReferences(inputs: StackInput[]): void {
  const producers = new Map<StackInput, Producers>();
  for (const from of inputs) {
    const refs = from.resources.filter((r) => r.type === STACK_REFERENCE_TYPE);
    if (refs.length === 0) continue;
    const dependents = dependentsOf(from.resources, refs);
    for (const sr of refs) {
      const name = nameOf(sr);
      const w = where(from, sr);
      if (!name) continue;
      const targets = findTarget(inputs, from, parseStackName(name));
      if (targets.length === 0) {
        if (inputs.length > 1) {
          from.warnings.push({
            ...w,
            message: `${sr.name}: the stack reference "${name}" names no stack among the inputs; what it reads is not linked (analyze that stack together with this one to follow it)`,
          });
        }
        continue;
      }
      if (targets.length > 1) {
        from.warnings.push({
          ...w,
          message: `${sr.name}: the stack reference "${name}" matches several inputs (${targets.map((t) => t.input).join(', ')}); not linked`,
        });
        continue;
      }
      const target = targets[0]!;
      let p = producers.get(target);
      if (!p) producers.set(target, (p = new Producers(target)));
      linkReference(from, sr, name, target, p, dependents.get(sr.urn) ?? []);
    }
  }
}

/** What depends on a stack reference: a resource, the properties it reads through it, and whether it depends on it. */
interface Dependent {
  record: ResourceRecord;
  keys: string[];
  depends: boolean;
}

/**
 * The dependents of each stack reference, in the order of the resources, found in one pass over them (a pass over
 * every resource for each reference was quadratic: 8,000 references, 12 s).
 */
function dependentsOf(resources: ResourceRecord[], refs: ResourceRecord[]): Map<string, Dependent[]> {
  const out = new Map<string, Dependent[]>(refs.map((sr) => [sr.urn, []]));
  for (const r of resources) {
    const mine = new Map<string, Dependent>();
    const entry = (urn: string): Dependent | undefined => {
      let d = mine.get(urn);
      if (!d) {
        const list = out.get(urn);
        if (!list || urn === r.urn) return undefined;
        d = { record: r, keys: [], depends: false };
        mine.set(urn, d);
        list.push(d);
      }
      return d;
    };
    for (const key of Object.keys(r.propertyDependencies))
      for (const urn of r.propertyDependencies[key]!) {
        const d = entry(urn);
        if (d && d.keys[d.keys.length - 1] !== key) d.keys.push(key);
      }
    for (const urn of r.dependencies) {
      const d = entry(urn);
      if (d) d.depends = true;
    }
  }
  return out;
}

function linkReference(from: StackInput, sr: ResourceRecord, name: string, target: StackInput, p: Producers, dependents: Dependent[]): void {
  const outputs = p.outputs;
  const targetName = `${target.project}/${target.stack}`;
  // The outputs the reference may have read: those its own state lists (or a program asked for), else all.
  const listed = isObject(sr.outputs.outputs) ? Object.keys(sr.outputs.outputs).filter((k) => k in outputs) : [];
  const mayRead = listed.length > 0 ? listed : Object.keys(outputs);
  const coarseTargets = (): ResourceRecord[] => {
    const found = new Set<ResourceRecord>();
    for (const o of mayRead) for (const r of p.ofOutput(o)) found.add(r);
    for (const d of p.stackResource?.dependencies ?? []) {
      const r = p.record(d);
      if (r && candidate(r)) found.add(r);
    }
    return [...found];
  };
  let coarse: ResourceRecord[] | undefined;
  const coarselyLinked: string[] = [];
  const unresolved = new Set<string>();
  let nothing = false;

  const linkCoarsely = (r: ResourceRecord, key: string | undefined): void => {
    coarse ??= coarseTargets();
    if (coarse.length === 0) {
      nothing = true;
      return;
    }
    addDependency(
      r,
      key,
      coarse.map((c) => c.urn),
    );
    if (!coarselyLinked.includes(r.name)) coarselyLinked.push(r.name);
  };

  for (const { record: r, keys, depends } of dependents) {
    if (keys.length === 0) {
      // Only a resource-level dependency (dependsOn, or a state without property dependencies).
      if (depends) linkCoarsely(r, undefined);
      continue;
    }
    for (const key of keys) {
      const urns = new Set<string>();
      // Only the parts of an output that were used: one subnet id of a list of them.
      for (const [o, hits] of outputsRead(outputs, r.inputs[key])) {
        const behind = new Set(hits.flatMap((h) => p.ofString(h)));
        if (behind.size === 0) unresolved.add(o);
        for (const b of behind) urns.add(b.urn);
      }
      if (urns.size > 0) addDependency(r, key, [...urns]);
      else linkCoarsely(r, key);
    }
  }

  const w = where(from, sr);
  if (coarselyLinked.length > 0 && coarse) {
    from.warnings.push({
      ...w,
      message: `${sr.name}: could not tell which outputs of ${targetName} are read by ${list(coarselyLinked)}; linked ${coarselyLinked.length === 1 ? 'it' : 'them'} coarsely to every resource behind ${listed.length > 0 ? `the outputs ${list(listed)}` : `all of that stack's outputs`}: ${list(
        coarse.map((c) => c.name),
        8,
      )}`,
    });
  }
  if (nothing) {
    from.warnings.push({
      ...w,
      message: `${sr.name}: found no resource of ${targetName} behind ${listed.length > 0 ? `the outputs it reads (${list(listed)})` : 'any of its outputs'}; its dependents are not linked`,
    });
  }
  if (unresolved.size > 0) {
    from.warnings.push({
      ...w,
      message: `${sr.name}: found no resource of ${targetName} behind the output${unresolved.size === 1 ? '' : 's'} ${list([...unresolved])}`,
    });
  }
}
