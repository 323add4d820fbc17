/**
 * Pulumi YAML `${...}` interpolation: text parts and references with property
 * access paths (`${res.prop[0]["key"]}`); `$$` is a literal `$`.
 */
export type Accessor = string | number;

export interface Reference {
  /** The root name: a resource, variable, config key (`aws:region`), or `pulumi`. */
  root: string;
  path: Accessor[];
  /** The reference as written, without `${}`. */
  text: string;
}

export type Part = { text: string } | { ref: Reference };

export class ExprSyntaxError extends Error {}

/** Parse `res.a[0]["b c"].d` into a root and accessors. */
export function parseReference(text: string): Reference {
  const s = text.trim();
  let i: number;
  const rootMatch = /^[A-Za-z_][A-Za-z0-9_\-:]*/.exec(s);
  if (!rootMatch) throw new ExprSyntaxError(`invalid reference \${${text}}`);
  const root = rootMatch[0];
  i = root.length;
  const path: Accessor[] = [];
  while (i < s.length) {
    if (s[i] === '.') {
      const m = /^[A-Za-z_$][A-Za-z0-9_\-$]*/.exec(s.slice(i + 1));
      if (!m) throw new ExprSyntaxError(`invalid property access in \${${text}}`);
      path.push(m[0]);
      i += 1 + m[0].length;
    } else if (s[i] === '[') {
      const rest = s.slice(i);
      const num = /^\[\s*(\d+)\s*\]/.exec(rest);
      const str = /^\[\s*"((?:[^"\\]|\\.)*)"\s*\]/.exec(rest);
      if (num) {
        path.push(Number(num[1]));
        i += num[0].length;
      } else if (str) {
        path.push(JSON.parse(`"${str[1]}"`) as string);
        i += str[0].length;
      } else throw new ExprSyntaxError(`invalid index in \${${text}}`);
    } else throw new ExprSyntaxError(`unexpected "${s[i]}" in \${${text}}`);
  }
  return { root, path, text: s };
}

/** Split a string into text and references. */
export function parseInterpolation(input: string): Part[] {
  const parts: Part[] = [];
  let text = '';
  let i = 0;
  while (i < input.length) {
    if (input[i] === '$' && input[i + 1] === '$') {
      text += '$';
      i += 2;
      continue;
    }
    if (input[i] === '$' && input[i + 1] === '{') {
      const end = input.indexOf('}', i + 2);
      if (end < 0) throw new ExprSyntaxError(`unterminated \${ in "${input}"`);
      if (text) parts.push({ text });
      text = '';
      parts.push({ ref: parseReference(input.slice(i + 2, end)) });
      i = end + 1;
      continue;
    }
    text += input[i];
    i++;
  }
  if (text) parts.push({ text });
  return parts;
}

export function pathText(root: string, path: Accessor[]): string {
  return root + path.map((p) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$-]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`)).join('');
}
