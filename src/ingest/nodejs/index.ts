/**
 * Pulumi Node.js projects (`runtime: nodejs`, TypeScript or JavaScript): the
 * program runs in a child process under @pulumi/pulumi's mocks (runner.ts),
 * with the stack's config, as `pulumi preview` would run it; every resource it
 * registers becomes a record. The program's own code runs: only analyze
 * programs you would preview.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InputError, optionReason, type Problem, type Warning } from '../../errors.js';
import { checkIntegrity, describeZodIssue } from '../state.js';
import { parseUrn, type ResourceRecord, type StackInput } from '../types.js';
import { decodeMap } from '../values.js';
import { mockAnswers, type InvokeAnswer } from '../invokes.js';
import { STACK_TYPE } from '../../pulumi.js';
import { runResultSchema, type RunRequest, type WireResource } from './protocol.js';
import { moduleTypeOf, packageManagerOf, readNodejsProject, type NodejsProject } from './project.js';

export const DEFAULT_PROGRAM_TIMEOUT_SECONDS = 120;

export interface NodejsLoadOptions {
  stack?: string;
  input?: string;
  /** Seconds the program may run before it is stopped (default 120). */
  timeoutSeconds?: number;
  /** What the mocks answer invokes of the providers' own config with (the rule packs' providers[].invokes; default: none). */
  invokes?: readonly InvokeAnswer[];
}

/** At most this much of the program's output is kept (only its last line is ever shown). */
const OUTPUT_TAIL = 16 * 1024;

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

function resolveFrom(from: string, request: string): string | undefined {
  try {
    return createRequire(from).resolve(request);
  } catch {
    return undefined;
  }
}

/** How the child starts: node flags, and how the runner loads the program. */
interface Launch {
  runner: string;
  nodeArgs: string[];
  load: RunRequest['load'];
  loaderName: string;
  tsNode?: string;
}

function runnerFile(): { file: string; isSource: boolean } {
  const js = fileURLToPath(new URL('./runner.js', import.meta.url));
  if (existsSync(js)) return { file: js, isSource: false };
  // Running from source (tests): the runner is TypeScript, and runs under tsx.
  return { file: fileURLToPath(new URL('./runner.ts', import.meta.url)), isSource: true };
}

/**
 * tsx, an optional peer dependency: installed beside firebreak, or in the program's
 * own node_modules. Only TypeScript programs that ts-node cannot run need it.
 */
function tsxLoader(main: string): string {
  const found = resolveFrom(fileURLToPath(import.meta.url), 'tsx') ?? resolveFrom(main, 'tsx');
  if (!found) {
    throw new InputError({
      file: main,
      reason:
        'running a TypeScript program needs tsx, which is not installed: run `npm install -g tsx` (beside a global firebreak) or `npm install --save-dev tsx` in the project, then try again',
    });
  }
  return pathToFileURL(found).href;
}

/** A CommonJS TypeScript program, which runs under its own ts-node when that is installed (as the Pulumi CLI runs it). */
function tsNodeCanRun(p: NodejsProject): boolean {
  return moduleTypeOf(p.main) === 'cjs' && path.extname(p.main).toLowerCase() === '.ts';
}

function launchFor(p: NodejsProject): Launch {
  const { file: runner, isSource } = runnerFile();
  const ts = TS_EXTENSIONS.has(path.extname(p.main).toLowerCase());
  const tsx = (): Launch => ({ runner, nodeArgs: ['--import', tsxLoader(p.main)], load: 'import', loaderName: 'tsx' });
  if (isSource) return tsx();
  if (!ts) return { runner, nodeArgs: [], load: 'import', loaderName: 'node' };
  // The program's own ts-node, as the Pulumi CLI uses it, for CommonJS programs.
  if (tsNodeCanRun(p)) {
    const tsNode = resolveFrom(p.main, 'ts-node');
    const typescript = tsNode ? resolveFrom(tsNode, 'typescript') : undefined;
    if (tsNode && typescript) return { runner, nodeArgs: [], load: 'require', loaderName: 'ts-node', tsNode };
  }
  return tsx();
}

