/**
 * Pulumi YAML projects (`runtime: yaml`): the project file, the program
 * (inline, Main.yaml/Main.json, or a `main:` folder), stack config files
 * (Pulumi.<stack>.yaml, honouring stackConfigDir), evaluated into records.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError, optionReason, type Warning } from '../../errors.js';
import { asSpecial, special, type PropertyValue, type StackInput } from '../types.js';
import { positionOf, readYamlFile, runtimeName, type YamlFile, stackConfigBlock, stacksIn } from './document.js';
import { EvalError, missingSymbol, ProgramEvaluator, type MissingConfig } from './evaluate.js';
import type { ResourceRecord } from '../types.js';
import { canonicalProgram } from './keys.js';
import { Confinement } from './confine.js';
import type { InvokeAnswer } from '../invokes.js';
import { localComponents } from './components.js';

/** Does a value mention a symbol (an unknown whose symbol contains it)? */
function mentions(v: PropertyValue, symbol: string): boolean {
  const stack: PropertyValue[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (x === null || typeof x !== 'object') continue;
    const sp = asSpecial(x);
    if (sp) {
      if (sp.kind === 'unknown' && sp.symbol?.includes(symbol)) return true;
      continue;
    }
    stack.push(...(Array.isArray(x) ? x : Object.values(x)));
  }
  return false;
}

/**
 * How many resources a missing key reaches: those whose inputs read it, those
 * whose provider reads it, and, for a provider key (`aws:region`), those on
 * the default provider of that package.
 */
function dependents(resources: ResourceRecord[], m: MissingConfig, namespaced: boolean, readers: ReadonlySet<string> | undefined): number {
  const symbol = missingSymbol(m.display);
  const direct = new Set(resources.filter((r) => readers?.has(r.urn) || mentions(r.inputs, symbol)).map((r) => r.urn));
  const pkg = m.key.split(':')[0]!;
  let n = 0;
  for (const r of resources) {
    if (!r.custom && !r.type.startsWith('pulumi:providers:')) continue;
    if (direct.has(r.urn) || (r.provider && direct.has(r.provider))) n++;
    else if (namespaced && !r.provider && r.type.split(':')[0] === pkg) n++;
  }
  return n;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A config declaration's keys in lower case (pulumi-yaml matches them case-insensitively: `Type`, `Default`). */
function lowerKeys(v: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [k, x] of Object.entries(v)) out[k.toLowerCase()] = x;
  return out;
}

function projectFileIn(dir: string): string | undefined {
  for (const name of ['Pulumi.yaml', 'Pulumi.yml']) {
    const f = path.join(dir, name);
    if (existsSync(f)) return f;
  }
  return undefined;
}

function stackDir(dir: string, project: YamlFile, confine?: Confinement): string {
  const v = isObject(project.value) ? project.value.stackConfigDir : undefined;
  if (typeof v !== 'string') return dir;
  const d = path.join(dir, v);
  confine?.check(d, { file: project.file, ...positionOf(project, ['stackConfigDir']) }, 'stackConfigDir');
  return d;
}

/** The stacks of a project directory: the names of its Pulumi.<stack>.yaml files. */
export function listYamlStacks(dir: string): string[] {
  const file = projectFileIn(dir);
  if (!file) return [];
  return stacksIn(stackDir(dir, readYamlFile(file, 'the project file')));
}

/** What kind of value a config value is, for errors (never the value: it may be a secret). */
function valueKind(value: PropertyValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  return `a ${typeof value}`;
}

type ConfigEntry = { value: PropertyValue; file: YamlFile; path: Array<string | number>; secret?: boolean };

function typeCheck(value: PropertyValue, type: unknown, where: () => { file: string; line?: number; column?: number }, key: string): PropertyValue {
  if (asSpecial(value) || type === undefined || type === 'dynamic') return value;
  const fail = (): never => {
    // The value itself is never quoted (it may be a secret written in plain text): only what it is.
    throw new InputError({ ...where(), reason: `config ${key}: expected ${typeof type === 'string' ? type : 'the declared type'}, got ${valueKind(value)}` });
  };
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : fail();
    case 'integer':
    case 'int': {
      const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
      return typeof n === 'number' && Number.isInteger(n) ? n : fail();
    }
    case 'number': {
      const n = typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
      return typeof n === 'number' ? n : fail();
    }
    case 'boolean':
    case 'bool':
      return typeof value === 'boolean' ? value : value === 'true' ? true : value === 'false' ? false : fail();
    case 'array':
      return Array.isArray(value) ? value : fail();
    case 'object':
      return isObject(value) ? value : fail();
    default: {
      // pulumi-yaml's `List<String>`, `List<Integer>` ... (types are read in lower case): a list, each element of the type.
      const inner = typeof type === 'string' ? /^list<\s*(.+?)\s*>$/.exec(type)?.[1] : undefined;
      if (inner === undefined) return value;
      let list: unknown = value;
      if (typeof value === 'string') {
        // `pulumi config set key '["a","b"]'` stores the list as JSON text.
        try {
          list = JSON.parse(value);
        } catch {
          return fail();
        }
      }
      if (!Array.isArray(list)) return fail();
      return (list as PropertyValue[]).map((x, i) => typeCheck(x, inner, where, `${key}[${i}]`));
    }
  }
}

