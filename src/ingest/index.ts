/**
 * Inputs: a file, `-` for stdin, or a project directory (`DIR` or `DIR@STACK`).
 * Every input becomes a StackInput of resource records.
 */
import { stat } from 'node:fs/promises';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError, UsageError, optionReason } from '../errors.js';
import { isDepthFault, parseJson } from './json.js';
import { MAX_INPUT_BYTES, inputFileSize, noteInput, readInputText } from './read.js';
import { faultError, STREAM_MIN_BYTES, StreamFault, StreamPool, streamState, defaultJobs, WORKER_MIN_BYTES } from './stream.js';
import { eventBatchOf, isEventLog, readEventBatch, readEventLog } from './events.js';
import { readPreview, isPreview } from './preview.js';
import { readState } from './state.js';
import type { StackInput } from './types.js';
import type { InvokeAnswer } from './invokes.js';
import { linkStackReferences, stacksToLink } from './stackrefs.js';
import { locateInProgram, projectFileIn } from './program.js';
import { backendStacks, backendStateDir, backendUrlPath, isBackendUrl, readBackendStack } from './backend.js';
import { findProjectFileUpward, selectedStack, stackConfigFileOwner } from './workspace.js';

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
  /** What programs' invokes of the providers' own config answer (the rule packs' providers[].invokes; default: none answered). */
  invokes?: readonly InvokeAnswer[];
  /**
   * Pulumi's home folder (PULUMI_HOME, ~/.pulumi): a project directory input with no stack
   * named (DIR@STACK, `stack`) reads the stack `pulumi stack select` recorded there.
   */
  pulumiHome?: string;
  /**
   * Worker threads that parse large state files (default: one per core; 1
   * parses them on this thread). The records are the same whatever the number.
   */
  jobs?: number;
  /** State files from this size (bytes) on are read by streaming (default STREAM_MIN_BYTES); for tests. */
  streamMinBytes?: number;
  /** Streamed state files from this size (bytes) on are parsed in worker threads, smaller ones here (default WORKER_MIN_BYTES); for tests. */
  workerMinBytes?: number;
  /** The size of a streamed batch (bytes; default 2 MB); for tests. */
  streamBatchBytes?: number;
  /** The worker threads of one loadInputs call (internal). */
  pool?: StreamPool;
  /** Called before each input (a spec as given) is read, with its position among them: for progress lines. */
  onInput?: (spec: string, index: number, count: number) => void;
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
  if (kind === 'file') refuseStackConfigFile(target);
  const projectInput = kind === 'dir' || /^Pulumi\.ya?ml$/.test(path.basename(target));
  const selected = stack === undefined && options.stack === undefined && projectInput ? workspaceStack(target, kind, options.pulumiHome) : undefined;
  // `org/project/dev` (as `pulumi --stack` takes it) names the stack whose config is Pulumi.dev.yaml.
  const named = stack ?? options.stack;
  if (!selected) return loadTarget(spec, target, kind, stack, named === undefined ? undefined : named.slice(named.lastIndexOf('/') + 1) || named, options);
  try {
    return await loadTarget(spec, target, kind, stack, selected, options);
  } catch (err) {
    // Say where a stack nobody named came from.
    if (!(err instanceof InputError) || !err.problems.some((p) => p.reason.includes(`"${selected}"`))) throw err;
    throw new InputError(
      err.problems.map((p) => ({
        ...p,
        ...optionReason((o) => `${p.reasonWith ? p.reasonWith(o) : p.reason} (the stack \`pulumi stack select\` chose; name another with ${o('stack')})`),
      })),
    );
  }
}

