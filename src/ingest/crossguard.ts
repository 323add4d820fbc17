/**
 * Pulumi CrossGuard: the resources a stack-validation policy receives
 * (`StackValidationArgs.resources` of @pulumi/policy) become resource records.
 * The shapes are declared here structurally, so the library does not depend
 * on @pulumi/policy; the policy pack (policy-pack/) passes its arguments in.
 *
 * What CrossGuard hands over and how it maps:
 * - type, urn, name: as they are; stack and project from the URN.
 * - props: the resource's final properties (during a preview, its inputs with
 *   unknowns for what the provider computes). They become both the inputs and
 *   the outputs of the record. The unknown sentinels (one per value type)
 *   become firebreak's unknown; assets and archives their special values.
 * - secrets: @pulumi/policy unwraps them before a stack policy sees them, so a
 *   secret cannot be told from a plain value. Properties named in
 *   `opts.additionalSecretOutputs` are marked secret, and `keep` (the
 *   properties rule packs read) drops every other property at the door.
 * - parent, provider, dependencies, propertyDependencies: resource objects,
 *   recorded by URN. A resource with a provider, or a provider itself, is a
 *   custom resource; others are components (CrossGuard does not say).
 */
import { decodeValue, SIG_KEY } from './values.js';
import { parseUrn, special, type PropertyMap, type PropertyValue, type ResourceRecord, type StackInput } from './types.js';
import type { Warning } from '../errors.js';

/** The unknown sentinels the engine sends for computed values (sdk/go/common/resource/plugin/rpc.go). */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  '1c4a061d-8072-4f0a-a4cb-0ff528b18fe7', // bool
  '3eeb2bf0-c639-47a8-9e75-3b44932eb421', // number
  '04da6b54-80e4-46f7-96ec-b56ff0331ba9', // string
  '6a19a0b0-7e62-4c92-b797-7f8e31da9cc2', // array
  '030794c1-ac77-496b-92df-f27374a8bd58', // asset
  'e48ece36-62e2-4504-bad9-02848725956a', // archive
  'dd056dcd-154b-4c76-9bd3-c8f88648b5ff', // object
]);

/** A resource as @pulumi/policy's PolicyResource has it (only what is read here). */
export interface CrossGuardResource {
  type: string;
  urn: string;
  name: string;
  props: Record<string, unknown>;
  opts?: { additionalSecretOutputs?: readonly string[]; parent?: string };
  parent?: { urn: string };
  provider?: { urn: string; type?: string };
  dependencies?: ReadonlyArray<{ urn: string }>;
  propertyDependencies?: Record<string, ReadonlyArray<{ urn: string }>>;
}

/** A resource that could not become a record: named, with why. */
export interface UnmappedResource {
  urn: string;
  name: string;
  type: string;
  reason: string;
}

export interface CrossGuardInput {
  input: StackInput;
  unmapped: UnmappedResource[];
}

/** @pulumi/policy wraps props in a proxy that throws on unknowns; this key returns the object behind it. */
const PROXY_TARGET = '__getSpecialProxyTarget';

function unwrap(value: unknown): unknown {
  if (value !== null && typeof value === 'object') {
    const target = (value as Record<string, unknown>)[PROXY_TARGET];
    if (target !== undefined && target !== null && typeof target === 'object') return target;
  }
  return value;
}

/** A fresh copy of one property value in firebreak's form; CrossGuard's objects are never changed. */
export function crossGuardValue(raw: unknown, depth = 0): PropertyValue {
  const value = unwrap(raw);
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
      return UNKNOWN_SENTINELS.has(value) ? special({ kind: 'unknown' }) : value;
    case 'number':
    case 'boolean':
      return value;
    case 'object': {
      if (depth > 64) return special({ kind: 'unknown' });
      if (Array.isArray(value)) return value.map((v) => crossGuardValue(v, depth + 1));
      const obj = value as Record<string, unknown>;
      if (obj.__pulumiAsset === true) return special({ kind: 'asset' });
      if (obj.__pulumiArchive === true) return special({ kind: 'archive' });
      // Pulumi's Secret wrapper (policies that keep secrets) and raw signed values (a JSON copy of the request).
      if (value.constructor?.name === 'Secret' && 'value' in obj) return special({ kind: 'secret' });
      if (SIG_KEY in obj) return decodeValue(JSON.parse(JSON.stringify(obj)));
      const out: PropertyMap = {};
      for (const key of Object.keys(obj)) {
        const v = obj[key];
        if (v !== undefined) out[key] = crossGuardValue(v, depth + 1);
      }
      return out;
    }
    default:
      return null;
  }
}

