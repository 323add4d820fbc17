/** Loading and validating rule packs; errors as file:line with the zod path. */
import { hash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isNode } from 'yaml';
import { parseYamlText } from '../ingest/yaml/document.js';
import { invokeToken, type InvokeAnswer } from '../ingest/invokes.js';
import { InputError } from '../errors.js';
import { zodProblems } from '../zod-issues.js';
import { z } from 'zod';
import { trustBuiltinPatterns, withPatternChecks } from './regex-engine.js';
import { packSchema, type Pack } from './schema.js';

export interface LoadedPack extends Pack {
  file: string;
}

/** rules/ of the installed package (beside dist/ or src/). */
export function builtinRulesDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'rules');
}

/** Whether a file is one of the built-in packs (rules/ and rules/generated/ of the installed package). */
function isBuiltinPack(file: string): boolean {
  const rel = path.relative(builtinRulesDir(), path.resolve(file));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * A pack's text, validated. A user pack's patterns must run in the linear-time engine (regex-engine.ts); a built-in
 * pack's run in RegExp, and are recorded as such.
 */
export function parsePack(text: string, file: string): LoadedPack {
  // As every YAML input is read: errors in firebreak's words (the library's quote the input), aliases bounded.
  const { doc, lines: lineCounter, value } = parseYamlText(text, file);
  const builtin = isBuiltinPack(file);
  const result = withPatternChecks(!builtin, () => packSchema.safeParse(value));
  if (!result.success) {
    throw new InputError(
      zodProblems(file, result.error.issues, {
        style: 'dots',
        positionOf(at) {
          let node: unknown = doc.getIn(at, true);
          for (let p = at.length - 1; !isNode(node) && p >= 0; p--) node = doc.getIn(at.slice(0, p), true);
          const offset = isNode(node) && node.range ? node.range[0] : undefined;
          const pos = offset !== undefined ? lineCounter.linePos(offset) : undefined;
          return pos ? { line: pos.line, column: pos.col } : undefined;
        },
      }),
    );
  }
  if (builtin) trustBuiltinPatterns(result.data);
  return { ...result.data, file };
}

/**
 * The parsed built-in packs, written by `npm run build` beside the compiled
 * code (dist/rules-cache.json): parsing the YAML of rules/ (over 1 MB with
 * the generated packs) costs more than analysing a small stack. An entry is
 * used only when the pack file's sha256 is the one it was parsed from, so an
 * edited pack is parsed again. Run from the sources, only the test runner's
 * cache counts (test/helpers/pack-cache.ts writes src/rules-cache.json with
 * this run's parser at the start of every run): a file left by a run that was
 * stopped could come from an older parser, so `tsx` scripts parse the YAML.
 */
export interface PackCache {
  version: 1;
  /** Path relative to rules/ -> the sha256 of the file's text and the pack as parsed. */
  packs: Record<string, { sha256: string; pack: Pack }>;
}

const PACK_CACHE_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'rules-cache.json');
let packCache: PackCache | null | undefined;

function builtinPackCache(): PackCache | null {
  if (packCache === undefined) {
    if (import.meta.url.endsWith('.ts') && !process.env.VITEST) return (packCache = null);
    try {
      const parsed = JSON.parse(readFileSync(PACK_CACHE_FILE, 'utf8')) as PackCache;
      packCache = parsed.version === 1 && typeof parsed.packs === 'object' ? parsed : null;
    } catch {
      packCache = null;
    }
  }
  return packCache;
}

const sha256 = (text: string): string => hash('sha256', text, 'hex');

/** The cache of every built-in pack (rules/ and rules/generated/), for `npm run build` to write. */
export function packCacheText(): string {
  const cache: PackCache = { version: 1, packs: {} };
  const root = builtinRulesDir();
  for (const dir of [root, generatedRulesDir()]) {
    for (const f of packFilesOf(dir)) {
      const file = path.join(dir, f);
      const text = readPackText(file);
      const { file: _file, ...pack } = parsePack(text, file);
      cache.packs[path.relative(root, file).split(path.sep).join('/')] = { sha256: sha256(text), pack };
    }
  }
  return JSON.stringify(cache) + '\n';
}

/** The largest rule pack read (the built-in ones are a few hundred KB). */
const MAX_PACK_BYTES = 64 * 1024 * 1024;