function toProblem(source: YamlFile, err: EvalError): { file: string; line?: number; column?: number; reason: string } {
  const file = err.file ?? source;
  return { file: file.file, ...positionOf(file, err.path, err.path.length === 2 && err.path[0] === 'resources'), reason: err.message };
}

function fromYaml(v: unknown): PropertyValue {
  if (v === undefined) return null;
  if (isObject(v) && Object.keys(v).length === 1 && 'secure' in v) return special({ kind: 'secret' });
  if (Array.isArray(v)) return v.map(fromYaml);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromYaml(x)]));
  if (v instanceof Date) return v.toISOString();
  return v as PropertyValue;
}

export interface YamlLoadOptions {
  stack?: string;
  input?: string;
  /** Let fn::readFile, fn::fileBase64, `main:` and `stackConfigDir` reach outside the project directory. */
  allowOutsideProject?: boolean;
  /** What invokes of the providers' own config answer (the rule packs' providers[].invokes; default: none). */
  invokes?: readonly InvokeAnswer[];
}

export function loadYamlProject(target: string, options: YamlLoadOptions = {}): StackInput {
  const input = options.input ?? target;
  try {
    const projectRoot = statSync(target).isDirectory() ? target : path.dirname(target);
    return load(target, options.stack, input, new Confinement(projectRoot, options.allowOutsideProject === true), options.invokes ?? []);
  } catch (err) {
    if (err instanceof InputError) throw err;
    // The message of an unexpected error may hold input text: its kind only (--debug prints the stack).
    throw new InputError({
      file: target,
      reason: `cannot evaluate the Pulumi YAML program: an unexpected ${err instanceof Error ? err.name : 'error'} (please report it)`,
    });
  }
}

