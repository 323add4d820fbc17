/** YAML files with positions: parse errors and node lookups as file:line:column. */
import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
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
