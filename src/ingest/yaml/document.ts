/** YAML files with positions: parse errors and node lookups as file:line:column. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { InputError, type Problem } from '../../errors.js';

export interface YamlFile {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  value: unknown;
}

export function readYamlFile(file: string, what: string): YamlFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError({ file, reason: `cannot read ${what}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
  }
  return parseYamlText(text, file);
}

export function parseYamlText(text: string, file: string): YamlFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const problems: Problem[] = doc.errors.map((e) => {
    const pos = e.linePos?.[0];
    return { file, ...(pos ? { line: pos.line, column: pos.col } : {}), reason: `invalid YAML: ${(e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '')}` };
  });
  if (problems.length > 0) throw new InputError(problems);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new InputError({ file, reason: /alias/i.test(message) ? `invalid YAML: too many alias expansions (an alias bomb?): ${message}` : `invalid YAML: ${message}` });
  }
  return { file, doc, lines, value };
}

/**
 * The node at a path: map keys match as written or, failing that, case-insensitively
 * (programs are read with canonical field names: `resources` for `Resources`).
 */
function nodeAt(y: YamlFile, path: Array<string | number>, key: boolean): unknown {
  let node: unknown = y.doc.contents;
  for (let i = 0; i < path.length; i++) {
    const step = path[i]!;
    if (isMap(node)) {
      const items = node.items as Array<{ key: unknown; value: unknown }>;
      const keyText = (it: { key: unknown }): string => String(isScalar(it.key) ? it.key.value : it.key);
      const pair = items.find((it) => keyText(it) === String(step)) ?? items.find((it) => keyText(it).toLowerCase() === String(step).toLowerCase());
      if (!pair) return undefined;
      node = key && i === path.length - 1 ? pair.key : pair.value;
    } else if (isSeq(node) && typeof step === 'number') node = node.items[step];
    else return undefined;
  }
  return node;
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
  if (block !== undefined && block !== null && !isMap(block)) throw new InputError({ file: stackFile.file, ...positionOf(stackFile, ['config']), reason: '`config` must be a map of keys to values' });
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
