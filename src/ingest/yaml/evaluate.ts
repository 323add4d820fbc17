/**
 * Evaluating a Pulumi YAML program into resource records, without a cloud:
 * config, variables, resources, `${}` interpolation and the fn:: built-ins.
 * Values only known at deploy time (resource outputs, invoke results) are
 * unknowns with a symbol, so that `${azs.names[0]}` and `${azs.names[1]}`
 * stay two different zones.
 */
import { OPTIONS, RESOURCE } from './keys.js';
import { createHash } from 'node:crypto';
import { chainText, InputError, type Problem, type Warning } from '../../errors.js';
import { asSpecial, special, type PropertyMap, type PropertyValue, type ResourceRecord, type StackOutputInfo } from '../types.js';
import { parseInterpolation, pathText, ExprSyntaxError, type Accessor, type Reference } from './expr.js';
import { positionOf, type YamlFile } from './document.js';
import { FUNCTIONS, type FnContext } from './functions.js';
import { isProviderType, PROVIDER_TYPE_PREFIX } from '../../pulumi.js';
import type { Confinement } from './confine.js';
import { markSecrets } from '../values.js';
import { componentFor, type ComponentTemplate } from './components.js';
import type { InvokeAnswer } from '../invokes.js';

export interface ProgramInput {
  program: Record<string, unknown>;
  /** The file holding the program, and where in it the program sits. */
  source: YamlFile;
  base: Array<string | number>;
  project: string;
  stack: string;
  organization: string;
  projectDir: string;
  /** Config values by full key (`proj:key`, `aws:region`); a value of undefined is declared but not set. */
  config: Map<string, { value: PropertyValue; file: YamlFile; path: Array<string | number>; secret?: boolean }>;
  /** What the program may read (fn::readFile and friends). */
  confine: Confinement;
  /** Invokes answered from the providers' own config (the rule packs' providers[].invokes). */
  invokes: readonly InvokeAnswer[];
  /** `pulumi new` template placeholders (`${PROJECT}`, `${DESCRIPTION}`) and their values, for templates. */
  placeholders?: Record<string, string>;
  /** The components of local YAML component packages, by type token (components.ts). */
  components?: ReadonlyMap<string, ComponentTemplate>;
  /** Inside a component: its URN (every resource's default parent), its name (every resource's name prefix) and its depth. */
  component?: { urn: string; name: string; depth: number; providers: ReadonlyMap<string, string> };
}

/** The package a provider resource's URN is for: `urn:...::pulumi:providers:aws::east` -> `aws`. */
function providerPackage(urn: string): string | undefined {
  const qualified = urn.split('::')[2] ?? '';
  const type = qualified.slice(qualified.lastIndexOf('$') + 1);
  return isProviderType(type) ? type.slice(PROVIDER_TYPE_PREFIX.length) : undefined;
}

/** How deep components may nest in each other (one that uses itself would never end). */
export const MAX_COMPONENT_DEPTH = 16;

/** A config key without a value, read as a symbolic unknown: where it was first used, and how often. */
export interface MissingConfig {
  /** The full key (`proj:key`, `aws:region`). */
  key: string;
  /** The key as shown: without the project's own namespace. */
  display: string;
  file: string;
  line?: number;
  column?: number;
}

/** The symbol of a missing config key's unknown value: `<aws:region>`, so that `${aws:region}a` is `<aws:region>a`. */
export function missingSymbol(display: string): string {
  return `<${display}>`;
}

// The record fields pulumi-yaml knows (keys.ts has canonicalised their casing).
const RESOURCE_KEYS = new Set(RESOURCE);
const OPTION_KEYS = new Set(OPTIONS);

/** A failure at a place in the program; turned into an InputError with file:line. */
export class EvalError extends Error {
  constructor(
    message: string,
    readonly path: Array<string | number>,
    readonly file?: YamlFile,
  ) {
    super(message);
  }
}

/**
 * How deep references may nest while evaluating. In dependency order a reference finds its target done, so only a
 * cycle goes deeper than one level; this bounds the stack a long one takes (one turn costs a dozen frames).
 */
export const MAX_EVALUATION_DEPTH = 100;

/** A reference cycle: its message names the cycle as met from where it was entered, so it is never remembered. */
class CycleError extends EvalError {}