async function loadTarget(
  spec: string,
  target: string,
  kind: 'dir' | 'file',
  stack: string | undefined,
  chosenStack: string | undefined,
  options: LoadOptions,
): Promise<StackInput> {
  const projectInput = kind === 'dir' || /^Pulumi\.ya?ml$/.test(path.basename(target));
  if (projectInput) {
    const { projectRuntime } = await import('./nodejs/project.js');
    if (projectRuntime(target) === 'nodejs') {
      const { loadNodejsProject } = await import('./nodejs/index.js');
      return loadNodejsProject(target, {
        ...(chosenStack ? { stack: chosenStack } : {}),
        input: spec,
        ...(options.programTimeout !== undefined ? { timeoutSeconds: options.programTimeout } : {}),
        ...(options.invokes ? { invokes: options.invokes } : {}),
      });
    }
  }
  if (kind === 'dir') {
    const { loadYamlProject } = await import('./yaml/index.js');
    return loadYamlProject(target, {
      ...(chosenStack ? { stack: chosenStack } : {}),
      input: spec,
      ...(options.allowOutsideProject ? { allowOutsideProject: true } : {}),
      ...(options.invokes ? { invokes: options.invokes } : {}),
    });
  }
  if (stack) throw new UsageError(`${spec}: @STACK applies to a project directory, not to a file`);
  const ext = path.extname(target).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') {
    const { loadYamlProject } = await import('./yaml/index.js');
    return loadYamlProject(target, {
      ...(chosenStack ? { stack: chosenStack } : {}),
      input: spec,
      ...(options.allowOutsideProject ? { allowOutsideProject: true } : {}),
      ...(options.invokes ? { invokes: options.invokes } : {}),
    });
  }
  // A DIY backend's compressed stack file (PULUMI_DIY_BACKEND_GZIP or _ZSTD), named on its own: read as the backend reader does.
  if (ext === '.gz' || ext === '.zst') {
    const input = readDocument(readBackendStack(target), target, spec, options.keepProperties);
    noteInput(target);
    return input;
  }
  const whole = (): StackInput => {
    const text = readInputText(target);
    if (isEventLog(text)) return readEventLog(text, target, spec, options.keepProperties);
    return readDocument(parseJson(text, target), target, spec, options.keepProperties);
  };
  const size = inputFileSize(target);
  const input =
    size >= (options.streamMinBytes ?? STREAM_MIN_BYTES) && !mayBeEventLog(target) ? await streamDocument(target, spec, options, size, whole) : whole();
  locateInProgram(input, target);
  return input;
}

/** The stack `pulumi stack select` recorded for the project in (or named by) target. */
function workspaceStack(target: string, kind: 'dir' | 'file', home: string | undefined): string | undefined {
  const file = kind === 'dir' ? projectFileIn(target) : target;
  return file ? selectedStack(file, home) : undefined;
}

/** A stack config file (Pulumi.<stack>.yaml) is not a program: say which project and stack to analyze instead. */
function refuseStackConfigFile(target: string): void {
  const owner = stackConfigFileOwner(target);
  if (!owner) return;
  // The project directory written the way the user wrote the file's.
  const here = path.dirname(target);
  const dir = owner.projectFile ? path.join(here, path.relative(path.resolve(here), path.dirname(owner.projectFile))) : undefined;
  const reason =
    `this is the config of stack "${owner.stack}"` +
    (owner.projectFile ? ` of the project ${owner.project ? `"${owner.project}" ` : ''}in ${owner.projectFile}` : '') +
    `, not a program: analyze the project directory instead (${dir ?? 'DIR'}@${owner.stack}, or `;
  throw new InputError({ file: target, ...optionReason((o) => `${reason}${o('stack')} ${owner.stack})`) });
}

/** Whether a file starts as an event log might (those are read whole). */
function mayBeEventLog(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(65536);
    const n = readSync(fd, head, 0, head.length, 0);
    const text = head.subarray(0, n).toString('utf8');
    return /"(sequence|timestamp)"/.test(text.slice(0, 4096)) && /Event"\s*:/.test(text);
  } finally {
    closeSync(fd);
  }
}

/** The path of the resource list that readState reads in this document. */
function listPathOf(doc: unknown): string | undefined {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  if ('deployment' in doc) return 'deployment.resources';
  if ('checkpoint' in doc) return 'checkpoint.latest.resources';
  if ('latest' in doc && !('version' in doc)) return 'latest.resources';
  return undefined;
}