function load(target: string, stackOption: string | undefined, input: string, confine: Confinement, invokes: readonly InvokeAnswer[]): StackInput {
  const warnings: Warning[] = [];
  // A project file named as a file is the project, exactly as its directory would be.
  const projectFile = statSync(target).isDirectory() ? undefined : /^Pulumi\.ya?ml$/i.test(path.basename(target)) ? target : undefined;
  const isDir = projectFile !== undefined || statSync(target).isDirectory();
  let dir: string;
  let project: YamlFile | undefined;
  let programFile: YamlFile;
  let projectName: string;
  let description = '';
  if (isDir) {
    dir = projectFile ? path.dirname(target) : target;
    const pf = projectFile ?? projectFileIn(dir);
    if (!pf) throw new InputError({ file: path.join(dir, 'Pulumi.yaml'), reason: 'not a Pulumi project: no Pulumi.yaml in this directory' });
    project = readYamlFile(pf, 'the project file');
    if (!isObject(project.value)) throw new InputError({ file: pf, reason: 'the project file must be a YAML map with name and runtime' });
    const pv = project.value;
    const runtime = isObject(pv.runtime) ? pv.runtime.name : pv.runtime;
    if (runtime !== 'yaml') {
      throw new InputError({
        file: pf,
        ...positionOf(project, ['runtime']),
        reason: `runtime ${runtimeName(runtime)}: firebreak runs only yaml and nodejs programs; in this project run \`pulumi preview --json > preview.json\` (or \`pulumi stack export > stack.json\` for a deployed stack) and analyze that file`,
      });
    }
    const compiler = isObject(pv.runtime) && isObject(pv.runtime.options) ? pv.runtime.options.compiler : undefined;
    if (compiler !== undefined) {
      throw new InputError({
        file: pf,
        ...positionOf(project, ['runtime', 'options', 'compiler']),
        reason: `the program is produced by a compiler (runtime.options.compiler is set; firebreak does not run it, and its text is not shown: a command line may carry a token); run that command in the project directory, save its YAML output as Main.yaml in a directory with this Pulumi.yaml (without the compiler option), and analyze that`,
      });
    }
    const templated = (v: unknown): boolean => typeof v === 'string' && v.includes('${');
    projectName = typeof pv.name === 'string' && !templated(pv.name) ? pv.name : path.basename(path.resolve(dir));
    description =
      typeof pv.description === 'string' && !templated(pv.description)
        ? pv.description
        : isObject(pv.template) && typeof pv.template.description === 'string'
          ? pv.template.description
          : '';
    let mainDir = dir;
    if (typeof pv.main === 'string') {
      mainDir = path.join(dir, pv.main);
      confine.check(mainDir, { file: pf, ...positionOf(project, ['main']) }, 'main');
    }
    const candidates = ['Main.yaml', 'Main.yml', 'Main.json', ...(mainDir === dir ? [] : ['Pulumi.yaml', 'Pulumi.yml'])];
    const main = existsSync(mainDir) && statSync(mainDir).isFile() ? mainDir : candidates.map((f) => path.join(mainDir, f)).find((f) => existsSync(f));
    if (main) programFile = readYamlFile(main, 'the program');
    else if (typeof pv.main === 'string')
      throw new InputError({ file: pf, ...positionOf(project, ['main']), reason: `main: ${pv.main} holds no Main.yaml, Main.json or Pulumi.yaml` });
    else programFile = project;
  } else {
    dir = path.dirname(target);
    programFile = readYamlFile(target, 'the program');
    projectName = path.basename(target).replace(/\.(ya?ml|json)$/i, '');
  }
  if (!isObject(programFile.value))
    throw new InputError({ file: programFile.file, reason: 'the program must be a YAML map (resources, variables, config, outputs)' });
  const canonical = canonicalProgram(programFile.value);
  const program = canonical.program;
  for (const w of canonical.warnings) warnings.push({ file: programFile.file, ...positionOf(programFile, w.path, true), message: w.message });

  // Stack selection.
  const sdir = project ? stackDir(dir, project, confine) : dir;
  const stacks = project ? stacksIn(sdir) : [];
  let stack: string;
  let stackFile: YamlFile | undefined;
  if (stackOption) {
    stack = stackOption;
    const f = ['yaml', 'yml'].map((e) => path.join(sdir, `Pulumi.${stack}.${e}`)).find((x) => existsSync(x));
    if (f) stackFile = readYamlFile(f, 'the stack config');
    else if (project) {
      throw new InputError({
        file: path.join(sdir, `Pulumi.${stack}.yaml`),
        reason:
          stacks.length > 0
            ? `no stack "${stack}": available stacks are ${stacks.join(', ')}`
            : `no stack config file for stack "${stack}" (the project has none)`,
      });
    }
  } else if (stacks.length === 1) {
    stack = stacks[0]!;
    stackFile = readYamlFile(path.join(sdir, `Pulumi.${stack}.yaml`), 'the stack config');
  } else if (stacks.length > 1) {
    throw new InputError({
      file: project!.file,
      ...optionReason(
        (o) =>
          `the project has several stacks (${stacks.join(', ')}): name one with ${o('stack')} NAME, PULUMI_STACK=NAME, \`pulumi stack select NAME\` or ${input}@STACK`,
      ),
    });
  } else {
    stack = 'dev';
    if (project) warnings.push({ file: project.file, message: 'no stack config file (Pulumi.<stack>.yaml) found; using config defaults and stack name "dev"' });
  }

  // Config: declarations (program, project, template defaults), then the stack file.
  const config = new Map<string, ConfigEntry>();
  const types = new Map<string, unknown>();
  const fullKey = (k: string): string => (k.includes(':') ? k : `${projectName}:${k}`);
  const secretKeys = new Set<string>();
  const declare = (source: YamlFile, block: unknown, base: Array<string | number>, templateDefaults: boolean): void => {
    if (!isObject(block)) return;
    for (const [k, rawDecl] of Object.entries(block)) {
      const key = fullKey(k);
      const p = [...base, k];
      const decl = isObject(rawDecl) ? lowerKeys(rawDecl) : rawDecl;
      if (isObject(decl) && ('type' in decl || 'default' in decl || 'value' in decl || 'secret' in decl || 'description' in decl)) {
        if (!templateDefaults && decl.type !== undefined) types.set(key, typeof decl.type === 'string' ? decl.type.toLowerCase() : decl.type);
        if (decl.secret === true) secretKeys.add(key);
        const raw = 'value' in decl ? decl.value : decl.default;
        if (raw !== undefined && (!templateDefaults || !config.has(key) || config.get(key)!.value === undefined)) {
          let value = fromYaml(raw);
          if (secretKeys.has(key)) value = special({ kind: 'secret' });
          config.set(key, { value, file: source, path: p, secret: secretKeys.has(key) });
        } else if (!config.has(key)) config.set(key, { value: undefined as unknown as PropertyValue, file: source, path: p, secret: secretKeys.has(key) });
      } else if (!templateDefaults) {
        config.set(key, { value: fromYaml(decl), file: source, path: p });
      }
    }
  };
  const configBlock = (v: Record<string, unknown>): [unknown, string] | undefined => {
    for (const name of ['config', 'configuration']) {
      const k = Object.keys(v).find((x) => x.toLowerCase() === name);
      if (k !== undefined) return [v[k], k];
    }
    return undefined;
  };
  const programBlock = configBlock(program);
  if (programBlock) declare(programFile, programBlock[0], [programBlock[1]], false);
  if (project && project !== programFile && isObject(project.value)) {
    const pb = configBlock(project.value);
    if (pb) declare(project, pb[0], [pb[1]], false);
  }
  if (project && isObject(project.value) && isObject(project.value.template)) declare(project, project.value.template.config, ['template', 'config'], true);
  if (stackFile) {
    for (const [k, raw] of Object.entries(stackConfigBlock(stackFile))) {
      const key = fullKey(k);
      let value = fromYaml(raw);
      if (secretKeys.has(key)) value = special({ kind: 'secret' });
      config.set(key, { value, file: stackFile, path: ['config', k], secret: secretKeys.has(key) || undefined });
    }
  }
  for (const [key, entry] of config) {
    if (entry.value === undefined || entry.value === null) continue;
    entry.value = typeCheck(entry.value, types.get(key), () => ({ file: entry.file.file, ...positionOf(entry.file, entry.path) }), key);
  }

  const base: Array<string | number> = [];
  const packageBlocks = [{ file: programFile, value: programFile.value }];
  if (project && project !== programFile && isObject(project.value)) packageBlocks.push({ file: project, value: project.value });
  const components = localComponents(packageBlocks, path.resolve(dir), confine, warnings);
  const evaluatorInput = {
    program,
    source: programFile,
    base,
    project: projectName,
    stack,
    organization: 'organization',
    projectDir: path.resolve(dir),
    config,
    confine,
    invokes,
    ...(components.size > 0 ? { components } : {}),
    ...(project && isObject(project.value) && (project.value.template !== undefined || /\$\{PROJECT\}/.test(String(project.value.name)))
      ? { placeholders: { PROJECT: projectName, DESCRIPTION: description } }
      : {}),
  };
  let evaluator: ProgramEvaluator;
  let resources;
  try {
    evaluator = new ProgramEvaluator(evaluatorInput);
    resources = evaluator.run();
  } catch (err) {
    if (err instanceof EvalError) throw new InputError(toProblem(evaluatorInput.source, err));
    throw err;
  }
  const placement: Record<string, string> = {};
  for (const [key, entry] of [...config.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!key.startsWith(`${projectName}:`) && typeof entry.value === 'string') placement[key] = entry.value;
  }
  // Keys declared without a value and never read still configure the default provider of their package.
  const declaredOnly = new Set<string>();
  for (const [key, entry] of config) {
    if (entry.value !== undefined || evaluator.missing.has(key) || key.startsWith(`${projectName}:`)) continue;
    declaredOnly.add(key);
    evaluator.missing.set(key, { key, display: key, file: entry.file.file, ...positionOf(entry.file, entry.path) });
  }
  const unresolved = [...evaluator.missing.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
  const missingWarnings: Warning[] = [];
  for (const m of unresolved) {
    const namespaced = !m.key.startsWith(`${projectName}:`);
    if (namespaced && !config.get(m.key)?.secret) placement[m.key] = missingSymbol(m.display);
    const n = dependents(resources, m, namespaced, evaluator.missingReaders.get(m.key));
    const what = namespaced
      ? // A provider key: it may be where they run (aws:region) or only how the provider logs in (auth0:clientId).
        `it configures the ${m.key.split(':')[0]} provider of ${n} resource${n === 1 ? '' : 's'}`
      : `${n} resource${n === 1 ? '' : 's'} depend${n === 1 ? 's' : ''} on it`;
    const line = m.line === undefined ? '' : declaredOnly.has(m.key) ? ' (declared here)' : ' (first used here)';
    missingWarnings.push({
      file: m.file,
      ...(m.line !== undefined ? { line: m.line } : {}),
      ...(m.column !== undefined ? { column: m.column } : {}),
      message: `config ${m.display} has no value${line}; analysed as the unknown ${missingSymbol(m.display)}: ${what} (set it with \`pulumi config set ${config.get(m.key)?.secret ? '--secret ' : ''}${m.display}\` or give it a default)`,
    });
  }
  return {
    input,
    file: programFile.file,
    kind: 'yaml-program',
    stack,
    project: projectName,
    config: placement,
    ...(unresolved.length > 0 ? { unresolvedConfig: unresolved.map((m) => m.display) } : {}),
    resources,
    warnings: [...warnings, ...missingWarnings, ...evaluator.warnings],
    ...(evaluator.outputs.length > 0 ? { stackOutputs: evaluator.outputs } : {}),
  };
}
