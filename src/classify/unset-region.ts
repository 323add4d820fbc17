/**
 * Regions only a deploy knows (docs/design.md, "Regions only a deploy knows").
 *
 * A resource that takes its region from its provider, when neither the
 * provider nor the stack config gives one, is placed in one symbolic region
 * (placement.ts): `<aws:region>` for a stack's default provider (the config key
 * it would read; at deploy pulumi-aws falls back to AWS_REGION or the profile),
 * `<region of provider NAME>` for an explicit provider resource without a
 * region (it reads its own arguments, then the environment; never stack
 * config). A config key declared or read without a value is a symbol of the
 * same form (`unresolvedConfig`). Each is said: a blind spot per resource, a
 * warning per symbol and stack.
 *
 * Two stacks that both leave a symbol unknown cannot be proved to be in one
 * region or in two: each stack's symbol is its own (`<aws:region@project/stack>`),
 * never one shared domain, and a blind spot names the stacks (as
 * `unknown-cluster` does for kubernetes providers).
 */
import type { Warning } from '../errors.js';
import type { ResourceRecord, StackInput } from '../ingest/types.js';
import { isProviderType, PROVIDER_TYPE_PREFIX } from '../pulumi.js';
import { byText } from '../text.js';
import { stackKey, type Context } from './context.js';
import { isDefaultProvider, providerRegionSymbol } from './placement.js';
import { getPath, scalarStrings } from './properties.js';
import { resourceWarning, type BlindSpot, type DomainSegment } from './types.js';

export interface StackSymbol {
  /** declared: a config key read or declared without a value; unset: a region config key no config gives; provider: an explicit provider without a region. */
  kind: 'declared' | 'unset' | 'provider';
  /** The config key, or the provider resource's name. */
  key: string;
  /** As a placement first holds it: `<aws:region>`. */
  token: string;
  /** As placed: the token, or, when several stacks leave it unknown, `<aws:region@project/stack>`. */
  name: string;
  /** The explicit provider resource (kind provider). */
  provider?: ResourceRecord;
  /** Resources placed through it. */
  used: number;
}

/** A token of one stack of several: `<aws:region>` -> `<aws:region@project/stack>`. */
function qualified(token: string, stack: string): string {
  return `${token.slice(0, -1)}@${stack}>`;
}

/**
 * Per stack (`project/stack`), the symbols its placements may hold. Only stacks
 * that have any are in the map; a symbol two stacks may hold is qualified in both.
 */
export function stackSymbols(ctx: Context, inputs: StackInput[]): Map<string, StackSymbol[]> {
  const out = new Map<string, StackSymbol[]>();
  const classifier = ctx.classifier;
  for (const input of inputs) {
    const key = `${input.project}/${input.stack}`;
    if (out.has(key)) continue; // the same stack twice is one stack
    const list: StackSymbol[] = [];
    const seen = new Set<string>();
    const add = (kind: StackSymbol['kind'], k: string, token: string, provider?: ResourceRecord): void => {
      if (seen.has(token)) return;
      seen.add(token);
      list.push({ kind, key: k, token, name: token, ...(provider ? { provider } : {}), used: 0 });
    };
    for (const k of input.unresolvedConfig ?? []) add('declared', k, `<${k}>`);
    // Region config keys of the packages its resources use that no config gives.
    const packages = new Set<string>();
    const resources = input.resources;
    for (let i = 0; i < resources.length; i++) {
      const r = resources[i]!;
      if (isProviderType(r.type)) {
        const pkg = r.type.slice(PROVIDER_TYPE_PREFIX.length);
        const info = classifier.declaresProvider(pkg) ? classifier.providerFor(pkg) : undefined;
        const path = info?.regionProperty;
        if (!info?.regionConfig || path === undefined || isDefaultProvider(r)) continue;
        if (scalarStrings(getPath(r.inputs, path) ?? getPath(r.outputs, path)).values.length === 0) add('provider', r.name, providerRegionSymbol(r), r);
      } else if (r.custom) {
        const colon = r.type.indexOf(':');
        packages.add(colon < 0 ? r.type : r.type.slice(0, colon));
      }
    }
    for (const pkg of [...packages].sort()) {
      const regionConfig = classifier.declaresProvider(pkg) ? classifier.providerFor(pkg)?.regionConfig : undefined;
      if (regionConfig && input.config[regionConfig] === undefined) add('unset', regionConfig, `<${regionConfig}>`);
    }
    if (list.length > 0) out.set(key, list);
  }
  if (out.size > 1) {
    const stacksOf = new Map<string, number>();
    for (const list of out.values()) for (const s of list) stacksOf.set(s.token, (stacksOf.get(s.token) ?? 0) + 1);
    for (const [stack, list] of out) for (const s of list) if (stacksOf.get(s.token)! > 1) s.name = qualified(s.token, stack);
  }
  return out;
}

