/**
 * Resource records: the one shape every input becomes (stack exports,
 * checkpoints, previews, YAML programs, TypeScript programs). Pulumi's nouns.
 */
import type { SourceLocation, Warning } from '../errors.js';

/** A value known only after deploy (Pulumi's unknown sentinel, an invoke result). */
export interface UnknownValue {
  readonly kind: 'unknown';
  /**
   * A symbolic name for the unknown, when one can be told apart from others:
   * `${azs.names[0]}` and `${azs.names[1]}` are different zones though neither
   * is known. Two unknowns with the same symbol are the same value.
   */
  readonly symbol?: string;
  /**
   * When the unknown is a text a Pulumi YAML interpolation builds
   * (`ansible-playbook -i '${web.publicIp},' site.yml`): its literal text, cut
   * at each part left for deploy (one piece more than those parts; a piece may
   * be empty). The pieces are known text, never a secret's (an interpolation
   * of a secret is a secret); rules that match text read them (classify/text-match.ts).
   */
  readonly pieces?: readonly string[];
}

/** A secret. Its value is dropped at ingest and never kept. */
export interface SecretValue {
  readonly kind: 'secret';
}

export interface AssetValue {
  readonly kind: 'asset' | 'archive';
  readonly path?: string;
  readonly uri?: string;
}

export interface ResourceRefValue {
  readonly kind: 'resource-ref';
  readonly urn: string;
  readonly id?: string;
}

export type SpecialValue = UnknownValue | SecretValue | AssetValue | ResourceRefValue;

export type PropertyValue = null | boolean | number | string | PropertyValue[] | { readonly [SPECIAL]: SpecialValue } | PropertyMap;

export interface PropertyMap {
  [key: string]: PropertyValue;
}

/** Key under which decoded special values sit, so they never collide with user keys. */
export const SPECIAL: unique symbol = Symbol.for('firebreak.special');

export function special(value: SpecialValue): { readonly [SPECIAL]: SpecialValue } {
  return { [SPECIAL]: value };
}

export function asSpecial(value: unknown): SpecialValue | undefined {
  if (value !== null && typeof value === 'object' && SPECIAL in value) {
    return (value as { [SPECIAL]: SpecialValue })[SPECIAL];
  }
  return undefined;
}

export interface ResourceRecord {
  urn: string;
  type: string;
  /** The logical name (last field of the URN). */
  name: string;
  stack: string;
  project: string;
  /** true for provider-managed resources; false for component resources and the stack. */
  custom: boolean;
  id?: string;
  inputs: PropertyMap;
  outputs: PropertyMap;
  parent?: string;
  /** The provider resource's URN (the id part of the reference is dropped). */
  provider?: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** Read, not managed (`external: true` in state, `get:` in YAML). */
  external?: boolean;
  /** Where the resource is declared, when known (YAML programs, sourcePosition). */
  source?: SourceLocation;
}

/** What one input (a file, stdin or a project directory) yields. */
/** A stack output of a program: its name, and the resources (URNs) and invoked functions its value comes from. Its value is never kept. */
export interface StackOutputInfo {
  name: string;
  from: string[];
  invokes: string[];
}

export interface StackInput {
  /** What the user named: a path, `-`, or `DIR@STACK`. */
  input: string;
  /** The file shown in messages. */
  file: string;
  kind: 'export' | 'checkpoint' | 'legacy-checkpoint' | 'preview' | 'yaml-program' | 'nodejs-program' | 'crossguard';
  stack: string;
  project: string;
  /** Stack configuration that places resources (`aws:region`, `gcp:zone`, ...). Secrets removed. */
  config: Record<string, string>;
  /**
   * Config keys a program reads that have no value (programs only). Each is a
   * symbolic unknown, `<aws:region>`; a placement key among them is in
   * `config` as that symbol, so zones still hang under a (symbolic) region.
   */
  unresolvedConfig?: string[];
  resources: ResourceRecord[];
  warnings: Warning[];
  /** A YAML program's stack outputs: names and where their values come from (an export's are its Stack resource's outputs). */
  stackOutputs?: StackOutputInfo[];
  /** For an export or preview: the project file (Pulumi.yaml) of its stack found next to it, where reports point. */
  program?: string;
  /**
   * A preview made without `--show-sames`: unchanged resources are missing (`unshown`
   * counted from its changeSummary) and `dropped` references to them were skipped.
   * `check` refuses such a preview unless told to accept it.
   */
  partialPreview?: { unshown: number; dropped: number };
}

const URN_PREFIX = 'urn:pulumi:';

/**
 * The fields of the last URN parsed: a state's URNs repeat their stack, project and type in runs, and a field equal
 * to the last one's is that string again rather than a new one (at 100k resources, 300k small strings fewer kept
 * to the end of the run). Only ever equal strings are handed back, so which URN came last does not matter.
 */
const last = { stack: '', project: '', qualifiedType: '', type: '' };

/** urn.slice(from, to), or `prev` when it holds the same characters. */
function field(urn: string, from: number, to: number, prev: string): string {
  return to - from === prev.length && urn.startsWith(prev, from) ? prev : urn.slice(from, to);
}

export function parseUrn(urn: string): { stack: string; project: string; qualifiedType: string; type: string; name: string } | undefined {
  // urn:pulumi:<stack>::<project>::<qualified-type>::<name>; the name may contain '::'.
  if (!urn.startsWith(URN_PREFIX)) return undefined;
  const a = urn.indexOf('::', URN_PREFIX.length);
  if (a < 0) return undefined;
  const b = urn.indexOf('::', a + 2);
  if (b < 0) return undefined;
  const c = urn.indexOf('::', b + 2);
  if (c < 0) return undefined;
  const stack = (last.stack = field(urn, URN_PREFIX.length, a, last.stack));
  const project = (last.project = field(urn, a + 2, b, last.project));
  const qualifiedType = field(urn, b + 2, c, last.qualifiedType);
  if (qualifiedType !== last.qualifiedType) {
    const dollar = qualifiedType.lastIndexOf('$');
    last.qualifiedType = qualifiedType;
    last.type = dollar >= 0 ? qualifiedType.slice(dollar + 1) : qualifiedType;
  }
  return { stack, project, qualifiedType, type: last.type, name: urn.slice(c + 2) };
}
