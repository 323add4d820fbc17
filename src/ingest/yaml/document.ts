/** YAML files with positions: parse errors and node lookups as file:line:column. */
import { existsSync, readdirSync } from 'node:fs';
import { readInputText } from '../read.js';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type ErrorCode } from 'yaml';
import { InputError, type Problem } from '../../errors.js';

export interface YamlFile {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  value: unknown;
}

export function readYamlFile(file: string, what: string): YamlFile {
  return parseYamlText(readInputText(file, what), file);
}

/**
 * What a YAML parse error means, by the library's error code, in our own words:
 * the library's messages can quote the input (an alias or tag name, a code
 * frame), and input bytes never reach an error (docs/security.md).
 */
const YAML_ERRORS: Record<ErrorCode, string> = {
  ALIAS_PROPS: 'an alias cannot have an anchor or a tag',
  BAD_ALIAS: 'an alias that names no anchor, or stands where it cannot',
  BAD_COLLECTION_TYPE: 'the tag does not fit the collection it is on',
  BAD_DIRECTIVE: 'an unknown or malformed % directive',
  BAD_DQ_ESCAPE: 'an invalid escape sequence in a double-quoted string',
  BAD_INDENT: 'the indentation does not match the enclosing block',
  BAD_PROP_ORDER: 'an anchor or tag where none can stand',
  BAD_SCALAR_START: 'a plain value cannot start with this character (quote the value)',
  BLOCK_AS_IMPLICIT_KEY: 'a block collection cannot be a key',
  BLOCK_IN_FLOW: 'a block collection inside [ ] or { }',
  DUPLICATE_KEY: 'Map keys must be unique',
  IMPOSSIBLE: 'the parser cannot read this',
  KEY_OVER_1024_CHARS: 'an implicit key longer than 1024 characters',
  MISSING_CHAR: 'a closing quote, bracket or brace, or a , or : separator is missing',
  MULTILINE_IMPLICIT_KEY: 'an implicit key spans several lines (quote it, or use ? for a complex key)',
  MULTIPLE_ANCHORS: 'a node with more than one anchor',
  MULTIPLE_DOCS: 'more than one document (---): expected one',
  MULTIPLE_TAGS: 'a node with more than one tag',
  NON_STRING_KEY: 'a key that is not a string',
  RESOURCE_EXHAUSTION: 'too many alias expansions (an alias bomb?)',
  TAB_AS_INDENT: 'a tab used for indentation (YAML indents with spaces)',
  TAG_RESOLVE_FAILED: 'a tag firebreak does not know, or a value that does not fit its tag',
  UNEXPECTED_TOKEN: 'unexpected text here: expected a key, a value or the end of a collection',
};

function yamlErrorText(code: ErrorCode): string {
  return YAML_ERRORS[code] ?? 'malformed YAML';
}

/** A runtime's name for errors, when it is a name (`python`); anything else is not quoted. */
export function runtimeName(runtime: unknown): string {
  if (runtime === undefined || runtime === null) return '(missing)';
  return typeof runtime === 'string' && /^[A-Za-z][A-Za-z0-9._-]{0,39}$/.test(runtime) ? runtime : '(not a runtime name)';
}

export function parseYamlText(text: string, file: string): YamlFile {
  const lines = new LineCounter();
  let doc: Document.Parsed;
  try {
    // Unique keys are checked below, in linear time (the library's check is quadratic in the size of a map).
    doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  } catch (err) {
    if (err instanceof RangeError) throw new InputError({ file, reason: `invalid YAML: nested too deeply (more than ${MAX_DEPTH} levels)` });
    throw err;
  }
  const problems: Problem[] = doc.errors.map((e) => {
    const pos = e.linePos?.[0];
    const message = /call stack/i.test(e.message) ? `nested too deeply (more than ${MAX_DEPTH} levels)` : yamlErrorText(e.code);
    return { file, ...(pos ? { line: pos.line, column: pos.col } : {}), reason: `invalid YAML: ${message}` };
  });
  if (problems.length === 0) problems.push(...structureProblems(doc, lines, file));
  if (problems.length > 0) throw new InputError(problems);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // The library's message names the alias (input bytes): say what went wrong in our own words.
    const message = err instanceof Error ? err.message : String(err);
    let at: { line?: number; column?: number } = {};
    if (!/excessive alias|alias count/i.test(message)) {
      visit(doc, {
        Alias(_key, node) {
          if (node.resolve(doc) !== undefined || !node.range) return undefined;
          const pos = lines.linePos(node.range[0]);
          at = { line: pos.line, column: pos.col };
          return visit.BREAK;
        },
      });
    }
    throw new InputError({
      file,
      ...at,
      reason: /excessive alias|alias count/i.test(message)
        ? 'invalid YAML: too many alias expansions (an alias bomb?): at most 100 aliases are expanded'
        : /alias/i.test(message)
          ? 'invalid YAML: an alias that names no anchor defined before it'
          : 'invalid YAML: the document cannot be read as data',
    });
  }
  return { file, doc, lines, value };
}