/** The file as the user would write it: under the directory they named. */
function shown(p: NodejsProject, abs: string): string {
  const rel = path.relative(p.absDir, abs);
  if (rel === '') return p.dir;
  if (rel.startsWith('..') || path.isAbsolute(rel)) return abs;
  return path.join(p.dir, rel);
}

export async function loadNodejsProject(target: string, options: NodejsLoadOptions = {}): Promise<StackInput> {
  const input = options.input ?? target;
  const project = readNodejsProject(target, options.stack, input);
  const mainShown = shown(project, project.main);

  // The program's own SDK, from its own node_modules.
  const pulumi = resolveFrom(project.main, '@pulumi/pulumi');
  if (!pulumi) {
    const pm = packageManagerOf(project.absDir, project.options);
    const install = pm === 'yarn' ? 'yarn install' : `${pm} install`;
    const hasModules = existsSync(path.join(project.absDir, 'node_modules'));
    throw new InputError({
      file: project.dir,
      reason: `${hasModules ? 'node_modules has no @pulumi/pulumi' : "the program's dependencies are not installed (no node_modules)"}: run \`${install}\` in ${project.dir}, then try again (firebreak runs the program with its own @pulumi/pulumi, as \`pulumi preview\` does)`,
    });
  }

  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_PROGRAM_TIMEOUT_SECONDS;
  const launch = launchFor(project);
  const work = mkdtempSync(path.join(tmpdir(), 'firebreak-program-'));
  try {
    const request: RunRequest = {
      projectDir: project.absDir,
      main: project.main,
      load: launch.load,
      project: project.name,
      stack: project.stack,
      organization: 'organization',
      pulumi,
      ...(launch.tsNode ? { tsNode: launch.tsNode } : {}),
      invokes: mockAnswers(options.invokes ?? [], project.config, project.secretKeys),
    };
    const requestFile = path.join(work, 'request.json');
    writeFileSync(requestFile, JSON.stringify(request));
    const run = await runChild(project, launch, requestFile, timeoutSeconds);
    if (run.timedOut) {
      throw new InputError({
        file: mainShown,
        ...optionReason((o) => `the program did not finish within ${timeoutSeconds} s and was stopped (raise the limit with ${o('programTimeout')} <seconds>)`),
      });
    }
    if (run.message === undefined) {
      const last = lastLine(run.stderr) ?? lastLine(run.stdout);
      const how = run.signal ? `was killed by ${run.signal}` : `exited with code ${run.code}`;
      throw new InputError({
        file: mainShown,
        reason: `the program ${how} before it finished${last ? `: ${last}` : ''} (loader: ${launch.loaderName})`,
      });
    }
    const parsed = runResultSchema.safeParse(run.message);
    if (!parsed.success) {
      throw new InputError(
        parsed.error.issues.slice(0, 5).map((i) => ({ file: mainShown, reason: `the program's runner sent a malformed result: ${describeZodIssue(i, '')}` })),
      );
    }
    const result = parsed.data;
    if (!result.ok) throw new InputError(programProblem(project, result.error, launch.loaderName));
    const resources = result.resources.map((w) => toRecord(project, w));
    checkIntegrity(resources, mainShown);
    const warnings: Warning[] = [...project.warnings, ...result.warnings.map((message) => ({ file: mainShown, message }))];
    warnings.push(...childlessComponents(resources, mainShown));
    return {
      input,
      file: mainShown,
      kind: 'nodejs-program',
      stack: project.stack,
      project: project.name,
      // A region the mocks assumed for invokes (the zones of getAvailabilityZones, getRegion's name) is where the
      // default provider's resources are too: one region, not the zones' and beside it the one only a deploy knows.
      config: {
        ...project.placement,
        ...Object.fromEntries((result.unresolved ?? []).filter((k) => k.includes(':')).map((k) => [k, `<${k}>`])),
        ...result.assumed,
      },
      ...(result.unresolved && result.unresolved.length > 0 ? { unresolvedConfig: [...result.unresolved].sort() } : {}),
      resources,
      warnings,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

interface ChildRun {
  /** The one message the runner sends: its result. */
  message?: unknown;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

function runChild(p: NodejsProject, launch: Launch, requestFile: string, timeoutSeconds: number): Promise<ChildRun> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_CONFIG: JSON.stringify(p.config),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(p.secretKeys),
    PULUMI_NODEJS_PROJECT: p.name,
    PULUMI_NODEJS_STACK: p.stack,
    PULUMI_NODEJS_ORGANIZATION: 'organization',
    PULUMI_DRY_RUN: 'true',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...launch.nodeArgs, '--enable-source-maps', launch.runner, requestFile], {
      cwd: p.absDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Its own process group, so that a timeout stops whatever the program started too.
      detached: process.platform !== 'win32',
    });
    let stdout = '';
    let stderr = '';
    const keep = (acc: string, chunk: Buffer): string => {
      const next = acc + chunk.toString('utf8');
      return next.length > OUTPUT_TAIL ? next.slice(next.length - OUTPUT_TAIL) : next;
    };
    child.stdout?.on('data', (c: Buffer) => (stdout = keep(stdout, c)));
    child.stderr?.on('data', (c: Buffer) => (stderr = keep(stderr, c)));
    let timedOut = false;
    let message: unknown;
    let received = false;
    const kill = (): void => {
      try {
        if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const onExit = (): void => kill();
    process.once('exit', onExit);
    const timer = setTimeout(
      () => {
        timedOut = true;
        kill();
      },
      Math.max(1, timeoutSeconds) * 1000,
    );
    // The result: the run is over, whatever the program left running.
    child.on('message', (m: unknown) => {
      if (received) return;
      received = true;
      message = m;
      kill();
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      process.removeListener('exit', onExit);
      reject(new InputError({ file: p.dir, reason: `cannot start node for the program: ${err.message}` }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      process.removeListener('exit', onExit);
      // The program may have left processes of its own in the group.
      if (!timedOut) {
        try {
          if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        } catch {
          // The group is gone already.
        }
      }
      resolve({ ...(received ? { message } : {}), code, signal, timedOut: timedOut && !received, stdout, stderr });
    });
  });
}

function lastLine(text: string): string | undefined {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^at /.test(l) && !/^Node\.js v\d/.test(l));
  const line = lines[lines.length - 1];
  return line === undefined ? undefined : line.length > 300 ? `${line.slice(0, 300)}...` : line;
}

/** firebreak's own files (its runner is in every program's stack): never the program's dependencies. */
const FIREBREAK_DIR = fileURLToPath(new URL('../../../', import.meta.url));
/** The TypeScript loaders' own files: in the stack of a program that does not compile. */
const LOADER = /[\\/]node_modules[\\/](?:tsx|ts-node|typescript|esbuild|@esbuild|@swc)[\\/]/;
/** A frame `at fn (file:line:col)` or `at file:line:col`, file possibly a file:// URL. */
const FRAME = /^\s*at (?:.*? \()?((?:file:\/\/)?[^():]*?(?:[A-Za-z]:)?[^():]+):(\d+):(\d+)\)?\s*$/;

type ProgramError = { message: string; stack?: string | undefined; unresolved?: string[] | undefined; unanswered?: string[] | undefined };

/**
 * What under mocks may have made the program fail: config it required without
 * a value (read as `<key>`), and invokes the mocks answered with nothing.
 */
/** The message a provider SDK's resource constructor throws when an argument it requires is not given. */
const REQUIRED_PROPERTY = /^Missing required property '([^'\n]{1,80})'$/;