function readPackText(file: string): string {
  try {
    // A FIFO or device (`--rules /dev/stdin`, a named pipe) would block or never end: only a regular file is read.
    const s = statSync(file);
    if (!s.isFile())
      throw new InputError({ file, reason: `cannot read the rule pack: ${s.isDirectory() ? 'a directory' : 'not a regular file (a FIFO, device or socket)'}` });
    if (s.size > MAX_PACK_BYTES)
      throw new InputError({ file, reason: `the rule pack is ${Math.round(s.size / 2 ** 20)} MB; firebreak reads at most ${MAX_PACK_BYTES / 2 ** 20} MB` });
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? 'unreadable');
    throw new InputError({ file, reason: `cannot read the rule pack: ${why}` });
  }
}

/** A pack file: from the build's cache when it is a built-in pack unchanged since, else parsed. `cache`: tests only. */
export function loadPackFile(file: string, cache: PackCache | null = builtinPackCache()): LoadedPack {
  const text = readPackText(file);
  if (cache) {
    const rel = path.relative(builtinRulesDir(), path.resolve(file)).split(path.sep).join('/');
    const hit = Object.hasOwn(cache.packs, rel) ? cache.packs[rel] : undefined;
    if (hit && hit.sha256 === sha256(text)) {
      trustBuiltinPatterns(hit.pack);
      return { ...structuredClone(hit.pack), file };
    }
  }
  return parsePack(text, file);
}

const packFilesOf = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();

/** Every *.yaml pack of a directory, sorted by file name; or one file. */
export function loadPacks(target: string): LoadedPack[] {
  let isDir: boolean;
  try {
    isDir = statSync(target).isDirectory();
  } catch {
    throw new InputError({ file: target, reason: 'no such rule pack file or directory' });
  }
  if (!isDir) return [loadPackFile(target)];
  return packFilesOf(target).map((f) => loadPackFile(path.join(target, f)));
}

/** rules/generated/ of the installed package: packs written by `npm run rules:generate`. */
export function generatedRulesDir(): string {
  return path.join(builtinRulesDir(), 'generated');
}

/** The built-in packs (core, then the generated packs, then the curated ones, which override them), then user packs in the order given (later packs take precedence). */
export function loadRuleSet(userPaths: string[] = []): LoadedPack[] {
  const builtin = loadPacks(builtinRulesDir());
  const core = builtin.filter((p) => p.pack === 'core');
  const rest = builtin.filter((p) => p.pack !== 'core');
  let generated: LoadedPack[] = [];
  try {
    if (statSync(generatedRulesDir()).isDirectory()) generated = loadPacks(generatedRulesDir());
  } catch {
    // No generated packs installed.
  }
  return [...core, ...generated, ...rest, ...userPaths.flatMap((p) => loadPacks(p))];
}

/**
 * The JSON Schema of a rule-pack file: the input side of the zod schema, so
 * editors complete and check packs as they are written. `npm run schema`
 * writes it to schema/rule-pack.schema.json; a test keeps that file current.
 */
export function packJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(packSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    $schema,
    title: 'firebreak rule pack',
    description: 'A firebreak rule pack (rules/*.yaml): what resource types are and where they live. See docs/rules.md.',
    ...rest,
  };
}

/** packJsonSchema() as the text of schema/rule-pack.schema.json. */
export function packJsonSchemaText(): string {
  return JSON.stringify(packJsonSchema(), null, 2) + '\n';
}

/**
 * The invokes the packs' providers answer from their own config (providers[].invokes), for program inputs: one per
 * function token, a later pack's replacing an earlier one's.
 */
export function invokeAnswers(packs: readonly Pack[]): InvokeAnswer[] {
  const byToken = new Map<string, InvokeAnswer>();
  for (const pack of packs) {
    for (const p of pack.providers ?? []) {
      if (!p.invokes || p.package.includes('*')) continue;
      for (const i of p.invokes) {
        byToken.set(invokeToken(i.function), {
          function: i.function,
          regionConfig: p.regionConfig ?? `${p.package}:region`,
          ...(p.assumedRegion !== undefined ? { assumedRegion: p.assumedRegion } : {}),
          ...(p.regionWords ? { regionWords: p.regionWords } : {}),
          result: i.result,
        });
      }
    }
  }
  return [...byToken.keys()].sort().map((k) => byToken.get(k)!);
}