/**
 * A large state file by streaming (src/ingest/stream.ts). Whenever the
 * stream cannot give exactly what a whole parse gives (bad JSON, repeated
 * keys, not a state), a file that can be read whole is read whole, so its
 * answer or error is the same as ever.
 */
async function streamDocument(file: string, spec: string, options: LoadOptions, size: number, whole: () => StackInput): Promise<StackInput> {
  const canWhole = size <= MAX_INPUT_BYTES;
  let read;
  try {
    read = await streamState(file, {
      ...(options.keepProperties ? { keep: options.keepProperties } : {}),
      jobs: size >= (options.workerMinBytes ?? WORKER_MIN_BYTES) ? (options.jobs ?? defaultJobs()) : 1,
      ...(options.pool ? { pool: options.pool } : {}),
      ...(options.streamBatchBytes ? { batchBytes: options.streamBatchBytes } : {}),
    });
  } catch (err) {
    if (!(err instanceof StreamFault)) throw err;
    // The whole parse gives the very error; but beyond the nesting limit JSON.parse builds every level before it
    // fails (100 MB of `[`: 11 s and 5 GB), and the scan's place for that fault is the whole parse's already.
    if (canWhole && !isDepthFault(err.expected)) return whole();
    throw faultError(file, err, size);
  }
  if (!read.items) return readDocument(read.doc, file, spec, options.keepProperties);
  if (read.scan.duplicate || listPathOf(read.doc) !== read.scan.path || isPreview(read.doc)) {
    if (canWhole) return whole();
    throw new InputError({
      file,
      reason: `the state repeats a key on the way to its resource list; firebreak reads such a file only up to ${MAX_INPUT_BYTES / 2 ** 20} MB`,
    });
  }
  return readState(read.doc, file, spec, options.keepProperties, read.items);
}

/** A parsed JSON input: Pulumi state in one of its forms, or a preview. */
function readDocument(doc: unknown, file: string, input: string, keep?: ReadonlySet<string>): StackInput {
  if (eventBatchOf(doc)) return readEventBatch(doc, file, input, keep);
  return isPreview(doc) ? readPreview(doc, file, input, keep) : readState(doc, file, input, keep);
}

/**
 * The `.pulumi` folder when a spec names a DIY backend: a `file://` URL, or a folder
 * (not a Pulumi project) that holds `.pulumi/stacks`, or such a `.pulumi` folder.
 */
function backendOf(spec: string): string | undefined {
  if (isBackendUrl(spec)) {
    const dir = backendUrlPath(spec);
    const state = existsSync(dir) ? backendStateDir(dir) : undefined;
    if (!state) throw new InputError({ file: dir, reason: 'no DIY backend here: expected a folder with .pulumi/stacks (from the file:// backend URL)' });
    return state;
  }
  if (spec === '-' || (spec.lastIndexOf('@') > 0 && !existsSync(spec))) return undefined;
  if (!existsSync(spec) || !statSync(spec).isDirectory() || projectFileIn(spec)) return undefined;
  return backendStateDir(spec);
}

/** One spec's inputs (a DIY backend gives one per stack), each with how to read it again whole. */
async function loadSpec(spec: string, options: LoadOptions): Promise<Array<{ input: StackInput; reload: (o: LoadOptions) => Promise<StackInput> }>> {
  const state = backendOf(spec);
  if (!state) return [{ input: await loadInput(spec, options), reload: (o) => loadInput(spec, o) }];
  const read = async (file: string, o: LoadOptions): Promise<StackInput> => readDocument(readBackendStack(file), file, file, o.keepProperties);
  const out = [];
  for (const s of backendStacks(state)) out.push({ input: await read(s.file, options), reload: (o: LoadOptions) => read(s.file, o) });
  return out;
}

/**
 * The inputs when none are given: the Pulumi project of the working directory,
 * searched for upward as the Pulumi CLI does (`.` or the folder above that holds
 * Pulumi.yaml); outside a project the DIY backend of PULUMI_BACKEND_URL
 * (`file://...`), else `.`.
 */