interface ResourceState {
  name: string;
  decl: Record<string, unknown>;
  path: Array<string | number>;
  status: 'new' | 'busy' | 'done' | 'failed';
  /** Why it failed (status failed): what every later reference to it throws again, without evaluating it again. */
  failure?: EvalError;
  inputs?: PropertyMap;
  record?: ResourceRecord;
  /** A local component's outputs (what `${comp.out}` reads) and the records of its resources. */
  outputs?: PropertyMap;
  children?: ResourceRecord[];
  deps: string[];
  propDeps: Map<string, string[]>;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !asSpecial(v);

function unknown(symbol: string): PropertyValue {
  return special({ kind: 'unknown', symbol });
}

function shortHash(v: unknown): string {
  return createHash('sha1')
    .update(JSON.stringify(v) ?? '')
    .digest('hex')
    .slice(0, 8);
}

export class ProgramEvaluator {
  private readonly resources = new Map<string, ResourceState>();
  private readonly variables = new Map<
    string,
    {
      expr: unknown;
      path: Array<string | number>;
      status: 'new' | 'busy' | 'done' | 'failed';
      failure?: EvalError;
      value?: PropertyValue;
      deps: string[];
      invokes: string[];
      reads?: Set<string>;
    }
  >();
  /** Functions invoked while evaluating the current expression (through the variables it reads too). */
  private invokes: string[] | undefined;
  /** The stack outputs, after run(): names, the resources and the functions their values come from (never the values). */
  readonly outputs: StackOutputInfo[] = [];
  /** The outputs' values (a component's outputs are read by the program that uses it). */
  readonly outputValues: PropertyMap = Object.create(null) as PropertyMap;
  private readonly evaluating: string[] = [];
  /** Resources referenced while evaluating the current expression. */
  private deps: string[] | undefined;
  readonly warnings: Warning[] = [];
  private readonly defaultProviders = new Map<string, string>();
  /** Config keys read without a value, by full key, in order of first use. */
  readonly missing = new Map<string, MissingConfig>();
  /**
   * The URNs of the resources that read each missing key, directly or through variables. A secret key's value carries
   * no symbol to find it by later, so its readers are noted as they read it.
   */
  readonly missingReaders = new Map<string, Set<string>>();
  /** Missing config keys read while evaluating the current declaration (through the variables it reads too). */
  private reads: Set<string> | undefined;

  constructor(private readonly input: ProgramInput) {
    const p = input.program;
    const vars = p.variables;
    if (vars !== undefined && !isObject(vars)) throw this.error('`variables` must be a map', ['variables']);
    for (const [name, expr] of Object.entries(vars ?? {})) this.variables.set(name, { expr, path: ['variables', name], status: 'new', deps: [], invokes: [] });
    const res = p.resources;
    if (res !== undefined && res !== null && !isObject(res)) throw this.error('`resources` must be a map', ['resources']);
    for (const [name, decl] of Object.entries(res ?? {})) {
      if (!isObject(decl)) {
        // `resources: {type: ..., properties: ...}`: a resource written without its name (a real template does this).
        const field = RESOURCE.find((k) => k.toLowerCase() === name.toLowerCase());
        throw this.error(
          field
            ? `resources.${name} is not a resource: \`resources:\` holds ${field}: directly; put the resource's fields under a name of its own (resources: {myResource: {type: ..., properties: ...}})`
            : `resource ${name} must be a map with a type`,
          ['resources', name],
        );
      }
      if (typeof decl.type !== 'string' || decl.type === '') throw this.error(`resource ${name} has no type`, ['resources', name]);
      for (const key of Object.keys(decl)) {
        if (!RESOURCE_KEYS.has(key)) this.warn(`resource ${name}: unknown key "${key}" ignored`, ['resources', name, key]);
      }
      if (decl.defaultProvider === true && isProviderType(decl.type)) this.defaultProviders.set(decl.type.slice(PROVIDER_TYPE_PREFIX.length), name);
      this.resources.set(name, { name, decl, path: ['resources', name], status: 'new', deps: [], propDeps: new Map() });
    }
  }

  private error(message: string, path: Array<string | number>): EvalError {
    return new EvalError(message, path);
  }

  private warn(message: string, path: Array<string | number>): void {
    this.warnings.push({ file: this.input.source.file, ...positionOf(this.input.source, [...this.input.base, ...path], true), message });
  }

  toProblem(err: EvalError): Problem {
    const file = err.file ?? this.input.source;
    const base = err.file ? [] : this.input.base;
    return { file: file.file, ...positionOf(file, [...base, ...err.path], err.path.length === 2 && err.path[0] === 'resources'), reason: err.message };
  }