/** Renames a stack's shared tokens in a segment (a zone `<aws:region>a` too); the same array when nothing changes. */
function renamed(path: DomainSegment[], symbols: readonly StackSymbol[]): DomainSegment[] {
  let out = path;
  for (let i = 0; i < path.length; i++) {
    let name = path[i]!.name;
    if (!name.includes('<')) continue;
    for (const s of symbols) if (s.name !== s.token && name.includes(s.token)) name = name.split(s.token).join(s.name);
    if (name !== path[i]!.name) {
      if (out === path) out = path.slice();
      out[i] = { ...path[i]!, name };
    }
  }
  return out;
}

/** Whether a segment of the placements holds the symbol (most hold no `<` at all). */
function holds(placements: DomainSegment[][], symbol: string): boolean {
  for (let i = 0; i < placements.length; i++) {
    const p = placements[i]!;
    for (let j = 0; j < p.length; j++) {
      const name = p[j]!.name;
      if (name.length >= symbol.length && name.includes(symbol)) return true;
    }
  }
  return false;
}

/**
 * A resource's placements with its stack's shared symbols renamed, and a blind
 * spot for each symbol they rest on: a declared key's as before, an unset
 * region config key's or an explicit provider's saying it was treated as one
 * unknown region.
 */
export function placeOnSymbols(ctx: Context, r: ResourceRecord, placements: DomainSegment[][], blindSpots: BlindSpot[]): DomainSegment[][] {
  // Most placements hold no symbol at all: nothing to rename or say, nothing allocated (and, asked first, no lookup of
  // the stack's symbols by its project and stack names, ~3% of classifyOne at 100k resources).
  if (!holds(placements, '<')) return placements;
  const symbols = ctx.symbolsOf.get(stackKey(r));
  if (symbols === undefined) return placements;
  const out = symbols.some((s) => s.name !== s.token) ? placements.map((p) => renamed(p, symbols)) : placements;
  let declared: StackSymbol[] | undefined;
  for (let i = 0; i < symbols.length; i++) {
    const s = symbols[i]!;
    if (!holds(out, s.name)) continue;
    s.used++;
    if (s.kind === 'declared') (declared ??= []).push(s);
    else if (s.kind === 'unset') {
      blindSpots.push({
        kind: 'missing-config',
        subject: r.urn,
        message: `${r.name} (${r.type}): its provider's region config ${s.key} has no value firebreak can read (not set, or a secret; only a deploy knows the region); placed in ${s.name}, treated as one unknown region`,
      });
    } else {
      blindSpots.push({
        kind: 'missing-config',
        subject: r.urn,
        message: `${r.name} (${r.type}): its provider ${s.key} sets no region (an explicit provider reads its arguments and the environment, never stack config); placed in ${s.name}, treated as one unknown region`,
      });
    }
  }
  if (declared) {
    blindSpots.push({
      kind: 'missing-config',
      subject: r.urn,
      message: `${r.name} (${r.type}): placement depends on config ${declared.map((s) => s.key).join(', ')}, which has no value; placed in ${declared.map((s) => s.name).join(', ')} as a symbolic value`,
    });
  }
  return out;
}

/**
 * After every resource is placed: a warning per unset region config key and per
 * explicit provider without a region that placed anything (a declared key has
 * its warning from ingest), and, per symbol several stacks hold, a blind spot
 * naming them.
 */
export function symbolFindings(ctx: Context, inputs: StackInput[], warnings: Warning[], blindSpots: BlindSpot[]): void {
  const fileOf = new Map(inputs.map((i) => [`${i.project}/${i.stack}`, i.file]));
  const shared = new Map<string, Array<{ stack: string; name: string }>>();
  for (const [stack, list] of ctx.symbolsOf) {
    for (const s of list) {
      if (s.used === 0) continue;
      const n = `${s.used} resource${s.used === 1 ? '' : 's'}`;
      if (s.kind === 'unset') {
        warnings.push({
          file: fileOf.get(stack) ?? stack,
          message: `config ${s.key} has no value firebreak can read (neither the stack config nor a default sets it, or it is a secret): only a deploy knows the region; ${n} placed in ${s.name}, treated as one unknown region (set it with \`pulumi config set ${s.key} ...\`)`,
        });
      } else if (s.kind === 'provider' && s.provider) {
        warnings.push(
          resourceWarning(
            s.provider,
            `provider ${s.key} (${s.provider.type}) sets no region: only a deploy knows it (from the environment; an explicit provider never reads stack config); ${n} placed in ${s.name}, treated as one unknown region`,
          ),
        );
      }
      if (s.name !== s.token) {
        const list2 = shared.get(s.token) ?? [];
        list2.push({ stack, name: s.name });
        shared.set(s.token, list2);
      }
    }
  }
  for (const [token, stacks] of [...shared.entries()].sort(([a], [b]) => byText(a, b))) {
    if (stacks.length < 2) continue;
    stacks.sort((a, b) => byText(a.stack, b.stack));
    blindSpots.push({
      kind: 'missing-config',
      subject: token,
      message: `stacks ${stacks.map((s) => s.stack).join(', ')} all leave ${token} unknown: they cannot be proved to be in the same region or different ones; each is judged as its own (${stacks.map((s) => s.name).join(', ')})`,
    });
  }
}