/**
 * The node at a path: map keys match as written or, failing that, case-insensitively
 * (programs are read with canonical field names: `resources` for `Resources`).
 */
type Pair = { key: unknown; value: unknown };
/** Per map node, its pairs by key as written and in lower case (a program of 100,000 resources is looked up once per resource). */
const pairIndex = new WeakMap<object, { exact: Map<string, Pair>; folded: Map<string, Pair> }>();

function pairsOf(node: { items: unknown[] }): { exact: Map<string, Pair>; folded: Map<string, Pair> } {
  let index = pairIndex.get(node);
  if (!index) {
    index = { exact: new Map(), folded: new Map() };
    for (const it of node.items as Pair[]) {
      const k = String(isScalar(it.key) ? it.key.value : it.key);
      if (!index.exact.has(k)) index.exact.set(k, it);
      if (!index.folded.has(k.toLowerCase())) index.folded.set(k.toLowerCase(), it);
    }
    pairIndex.set(node, index);
  }
  return index;
}

function nodeAt(y: YamlFile, path: Array<string | number>, key: boolean): unknown {
  let node: unknown = y.doc.contents;
  for (let i = 0; i < path.length; i++) {
    const step = path[i]!;
    if (isMap(node)) {
      const index = pairsOf(node);
      const pair = index.exact.get(String(step)) ?? index.folded.get(String(step).toLowerCase());
      if (!pair) return undefined;
      node = key && i === path.length - 1 ? pair.key : pair.value;
    } else if (isSeq(node) && typeof step === 'number') node = node.items[step];
    else return undefined;
  }
  return node;
}

/** The deepest nesting of maps and lists a program may have. */
export const MAX_DEPTH = 200;

/** Duplicate keys and nesting deeper than MAX_DEPTH, found with an explicit stack (no recursion). */
function structureProblems(doc: Document.Parsed, lines: LineCounter, file: string): Problem[] {
  const problems: Problem[] = [];
  const at = (node: unknown): { line?: number; column?: number } => {
    if (!isNode(node) || !node.range) return {};
    const pos = lines.linePos(node.range[0]);
    return { line: pos.line, column: pos.col };
  };
  const stack: Array<[unknown, number]> = [[doc.contents, 1]];
  while (stack.length > 0 && problems.length < 10) {
    const [node, depth] = stack.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > MAX_DEPTH) {
      problems.push({ file, ...at(node), reason: `invalid YAML: nested deeper than ${MAX_DEPTH} levels` });
      break;
    }
    if (isMap(node)) {
      const keys = new Set<string>();
      for (const it of node.items as Pair[]) {
        const k = isScalar(it.key) ? `s:${String(it.key.value)}` : undefined;
        if (k !== undefined) {
          if (keys.has(k)) problems.push({ file, ...at(it.key), reason: 'invalid YAML: Map keys must be unique' });
          keys.add(k);
        }
        stack.push([it.value, depth + 1]);
      }
    } else for (const it of node.items) stack.push([it, depth + 1]);
  }
  return problems;
}

/** The position of the node at a path (or of its nearest ancestor that exists). */
export function positionOf(y: YamlFile, path: Array<string | number>, key = false): { line?: number; column?: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = nodeAt(y, path.slice(0, n), key && n === path.length && n > 0);
    if (isNode(node) && node.range) {
      const pos = y.lines.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}

/** The `config:` block of a stack config file (Pulumi.<stack>.yaml), checked to be a map. */
export function stackConfigBlock(stackFile: YamlFile): Record<string, unknown> {
  const sv = stackFile.value;
  const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (sv !== null && sv !== undefined && !isMap(sv)) throw new InputError({ file: stackFile.file, reason: 'the stack config file must be a YAML map' });
  const block = isMap(sv) ? sv.config : undefined;
  if (block !== undefined && block !== null && !isMap(block))
    throw new InputError({ file: stackFile.file, ...positionOf(stackFile, ['config']), reason: '`config` must be a map of keys to values' });
  return block ?? {};
}

/** The stacks whose config files are in a directory: the names of its Pulumi.<stack>.yaml files, sorted. */
export function stacksIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}
