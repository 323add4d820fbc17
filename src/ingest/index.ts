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
import { isEventLog, readEventLog } from './events.js';
import { readPreview, isPreview } from './preview.js';
import { readState } from './state.js';
import type { StackInput } from './types.js';
import { linkStackReferences, stacksToLink } from './stackrefs.js';

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
  /** Seconds a Node.js program may run under mocks before it is stopped (default 120). */
  programTimeout?: number;
  /** Let Pulumi YAML programs read files outside their project directory (fn::readFile, main:, stackConfigDir). */
  allowOutsideProject?: boolean;
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
    if (isEventLog(text)) return readEventLog(text, '<stdin>', spec, options.keepProperties);
    return readDocument(parseJson(text, '<stdin>'), '<stdin>', spec, options.keepProperties);
  }
  const { target, stack } = splitStackSpec(spec);
  const kind = await fileKind(target);
  const chosenStack = stack ?? options.stack;
  if (kind === 'dir' || /^Pulumi\.ya?ml$/.test(path.basename(target))) {
    const { projectRuntime } = await import('./nodejs/project.js');
    if (projectRuntime(target) === 'nodejs') {
      const { loadNodejsProject } = await import('./nodejs/index.js');
      return loadNodejsProject(target, {
        ...(chosenStack ? { stack: chosenStack } : {}),
        input: spec,
        ...(options.programTimeout !== undefined ? { timeoutSeconds: options.programTimeout } : {}),
      });
    }
  }
  if (kind === 'dir') {
    const { loadYamlProject } = await import('./yaml/index.js');
    return loadYamlProject(target, { ...(chosenStack ? { stack: chosenStack } : {}), input: spec, ...(options.allowOutsideProject ? { allowOutsideProject: true } : {}) });
  }
  if (stack) throw new UsageError(`${spec}: @STACK applies to a project directory, not to a file`);
  const ext = path.extname(target).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') {
    const { loadYamlProject } = await import('./yaml/index.js');
    return loadYamlProject(target, { ...(chosenStack ? { stack: chosenStack } : {}), input: spec, ...(options.allowOutsideProject ? { allowOutsideProject: true } : {}) });
  }
  let text: string;
  try {
    text = readFileSync(target, 'utf8');
  } catch (err) {
    throw new InputError({ file: target, reason: `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
  }
  if (isEventLog(text)) return readEventLog(text, target, spec, options.keepProperties);
  return readDocument(parseJson(text, target), target, spec, options.keepProperties);
}

/** A parsed JSON input: Pulumi state in one of its forms, or a preview. */
function readDocument(doc: unknown, file: string, input: string, keep?: ReadonlySet<string>): StackInput {
  return isPreview(doc) ? readPreview(doc, file, input, keep) : readState(doc, file, input, keep);
}

/**
 * Load every input, in the order given, then link stack references between
 * them (a StackReference to another input's stack becomes dependencies on the
 * resources behind the outputs it reads).
 */
export async function loadInputs(specs: string[], options: LoadOptions = {}): Promise<StackInput[]> {
  // Standard input can be read once: keep its text, should it be read again below.
  let stdin: Promise<string> | undefined;
  const opts: LoadOptions = { ...options, readStdin: () => (stdin ??= (options.readStdin ?? readAllStdin)()) };
  const out: StackInput[] = [];
  for (const spec of specs) out.push(await loadInput(spec, opts));
  if (options.keepProperties) {
    // Linking compares output values, which pruning drops: read the states that refer to one another again, whole.
    const { keepProperties: _pruned, ...whole } = opts;
    for (const i of stacksToLink(out)) {
      if (PRUNED_KINDS.has(out[i]!.kind)) out[i] = await loadInput(specs[i]!, whole);
    }
  }
  linkStackReferences(out);
  return out;
}

/** The kinds of input that keepProperties prunes (programs are never pruned). */
const PRUNED_KINDS: ReadonlySet<StackInput['kind']> = new Set(['export', 'checkpoint', 'legacy-checkpoint', 'preview']);

export type { StackInput, ResourceRecord } from './types.js';
