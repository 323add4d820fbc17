/**
 * Run-time requirements: dependencies, property dependencies and the
 * provider, passing through config-only resources and into component
 * resources' children, down to the failable resources they reach.
 */
import type { ResourceRecord } from '../ingest/types.js';
import { isProviderType, STACK_TYPE } from '../pulumi.js';
import type { Context } from './context.js';
import type { ClassifiedResource } from './types.js';

function directDeps(r: ResourceRecord): string[] {
  const deps = r.dependencies.slice();
  for (const key in r.propertyDependencies) {
    for (const d of r.propertyDependencies[key]!) if (!deps.includes(d)) deps.push(d);
  }
  if (r.provider && !deps.includes(r.provider)) deps.push(r.provider);
  return deps;
}

/** Fills `requires` of every failable resource (ctx.failable must be complete). */
export function resolveRequirements(ctx: Context, resources: ClassifiedResource[]): void {
  const expand = (urn: string, seen: Set<string> | undefined): string[] => {
    const r = ctx.byUrn.get(urn);
    if (r && ctx.failable.has(r)) return [urn];
    const memo = ctx.passMemo.get(urn);
    if (memo) return memo;
    seen ??= new Set();
    if (seen.has(urn)) return [];
    seen.add(urn);
    if (!r || r.type === STACK_TYPE) return [];
    const result = new Set<string>();
    const next = r.custom || isProviderType(r.type) ? directDeps(r) : (ctx.children.get(urn) ?? []);
    for (let i = 0; i < next.length; i++) {
      const reached = expand(next[i]!, seen);
      for (let j = 0; j < reached.length; j++) result.add(reached[j]!);
    }
    const list = [...result];
    ctx.passMemo.set(urn, list);
    return list;
  };
  // A dependency that can fail is required as it is (no list built for it); the others are expanded. Listed
  // twice, a dependency adds nothing new the second time: the set keeps the first-met order.
  const add = (req: Set<string>, self: string, d: string): void => {
    const r = ctx.byUrn.get(d);
    if (r && ctx.failable.has(r)) {
      if (d !== self) req.add(d);
      return;
    }
    const reached = expand(d, undefined);
    for (let j = 0; j < reached.length; j++) if (reached[j] !== self) req.add(reached[j]!);
  };
  // Indexed loops: this runs once per run, over every resource (no iterator objects before it is compiled).
  for (let i = 0; i < resources.length; i++) {
    const c = resources[i]!;
    if (!c.failable) continue;
    const r = c.record;
    const req = new Set<string>();
    for (let j = 0; j < r.dependencies.length; j++) add(req, r.urn, r.dependencies[j]!);
    for (const key in r.propertyDependencies) {
      const deps = r.propertyDependencies[key]!;
      for (let j = 0; j < deps.length; j++) add(req, r.urn, deps[j]!);
    }
    if (r.provider) add(req, r.urn, r.provider);
    c.requires = req.size === 0 ? [] : [...req];
  }
}
