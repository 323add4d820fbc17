/**
 * The fn:: built-ins of Pulumi YAML, an explicit sorted map from lower-cased
 * name to implementation. Functions of unknown values give unknowns; invokes
 * give unknowns (their results exist only in the cloud), never errors.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { asSpecial, special, type PropertyMap, type PropertyValue, type ResourceRecord } from '../types.js';
import type { EvalError } from './evaluate.js';
import { invokeAnswerFor, regionFields, type InvokeAnswer } from '../invokes.js';

export interface FnContext {
  value(expr: unknown, path: Array<string | number>): PropertyValue;
  path: Array<string | number>;
  projectDir: string;
  fail(message: string, path?: Array<string | number>): EvalError;
  /** A stable symbol for this call's unknown result. */
  symbolFor(what: string): string;
  resourceByRef(urn: string): ResourceRecord | undefined;
  /** Read a file of the project (confined, regular files only, bounded): its bytes or why not. */
  readFile(absolutePath: string): Buffer | { refused: string };
  /** A config value as `${key}` reads it (an unknown `<key>`, with its warning, when it has none). */
  config(key: string): PropertyValue;
  /** Invokes answered from the providers' own config (the rule packs' providers[].invokes): here, their fields that are the region alone. */
  invokes: readonly InvokeAnswer[];
}

type Fn = (arg: unknown, ctx: FnContext) => PropertyValue;

const isUnknown = (v: PropertyValue): boolean => {
  const s = asSpecial(v);
  return s?.kind === 'unknown';
};
const isSecret = (v: PropertyValue): boolean => asSpecial(v)?.kind === 'secret';
const unknown = (symbol: string): PropertyValue => special({ kind: 'unknown', symbol });

/** Anything inside unknown or secret? Then the function's result is too. */
function opaque(v: PropertyValue): 'secret' | 'unknown' | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const s = asSpecial(v);
  if (s) return s.kind === 'secret' ? 'secret' : s.kind === 'unknown' ? 'unknown' : undefined;
  const items = Array.isArray(v) ? v : Object.values(v as PropertyMap);
  let result: 'secret' | 'unknown' | undefined;
  for (const item of items) {
    const o = opaque(item);
    if (o === 'secret') return 'secret';
    if (o) result = o;
  }
  return result;
}

function args(arg: unknown, ctx: FnContext, n: number, name: string): PropertyValue[] {
  const v = ctx.value(arg, ctx.path);
  if (!Array.isArray(v) || v.length !== n) {
    if (isUnknown(v)) return new Array(n).fill(v) as PropertyValue[];
    throw ctx.fail(`fn::${name} takes a list of ${n} arguments`);
  }
  return v;
}

function readProjectFile(file: unknown, ctx: FnContext, name: string): Buffer | PropertyValue {
  const p = ctx.value(file, ctx.path);
  if (typeof p !== 'string') {
    if (isUnknown(p) || isSecret(p)) return unknown(ctx.symbolFor(name));
    throw ctx.fail(`fn::${name} takes a file path`);
  }
  const full = path.resolve(ctx.projectDir, p);
  const got = ctx.readFile(full);
  if (Buffer.isBuffer(got)) return got;
  throw ctx.fail(`fn::${name}: cannot read ${p} (relative to the project directory): ${got.refused}`);
}

function asset(kind: 'asset' | 'archive', field: 'path' | 'uri' | undefined): Fn {
  return (arg, ctx) => {
    const v = ctx.value(arg, ctx.path);
    if (field && typeof v === 'string') return special({ kind, [field]: v });
    return special({ kind });
  };
}

function referencedResource(arg: unknown, ctx: FnContext, name: string): ResourceRecord {
  const s = asSpecial(ctx.value(arg, ctx.path));
  const r = s?.kind === 'resource-ref' ? ctx.resourceByRef(s.urn) : undefined;
  if (!r) throw ctx.fail(`fn::${name} takes a resource reference like \${res}`);
  return r;
}

const invoke: Fn = (arg, ctx) => {
  if (arg === null || typeof arg !== 'object' || Array.isArray(arg)) throw ctx.fail('fn::invoke takes a map with function, arguments and return');
  const a = arg as Record<string, unknown>;
  const fnName = a.function ?? a.Function;
  if (typeof fnName !== 'string') throw ctx.fail('fn::invoke needs `function: <package>:<module>:<name>`');
  const given = ctx.value(a.arguments ?? a.Arguments, [...ctx.path, 'arguments']);
  if (a.options !== undefined) ctx.value(a.options, [...ctx.path, 'options']);
  const ret = a.return ?? a.Return;
  const answer = invokeAnswerFor(ctx.invokes, fnName);
  const fields = answer ? regionFields(answer) : [];
  const known = answer && fields.length > 0 ? { key: answer.regionConfig, fields } : undefined;
  const noArguments = given === null || (typeof given === 'object' && !Array.isArray(given) && !asSpecial(given) && Object.keys(given).length === 0);
  // With arguments (another region asked for) or an explicit provider, only a deploy knows the answer.
  if (known && noArguments && a.options === undefined) {
    const v = ctx.config(known.key);
    if (typeof ret === 'string') return known.fields.includes(ret) ? v : unknown(`${ctx.symbolFor(`invoke:${fnName}`)}.${ret}`);
    const out = Object.create(null) as PropertyMap;
    for (const f of known.fields) out[f] = v;
    return out;
  }
  const base = ctx.symbolFor(`invoke:${fnName}`);
  return unknown(typeof ret === 'string' ? `${base}.${ret}` : base);
};