function failureHints(p: NodejsProject, error: ProgramError, loaderName: string): string {
  const hints: string[] = [];
  // A CommonJS TypeScript program that ts-node would run, run under tsx instead.
  const tsNodeWouldRun = loaderName === 'tsx' && tsNodeCanRun(p);
  // esbuild's CommonJS output (tsx) exports through getters, so a cycle that reads an export its module has not set yet
  // throws; the TypeScript compiler's (ts-node, which the Pulumi CLI uses) assigns exports, and the read gives undefined.
  if (tsNodeWouldRun && /^Cannot access '[^'\n]*' before initialization/.test(error.message)) {
    hints.push(
      'under tsx an import cycle that reads an export before its module has set it fails, where ts-node, which the Pulumi CLI uses, reads undefined: install ts-node in the project (`npm install --save-dev ts-node`) and firebreak runs the program with it',
    );
  }
  const text = `${error.message}\n${error.stack ?? ''}`;
  // @pulumi/pulumi's closure serializer (aws.lambda.CallbackFunction and other callbacks): its message spans lines.
  if (/^Error serializing '/.test(error.message)) {
    const flat = error.message.replace(/\s+/g, ' ');
    const captured = /captured variable '([^']{1,80})'/.exec(flat)?.[1];
    const because = /could not be serialized because (.{1,120}?)\.(?: |$)/.exec(flat)?.[1];
    hints.push(
      `Pulumi serializes the code of a callback function (such as aws.lambda.CallbackFunction) when the program runs, as in \`pulumi preview\`${
        captured ? `, and this one captures the variable '${captured}'` : ''
      }${because ? `, which reaches something that cannot be serialized (${because})` : ''}; a module it needs can be required inside the function instead`,
    );
  }
  // Pulumi's function serializer on code esbuild transpiled (tsx): an import is a copy of the module (`__toESM`), an
  // object whose prototype may be a function, which the serializer takes for a function and v8 does not. The Pulumi
  // CLI runs a CommonJS TypeScript program with ts-node, whose imports are the modules themselves.
  if (tsNodeWouldRun && /[\\/]runtime[\\/]closure[\\/]/.test(error.stack ?? '')) {
    hints.push(
      "Pulumi's function serializer failed on code transpiled by tsx, whose imports are copies of the modules; the Pulumi CLI runs TypeScript with ts-node: install it in the project (`npm install --save-dev ts-node`) and firebreak runs the program with it too",
    );
  }
  // A resource's arguments lack one its SDK requires: `pulumi preview` stops there too.
  const required = REQUIRED_PROPERTY.exec(error.message.split('\n')[0]!.trim())?.[1];
  if (required !== undefined) {
    hints.push(
      `a resource the program creates lacks the argument '${required}', which the installed version of its SDK requires; \`pulumi preview\` fails the same way: set it, or install the SDK version the program was written for`,
    );
  }
  // A module the program imports is not installed (CommonJS `Cannot find module`, ESM `Cannot find package`).
  if (/^Cannot find (?:module|package) '/.test(error.message)) {
    const pm = packageManagerOf(p.absDir, p.options);
    hints.push(`a module it imports is not installed: run \`${pm === 'yarn' ? 'yarn install' : `${pm} install`}\` in ${p.dir}, then try again`);
  }
  // A callback of `apply` that reads an output only the provider computes (a private endpoint's DNS record sets):
  // the mocks echo the inputs as the outputs, so the value is missing, where a preview leaves it unknown and does
  // not run the callback.
  if (
    /^Cannot read properties of (?:undefined|null)\b/.test(error.message) &&
    /\bapplyHelperAsync\b|[\\/]@pulumi[\\/](?:pulumi[\\/])?output\.[jt]s:/.test(error.stack ?? '')
  ) {
    hints.push(
      "it failed inside an apply callback: under mocks a resource's outputs are the inputs the program gave it, so an output only the provider computes is missing, where `pulumi preview` leaves it unknown and skips the callback; such a program can be analysed from `pulumi preview --json` or a stack export instead",
    );
  }
  const unresolved = error.unresolved ?? [];
  const named = unresolved.filter((k) => text.includes(`<${k}>`));
  const keys = named.length > 0 ? named : unresolved;
  if (keys.length > 0) {
    const list = keys.map((k) => `${k} (read as <${k}>)`).join(', ');
    hints.push(
      `${named.length > 0 ? 'it used' : 'it ran with'} config that has no value: ${list}; set ${keys.length === 1 ? 'it' : 'them'} in the stack config`,
    );
  }
  if (error.unanswered && error.unanswered.length > 0) {
    hints.push(
      `under mocks no data source answers, and these returned nothing: ${error.unanswered.join(', ')}; a program that needs their results can be analysed from \`pulumi preview --json\` or a stack export instead`,
    );
  }
  return hints.length > 0 ? ` (${hints.join('; ')})` : '';
}

