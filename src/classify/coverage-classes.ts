/**
 * What firebreak judged: every resource of every input in exactly one class
 * (docs/coverage.md). Not `rules coverage` (./coverage.ts), which measures packs.
 *
 * - modelled: a component with a rule (or a firebreak:role tag) and a known
 *   placement, so its loss and its domains' losses are simulated;
 * - configOnly: the stack root, providers, and whatever a rule (or a tag) says
 *   is configuration only;
 * - components: a component resource whose children are in the input (they are
 *   judged in its stead);
 * - unjudged: could fail, but was not judged, with the reason.
 */
import type { SourceLocation } from '../errors.js';
import type { ResourceRecord, StackInput } from '../ingest/types.js';
import { isProviderType, STACK_TYPE } from '../pulumi.js';
import type { ClassifiedResource } from './types.js';

export type UnjudgedReason = 'no-rule' | 'component-package' | 'unknown-placement';

export interface UnjudgedResource {
  urn: string;
  type: string;
  name: string;
  reason: UnjudgedReason;
  message: string;
  source?: SourceLocation;
}

export interface CoverageCounts {
  resources: number;
  modelled: number;
  configOnly: number;
  components: number;
  unjudged: number;
}

export interface ResourceCoverage {
  counts: CoverageCounts;
  /** In input order. */
  unjudged: UnjudgedResource[];
}

/**
 * Inputs whose component resources may stand alone: programs firebreak evaluates
 * itself, where a component package (awsx, eks, a remote component) creates its
 * children in its provider at deploy time. States, previews and CrossGuard record
 * every child, so an empty component there has nothing in it.
 */
const CHILDREN_HIDDEN: ReadonlySet<StackInput['kind']> = new Set(['yaml-program', 'nodejs-program']);

export interface CoverageFacts {
  /** Failable resources that no specific rule and no role tag describes. */
  unruled: ReadonlySet<ResourceRecord>;
  /** Whether a resource has children in the inputs. */
  hasChildren: (urn: string) => boolean;
  /** Packages the packs mark as component packages (`component: true`). */
  componentPackages: ReadonlySet<string>;
}

function unjudged(r: ResourceRecord, reason: UnjudgedReason, message: string): UnjudgedResource {
  return { urn: r.urn, type: r.type, name: r.name, reason, message, ...(r.source ? { source: r.source } : {}) };
}

/** One class per resource, counted; `classified` in the order of the inputs' resources. */
export function resourceCoverage(inputs: StackInput[], classified: ClassifiedResource[], facts: CoverageFacts): ResourceCoverage {
  const hidden = new Map(inputs.filter((i) => CHILDREN_HIDDEN.has(i.kind)).flatMap((i) => i.resources.map((r) => [r, i.kind] as const)));
  const counts: CoverageCounts = { resources: classified.length, modelled: 0, configOnly: 0, components: 0, unjudged: 0 };
  const list: UnjudgedResource[] = [];
  const pkgOf = (type: string): string => type.split(':')[0]!;
  for (let i = 0; i < classified.length; i++) {
    const c = classified[i]!;
    const r = c.record;
    let u: UnjudgedResource | undefined;
    if (!c.failable) {
      if (c.role === 'config-only' || r.custom || r.type === STACK_TYPE || isProviderType(r.type)) counts.configOnly++;
      // A Node.js program's own component has all its children in the input (its remote components are resources).
      else if (!hidden.has(r) || facts.hasChildren(r.urn) || (hidden.get(r) === 'nodejs-program' && !facts.componentPackages.has(pkgOf(r.type)))) {
        counts.components++;
      }
      // A YAML program names a component package's type.
      else if (facts.componentPackages.has(pkgOf(r.type))) {
        u = unjudged(r, 'component-package', `${r.name} (${r.type}): a component package whose children are not in the input; what it creates was not judged`);
      } else u = unjudged(r, 'no-rule', `${r.name} (${r.type}): no rule for type ${r.type}, and the program does not show what it creates; not judged`);
    } else if (facts.unruled.has(r)) {
      u = facts.componentPackages.has(pkgOf(r.type))
        ? unjudged(r, 'component-package', `${r.name} (${r.type}): a component package whose children are not in the input, and no rule says what it creates`)
        : unjudged(r, 'no-rule', `${r.name} (${r.type}): no rule for type ${r.type}; its own loss was not judged`);
    } else if (c.placements.length === 0) {
      u = unjudged(r, 'unknown-placement', `${r.name} (${r.type}): placement unknown; its domains' losses were not judged`);
    } else {
      counts.modelled++;
    }
    if (u) {
      counts.unjudged++;
      list.push(u);
    }
  }
  return { counts, unjudged: list };
}
