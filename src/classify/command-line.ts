/**
 * Key files a command line names (a rule's rebuild.keyArgs: `ansible-playbook --private-key ~/.ssh/deploy.pem`).
 * Only a command in plain text is read: a secret one is never looked into (it is said to be unreadable), and a
 * placeholder a program fills at deploy (`${keyPath}`, `<keyPath>`) is no file name.
 */
import { asSpecial, type PropertyValue } from '../ingest/types.js';
import type { KeyFile } from './types.js';

/** Shell words, roughly as a POSIX shell splits them: quotes group, `;`, `&`, `|` end a word (and are words). */
export function shellWords(command: string): string[] {
  const out: string[] = [];
  let word: string | undefined;
  const push = (): void => {
    if (word !== undefined) out.push(word);
    word = undefined;
  };
  for (let i = 0; i < command.length; i++) {
    const ch = command[i]!;
    if (ch === "'" || ch === '"') {
      const end = command.indexOf(ch, i + 1);
      const stop = end < 0 ? command.length : end;
      word = (word ?? '') + command.slice(i + 1, stop);
      i = stop;
    } else if (ch === '\\' && i + 1 < command.length) {
      word = (word ?? '') + command[++i]!;
    } else if (/\s/.test(ch)) push();
    else if (ch === ';' || ch === '&' || ch === '|') {
      push();
      out.push(ch);
    } else word = (word ?? '') + ch;
  }
  push();
  return out;
}

const SEPARATORS = new Set([';', '&', '|']);
/** A value a program fills at deploy: a Pulumi YAML reference left in the text, or a symbolic unknown (`<keyPath>`). */
const PLACEHOLDER = /\$\{[^}]*\}|^<[^<>]+>$/;

/** The values of `flags` in one command line: `--flag FILE` or `--flag=FILE`, in order; a value left for deploy has no file. */
export function flagValues(command: string, flags: readonly string[], symbolic: boolean): Array<{ flag: string; file?: string }> {
  const words = shellWords(command);
  const out: Array<{ flag: string; file?: string }> = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    let flag: string | undefined;
    let value: string | undefined;
    const eq = w.indexOf('=');
    if (eq > 0 && flags.includes(w.slice(0, eq))) {
      flag = w.slice(0, eq);
      value = w.slice(eq + 1);
    } else if (flags.includes(w)) {
      flag = w;
      const next = words[i + 1];
      if (next !== undefined && !SEPARATORS.has(next)) {
        value = next;
        i++;
      }
    }
    if (!flag) continue;
    out.push(value && !(symbolic && PLACEHOLDER.test(value)) ? { flag, file: value } : { flag });
  }
  return out;
}

/**
 * The key files the command lines at these values name. A string is read; an unknown with a symbol (a Pulumi
 * YAML interpolation left for deploy) is read as that text, its placeholders naming no file; a secret, or an
 * unknown with no text, is unreadable: one entry with no flag.
 */
export function keyFilesOf(values: ReadonlyArray<{ property: string; value: PropertyValue }>, flags: readonly string[]): KeyFile[] {
  const out: KeyFile[] = [];
  for (const { property, value } of values) {
    if (typeof value === 'string') {
      for (const f of flagValues(value, flags, false)) out.push({ property, ...f });
      continue;
    }
    const s = asSpecial(value);
    if (s?.kind === 'unknown' && s.symbol) for (const f of flagValues(s.symbol, flags, true)) out.push({ property, ...f });
    else if (s?.kind === 'secret' || s?.kind === 'unknown') out.push({ property });
  }
  return out;
}