function programProblem(p: NodejsProject, error: ProgramError, loaderName: string): Problem {
  const problem = programLocation(p, error);
  return { ...problem, reason: `${problem.reason}${failureHints(p, error, loaderName)}` };
}

function programLocation(p: NodejsProject, error: ProgramError): Problem {
  const inside = (file: string): boolean => {
    if (!path.isAbsolute(file)) return false;
    const rel = path.relative(p.absDir, file);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) && !rel.split(path.sep).includes('node_modules');
  };
  const toPath = (f: string): string => (f.startsWith('file://') ? fileURLToPath(f) : f);
  // A compile error (esbuild, through tsx): `Transform failed with 1 error:\n/path/index.ts:3:10: ERROR: ...`.
  const compile = /^(.*?):(\d+):(\d+): ERROR: (.*)$/m.exec(error.message);
  if (/Transform failed/.test(error.message) && compile) {
    const file = compile[1]!;
    return {
      file: inside(file) ? shown(p, file) : file,
      line: Number(compile[2]),
      column: Number(compile[3]),
      reason: `the program does not compile: ${compile[4]}`,
    };
  }
  // ts-node: `⨯ Unable to compile TypeScript:\nindex.ts(4,81): error TS1005: ',' expected.` (paths from the project directory).
  const tsc = /^(.+?)\((\d+),(\d+)\): error (TS\d+: .*)$/m.exec(error.message);
  if (/Unable to compile TypeScript/.test(error.message) && tsc) {
    const file = path.resolve(p.absDir, tsc[1]!);
    return { file: shown(p, file), line: Number(tsc[2]), column: Number(tsc[3]), reason: `the program does not compile: ${tsc[4]}` };
  }
  // The v8 inspector's object ids (in the serializer's `Remote object was not 'function': {...}`) differ on every run.
  const first = error.message
    .split('\n')[0]!
    .trim()
    .replace(/,?"objectId":"[^"]*"/g, '');
  let where: { file: string; line: number; column?: number } | undefined;
  // The top frame, when it is in the program's dependencies (a failure inside a library the program called).
  let library: string | undefined;
  let inLibrary = false;
  let frames = 0;
  // A call frame in the program or its dependencies: the error was thrown by running their code, not by compiling it.
  let ran = false;
  for (const line of (error.stack ?? '').split('\n')) {
    const m = FRAME.exec(line);
    if (!m) continue;
    let file: string;
    try {
      file = toPath(m[1]!);
    } catch {
      continue;
    }
    if (inside(file) || (!file.startsWith(FIREBREAK_DIR) && file.split(/[\\/]/).includes('node_modules') && !LOADER.test(file))) ran = true;
    if (inside(file)) {
      where = { file: shown(p, file), line: Number(m[2]), column: Number(m[3]) };
      break;
    }
    const rel = path.isAbsolute(file) ? path.relative(p.absDir, file) : '';
    // A library's source map may name a file it does not ship: then only that it failed in a library is said.
    // Its node_modules may be a parent directory's (a workspace's hoisted dependencies): `../node_modules/...`.
    if (
      library === undefined &&
      frames++ === 0 &&
      rel !== '' &&
      !path.isAbsolute(rel) &&
      !file.startsWith(FIREBREAK_DIR) &&
      rel.split(path.sep).includes('node_modules')
    ) {
      inLibrary = true;
      if (!existsSync(file)) continue;
      library = `${rel.split(path.sep).join('/')}:${m[2]}`;
    }
  }
  if (!where) {
    // A syntax error under plain node or ts-node: the stack starts with `file:line`.
    const head = /^((?:file:\/\/)?\/[^\n:]+):(\d+)\n/.exec(error.stack ?? '');
    if (head) {
      const file = toPath(head[1]!);
      if (inside(file)) where = { file: shown(p, file), line: Number(head[2]) };
    }
  }
  // A SyntaxError thrown by running code (JSON.parse of a value the mocks left undefined) is a failure, not a compile error.
  const syntax = !ran && (/^SyntaxError\b/.test(error.stack ?? '') || /SyntaxError|Unexpected token/.test(first));
  // A provider SDK's resource constructor checks the program's arguments (`Missing required property 'push'`): the
  // fault is the program's call at its line, not the dependency that threw.
  const argumentCheck = where !== undefined && REQUIRED_PROPERTY.test(first);
  const how = syntax
    ? 'the program does not compile'
    : argumentCheck
      ? 'the program failed'
      : library
        ? `the program failed inside its dependencies, at ${library}`
        : inLibrary
          ? 'the program failed inside its dependencies'
          : 'the program failed';
  const reason = `${how}: ${first || 'an error without a message'}`;
  return where ? { ...where, reason } : { file: shown(p, p.main), reason };
}

