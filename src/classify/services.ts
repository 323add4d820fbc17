/** Services: which service a resource serves (its firebreak:service tag, a tagged ancestor's, its top component's, its project). */
import type { ResourceRecord } from '../ingest/types.js';
import { STACK_TYPE } from '../pulumi.js';
import type { Context } from './context.js';
import type { Tags } from './tags.js';

/** What a resource's ancestry (from one resource up, itself included) gives: the nearest service tag, or else the topmost component. */
type Upward = { tagged: string } | { top: ResourceRecord | undefined };

/**
 * The service of a resource, given the tags of resources (only those with tags; of the resources that are some
 * resource's parent at least); `fallback` names it from its project when nothing else does. `own` are the resource's
 * own tags when the caller has them (then `tagsOf` need not hold them).
 */
export function serviceResolver(
  ctx: Context,
  tagsOf: ReadonlyMap<ResourceRecord, Tags>,
): (r: ResourceRecord, fallback?: (project: string) => string, own?: Tags) => string {
  // Each ancestor's answer is worked out once: walking every resource's whole ancestry again was quadratic in a deep
  // component tree (20,000 nested components, each with a resource: 20 s).
  const memo = new Map<ResourceRecord, Upward>();
  const NONE: Upward = { top: undefined };
  const upward = (start: ResourceRecord | undefined): Upward => {
    const chain: ResourceRecord[] = [];
    const onChain = new Set<ResourceRecord>();
    let above: Upward = NONE;
    for (let p = start; p; p = p.parent ? ctx.byUrn.get(p.parent) : undefined) {
      const known = memo.get(p);
      if (known) {
        above = known;
        break;
      }
      if (onChain.has(p)) break; // a parent cycle (refused at ingest): stop rather than loop
      onChain.add(p);
      chain.push(p);
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const p = chain[i]!;
      const tagged = tagsOf.get(p)?.get('service');
      if (tagged) above = { tagged };
      else if (!('tagged' in above) && above.top === undefined && !p.custom && p.type !== STACK_TYPE) above = { top: p };
      memo.set(p, above);
    }
    return above;
  };
  return (r, fallback, ownTags) => {
    const own = (ownTags ?? tagsOf.get(r))?.get('service');
    if (own) return own;
    const up = upward(r.parent ? ctx.byUrn.get(r.parent) : undefined);
    if ('tagged' in up) return up.tagged;
    return up.top ? up.top.name : fallback ? fallback(r.project) : r.project;
  };
}
