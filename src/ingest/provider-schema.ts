/**
 * Provider schemas for `rules coverage` and `npm run rules:generate`: a Pulumi
 * package schema (`schema.json`, what `pulumi package get-schema` prints), or an
 * installed Node.js provider SDK (`node_modules/@pulumi/aws`), read into the
 * same shape. The SDK declares each resource class with its type token
 * (`__pulumiType`), its aliases, and its input properties (`XArgs` in the
 * `.d.ts`), which is all coverage needs.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';

export interface SchemaProperty {
  /** `#/types/TOKEN` of an object type, when the property holds one (or a list of them). */
  ref?: string;
}

export interface SchemaResource {
  inputProperties: Record<string, SchemaProperty>;
  aliases: string[];
}

export interface PackageSchema {
  name: string;
  version: string;
  /** Where it was read from, for headers and reports. */
  source: string;
  resources: Record<string, SchemaResource>;
  /** Object types: their property names and references. */
  types: Record<string, Record<string, SchemaProperty>>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The `$ref` of a property, of its list items or map values. */
function refOf(p: unknown): string | undefined {
  if (!isObject(p)) return undefined;
  if (typeof p.$ref === 'string') return p.$ref;
  return refOf(p.items) ?? refOf(p.additionalProperties);
}

function properties(obj: unknown): Record<string, SchemaProperty> {
  const out: Record<string, SchemaProperty> = {};
  if (!isObject(obj)) return out;
  for (const [k, v] of Object.entries(obj)) {
    const ref = refOf(v);
    out[k] = ref ? { ref } : {};
  }
  return out;
}

/** A parsed schema.json document; throws InputError naming `file` when it is not a package schema. */
export function parsePackageSchema(doc: unknown, file: string): PackageSchema {
  if (!isObject(doc) || typeof doc.name !== 'string' || !isObject(doc.resources)) {
    throw new InputError({ file, reason: 'not a Pulumi package schema (expected an object with "name" and "resources")' });
  }
  const resources: Record<string, SchemaResource> = {};
  for (const [token, r] of Object.entries(doc.resources)) {
    if (!isObject(r)) continue;
    const aliases = Array.isArray(r.aliases) ? r.aliases.flatMap((a) => (isObject(a) && typeof a.type === 'string' ? [a.type] : [])) : [];
    resources[token] = { inputProperties: properties(r.inputProperties), aliases };
  }
  const types: PackageSchema['types'] = {};
  if (isObject(doc.types)) for (const [token, t] of Object.entries(doc.types)) if (isObject(t)) types[`#/types/${token}`] = properties(t.properties);
  return { name: doc.name, version: typeof doc.version === 'string' ? doc.version : 'unknown', source: file, resources, types };
}

function readSchemaFile(file: string): PackageSchema {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError({ file, reason: `cannot read the schema: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new InputError({ file, reason: 'not a Pulumi package schema (not JSON)' });
  }
  return parsePackageSchema(doc, file);
}

function walk(dir: string, out: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.js')) out.push(p);
  }
}

const TOKEN = /static __pulumiType = '([^']+)'/;
const ALIAS = /\{ type: "([^"]+)" \}/g;
const PROP = /^ {4}(?:readonly )?"?([A-Za-z_$][\w$]*)"?\??: (.*);$/;
const INPUT_REF = /\binputs\.((?:[\w$]+\.)*)([\w$]+)\b/;

/** The property lines of `interface NAME {` ... `}` blocks of a .d.ts text, by interface name. */
function interfaces(text: string, indent = ''): Map<string, Record<string, SchemaProperty>> {
  const out = new Map<string, Record<string, SchemaProperty>>();
  const lines = text.split('\n');
  const head = /^(\s*)(?:export )?interface ([\w$]+) \{$/;
  for (let i = 0; i < lines.length; i++) {
    const m = head.exec(lines[i]!);
    if (!m || (indent && m[1] !== indent)) continue;
    const pad = m[1]!;
    const props: Record<string, SchemaProperty> = {};
    for (i++; i < lines.length && lines[i] !== `${pad}}`; i++) {
      const line = lines[i]!;
      if (!line.startsWith(pad)) continue;
      const p = PROP.exec(line.slice(pad.length));
      if (!p) continue;
      const ref = INPUT_REF.exec(p[2]!);
      props[p[1]!] = ref ? { ref: `#/types/sdk:${ref[1]}${ref[2]}` } : {};
    }
    out.set(m[2]!, props);
  }
  return out;
}

