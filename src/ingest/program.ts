/**
 * The program behind a stack export or preview: when a Pulumi YAML project
 * (Pulumi.yaml with `runtime: yaml`, the same project name) lies next to the
 * file, each resource it declares gets its line there as `source`, so reports
 * (SARIF above all) point at the declaration instead of at the JSON file.
 * Nothing is evaluated: only the `resources:` keys and their `type` and `name`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseYamlText, positionOf, type YamlFile } from './yaml/document.js';
import type { StackInput } from './types.js';

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `aws:ec2:Instance` in YAML is `aws:ec2/instance:Instance` in state: same package, same type name. */
function sameType(declared: string, type: string): boolean {
  if (declared === type) return true;
  const parts = (t: string): [string, string] => [t.split(':')[0] ?? '', t.slice(t.lastIndexOf(':') + 1)];
  const [a, b] = [parts(declared), parts(type)];
  return a[0] === b[0] && a[1] === b[1];
}

/** The Pulumi.yaml (or .yml) in a directory, when there is one. */
export function projectFileIn(dir: string): string | undefined {
  for (const name of ['Pulumi.yaml', 'Pulumi.yml']) {
    const file = dir === '.' ? name : path.join(dir, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/**
 * Give the resources of a state or preview input the line of their declaration in
 * the Pulumi YAML program next to `file`. A program that cannot be read or parsed,
 * of another project or another runtime, changes nothing (and is not an error: the
 * input is the JSON file). Returns the project file when it is the stack's project
 * (also recorded as `input.program`).
 */
export function locateInProgram(input: StackInput, file: string): string | undefined {
  const dir = path.dirname(file);
  const program = projectFileIn(dir);
  if (!program) return undefined;
  // sourcePosition (project://<file>) is relative to the project root: rebase it onto the project next to the file.
  for (const r of input.resources) {
    if (!r.source || dir === '.') continue;
    const rebased = path.join(dir, r.source.file.replace(/^\/+/, ''));
    if (!existsSync(r.source.file) && existsSync(rebased)) r.source = { ...r.source, file: rebased };
  }
  let y: YamlFile;
  try {
    y = parseYamlText(readFileSync(program, 'utf8'), program);
  } catch {
    return undefined;
  }
  const p = y.value;
  if (!isMap(p) || p.name !== input.project) return undefined;
  // The stack's own project: reports point at it rather than at a generated JSON file.
  input.program = program;
  const runtime = isMap(p.runtime) ? p.runtime.name : p.runtime;
  if (runtime !== 'yaml' || !isMap(p.resources)) return program;
  // Logical name -> [key, type] of the declarations (`name:` overrides the key).
  const declared = new Map<string, { key: string; type: unknown }>();
  for (const [key, decl] of Object.entries(p.resources)) {
    if (!isMap(decl)) continue;
    const name = typeof decl.name === 'string' ? decl.name : key;
    if (!declared.has(name)) declared.set(name, { key, type: decl.type });
  }
  for (const r of input.resources) {
    if (r.source) continue;
    const d = declared.get(r.name);
    if (!d || (typeof d.type === 'string' && !sameType(d.type, r.type))) continue;
    r.source = { file: program, ...positionOf(y, ['resources', d.key], true) };
  }
  return program;
}
