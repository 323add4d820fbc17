/**
 * The child process that runs one Pulumi Node.js program under
 * @pulumi/pulumi's mocks, as `pulumi preview` would run it against an engine:
 *
 *   node [--import tsx] runner.js REQUEST.json      (with an IPC channel to firebreak)
 *
 * (A CommonJS TypeScript program whose own ts-node is installed gets that
 * ts-node registered here instead of tsx.)
 *
 * It loads the program's OWN @pulumi/pulumi (the request names it), turns on
 * the mocks, wraps the mock monitor so that every registration is recorded
 * with what the engine would keep (type, name, parent, provider, inputs,
 * dependencies and property dependencies, as the SDK computed them from
 * Outputs), runs the program inside the root stack resource, waits for every
 * registration, and sends a RunResult to firebreak over the IPC channel. Secret
 * values are dropped here, before anything leaves the child.
 *
 * Nothing of firebreak is imported but plain constants: this file runs
 * inside the user's program, with the program's own modules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RunRequest, RunResult, WireResource } from './protocol.js';

const SIG_KEY = '4dabf18193072939515e22adb298388d';
const SIG_SECRET = '1b47061264138c4ac30d75fd1eb44270';
const STACK_TYPE = 'pulumi:pulumi:Stack';
const STACK_REFERENCE_TYPE = 'pulumi:pulumi:StackReference';

/* The few shapes of the generated protobuf classes this file touches. */
interface JsStruct {
  toJavaScript(): Record<string, unknown>;
}
interface Position {
  getUri(): string;
  getLine(): number;
  getColumn(): number;
}
interface Trace {
  getFramesList(): Array<{ getPc(): Position | undefined }>;
}
/** What registering and reading requests share. */
interface ResourceRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getDependenciesList(): string[];
  getSourceposition?(): Position | undefined;
  getStacktrace?(): Trace | undefined;
}
interface RegisterRequest extends ResourceRequest {
  getCustom(): boolean;
  getRemote?(): boolean;
  getObject(): JsStruct | undefined;
  getPropertydependenciesMap(): { forEach(f: (value: { getUrnsList(): string[] }, key: string) => void): void };
}
interface ReadRequest extends ResourceRequest {
  getId(): string;
  getProperties(): JsStruct | undefined;
}
interface UrnResponse {
  getUrn(): string;
  getId?(): string;
  getObject?(): JsStruct | undefined;
  getProperties?(): JsStruct | undefined;
}
type Callback = (err: unknown, resp?: UrnResponse) => void;
interface MockMonitor {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(req: RegisterRequest, cb: Callback): unknown;
  readResource(req: ReadRequest, cb: Callback): unknown;
  registerResourceOutputs(req: { getUrn(): string; getOutputs(): JsStruct | undefined }, cb: (err: unknown, resp?: unknown) => void): unknown;
}
interface MockResourceArgs {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  custom?: boolean;
  id?: string;
}
interface PulumiRuntime {
  setMocks(mocks: unknown, project: string, stack: string, preview: boolean, organization?: string): unknown;
  getMonitor(): MockMonitor;
  runInPulumiStack(init: () => Promise<unknown>): Promise<unknown>;
  waitForRPCs?(): Promise<void>;
  disconnect?(): Promise<void>;
}

const requestFile = process.argv[2];
if (!requestFile || typeof process.send !== 'function') {
  throw new Error('runner.js is started by firebreak: node runner.js REQUEST.json, with an IPC channel');
}
const request = JSON.parse(readFileSync(requestFile, 'utf8')) as RunRequest;
// The channel to firebreak must not keep the program alive: a program with nothing left to run ends.
(process.channel as { unref?: () => void } | undefined)?.unref?.();

/**
 * Send the one result to firebreak, once. firebreak stops this process when it
 * has it (whatever the program left running, as the language host does).
 */
let finished = false;
function finish(result: RunResult): void {
  if (finished) return;
  finished = true;
  process.send!(result, undefined, {}, () => {
    if (process.connected) process.disconnect();
  });
}

/** What may explain a failure: config read as a symbol, and invokes answered with nothing. */
function context(): { unresolved?: string[]; unanswered?: string[] } {
  return { ...(unresolved.length > 0 ? { unresolved: [...unresolved] } : {}), ...(unanswered.size > 0 ? { unanswered: unansweredList() } : {}) };
}