/**
 * Components that registered no resource under mocks (a Helm v3 Chart renders its children from the
 * `kubernetes:helm:template` invoke, which answers nothing): what they create is not in the graph, so say so.
 */
function childlessComponents(resources: ResourceRecord[], mainShown: string): Warning[] {
  const parents = new Set<string>();
  for (const r of resources) if (r.parent) parents.add(r.parent);
  const warnings: Warning[] = [];
  for (const r of resources) {
    if (r.custom || r.type === STACK_TYPE || parents.has(r.urn)) continue;
    warnings.push({
      ...(r.source ? { file: r.source.file, ...(r.source.line ? { line: r.source.line } : {}) } : { file: mainShown }),
      message: `${r.name} (${r.type}) is a component that registered no resources under mocks, so what it creates was not analysed (a Helm v3 Chart renders them through an invoke, which answers nothing here); analyse \`pulumi preview --json\` or a stack export to see them`,
    });
  }
  return warnings;
}

function toRecord(p: NodejsProject, w: WireResource): ResourceRecord {
  const parsed = parseUrn(w.urn);
  const record: ResourceRecord = {
    urn: w.urn,
    type: w.type,
    name: w.name,
    stack: parsed?.stack ?? p.stack,
    project: parsed?.project ?? p.name,
    // A remote component stands for what its provider creates (no child of it is ever registered under mocks),
    // as a package's resource does in a YAML program: a resource of its own, for the rule packs to judge.
    custom: w.custom || w.remote === true,
    inputs: decodeMap(w.inputs),
    outputs: decodeMap(w.outputs),
    dependencies: [...new Set(w.dependencies)],
    propertyDependencies: w.propertyDependencies,
  };
  if (w.id) record.id = w.id;
  if (w.parent) record.parent = w.parent;
  // The runner already dropped the id from the reference; stripping again would drop the provider's name.
  if (w.provider) record.provider = w.provider;
  if (w.external) record.external = true;
  if (w.source) {
    record.source = {
      file: shown(p, w.source.file),
      ...(w.source.line ? { line: w.source.line } : {}),
      ...(w.source.column ? { column: w.source.column } : {}),
    };
  }
  return record;
}
