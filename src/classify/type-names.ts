/**
 * Type names as Pulumi knows them: one resource type has several tokens.
 * `aws:s3:Bucket` (the YAML short form) and `aws:s3/bucket:Bucket`;
 * `azure-native:web/v20220301:WebApp` (an API version) and
 * `azure-native:web:WebApp`; `aws:elasticloadbalancingv2/loadBalancer:LoadBalancer`
 * (a renamed module) and `aws:lb/loadBalancer:LoadBalancer`. The renames are
 * data in the packs (`typeNames:`); this file only applies them.
 */
import type { TypeNames } from './schema.js';

/** A module's API version suffix: v1, v1beta1, v20220301, v20230101preview, v2alpha. */
const VERSION_SUFFIX = /\/v\d+(?:(?:alpha|beta|preview)\d*)?$/;

export class TypeNameTable {
  private readonly modules = new Map<string, string>();
  private readonly types = new Map<string, string[]>();

  add(names: TypeNames | undefined): void {
    for (const m of names?.modules ?? []) this.modules.set(m.from, m.to);
    for (const t of names?.types ?? []) this.types.set(t.from, [...(this.types.get(t.from) ?? []), t.to]);
  }

  get size(): number {
    return this.modules.size + this.types.size;
  }

  /** Every token naming the same type as `type`, `type` first, without duplicates. */
  variants(type: string): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    const push = (t: string): void => {
      if (!seen.has(t)) {
        seen.add(t);
        out.push(t);
      }
    };
    const expand = (t: string): void => {
      push(t);
      for (const s of shortAndLong(t)) push(s);
    };
    expand(type);
    // Rename, strip a version, move a module, until nothing new comes: a type alias, a module move and a version may all apply.
    for (let i = 0; i < out.length; i++) {
      {
        const t = out[i]!;
        for (const renamed of this.types.get(t) ?? []) expand(renamed);
        const parts = t.split(':');
        if (parts.length !== 3) continue;
        const [pkg, mod, name] = parts as [string, string, string];
        const unversioned = mod.replace(VERSION_SUFFIX, '');
        if (unversioned !== mod) expand(`${pkg}:${unversioned}:${name}`);
        const slash = mod.indexOf('/');
        const base = slash >= 0 ? mod.slice(0, slash) : mod;
        const rest = mod.slice(base.length);
        const moved = this.modules.get(`${pkg}:${base}`);
        if (moved) expand(`${moved}${rest}:${name}`);
      }
    }
    return out;
  }
}

/** `aws:ec2:Instance` and `aws:ec2/instance:Instance` name the same type; `docker:RegistryImage` is `docker:index:RegistryImage`. */
export function shortAndLong(type: string): string[] {
  const parts = type.split(':');
  // Pulumi YAML's `pkg:Type` is `pkg:index:Type` (pulumi-yaml's token resolution): `docker:RegistryImage`, `eks:Cluster`.
  if (parts.length === 2 && parts[0] && parts[1]) {
    const [pkg, name] = parts as [string, string];
    return [type, `${pkg}:index:${name}`, `${pkg}:index/${name.charAt(0).toLowerCase()}${name.slice(1)}:${name}`];
  }
  if (parts.length !== 3) return [type];
  const [pkg, mod, name] = parts as [string, string, string];
  const slash = mod.indexOf('/');
  if (slash >= 0) return [type, `${pkg}:${mod.slice(0, slash)}:${name}`];
  return [type, `${pkg}:${mod}/${name.charAt(0).toLowerCase()}${name.slice(1)}:${name}`];
}