export const FUNCTIONS: Readonly<Record<string, Fn>> = {
  assetarchive: (arg, ctx) => {
    ctx.value(arg, ctx.path);
    return special({ kind: 'archive' });
  },
  filearchive: asset('archive', 'path'),
  fileasset: asset('asset', 'path'),
  filebase64: (arg, ctx) => {
    const b = readProjectFile(arg, ctx, 'fileBase64');
    return Buffer.isBuffer(b) ? b.toString('base64') : b;
  },
  filebase64sha256: (arg, ctx) => {
    const b = readProjectFile(arg, ctx, 'fileBase64Sha256');
    return Buffer.isBuffer(b) ? createHash('sha256').update(b).digest('base64') : b;
  },
  frombase64: (arg, ctx) => {
    const v = ctx.value(arg, ctx.path);
    if (typeof v === 'string') return Buffer.from(v, 'base64').toString('utf8');
    if (isUnknown(v) || isSecret(v)) return isSecret(v) ? v : unknown(ctx.symbolFor('fromBase64'));
    throw ctx.fail('fn::fromBase64 takes a string');
  },
  invoke,
  join: (arg, ctx) => {
    const [sep, list] = args(arg, ctx, 2, 'join');
    const o = opaque(sep!) ?? opaque(list!);
    if (o === 'secret') return special({ kind: 'secret' });
    if (o || !Array.isArray(list)) {
      if (o || isUnknown(list!)) return unknown(ctx.symbolFor('join'));
      throw ctx.fail('fn::join takes [separator, list]');
    }
    return list.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(String(sep));
  },
  length: (arg, ctx) => {
    const v = ctx.value(arg, ctx.path);
    if (Array.isArray(v) || typeof v === 'string') return v.length;
    if (v !== null && typeof v === 'object' && !asSpecial(v)) return Object.keys(v).length;
    if (isUnknown(v)) return unknown(ctx.symbolFor('length'));
    throw ctx.fail('fn::length takes a list, a map or a string');
  },
  pulumiresourcename: (arg, ctx) => referencedResource(arg, ctx, 'pulumiResourceName').name,
  pulumiresourcetype: (arg, ctx) => referencedResource(arg, ctx, 'pulumiResourceType').type,
  readfile: (arg, ctx) => {
    const b = readProjectFile(arg, ctx, 'readFile');
    return Buffer.isBuffer(b) ? b.toString('utf8') : b;
  },
  remotearchive: asset('archive', 'uri'),
  remoteasset: asset('asset', 'uri'),
  secret: (arg, ctx) => {
    ctx.value(arg, ctx.path);
    return special({ kind: 'secret' });
  },
  select: (arg, ctx) => {
    const [i, list] = args(arg, ctx, 2, 'select');
    if (Array.isArray(list) && typeof i === 'number') {
      if (i < 0 || i >= list.length) throw ctx.fail(`fn::select: index ${i} is out of range for a list of ${list.length}`);
      return list[i]!;
    }
    const ls = asSpecial(list!);
    if (ls?.kind === 'unknown' && typeof i === 'number') return unknown(`${ls.symbol ?? ctx.symbolFor('select')}[${i}]`);
    if (isUnknown(list!) || isUnknown(i!)) return unknown(ctx.symbolFor('select'));
    throw ctx.fail('fn::select takes [index, list]');
  },
  sha1: (arg, ctx) => {
    const v = ctx.value(arg, ctx.path);
    if (typeof v === 'string') return createHash('sha1').update(v).digest('hex');
    if (isUnknown(v) || isSecret(v)) return unknown(ctx.symbolFor('sha1'));
    throw ctx.fail('fn::sha1 takes a string');
  },
  singleornone: (arg, ctx) => {
    const v = ctx.value(arg, ctx.path);
    if (Array.isArray(v)) {
      if (v.length > 1) throw ctx.fail(`fn::singleOrNone: the list has ${v.length} elements`);
      return v[0] ?? null;
    }
    if (isUnknown(v)) return unknown(ctx.symbolFor('singleOrNone'));
    throw ctx.fail('fn::singleOrNone takes a list');
  },
  split: (arg, ctx) => {
    const [sep, text] = args(arg, ctx, 2, 'split');
    if (typeof sep === 'string' && typeof text === 'string') return text.split(sep);
    if (isSecret(text!)) return special({ kind: 'secret' });
    if (isUnknown(sep!) || isUnknown(text!)) return unknown(ctx.symbolFor('split'));
    throw ctx.fail('fn::split takes [separator, string]');
  },
  stackreference: (arg, ctx) => {
    const v = ctx.value(arg, ctx.path);
    if (!Array.isArray(v) || v.length < 1) throw ctx.fail('fn::stackReference takes [stackName, outputName]');
    return unknown(`stackReference:${String(v[0])}:${v.slice(1).map(String).join('.')}`);
  },
  stringasset: (arg, ctx) => {
    ctx.value(arg, ctx.path);
    return special({ kind: 'asset' });
  },
  tobase64: (arg, ctx) => {
    const v = ctx.value(arg, ctx.path);
    if (typeof v === 'string') return Buffer.from(v, 'utf8').toString('base64');
    if (isSecret(v)) return v;
    if (isUnknown(v)) return unknown(ctx.symbolFor('toBase64'));
    throw ctx.fail('fn::toBase64 takes a string');
  },
  tojson: (arg, ctx) => {
    const v = ctx.value(arg, ctx.path);
    const o = opaque(v);
    if (o === 'secret') return special({ kind: 'secret' });
    if (o) return unknown(ctx.symbolFor('toJSON'));
    return JSON.stringify(v);
  },
  unsecret: (arg, ctx) => {
    const v = ctx.value(arg, ctx.path);
    // The secret's value was never kept: it stays unknown.
    return isSecret(v) ? unknown(ctx.symbolFor('unsecret')) : v;
  },
};