  /** Evaluate everything; return the records in dependency order (ties in declaration order). */
  run(): ResourceRecord[] {
    const problems: Problem[] = [];
    const guard = (fn: () => void): void => {
      try {
        fn();
      } catch (err) {
        if (err instanceof EvalError) problems.push(this.toProblem(err));
        else throw err;
      }
    };
    // Evaluate in dependency order first, so that a reference finds its target done and the
    // evaluator never recurses along a chain (a chain of 100,000 resources is fine).
    for (const [kind, name] of this.evaluationOrder()) {
      guard(() => void (kind === 'variable' ? this.variable(name, ['variables', name]) : this.resource(name, ['resources', name])));
    }
    for (const name of this.variables.keys()) guard(() => void this.variable(name, ['variables', name]));
    for (const name of this.resources.keys()) guard(() => void this.resource(name, ['resources', name]));
    const outputs = this.input.program.outputs;
    if (isObject(outputs)) {
      for (const [k, v] of Object.entries(outputs)) {
        guard(() => {
          const saved = this.invokes;
          const invokes: string[] = [];
          this.invokes = invokes;
          try {
            const { deps, value } = this.withDeps(() => this.value(v, ['outputs', k]));
            this.outputValues[k] = value;
            this.outputs.push({ name: k, from: deps.map((d) => this.urnOf(d, ['outputs', k])), invokes });
          } finally {
            this.invokes = saved;
          }
        });
      }
    }
    if (problems.length > 0) {
      // A broken variable is met again by everything that reads it: each problem once.
      throw new InputError([...new Map(problems.map((p) => [`${p.file}:${p.line}:${p.column}:${p.reason}`, p])).values()]);
    }
    // Dependency order, stable.
    const out: ResourceRecord[] = [];
    const placed = new Set<string>();
    for (const root of this.resources.keys()) {
      // Depth-first, with an explicit stack: [name, index of the next dependency to visit].
      const stack: Array<[string, number]> = placed.has(root) ? [] : [[root, 0]];
      if (stack.length > 0) placed.add(root);
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        const st = this.resources.get(top[0])!;
        const next = st.deps[top[1]++];
        if (next === undefined) {
          stack.pop();
          out.push(st.record!);
          if (st.children) out.push(...st.children);
        } else if (!placed.has(next)) {
          placed.add(next);
          stack.push([next, 0]);
        }
      }
    }
    return out;
  }

  /** The names a declaration mentions (`${name...}` in any string inside it): its likely dependencies. */
  private mentioned(expr: unknown): Array<['variable' | 'resource', string]> {
    const out: Array<['variable' | 'resource', string]> = [];
    const seen = new Set<string>();
    const todo: unknown[] = [expr];
    while (todo.length > 0) {
      const e = todo.pop();
      if (typeof e === 'string') {
        if (!e.includes('${')) continue;
        let parts;
        try {
          parts = parseInterpolation(e);
        } catch {
          continue;
        }
        for (const part of parts) {
          if (!('ref' in part) || seen.has(part.ref.root)) continue;
          seen.add(part.ref.root);
          if (this.resources.has(part.ref.root)) out.push(['resource', part.ref.root]);
          else if (this.variables.has(part.ref.root)) out.push(['variable', part.ref.root]);
        }
      } else if (Array.isArray(e)) todo.push(...e);
      else if (e !== null && typeof e === 'object' && !(e instanceof Date)) todo.push(...Object.values(e as Record<string, unknown>));
    }
    return out;
  }

  /** What a declaration depends on: what it mentions, and a resource its package's default provider. */
  private edges(kind: 'variable' | 'resource', name: string): Array<['variable' | 'resource', string]> {
    const deps = this.mentioned(kind === 'variable' ? this.variables.get(name)!.expr : this.resources.get(name)!.decl);
    const pkg = kind === 'resource' ? String(this.resources.get(name)!.decl.type).split(':')[0]! : '';
    const dp = kind === 'resource' ? this.defaultProviders.get(pkg) : undefined;
    if (dp && dp !== name) deps.push(['resource', dp]);
    return deps;
  }

