/**
 * Pulumi YAML matches the field names of its records case-insensitively
 * (pulumi-yaml's ast parseRecord compares with strings.EqualFold and warns on
 * unexpected casing): `Resources:`/`Type:`/`Properties:` work like
 * `resources:`/`type:`/`properties:`. Here every record of a program is
 * rewritten to the canonical names, once, with one warning per miscased key.
 * Names the user chose (resource names, property names) are kept as written,
 * in null-prototype objects, so `__proto__` is just a name.
 */
const TOP = ['name', 'description', 'configuration', 'config', 'variables', 'resources', 'outputs', 'packages', 'components'];
export const RESOURCE = ['type', 'properties', 'options', 'name', 'get', 'defaultProvider'];
export const OPTIONS = [
  'dependsOn',
  'parent',
  'provider',
  'providers',
  'protect',
  'ignoreChanges',
  'replaceOnChanges',
  'deleteBeforeReplace',
  'retainOnDelete',
  'deletedWith',
  'replaceWith',
  'aliases',
  'customTimeouts',
  'import',
  'version',
  'pluginDownloadURL',
  'additionalSecretOutputs',
  'hideDiffs',
  'replacementTrigger',
  'envVarMappings',
];
const GET = ['id', 'state'];
const INVOKE = ['function', 'arguments', 'options', 'return'];

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);

/** A map with the same entries in a null-prototype object. */
export function plainMap(v: Record<string, unknown>): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const k of Object.keys(v)) out[k] = v[k];
  return out;
}

export interface CanonicalProgram {
  program: Record<string, unknown>;
  /** Where each canonical path came from: the keys as written, for file:line lookups. */
  warnings: Array<{ path: Array<string | number>; message: string }>;
}

/**
 * Rewrite the record keys of a program to their canonical names. `path` of
 * each warning is the path as written (for a position).
 */
export function canonicalProgram(program: Record<string, unknown>): CanonicalProgram {
  const warnings: CanonicalProgram['warnings'] = [];
  const record = (v: unknown, names: readonly string[], at: Array<string | number>, what: string): unknown => {
    if (!isMap(v)) return v;
    const out = Object.create(null) as Record<string, unknown>;
    for (const k of Object.keys(v)) {
      const canonical = names.find((n) => n.toLowerCase() === k.toLowerCase());
      if (canonical && canonical !== k)
        warnings.push({ path: [...at, k], message: `${what}: field "${k}" should be written "${canonical}" (read as "${canonical}")` });
      const key = canonical && !(canonical in out && canonical !== k) ? canonical : k;
      out[key] = v[k];
    }
    return out;
  };
  const top = record(program, TOP, [], 'program') as Record<string, unknown>;
  const written = (canonical: string): string => Object.keys(program).find((k) => k.toLowerCase() === canonical.toLowerCase()) ?? canonical;
  if (isMap(top.resources)) {
    const resources = Object.create(null) as Record<string, unknown>;
    const base = [written('resources')];
    for (const [name, decl] of Object.entries(top.resources)) {
      const r = record(decl, RESOURCE, [...base, name], `resource ${name}`);
      if (isMap(r)) {
        const declKeys = isMap(decl) ? Object.keys(decl) : [];
        const w = (c: string): string => declKeys.find((k) => k.toLowerCase() === c.toLowerCase()) ?? c;
        if (isMap(r.options)) r.options = record(r.options, OPTIONS, [...base, name, w('options')], `resource ${name} options`);
        if (isMap(r.get)) r.get = record(r.get, GET, [...base, name, w('get')], `resource ${name} get`);
      }
      resources[name] = r;
    }
    top.resources = resources;
  }
  if (isMap(top.variables)) top.variables = plainMap(top.variables);
  return { program: top, warnings };
}

/** fn::invoke's keys, case-insensitively (`Function:`, `Arguments:`, `Return:`). */
export function canonicalInvoke(v: Record<string, unknown>): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const k of Object.keys(v)) out[INVOKE.find((n) => n === k.toLowerCase()) ?? k] = v[k];
  return out;
}
