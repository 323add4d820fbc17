/**
 * Inputs: a file, `-` for stdin, or a project directory (`DIR` or `DIR@STACK`).
 * Every input becomes a StackInput of resource records.
 */
import { stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { parseJson } from './json.js';
import { readPreview, isPreview } from './preview.js';
import { readState } from './state.js';
import type { StackInput } from './types.js';

export interface LoadOptions {
  /** The stack for project inputs that do not name one with `DIR@STACK`. */
  stack?: string;
  /**
   * Keep only these top-level properties of state resources (the ones rule
   * packs read); everything else is dropped while reading. Default: all.
   */
  keepProperties?: ReadonlySet<string>;
  /** Reads standard input; tests replace it. */
  readStdin?: () => Promise<string>;
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Split `DIR@STACK`; a path that exists as written wins over the split. */
export function splitStackSpec(spec: string): { target: string; stack?: string } {
  const at = spec.lastIndexOf('@');
  if (at <= 0 || existsSync(spec)) return { target: spec };
  return { target: spec.slice(0, at), stack: spec.slice(at + 1) || undefined };
}

async function fileKind(target: string): Promise<'dir' | 'file'> {
  try {
    const s = await stat(target);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    throw new InputError({
      file: target,
      reason: 'no such file or directory; give a `pulumi stack export` JSON file, `-` for stdin, or a Pulumi project directory',
    });
  }
}

export async function loadInput(spec: string, options: LoadOptions = {}): Promise<StackInput> {
  if (spec === '-') {
    const text = await (options.readStdin ?? readAllStdin)();
    return readDocument(parseJson(text, '<stdin>'), '<stdin>', spec, options.keepProperties);
  }
  const { target, stack } = splitStackSpec(spec);
  const kind = await fileKind(target);
  const chosenStack = stack ?? options.stack;
  if (kind === 'dir') {
    const { loadYamlProject } = await import('./yaml/index.js');
    return loadYamlProject(target, { ...(chosenStack ? { stack: chosenStack } : {}), input: spec });
  }
  if (stack) throw new UsageError(`${spec}: @STACK applies to a project directory, not to a file`);
  const ext = path.extname(target).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') {
    const { loadYamlProject } = await import('./yaml/index.js');
    return loadYamlProject(target, { ...(chosenStack ? { stack: chosenStack } : {}), input: spec });
  }
  let text: string;
  try {
    text = readFileSync(target, 'utf8');
  } catch (err) {
    throw new InputError({ file: target, reason: `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
  }
  return readDocument(parseJson(text, target), target, spec, options.keepProperties);
}

/** A parsed JSON input: Pulumi state in one of its forms, or a preview. */
function readDocument(doc: unknown, file: string, input: string, keep?: ReadonlySet<string>): StackInput {
  return isPreview(doc) ? readPreview(doc, file, input, keep) : readState(doc, file, input, keep);
}

/** Load every input, in the order given. */
export async function loadInputs(specs: string[], options: LoadOptions = {}): Promise<StackInput[]> {
  const out: StackInput[] = [];
  for (const spec of specs) out.push(await loadInput(spec, options));
  return out;
}

export type { StackInput, ResourceRecord } from './types.js';