function fail(err: unknown): void {
  if (err instanceof Error) {
    finish({ ok: false, error: { message: err.message, ...(err.stack ? { stack: err.stack } : {}), ...context() } });
    return;
  }
  let message: string;
  try {
    message = typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err));
  } catch {
    message = String(err);
  }
  finish({ ok: false, error: { message: `it threw a non-Error value: ${message}`, ...context() } });
}
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
/** Set once the program has finished: the event loop then emptying is what the run waits for (see drain). */
let whenEmptied: (() => void) | undefined;
// Node runs out of work while the program still awaits something that can never come.
process.on('beforeExit', () => {
  if (whenEmptied) return whenEmptied();
  if (!finished) fail(new Error('it never finished: it awaits a promise that never settles, and nothing is left to run'));
});

/**
 * Wait for the event loop to empty, as the language host's process does before it exits, for at most `ms`.
 * Some SDKs register resources only then: @pulumi/aws creates the one BucketNotification of a bucket's
 * `onObjectCreated` subscriptions in a `beforeExit` listener. False when something the program left
 * running (a timer, a socket) keeps the loop busy: what is registered by then is the result.
 */
function loopEmptied(ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    // Unreferenced: it does not keep the loop from emptying.
    const timer = setTimeout(() => {
      whenEmptied = undefined;
      resolve(false);
    }, ms);
    timer.unref();
    whenEmptied = () => {
      whenEmptied = undefined;
      clearTimeout(timer);
      // Keeps the loop alive past this beforeExit, so that the other listeners' registrations are waited for.
      setImmediate(() => resolve(true));
    };
  });
}

/** Secrets lose their value here: only the marker that a secret was there leaves the child. */
function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (obj[SIG_KEY] === SIG_SECRET) return { [SIG_KEY]: SIG_SECRET };
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(obj)) out[key] = scrub(obj[key]);
    return out;
  }
  return value;
}

function scrubMap(struct: JsStruct | undefined): Record<string, unknown> {
  return struct ? (scrub(struct.toJavaScript()) as Record<string, unknown>) : {};
}

const projectDir = path.resolve(request.projectDir);
const inProgram = (file: string): boolean => {
  const rel = path.relative(projectDir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) && !rel.split(path.sep).includes('node_modules');
};