  /** Variables and resources in dependency order (post-order of an iterative depth-first walk); cycles are left to the evaluator to report. */
  private evaluationOrder(): Array<['variable' | 'resource', string]> {
    const order: Array<['variable' | 'resource', string]> = [];
    const seen = new Set<string>();
    const edges = (kind: 'variable' | 'resource', name: string): Array<['variable' | 'resource', string]> => this.edges(kind, name);
    const roots: Array<['variable' | 'resource', string]> = [
      ...[...this.variables.keys()].map((n) => ['variable', n] as ['variable', string]),
      ...[...this.resources.keys()].map((n) => ['resource', n] as ['resource', string]),
    ];
    for (const root of roots) {
      const key = `${root[0]} ${root[1]}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const stack: Array<{ node: ['variable' | 'resource', string]; deps: Array<['variable' | 'resource', string]>; i: number }> = [
        { node: root, deps: edges(...root), i: 0 },
      ];
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        const next = top.deps[top.i++];
        if (next === undefined) {
          stack.pop();
          order.push(top.node);
          continue;
        }
        const k = `${next[0]} ${next[1]}`;
        if (seen.has(k)) continue;
        seen.add(k);
        stack.push({ node: next, deps: edges(...next), i: 0 });
      }
    }
    return order;
  }

  private withDeps<T>(fn: () => T): { value: T; deps: string[] } {
    const saved = this.deps;
    const deps: string[] = [];
    this.deps = deps;
    try {
      return { value: fn(), deps };
    } finally {
      this.deps = saved;
    }
  }

  private noteInvokes(list: readonly string[]): void {
    if (this.invokes) for (const f of list) if (!this.invokes.includes(f)) this.invokes.push(f);
  }

  private addDep(name: string): void {
    if (this.deps && !this.deps.includes(name)) this.deps.push(name);
  }

  private enter(kind: 'variable' | 'resource', name: string, path: Array<string | number>): void {
    const key = `${kind} ${name}`;
    const at = this.evaluating.indexOf(key);
    if (at >= 0) {
      const cycle = chainText([...this.evaluating.slice(at), key].map((k) => k.split(' ')[1]!));
      throw new CycleError(`reference cycle: ${cycle}`, path);
    }
    if (this.evaluating.length >= MAX_EVALUATION_DEPTH) {
      // In dependency order a reference finds its target done: this deep, the evaluator is going round a long cycle.
      // Said without going further (each turn costs stack), and remembered by every declaration on the way back.
      const cycle = this.cycleAhead([kind, name]);
      throw new EvalError(cycle ? `reference cycle: ${chainText(cycle)}` : `references nested more than ${MAX_EVALUATION_DEPTH} deep`, path);
    }
    this.evaluating.push(key);
  }

  /**
   * The cycle that the declarations being evaluated and the one about to be entered are on, found by an iterative
   * walk of what the not yet evaluated declarations mention: names from where it closes back round to it.
   */
  private cycleAhead(start: ['variable' | 'resource', string]): string[] | undefined {
    const onStack = new Map(this.evaluating.map((k, i) => [k, i]));
    const from = new Map<string, string | undefined>([[`${start[0]} ${start[1]}`, undefined]]);
    const todo: Array<['variable' | 'resource', string]> = [start];
    while (todo.length > 0) {
      const node = todo.pop()!;
      const nodeKey = `${node[0]} ${node[1]}`;
      for (const next of this.edges(...node)) {
        const k = `${next[0]} ${next[1]}`;
        const at = onStack.get(k);
        if (at !== undefined) {
          const ahead: string[] = [];
          for (let p: string | undefined = nodeKey; p !== undefined; p = from.get(p)) ahead.push(p);
          return [...this.evaluating.slice(at), ...ahead.reverse(), k].map((x) => x.slice(x.indexOf(' ') + 1));
        }
        if (from.has(k)) continue;
        const st = next[0] === 'variable' ? this.variables.get(next[1]) : this.resources.get(next[1]);
        if (!st || st.status === 'done' || st.status === 'failed') continue;
        from.set(k, nodeKey);
        todo.push(next);
      }
    }
    return undefined;
  }

  private variable(name: string, refPath: Array<string | number>): { value: PropertyValue; deps: string[] } {
    const v = this.variables.get(name)!;
    if (v.status === 'done') {
      this.noteInvokes(v.invokes);
      for (const k of v.reads ?? []) this.reads?.add(k);
      return { value: v.value!, deps: v.deps };
    }
    if (v.status === 'failed') throw v.failure!;
    this.enter('variable', name, refPath);
    const saved = this.invokes;
    const savedReads = this.reads;
    const invokes: string[] = [];
    const reads = new Set<string>();
    this.invokes = invokes;
    this.reads = reads;
    try {
      const { value, deps } = this.withDeps(() => this.value(v.expr, v.path, name));
      v.value = value;
      v.deps = deps;
      v.invokes = invokes;
      if (reads.size > 0) v.reads = reads;
      v.status = 'done';
      return { value, deps };
    } catch (err) {
      this.remember(v, err);
      throw err;
    } finally {
      this.invokes = saved;
      this.reads = savedReads;
      for (const k of reads) this.reads?.add(k);
      this.noteInvokes(invokes);
      this.evaluating.pop();
    }
  }

  private resource(name: string, refPath: Array<string | number>): ResourceState {
    const st = this.resources.get(name)!;
    if (st.status === 'done') return st;
    if (st.status === 'failed') throw st.failure!;
    this.enter('resource', name, refPath);
    const savedReads = this.reads;
    const reads = new Set<string>();
    this.reads = reads;
    try {
      const { decl, path } = st;
      const deps: string[] = [];
      const note = (list: string[]): void => {
        for (const d of list) if (d !== name && !deps.includes(d)) deps.push(d);
      };
      let inputs: PropertyMap = Object.create(null) as PropertyMap;
      const propDeps: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
      const props = decl.get !== undefined ? (isObject(decl.get) ? decl.get.state : undefined) : decl.properties;
      const propsPath = decl.get !== undefined ? [...path, 'get', 'state'] : [...path, 'properties'];
      if (props !== undefined && props !== null) {
        if (isObject(props)) {
          for (const [key, expr] of Object.entries(props)) {
            const r = this.withDeps(() => this.value(expr, [...propsPath, key]));
            inputs[key] = r.value;
            note(r.deps);
            const own = r.deps.filter((d) => d !== name);
            if (own.length > 0) propDeps[key] = own.map((d) => this.urnOf(d, [...propsPath, key]));
          }
        } else {
          const r = this.withDeps(() => this.value(props, propsPath));
          note(r.deps);
          if (isObject(r.value)) inputs = r.value as PropertyMap;
          else if (!asSpecial(r.value)) throw this.error(`properties of ${name} must be a map`, propsPath);
        }
      }
      let id: string | undefined;
      if (decl.get !== undefined) {
        if (!isObject(decl.get)) throw this.error(`get: of ${name} must be a map with an id`, [...path, 'get']);
        const r = this.withDeps(() => this.value(decl.get && (decl.get as Record<string, unknown>).id, [...path, 'get', 'id']));
        note(r.deps);
        if (typeof r.value === 'string') id = r.value;
      }
      // Options.
      let parent: string | undefined;
      let provider: string | undefined;
      /** `options.providers`, by package: a custom resource takes the one of its package; a component passes them to its resources. */
      const providers = new Map<string, string>(this.input.component?.providers ?? []);
      const options = decl.options;
      if (options !== undefined && options !== null) {
        if (!isObject(options)) throw this.error(`options of ${name} must be a map`, [...path, 'options']);
        for (const key of Object.keys(options)) {
          if (!OPTION_KEYS.has(key)) this.warn(`resource ${name}: unknown option "${key}" ignored`, [...path, 'options', key]);
        }
        const refOf = (expr: unknown, p: Array<string | number>, what: string): string | undefined => {
          const r = this.withDeps(() => this.value(expr, p));
          note(r.deps);
          const s = asSpecial(r.value);
          if (s?.kind === 'resource-ref') return s.urn;
          if (r.value === null || r.value === undefined) return undefined;
          throw this.error(`${what} of ${name} must be a resource reference like \${other}`, p);
        };
        if (options.dependsOn !== undefined) {
          const list = Array.isArray(options.dependsOn) ? options.dependsOn : [options.dependsOn];
          list.forEach((d, i) => refOf(d, [...path, 'options', 'dependsOn', ...(Array.isArray(options.dependsOn) ? [i] : [])], 'dependsOn'));
        }
        if (options.parent !== undefined) parent = refOf(options.parent, [...path, 'options', 'parent'], 'parent');
        if (options.provider !== undefined) provider = refOf(options.provider, [...path, 'options', 'provider'], 'provider');
        if (options.providers !== undefined) {
          const ps = options.providers;
          const entries = Array.isArray(ps) ? ps.map((v, i) => [i, v] as const) : isObject(ps) ? Object.entries(ps) : [];
          for (const [k, v] of entries) {
            const urn = refOf(v, [...path, 'options', 'providers', k], 'providers');
            const pkg = urn === undefined ? undefined : typeof k === 'string' ? k : providerPackage(urn);
            if (urn !== undefined && pkg !== undefined) providers.set(pkg, urn);
          }
        }
        // Outputs echo inputs here: an output named in additionalSecretOutputs is a secret in both.
        markSecrets(inputs, options.additionalSecretOutputs);
      }
      const type = decl.type as string;
      const pkg = type.split(':')[0]!;
      if (!provider && !isProviderType(type) && providers.has(pkg)) provider = providers.get(pkg);
      if (!provider && !isProviderType(type)) {
        const dp = this.defaultProviders.get(pkg);
        if (dp && dp !== name) {
          note([dp]);
          provider = this.urnOf(dp, path);
        }
      }
      if (!parent && this.input.component) parent = this.input.component.urn;
      // Inside a component every name is prefixed with the component's (pulumi-yaml 1.33 and later).
      const resourceName = (this.input.component ? `${this.input.component.name}-` : '') + (typeof decl.name === 'string' ? decl.name : name);
      const qualified = parent ? `${this.qualifiedTypeOf(parent)}$${type}` : type;
      const urn = `urn:pulumi:${this.input.stack}::${this.input.project}::${qualified}::${resourceName}`;
      const record: ResourceRecord = {
        urn,
        type,
        name: resourceName,
        stack: this.input.stack,
        project: this.input.project,
        custom: type.split(':').length >= 2,
        inputs,
        outputs: {},
        dependencies: deps.map((d) => this.urnOf(d, path)),
        propertyDependencies: propDeps,
        source: { file: this.input.source.file, ...positionOf(this.input.source, [...this.input.base, ...path], true) },
      };
      if (id) record.id = id;
      if (parent) record.parent = parent;
      if (provider) record.provider = provider;
      if (decl.get !== undefined) record.external = true;
      const component = decl.get === undefined ? componentFor(this.input.components, type) : undefined;
      if (component) {
        record.custom = false;
        // options.provider of a component is passed to its resources of that provider's package, as the SDKs do.
        const providerPkg = provider === undefined ? undefined : providerPackage(provider);
        if (provider && providerPkg) providers.set(providerPkg, provider);
        const expanded = this.expand(component, record, path, providers);
        st.outputs = expanded.outputs;
        st.children = expanded.records;
      }
      st.inputs = inputs;
      st.record = record;
      st.deps = deps;
      st.status = 'done';
      for (const k of reads) {
        const readers = this.missingReaders.get(k) ?? new Set<string>();
        readers.add(urn);
        this.missingReaders.set(k, readers);
      }
      return st;
    } catch (err) {
      this.remember(st, err);
      throw err;
    } finally {
      this.reads = savedReads;
      this.evaluating.pop();
    }
  }

  /**
   * A local component's resources, as its provider would construct them: evaluated with the component's inputs as their
   * config (the program's own keys are not visible; provider keys such as `aws:region` are), children of the component.
   */
  private expand(
    component: ComponentTemplate,
    record: ResourceRecord,
    path: Array<string | number>,
    providers: ReadonlyMap<string, string>,
  ): { records: ResourceRecord[]; outputs: PropertyMap } {
    const depth = (this.input.component?.depth ?? 0) + 1;
    if (depth > MAX_COMPONENT_DEPTH) throw this.error(`component ${component.type} nests more than ${MAX_COMPONENT_DEPTH} deep (does it use itself?)`, path);
    const project = this.input.project;
    const config: ProgramInput['config'] = new Map();
    for (const [k, e] of this.input.config) if (!k.startsWith(`${project}:`)) config.set(k, e);
    const declared = isObject(component.decl.inputs) ? component.decl.inputs : {};
    for (const [k, d] of Object.entries(declared)) {
      const defaultKey = isObject(d) ? Object.keys(d).find((x) => x.toLowerCase() === 'default') : undefined;
      const given = Object.hasOwn(record.inputs, k) ? record.inputs[k] : undefined;
      const fallback = defaultKey !== undefined ? (d as Record<string, unknown>)[defaultKey] : undefined;
      const value: PropertyValue =
        given !== undefined && given !== null
          ? given
          : fallback !== undefined && fallback !== null && !(fallback instanceof Date)
            ? (fallback as PropertyValue)
            : unknown(`${record.name}.${k}`);
      config.set(`${project}:${k}`, { value, file: component.source, path: [...component.base, 'inputs', k] });
    }
    const child = new ProgramEvaluator({
      ...this.input,
      program: component.decl,
      source: component.source,
      base: component.base,
      config,
      placeholders: undefined,
      component: { urn: record.urn, name: record.name, depth, providers },
    });
    const records = child.run();
    this.warnings.push(...child.warnings);
    for (const [k, m] of child.missing) if (!this.missing.has(k)) this.missing.set(k, m);
    for (const [k, readers] of child.missingReaders) {
      const mine = this.missingReaders.get(k) ?? new Set<string>();
      for (const u of readers) mine.add(u);
      this.missingReaders.set(k, mine);
    }
    return { records, outputs: child.outputValues };
  }

  /**
   * A declaration that failed fails the same way for everything that reads it: remembered, so that a chain of
   * 100,000 resources behind a broken one is not evaluated again (and deeper) from each of them.
   */
  private remember(st: { status: string; failure?: EvalError }, err: unknown): void {
    if (err instanceof EvalError && !(err instanceof CycleError)) {
      st.status = 'failed';
      st.failure = err;
    }
  }

  private qualifiedTypeOf(urn: string): string {
    const rest = urn.split('::');
    return rest[2] ?? '';
  }

  private urnOf(name: string, path: Array<string | number>): string {
    return this.resource(name, path).record!.urn;
  }

  /** Evaluate an expression: a literal, an interpolated string, a list, a map or an fn:: call. */
  value(expr: unknown, path: Array<string | number>, variable?: string): PropertyValue {
    if (expr === null || expr === undefined) return null;
    if (typeof expr === 'string') return this.interpolate(expr, path);
    if (typeof expr === 'number' || typeof expr === 'boolean') return expr;
    if (expr instanceof Date) return expr.toISOString();
    if (Array.isArray(expr)) return expr.map((e, i) => this.value(e, [...path, i]));
    if (typeof expr === 'object') {
      const obj = expr as Record<string, unknown>;
      const keys = Object.keys(obj);
      if (keys.length === 1 && /^fn::/i.test(keys[0]!)) return this.call(keys[0]!, obj[keys[0]!], [...path, keys[0]!], variable);
      // A null-prototype map: `__proto__` in a program is just a property name.
      const out = Object.create(null) as PropertyMap;
      for (const k of keys) out[k] = this.value(obj[k], [...path, k]);
      return out;
    }
    return null;
  }

  private interpolate(s: string, path: Array<string | number>): PropertyValue {
    if (!s.includes('$')) return s;
    let parts;
    try {
      parts = parseInterpolation(s);
    } catch (err) {
      if (err instanceof ExprSyntaxError) throw this.error(err.message, path);
      throw err;
    }
    if (parts.length === 1 && 'ref' in parts[0]!) return this.reference(parts[0].ref, path);
    let text = '';
    let symbolic = false;
    // The literal text between the parts left for deploy (a part that is itself such a text adds its pieces).
    const pieces: string[] = [''];
    const literal = (s: string): void => {
      text += s;
      pieces[pieces.length - 1] += s;
    };
    for (const part of parts) {
      if ('text' in part) {
        literal(part.text);
        continue;
      }
      const v = this.reference(part.ref, path);
      const sp = asSpecial(v);
      if (sp?.kind === 'secret') return v;
      if (sp) {
        symbolic = true;
        const symbol = sp.kind === 'unknown' && sp.symbol ? sp.symbol : part.ref.text;
        text += /^<[^<>]+>/.test(symbol) ? symbol : '${' + symbol + '}';
        if (sp.kind === 'unknown' && sp.pieces && sp.pieces.length > 1) {
          pieces[pieces.length - 1] += sp.pieces[0]!;
          pieces.push(...sp.pieces.slice(1));
        } else pieces.push('');
      } else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') literal(String(v));
      else if (v === null) text += '';
      else {
        // A list or map is written as JSON; it may hold values left for deploy, so its text is no known piece.
        text += JSON.stringify(v);
        pieces.push('');
      }
    }
    return symbolic ? special({ kind: 'unknown', symbol: text, pieces }) : text;
  }

  private reference(ref: Reference, path: Array<string | number>): PropertyValue {
    const { root } = ref;
    if (root === 'pulumi') {
      const builtins: Record<string, string> = {
        stack: this.input.stack,
        project: this.input.project,
        organization: this.input.organization,
        cwd: this.input.projectDir,
        rootDirectory: this.input.projectDir,
      };
      const key = ref.path[0];
      if (typeof key !== 'string' || !Object.hasOwn(builtins, key) || ref.path.length > 1)
        throw this.error(`unknown built-in \${${ref.text}}: use pulumi.stack, pulumi.project, pulumi.organization, pulumi.cwd or pulumi.rootDirectory`, path);
      return builtins[key]!;
    }
    if (this.resources.has(root)) {
      this.addDep(root);
      const st = this.resource(root, path);
      if (ref.path.length === 0) return special({ kind: 'resource-ref', urn: st.record!.urn });
      const first = ref.path[0];
      // A `get:` resource's id is the one it names; any other id is only known after a deploy.
      if (first === 'id' && ref.path.length === 1 && st.record!.external && st.record!.id !== undefined) return st.record!.id;
      if (first === 'id' || first === 'urn') return unknown(pathText(root, ref.path));
      // Outputs echo inputs: a known input (or an unknown with its symbol) is the output too. A component has its own.
      const known = index(st.outputs ?? st.inputs ?? {}, ref.path);
      if (known === undefined) return unknown(pathText(root, ref.path));
      const sp = asSpecial(known);
      return sp && sp.kind !== 'secret' && !(sp.kind === 'unknown' && sp.symbol) ? unknown(pathText(root, ref.path)) : known;
    }
    if (this.variables.has(root)) {
      const { value, deps } = this.variable(root, path);
      deps.forEach((d) => this.addDep(d));
      return this.access(value, root, ref.path);
    }
    const placeholder = this.input.placeholders && ref.path.length === 0 ? this.input.placeholders[root] : undefined;
    if (placeholder !== undefined && Object.hasOwn(this.input.placeholders!, root)) return placeholder;
    const config = this.input.config.get(root.includes(':') ? root : `${this.input.project}:${root}`) ?? this.input.config.get(root);
    if (config && config.value !== undefined) return this.access(config.value, root, ref.path);
    if (config || root.includes(':')) {
      // A value only a deploy would know (a key never set, a provider key such as aws:region): a symbolic unknown.
      const key = root.includes(':') ? root : `${this.input.project}:${root}`;
      const display = key.startsWith(`${this.input.project}:`) ? key.slice(this.input.project.length + 1) : key;
      if (!this.missing.has(key)) {
        this.missing.set(key, { key, display, file: this.input.source.file, ...positionOf(this.input.source, [...this.input.base, ...path]) });
      }
      this.reads?.add(key);
      if (config?.secret) return special({ kind: 'secret' });
      return this.access(unknown(missingSymbol(display)), root, ref.path);
    }
    throw this.error(`unknown reference \${${ref.text}}: no resource, variable or config key named "${root}"`, path);
  }

  private access(value: PropertyValue, root: string, accessors: Accessor[]): PropertyValue {
    if (accessors.length === 0) return value;
    const sp = asSpecial(value);
    if (sp?.kind === 'secret') return value;
    if (sp?.kind === 'unknown') return unknown(pathText(sp.symbol ?? root, accessors));
    const found = index(value, accessors);
    return found === undefined ? unknown(pathText(root, accessors)) : found;
  }

  private call(key: string, arg: unknown, path: Array<string | number>, variable?: string): PropertyValue {
    const name = key.slice(4);
    const fn = Object.hasOwn(FUNCTIONS, name.toLowerCase()) ? FUNCTIONS[name.toLowerCase()] : undefined;
    const ctx: FnContext = {
      value: (e, p) => this.value(e, p),
      path,
      projectDir: this.input.projectDir,
      fail: (message, p) => this.error(message, p ?? path),
      symbolFor: (what: string) => (variable ? variable : `${what}#${shortHash(arg)}`),
      resourceByRef: (urn) => [...this.resources.values()].find((r) => r.record?.urn === urn)?.record,
      readFile: (p) => this.input.confine.read(p),
      config: (key) => this.reference({ root: key, path: [], text: key }, path),
      invokes: this.input.invokes,
    };
    if (fn === FUNCTIONS.invoke && isObject(arg)) {
      const f = (arg as Record<string, unknown>).function ?? (arg as Record<string, unknown>).Function;
      if (typeof f === 'string') this.noteInvokes([f]);
    }
    if (fn) return fn(arg, ctx);
    if (name.includes(':')) {
      this.noteInvokes([name]);
      return FUNCTIONS.invoke!({ function: name, arguments: arg }, ctx);
    }
    throw this.error(`unsupported function ${key}; firebreak knows fn::${Object.keys(FUNCTIONS).sort().join(', fn::')}`, path);
  }
}

function index(value: PropertyValue | undefined, accessors: Accessor[]): PropertyValue | undefined {
  let cur: PropertyValue | undefined = value;
  for (const a of accessors) {
    if (cur === null || cur === undefined || typeof cur !== 'object' || asSpecial(cur)) return undefined;
    const k = String(a);
    if (typeof a === 'number' && Array.isArray(cur)) cur = cur[a];
    else cur = Array.isArray(cur) || !Object.hasOwn(cur, k) ? undefined : (cur as PropertyMap)[k];
  }
  return cur;
}
