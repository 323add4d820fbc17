/** Services: which service a resource serves (its firebreak:service tag, a tagged ancestor's, its top component's, its project). */
import type { ResourceRecord } from '../ingest/types.js';
import { STACK_TYPE } from '../pulumi.js';
import type { Context } from './context.js';

/** The service of a resource, given each resource's tags (only those with tags); `fallback` names it from its project when nothing else does. */
export function serviceResolver(
  ctx: Context,
  tagsOf: ReadonlyMap<ResourceRecord, ReadonlyMap<string, string>>,
): (r: ResourceRecord, fallback?: (project: string) => string) => string {
  return (r, fallback) => {
    const own = tagsOf.get(r)?.get('service');
    if (own) return own;
    let top: ResourceRecord | undefined;
    for (let p = r.parent ? ctx.byUrn.get(r.parent) : undefined; p; p = p.parent ? ctx.byUrn.get(p.parent) : undefined) {
      const tagged = tagsOf.get(p)?.get('service');
      if (tagged) return tagged;
      if (!p.custom && p.type !== STACK_TYPE) top = p;
    }
    return top ? top.name : fallback ? fallback(r.project) : r.project;
  };
}