function propsOf(r: CrossGuardResource, keep: ReadonlySet<string> | undefined): PropertyMap {
  const props = unwrap(r.props);
  const out: PropertyMap = {};
  if (props === null || typeof props !== 'object' || Array.isArray(props)) return out;
  const secret = new Set(r.opts?.additionalSecretOutputs ?? []);
  for (const key of Object.keys(props as Record<string, unknown>)) {
    if (keep && !keep.has(key)) continue;
    const v = (props as Record<string, unknown>)[key];
    if (v === undefined) continue;
    out[key] = secret.has(key) ? special({ kind: 'secret' }) : crossGuardValue(v);
  }
  return out;
}

const urnOf = (ref: unknown): string | undefined => {
  const r = unwrap(ref);
  return r !== null && typeof r === 'object' && typeof (r as { urn?: unknown }).urn === 'string' ? (r as { urn: string }).urn : undefined;
};

/** One CrossGuard resource as a record, or the reason it cannot be one. */
export function recordFromCrossGuard(r: CrossGuardResource, keep?: ReadonlySet<string>): ResourceRecord | { reason: string } {
  if (typeof r.urn !== 'string' || r.urn.length === 0) return { reason: 'it has no URN' };
  const parsed = parseUrn(r.urn);
  if (!parsed) return { reason: 'its URN is not a Pulumi URN' };
  const type = typeof r.type === 'string' && r.type.length > 0 ? r.type : parsed.type;
  const inputs = propsOf(r, keep);
  const propertyDependencies: Record<string, string[]> = {};
  for (const key of Object.keys(r.propertyDependencies ?? {}).sort()) {
    const deps = (r.propertyDependencies![key] ?? []).map(urnOf).filter((u): u is string => u !== undefined);
    if (deps.length > 0) propertyDependencies[key] = deps;
  }
  const provider = urnOf(r.provider);
  const record: ResourceRecord = {
    urn: r.urn,
    type,
    name: typeof r.name === 'string' && r.name.length > 0 ? r.name : parsed.name,
    stack: parsed.stack,
    project: parsed.project,
    custom: provider !== undefined || type.startsWith('pulumi:providers:'),
    inputs,
    outputs: inputs,
    dependencies: (r.dependencies ?? []).map(urnOf).filter((u): u is string => u !== undefined),
    propertyDependencies,
  };
  const parent = urnOf(r.parent) ?? (typeof r.opts?.parent === 'string' && r.opts.parent ? r.opts.parent : undefined);
  if (parent) record.parent = parent;
  if (provider) record.provider = provider;
  return record;
}

/**
 * The resources of one CrossGuard stack validation as a StackInput. References
 * to resources that are not in the list are dropped (CrossGuard drops them
 * too); a resource that cannot be mapped is listed in `unmapped`, not thrown.
 */
export function stackInputFromCrossGuard(
  resources: readonly CrossGuardResource[],
  options: { keepProperties?: ReadonlySet<string>; input?: string } = {},
): CrossGuardInput {
  const input = options.input ?? 'crossguard';
  const records: ResourceRecord[] = [];
  const unmapped: UnmappedResource[] = [];
  const seen = new Set<string>();
  for (const r of resources) {
    let out: ResourceRecord | { reason: string };
    try {
      out = recordFromCrossGuard(r, options.keepProperties);
    } catch (err) {
      out = { reason: `its properties cannot be read (${err instanceof Error ? err.name : 'error'})` };
    }
    const urn = typeof r?.urn === 'string' ? r.urn : '';
    if ('reason' in out) {
      unmapped.push({ urn, name: typeof r?.name === 'string' ? r.name : '', type: typeof r?.type === 'string' ? r.type : '', reason: out.reason });
      continue;
    }
    if (seen.has(out.urn)) {
      unmapped.push({ urn, name: out.name, type: out.type, reason: 'its URN appears twice' });
      continue;
    }
    seen.add(out.urn);
    records.push(out);
  }
  const warnings: Warning[] = [];
  let dangling = 0;
  for (const r of records) {
    const before = r.dependencies.length;
    r.dependencies = r.dependencies.filter((d) => seen.has(d));
    dangling += before - r.dependencies.length;
    for (const key of Object.keys(r.propertyDependencies)) {
      r.propertyDependencies[key] = r.propertyDependencies[key]!.filter((d) => seen.has(d));
      if (r.propertyDependencies[key]!.length === 0) delete r.propertyDependencies[key];
    }
    if (r.parent && !seen.has(r.parent)) delete r.parent;
    if (r.provider && !seen.has(r.provider)) delete r.provider;
  }
  if (dangling > 0) warnings.push({ file: input, message: `dropped ${dangling} dependenc${dangling === 1 ? 'y' : 'ies'} on resources outside the stack` });
  const stackRecord = records.find((r) => r.type === 'pulumi:pulumi:Stack') ?? records[0];
  return {
    input: {
      input,
      file: input,
      kind: 'crossguard',
      stack: stackRecord?.stack ?? 'unknown',
      project: stackRecord?.project ?? 'unknown',
      config: {},
      resources: records,
      warnings,
    },
    unmapped,
  };
}