/** Object types of an SDK's types/input.d.ts, keyed `#/types/sdk:ns.sub.Name`. */
function sdkTypes(dir: string): PackageSchema['types'] {
  const file = path.join(dir, 'types', 'input.d.ts');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  const out: PackageSchema['types'] = {};
  // Track `namespace x {` nesting to give each interface its full name.
  const stack: Array<{ name: string; pad: string }> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const ns = /^(\s*)(?:export )?(?:declare )?namespace ([\w$]+) \{$/.exec(line);
    if (ns) {
      stack.push({ name: ns[2]!, pad: ns[1]! });
      continue;
    }
    const top = stack[stack.length - 1];
    if (top && line === `${top.pad}}`) {
      stack.pop();
      continue;
    }
    const itf = /^(\s*)(?:export )?interface ([\w$]+) \{$/.exec(line);
    if (!itf) continue;
    const pad = itf[1]!;
    const props: Record<string, SchemaProperty> = {};
    for (i++; i < lines.length && lines[i] !== `${pad}}`; i++) {
      const body = lines[i]!;
      if (!body.startsWith(pad)) continue;
      const p = PROP.exec(body.slice(pad.length));
      if (!p) continue;
      const ref = INPUT_REF.exec(p[2]!);
      props[p[1]!] = ref ? { ref: `#/types/sdk:${ref[1]}${ref[2]}` } : {};
    }
    out[`#/types/sdk:${[...stack.map((s) => s.name), itf[2]!].join('.')}`] = props;
  }
  return out;
}

/** An installed Node.js provider SDK (its package.json names the Pulumi package). */
function readSdk(dir: string): PackageSchema {
  const pkgFile = path.join(dir, 'package.json');
  let pkg: unknown;
  try {
    pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  } catch {
    throw new InputError({ file: dir, reason: 'not a Pulumi provider SDK (no readable package.json)' });
  }
  const meta = isObject(pkg) && isObject(pkg.pulumi) ? pkg.pulumi : undefined;
  const name = meta && typeof meta.name === 'string' ? meta.name : undefined;
  if (!isObject(pkg) || !name) throw new InputError({ file: pkgFile, reason: 'not a Pulumi provider SDK (package.json has no "pulumi.name")' });
  const version = typeof meta!.version === 'string' ? meta!.version : typeof pkg.version === 'string' ? pkg.version : 'unknown';
  const files: string[] = [];
  walk(dir, files);
  const resources: Record<string, SchemaResource> = {};
  for (const js of files) {
    if (js.includes(`${path.sep}types${path.sep}`)) continue;
    const text = readFileSync(js, 'utf8');
    const token = TOKEN.exec(text)?.[1];
    if (!token || token.startsWith('pulumi:providers:')) continue;
    const aliasLine = text.split('\n').find((l) => l.includes('const aliasOpts'));
    const aliases = aliasLine ? [...aliasLine.matchAll(ALIAS)].map((m) => m[1]!) : [];
    const className = /(?:^|\n)class ([\w$]+) extends/.exec(text)?.[1] ?? path.basename(js, '.js');
    let inputs: Record<string, SchemaProperty> = {};
    try {
      inputs = interfaces(readFileSync(js.replace(/\.js$/, '.d.ts'), 'utf8'), '').get(`${className}Args`) ?? {};
    } catch {
      // No declarations: the type is listed without properties.
    }
    resources[token] = { inputProperties: inputs, aliases };
  }
  if (Object.keys(resources).length === 0) throw new InputError({ file: dir, reason: 'not a Pulumi provider SDK (no resource classes found)' });
  return {
    name,
    version,
    source: `npm:${typeof pkg.name === 'string' ? pkg.name : name}@${typeof pkg.version === 'string' ? pkg.version : version}`,
    resources,
    types: sdkTypes(dir),
  };
}

/** A schema.json file or a provider SDK directory. */
export function readProviderSchema(target: string): PackageSchema {
  let dir: boolean;
  try {
    dir = statSync(target).isDirectory();
  } catch {
    throw new InputError({ file: target, reason: 'no such schema file or provider SDK directory' });
  }
  return dir ? readSdk(target) : readSchemaFile(target);
}
