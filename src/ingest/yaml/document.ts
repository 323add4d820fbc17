/** YAML files with positions: parse errors and node lookups as file:line:column. */
import { existsSync, readdirSync } from 'node:fs';
import { readInputText } from '../read.js';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
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

/** The position of the node at a path (or of its nearest ancestor that exists). */
export function positionOf(y: YamlFile, path: Array<string | number>, key = false): { line?: number; column?: number } {
  for (let n = path.length; n >= 0; n--) {
    const sub = path.slice(0, n);
    let node: unknown;
    if (key && n === path.length && n > 0) {
      const parent = y.doc.getIn(sub.slice(0, -1), true) as { items?: Array<{ key: unknown }> } | undefined;
      const pair = parent?.items?.find((it) => {
        const k = it.key as { value?: unknown } | undefined;
        return k && (k.value === sub[sub.length - 1] || String(k.value) === String(sub[sub.length - 1]));
      });
      node = pair?.key;
    } else node = n === 0 ? y.doc.contents : y.doc.getIn(sub, true);
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