function toPath(uri: string): string | undefined {
  try {
    let file = uri.startsWith('file:') ? fileURLToPath(uri) : uri;
    // A frame that was a file URL already (source-mapped code) comes back as `<cwd>/file:/...`.
    const nested = file.indexOf(`${path.sep}file:`);
    if (nested >= 0) file = fileURLToPath(file.slice(nested + 1));
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where the program declared a resource: the SDK's own source position (what
 * the engine keeps in state), else the first frame of its stack trace inside
 * the program. The SDK reads them from `Error.stack`, so they are already
 * mapped back to TypeScript by the loader's source maps.
 */
function sourceOf(req: { getSourceposition?(): Position | undefined; getStacktrace?(): Trace | undefined }): WireResource['source'] {
  const positions: Position[] = [];
  const own = req.getSourceposition?.();
  if (own) positions.push(own);
  for (const frame of req.getStacktrace?.()?.getFramesList() ?? []) {
    const pc = frame.getPc();
    if (pc) positions.push(pc);
  }
  for (const pos of positions) {
    const file = toPath(pos.getUri());
    if (!file || !inProgram(file) || pos.getLine() <= 0) continue;
    return { file, line: pos.getLine(), ...(pos.getColumn() > 0 ? { column: pos.getColumn() } : {}) };
  }
  return undefined;
}

/**
 * A provider reference is `<provider URN>::<id>`. The URN has four `::`
 * fields (stack, project, type, name); only a fifth is an id to drop, so a
 * reference without an id keeps the provider's name.
 */
const providerUrn = (ref: string): string | undefined => {
  if (!ref) return undefined;
  if (!ref.startsWith('urn:pulumi:')) return ref;
  const fields = ref.slice('urn:pulumi:'.length).split('::');
  if (fields.length <= 4) return ref;
  return `urn:pulumi:${fields.slice(0, -1).join('::')}`;
};

const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

/** The outputs a program asked each stack reference for (by the reference's URN). */
const outputsAsked = new Map<string, Set<string>>();
const pendingAsks: Array<Promise<unknown>> = [];

/**
 * Note the names asked of StackReference.getOutput / requireOutput (the other
 * getters go through these): the values stay unknown under mocks, but the
 * names tell stack-reference linking which outputs the program read.
 */
function trackStackReferences(pulumi: Record<string, unknown>): void {
  const ctor = pulumi.StackReference as { prototype?: Record<string, unknown> } | undefined;
  const proto = ctor?.prototype;
  if (!proto) return;
  for (const method of ['getOutput', 'requireOutput']) {
    const orig = proto[method];
    if (typeof orig !== 'function') continue;
    proto[method] = function (this: { urn?: { promise?: () => Promise<unknown> } }, name: unknown, ...rest: unknown[]): unknown {
      const urn = this.urn?.promise?.();
      if (typeof name === 'string' && urn) {
        pendingAsks.push(
          urn.then(
            (u) => {
              if (typeof u !== 'string') return;
              const set = outputsAsked.get(u) ?? new Set<string>();
              set.add(name);
              outputsAsked.set(u, set);
            },
            () => undefined,
          ),
        );
      }
      return (orig as (...args: unknown[]) => unknown).call(this, name, ...rest);
    };
  }
}

/** Config keys the program required that have no value, in order of first use. */
const unresolved: string[] = [];

/**
 * Under mocks a required config key without a value is not the end of the
 * analysis: `require`/`requireSecret` give the symbol `<key>` (a secret for
 * the latter), the typed forms undefined, and one warning per key says so.
 */
function tolerateMissingConfig(pulumi: Record<string, unknown>): void {
  const proto = (pulumi.Config as { prototype?: Record<string, unknown> } | undefined)?.prototype;
  if (!proto) return;
  const secret = pulumi.secret as ((v: unknown) => unknown) | undefined;
  for (const method of [
    'require',
    'requireSecret',
    'requireNumber',
    'requireBoolean',
    'requireObject',
    'requireSecretNumber',
    'requireSecretBoolean',
    'requireSecretObject',
  ]) {
    const orig = proto[method];
    if (typeof orig !== 'function') continue;
    proto[method] = function (this: { name?: string }, key: unknown, ...rest: unknown[]): unknown {
      try {
        return (orig as (...args: unknown[]) => unknown).call(this, key, ...rest);
      } catch (err) {
        if (!(err instanceof Error) || !/missing required configuration/i.test(err.message) || typeof key !== 'string') throw err;
        const full = key.includes(':') ? key : `${this.name ?? request.project}:${key}`;
        const shown = full.startsWith(`${request.project}:`) ? full.slice(request.project.length + 1) : full;
        if (!unresolved.includes(shown)) {
          unresolved.push(shown);
          warnings.push(
            `config ${shown} has no value; analysed as the unknown <${shown}> (set it with \`pulumi config set ${method.includes('Secret') ? '--secret ' : ''}${shown}\` or give it a default)`,
          );
        }
        if (method === 'require') return `<${shown}>`;
        if (method === 'requireSecret') return secret ? secret(`<${shown}>`) : `<${shown}>`;
        return undefined;
      }
    };
  }
}

const records: WireResource[] = [];
const byUrn = new Map<string, WireResource>();
const warnings: string[] = [];

function add(record: WireResource): void {
  const seen = byUrn.get(record.urn);
  if (seen) throw new Error(`two resources register the same URN ${record.urn} (a duplicate name of type ${record.type})`);
  byUrn.set(record.urn, record);
  records.push(record);
}

/** What registrations and reads record alike: identity, parent, provider, dependencies, where it is declared. */
function common(req: ResourceRequest, resp: UrnResponse): Pick<WireResource, 'urn' | 'type' | 'name' | 'parent' | 'provider' | 'dependencies' | 'source'> {
  const provider = providerUrn(req.getProvider());
  const source = sourceOf(req);
  return {
    urn: resp.getUrn(),
    type: req.getType(),
    name: req.getName(),
    ...(req.getParent() ? { parent: req.getParent() } : {}),
    ...(provider ? { provider } : {}),
    dependencies: [...req.getDependenciesList()],
    ...(source ? { source } : {}),
  };
}

function captureRegistration(req: RegisterRequest, resp: UrnResponse): void {
  const custom = req.getCustom();
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((value, key) => {
    const urns = value.getUrnsList();
    if (urns.length > 0) propertyDependencies[key] = [...urns];
  });
  const id = custom ? resp.getId?.() : undefined;
  // A remote (multi-language) component, as awsx and eks make: its provider creates its children, never under mocks.
  const remote = !custom && req.getRemote?.() === true;
  add({
    ...common(req, resp),
    custom,
    ...(remote ? { remote } : {}),
    ...(id ? { id } : {}),
    inputs: scrubMap(req.getObject()),
    outputs: custom ? scrubMap(resp.getObject?.()) : {},
    propertyDependencies,
  });
}

function captureRead(req: ReadRequest, resp: UrnResponse): void {
  add({
    ...common(req, resp),
    custom: true,
    ...(req.getId() ? { id: req.getId() } : {}),
    inputs: scrubMap(req.getProperties()),
    outputs: scrubMap(resp.getProperties?.()),
    propertyDependencies: {},
    external: true,
  });
}

// Invokes the mocks answer (the rule packs' providers[].invokes, filled in from the stack config by firebreak), by token.
const answers = request.invokes ?? {};
/** Provider config the answers given assumed (the region of getAvailabilityZones' zones), so placement uses it too. */
const assumed: Record<string, string> = {};

const mocks = {
  newResource(args: MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
    if (args.type === STACK_REFERENCE_TYPE) {
      // Another stack's outputs are not known here: leaving `outputs` out makes
      // them unknown, as in a preview whose referenced stack has no state yet.
      return { id: args.id || args.name, state: { name: args.inputs.name ?? args.name } };
    }
    if (args.custom === false) return { id: undefined, state: {} };
    return { id: args.id || `${args.name}_id`, state: { ...args.inputs } };
  },
  call(args: { token: string; inputs: Record<string, unknown> }): Record<string, unknown> {
    if (Object.hasOwn(answers, args.token)) {
      const answer = answers[args.token]!;
      if (answer.warning !== undefined && !warnings.includes(answer.warning)) warnings.push(answer.warning);
      if (answer.assumed !== undefined) Object.assign(assumed, answer.assumed);
      return JSON.parse(JSON.stringify(answer.result)) as Record<string, unknown>;
    }
    unanswered.set(args.token, (unanswered.get(args.token) ?? 0) + 1);
    return {};
  },
};

/** Invokes (data sources) the mocks answered with nothing, by token, with how often each was called. */
const unanswered = new Map<string, number>();

/** The invokes answered with nothing, sorted: `token` or `token (n calls)`. */
function unansweredList(): string[] {
  return [...unanswered.keys()].sort().map((t) => (unanswered.get(t)! > 1 ? `${t} (${unanswered.get(t)} calls)` : t));
}

async function run(): Promise<void> {
  const pulumiRequire = createRequire(request.pulumi);
  const pulumi = pulumiRequire(request.pulumi) as { runtime?: PulumiRuntime };
  const runtime = pulumi.runtime;
  if (!runtime || typeof runtime.setMocks !== 'function' || typeof runtime.getMonitor !== 'function' || typeof runtime.runInPulumiStack !== 'function') {
    throw new Error(`the program's @pulumi/pulumi (${request.pulumi}) has no mocks (runtime.setMocks); upgrade it to a 3.x release`);
  }
  trackStackReferences(pulumi as Record<string, unknown>);
  tolerateMissingConfig(pulumi as Record<string, unknown>);
  await runtime.setMocks(mocks, request.project, request.stack, true, request.organization);
  const monitor = runtime.getMonitor();

  // URNs as the engine makes them: the parent's whole qualified type, less the root stack's.
  monitor.newUrn = (parent: string, type: string, name: string): string => {
    let qualified = type;
    if (parent) {
      const parentType = parent.split('::')[2];
      if (parentType && parentType !== STACK_TYPE) qualified = `${parentType}$${type}`;
    }
    return `urn:pulumi:${request.stack}::${request.project}::${qualified}::${name}`;
  };
  // Let each registration through the mock monitor, then capture what it registered.
  const tap =
    <Req, Resp>(call: (req: Req, cb: (err: unknown, resp: Resp | undefined) => void) => unknown, capture: (req: Req, resp: Resp) => void) =>
    (req: Req, callback: (err: unknown, resp: Resp | undefined) => void) =>
      call(req, (err, resp) => {
        if (!err && resp) {
          try {
            capture(req, resp);
          } catch (e) {
            fail(e);
          }
        }
        callback(err, resp);
      });
  monitor.registerResource = tap(monitor.registerResource.bind(monitor), captureRegistration);
  monitor.readResource = tap(monitor.readResource.bind(monitor), captureRead);
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, callback) => {
    const record = byUrn.get(req.getUrn());
    if (record) record.outputs = scrubMap(req.getOutputs());
    return registerOutputs(req, callback);
  };

  await runtime.runInPulumiStack(async () => {
    let exported: unknown;
    if (request.load === 'require') {
      if (request.tsNode) registerTsNode(request.tsNode);
      exported = createRequire(request.main)(request.main);
    } else {
      exported = mainExport((await import(pathToFileURL(request.main).href)) as Record<string, unknown>);
    }
    if (exported !== null && typeof exported === 'object' && (exported as { __esModule?: unknown }).__esModule) {
      // A CommonJS module compiled from `export ...`: its default function, or its named exports.
      const { __esModule: _, default: d, ...named } = exported as Record<string, unknown>;
      exported = typeof d === 'function' ? d : named;
    }
    // A program may export a function (`export = async () => {...}`): Pulumi calls it.
    if (typeof exported === 'function') exported = await (exported as () => unknown)();
    return exported;
  });
  // Let what the last registrations set off (apply callbacks, their failures) run out, as the
  // language host does before it exits; an unhandled failure ends the run through fail().
  const settle = async (): Promise<void> => {
    for (let round = 0; round < 5; round++) {
      if (typeof runtime.waitForRPCs === 'function') await runtime.waitForRPCs();
      else if (typeof runtime.disconnect === 'function') await runtime.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  await settle();
  // Then what `beforeExit` listeners register, until a round registers nothing more.
  for (let round = 0; round < 3; round++) {
    const before = records.length;
    if (!(await loopEmptied(250))) break;
    await settle();
    if (records.length === before) break;
  }
  await Promise.all(pendingAsks);
  for (const [urn, names] of outputsAsked) {
    const record = byUrn.get(urn);
    if (record) record.outputs = { ...record.outputs, outputs: Object.fromEntries([...names].sort().map((n) => [n, UNKNOWN])) };
  }
  if (unanswered.size > 0) {
    warnings.push(
      `under mocks no data source answers: ${unansweredList().join(', ')} returned nothing, so what the program derived from ${unanswered.size === 1 ? 'it' : 'them'} is missing or unknown`,
    );
  }
  finish({ ok: true, resources: records, warnings, ...(unresolved.length > 0 ? { unresolved } : {}), ...(Object.keys(assumed).length > 0 ? { assumed } : {}) });
}

/**
 * The program's ts-node, registered as the Pulumi CLI registers it: the
 * project's tsconfig.json when there is one, else CommonJS defaults; but
 * transpile only (no type check: a type error does not stop the analysis).
 */
function registerTsNode(entry: string): void {
  const tsNode = createRequire(entry)(entry) as { register(options: Record<string, unknown>): unknown };
  const tsconfig = path.join(projectDir, 'tsconfig.json');
  const hasConfig = existsSync(tsconfig);
  tsNode.register({
    transpileOnly: true,
    project: tsconfig,
    skipProject: !hasConfig,
    ...(hasConfig ? {} : { compilerOptions: { target: 'es6', module: 'commonjs', moduleResolution: 'node', sourceMap: true } }),
  });
}

/** What an ES module namespace exports as the program: its default function, CommonJS exports, or its named exports. */
function mainExport(ns: Record<string, unknown>): unknown {
  const d = ns.default;
  if (typeof d === 'function') return d;
  if (d !== null && typeof d === 'object' && 'default' in ns && Object.keys(ns).every((k) => k === 'default' || k in (d as object))) return d;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(ns)) if (key !== 'default') out[key] = ns[key];
  return out;
}

run().catch(fail);