export function defaultInputs(env: Readonly<Record<string, string | undefined>> = process.env, cwd = '.'): string[] {
  const project = findProjectFileUpward(cwd);
  if (project) {
    const dir = path.dirname(project);
    return [path.resolve(dir) === path.resolve(cwd) ? '.' : path.relative(path.resolve(cwd), dir)];
  }
  const url = env.PULUMI_BACKEND_URL;
  if (url && isBackendUrl(url)) return [url];
  return ['.'];
}

/**
 * Load every input, in the order given (a DIY backend folder or file:// URL: each of its stacks), then link stack references between
 * them (a StackReference to another input's stack becomes dependencies on the
 * resources behind the outputs it reads).
 */
export async function loadInputs(specs: string[], options: LoadOptions = {}): Promise<StackInput[]> {
  // Standard input can be read once: keep its text, should it be read again below.
  let stdin: Promise<string> | undefined;
  const pool = options.pool ?? new StreamPool(options.jobs ?? defaultJobs());
  const opts: LoadOptions = { ...options, pool, readStdin: () => (stdin ??= (options.readStdin ?? readAllStdin)()) };
  try {
    return await loadAll(specs, opts);
  } finally {
    if (!options.pool) await pool.close();
  }
}

async function loadAll(specs: string[], opts: LoadOptions): Promise<StackInput[]> {
  const options = opts;
  // One input after another, in order: a state file's batches already keep every thread busy. Reading several
  // state files side by side was measured slower (1M resources in ten files, 2 threads: ingest 22 s against
  // 15 s one file at a time): it only holds more batches in memory and gives the collector more to do.
  const loaded = [];
  for (let k = 0; k < specs.length; k++) {
    options.onInput?.(specs[k]!, k, specs.length);
    loaded.push(...(await loadSpec(specs[k]!, opts)));
  }
  const out = loaded.map((l) => l.input);
  refuseRepeatedStacks(out);
  if (options.keepProperties) {
    // Linking compares output values, which pruning drops: read the states that refer to one another again, whole.
    const { keepProperties: _pruned, ...whole } = opts;
    for (const i of stacksToLink(out)) {
      if (PRUNED_KINDS.has(out[i]!.kind)) out[i] = await loaded[i]!.reload(whole);
    }
  }
  linkStackReferences(out);
  return out;
}

/**
 * One stack read twice (the same file named twice, a copy of it, an export beside its backend) would make every
 * resource two replicas of itself and hide its single points: refused. Two inputs of one project and stack name
 * with no URN in common (other organizations' stacks) are left alone.
 */
function refuseRepeatedStacks(inputs: StackInput[]): void {
  // Per project and stack: the first input of it, and (from a second one on) the URNs seen so far.
  const byStack = new Map<string, { first: StackInput; urns?: Map<string, StackInput> }>();
  for (const input of inputs) {
    const key = `${input.project}\u0000${input.stack}`;
    const seen = byStack.get(key);
    if (!seen) {
      byStack.set(key, { first: input });
      continue;
    }
    if (!seen.urns) seen.urns = new Map(seen.first.resources.map((r) => [r.urn, seen.first]));
    let shared = 0;
    let first: StackInput | undefined;
    for (const r of input.resources) {
      const owner = seen.urns.get(r.urn);
      if (owner === input) continue;
      if (owner) {
        shared++;
        first ??= owner;
      } else seen.urns.set(r.urn, input);
    }
    if (!first) continue;
    throw new InputError({
      file: input.file,
      reason:
        `stack ${input.project}/${input.stack} is read twice, here and in ${first.file} (${shared} resource${shared === 1 ? '' : 's'} with the same URN): ` +
        'each copy would count as a replica of the other; name each stack once',
    });
  }
}

/** The kinds of input that keepProperties prunes (programs are never pruned). */
const PRUNED_KINDS: ReadonlySet<StackInput['kind']> = new Set(['export', 'checkpoint', 'legacy-checkpoint', 'preview']);

export type { StackInput, ResourceRecord } from './types.js';
