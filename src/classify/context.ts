/** The lookups every classify step shares for one run: resources by URN, id and name, children, memos. */
import type { ResourceRecord, StackInput, StackOutputInfo } from '../ingest/types.js';
import { STACK_TYPE } from '../pulumi.js';
import type { Classifier } from './classifier.js';
import type { MergedRule } from './rules.js';
import type { ScalarValue } from './properties.js';
import type { ClassifiedResource, DomainSegment } from './types.js';
import type { Scope } from './schema.js';
import type { StackSymbol } from './unset-region.js';

export interface ZoneInfo {
  zones: ScalarValue[];
  unknown: boolean;
}

/** A node of the trie of domain paths: the path that ends here, and the next segments by name, then kind. */
export interface PathNode {
  path: DomainSegment[] | undefined;
  next: Map<string, Map<string, PathNode>> | undefined;
  /** `[path]`, the placements of a resource placed there alone: shared by all of them (never mutated). */
  one?: DomainSegment[][];
}

export interface HostPlacement {
  placements: DomainSegment[][];
  scope?: Scope;
}

export interface Context {
  classifier: Classifier;
  byUrn: Map<string, ResourceRecord>;
  byId: Map<string, ResourceRecord>;
  /** The resources of a name, in input order. */
  named(name: string): readonly ResourceRecord[];
  configOf: Map<string, Record<string, string>>;
  /** Per stack, the symbolic regions its placements may hold (unset-region.ts); set once the context is made. */
  symbolsOf: Map<string, StackSymbol[]>;
  /**
   * Stack outputs by `project/stack`: a program's with the resources and functions they come from, an export's
   * by name only (its Stack resource's outputs; a state records no dependencies of them). Values are never read.
   */
  outputsOf: Map<string, readonly StackOutputInfo[]>;
  zoneMemo: Map<string, ZoneInfo>;
  /** Placements of hosts (runsOn), by URN. */
  hostMemo: Map<string, HostPlacement>;
  /** One array per distinct domain path, shared by every resource placed there (a trie by segment: name, then kind). */
  paths: PathNode;
  /** The trie's `one` arrays (placement.ts onePlacement): placements already interned, not walked down the trie again. */
  interned: Set<DomainSegment[][]>;
  passMemo: Map<string, string[]>;
  /** The region a provider resource's region property gives (placement.ts providerRegion), by provider. */
  providerRegions: Map<ResourceRecord, { property: string; text: string | undefined }>;
  /** The resources that can fail (components). */
  failable: Set<ResourceRecord>;
  children: Map<string, string[]>;
  /** The records classified, in order, and each one's merged rules (set as classifyOne resolves them). */
  records: readonly ResourceRecord[];
  rulesAt: MergedRule[];
}

/**
 * The merged rules of the resource at index i of classify's resources (in record order): resolved once in classifyOne
 * and read here by index, not asked of the rule set again (each stage asked for them: ~6 Map lookups per resource, by
 * type and, for types with property rules, by record). Any other resource (an added identity or image) is asked for.
 */
export function rulesOf(ctx: Context, c: ClassifiedResource, i: number): MergedRule {
  const rules = ctx.rulesAt[i];
  return rules !== undefined && ctx.records[i] === c.record ? rules : ctx.classifier.rulesFor(c.record.type, c.record);
}

/**
 * `project/stack` strings, built once per stack (a fresh string per call would be hashed anew by every lookup).
 * Bounded: a long-lived library process that reads many projects starts the cache again.
 */
const stackKeys = new Map<string, Map<string, string>>();
const MAX_CACHED = 10_000;

export function stackKey(r: ResourceRecord): string {
  if (stackKeys.size > MAX_CACHED) stackKeys.clear();
  let byStack = stackKeys.get(r.project);
  if (!byStack) stackKeys.set(r.project, (byStack = new Map()));
  let key = byStack.get(r.stack);
  if (key === undefined) byStack.set(r.stack, (key = `${r.project}/${r.stack}`));
  return key;
}

/** How many distinct names `named` finds by a scan of the records before it builds the map of every name. */
const SCANNED_NAMES = 16;

export function createContext(classifier: Classifier, inputs: StackInput[], records: ResourceRecord[]): Context {
  const byUrn = new Map<string, ResourceRecord>();
  // Indexed loops over every record (no iterator objects before the loops are compiled).
  for (let i = 0; i < records.length; i++) byUrn.set(records[i]!.urn, records[i]!);
  let byId: Map<string, ResourceRecord> | undefined;
  // One record per name, a list only for names several records share (no list per record).
  let byName: Map<string, ResourceRecord | ResourceRecord[]> | undefined;
  let scans: Map<string, readonly ResourceRecord[]> | undefined;
  let children: Map<string, string[]> | undefined;
  return {
    classifier,
    byUrn,
    // Built on first use: many stacks never need them.
    get byId() {
      if (!byId) {
        byId = new Map();
        for (let i = 0; i < records.length; i++) {
          const r = records[i]!;
          if (r.id && r.custom) byId.set(r.id, r);
        }
      }
      return byId;
    },
    named(name) {
      // The first few names asked for (firebreak:recovers-with names a handful of tools, over and over) are found by a
      // scan that compares names, kept per name: a map of every name hashes each record's name once (100k records:
      // ~30 ms; a scan ~1 ms). More distinct names than that: the map.
      if (!byName) {
        const scanned = (scans ??= new Map()).get(name);
        if (scanned !== undefined) return scanned;
        if (scans.size < SCANNED_NAMES) {
          const found: ResourceRecord[] = [];
          for (let i = 0; i < records.length; i++) if (records[i]!.name === name) found.push(records[i]!);
          scans.set(name, found);
          return found;
        }
        byName = new Map();
        for (let i = 0; i < records.length; i++) {
          const r = records[i]!;
          const known = byName.get(r.name);
          if (known === undefined) byName.set(r.name, r);
          else if (Array.isArray(known)) known.push(r);
          else byName.set(r.name, [known, r]);
        }
      }
      const found = byName.get(name);
      return found === undefined ? [] : Array.isArray(found) ? found : [found];
    },
    get children() {
      if (!children) {
        children = new Map();
        for (let i = 0; i < records.length; i++) {
          const r = records[i]!;
          if (!r.parent) continue;
          const c = children.get(r.parent);
          if (c) c.push(r.urn);
          else children.set(r.parent, [r.urn]);
        }
      }
      return children;
    },
    configOf: new Map(inputs.map((i) => [`${i.project}/${i.stack}`, i.config])),
    symbolsOf: new Map(),
    outputsOf: new Map(
      inputs.map((i) => {
        const stack = i.resources.find((r) => r.type === STACK_TYPE);
        const named = stack ? Object.keys(stack.outputs).filter((k) => stack.outputs[k] !== null) : [];
        return [`${i.project}/${i.stack}`, i.stackOutputs ?? named.map((name) => ({ name, from: [], invokes: [] }))];
      }),
    ),
    zoneMemo: new Map(),
    hostMemo: new Map(),
    paths: { path: undefined, next: undefined },
    interned: new Set(),
    passMemo: new Map(),
    providerRegions: new Map(),
    failable: new Set(),
    records,
    rulesAt: [],
  };
}
