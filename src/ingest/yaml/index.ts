/**
 * Pulumi YAML projects (`runtime: yaml`): the project file, the program
 * (inline, Main.yaml/Main.json, or a `main:` folder), stack config files
 * (Pulumi.<stack>.yaml, honouring stackConfigDir), evaluated into records.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError, type Warning } from '../../errors.js';
import { asSpecial, special, type PropertyValue, type StackInput } from '../types.js';
import { positionOf, readYamlFile, type YamlFile, stackConfigBlock, stacksIn } from './document.js';
import { EvalError, ProgramEvaluator } from './evaluate.js';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function projectFileIn(dir: string): string | undefined {
  for (const name of ['Pulumi.yaml', 'Pulumi.yml']) {
    const f = path.join(dir, name);
    if (existsSync(f)) return f;
  }
  return undefined;
}

function stackDir(dir: string, project: YamlFile): string {
  const v = isObject(project.value) ? project.value.stackConfigDir : undefined;
  return typeof v === 'string' ? path.join(dir, v) : dir;
}


/** The stacks of a project directory: the names of its Pulumi.<stack>.yaml files. */
export function listYamlStacks(dir: string): string[] {
  const file = projectFileIn(dir);
  if (!file) return [];
  return stacksIn(stackDir(dir, readYamlFile(file, 'the project file')));
}

type ConfigEntry = { value: PropertyValue; file: YamlFile; path: Array<string | number> };

function typeCheck(value: PropertyValue, type: unknown, where: () => { file: string; line?: number; column?: number }, key: string): PropertyValue {
  if (asSpecial(value) || type === undefined || type === 'dynamic') return value;
  const fail = (): never => {
    throw new InputError({ ...where(), reason: `config ${key}: expected ${String(type)}, got ${JSON.stringify(value)}` });
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
    case 'List<String>':
      return Array.isArray(value) ? value : fail();
    case 'object':
      return isObject(value) ? value : fail();
    default:
      return value;
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

export function loadYamlProject(target: string, options: { stack?: string; input?: string } = {}): StackInput {
  const input = options.input ?? target;
  try {
    return load(target, options.stack, input);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError({ file: target, reason: `cannot evaluate the Pulumi YAML program: ${err instanceof Error ? err.message : String(err)}` });
  }
}

function load(target: string, stackOption: string | undefined, input: string): StackInput {
  const warnings: Warning[] = [];
  const isDir = statSync(target).isDirectory();
  let dir: string;
  let project: YamlFile | undefined;
  let programFile: YamlFile;
  let projectName: string;
  if (isDir) {
    dir = target;
    const pf = projectFileIn(dir);
    if (!pf) throw new InputError({ file: path.join(dir, 'Pulumi.yaml'), reason: 'not a Pulumi project: no Pulumi.yaml in this directory' });
    project = readYamlFile(pf, 'the project file');
    if (!isObject(project.value)) throw new InputError({ file: pf, reason: 'the project file must be a YAML map with name and runtime' });
    const pv = project.value;
    const runtime = isObject(pv.runtime) ? pv.runtime.name : pv.runtime;
    if (runtime !== 'yaml') {
      throw new InputError({ file: pf, ...positionOf(project, ['runtime']), reason: `runtime ${JSON.stringify(runtime ?? null)}: firebreak evaluates Pulumi YAML projects (runtime: yaml) here; for other runtimes analyze \`pulumi stack export\` output` });
    }
    projectName = typeof pv.name === 'string' && !pv.name.includes('${') ? pv.name : path.basename(path.resolve(dir));
    const mainDir = typeof pv.main === 'string' ? path.join(dir, pv.main) : dir;
    const main = ['Main.yaml', 'Main.yml', 'Main.json'].map((f) => path.join(mainDir, f)).find((f) => existsSync(f));
    if (main) programFile = readYamlFile(main, 'the program');
    else if (typeof pv.main === 'string') throw new InputError({ file: pf, ...positionOf(project, ['main']), reason: `main: ${pv.main} holds no Main.yaml or Main.json` });
    else programFile = project;
  } else {
    dir = path.dirname(target);
    programFile = readYamlFile(target, 'the program');
    projectName = path.basename(target).replace(/\.(ya?ml|json)$/i, '');
  }
  if (!isObject(programFile.value)) throw new InputError({ file: programFile.file, reason: 'the program must be a YAML map (resources, variables, config, outputs)' });
  const program = programFile.value;

  // Stack selection.
  const sdir = project ? stackDir(dir, project) : dir;
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
        reason: stacks.length > 0 ? `no stack "${stack}": available stacks are ${stacks.join(', ')}` : `no stack config file for stack "${stack}" (the project has none)`,
      });
    }
  } else if (stacks.length === 1) {
    stack = stacks[0]!;
    stackFile = readYamlFile(path.join(sdir, `Pulumi.${stack}.yaml`), 'the stack config');
  } else if (stacks.length > 1) {
    throw new InputError({ file: project!.file, reason: `the project has several stacks (${stacks.join(', ')}): name one with --stack NAME or ${input}@STACK` });
  } else {
    stack = 'dev';
    if (project) warnings.push({ file: project.file, message: 'no stack config file (Pulumi.<stack>.yaml) found; using config defaults and stack name "dev"' });
  }

  // Config: declarations (program, project, template defaults), then the stack file.
  const config = new Map<string, ConfigEntry>();
  const types = new Map<string, unknown>();
  const fullKey = (k: string): string => (k.includes(':') ? k : `${projectName}:${k}`);
  const declare = (source: YamlFile, block: unknown, base: Array<string | number>, templateDefaults: boolean): void => {
    if (!isObject(block)) return;
    for (const [k, decl] of Object.entries(block)) {
      const key = fullKey(k);
      const p = [...base, k];
      if (isObject(decl) && ('type' in decl || 'default' in decl || 'value' in decl || 'secret' in decl || 'description' in decl)) {
        if (!templateDefaults && decl.type !== undefined) types.set(key, decl.type);
        const raw = 'value' in decl ? decl.value : decl.default;
        if (raw !== undefined && (!templateDefaults || !config.has(key))) {
          let value = fromYaml(raw);
          if (decl.secret === true) value = special({ kind: 'secret' });
          config.set(key, { value, file: source, path: p });
        } else if (!config.has(key) && !templateDefaults) config.set(key, { value: undefined as unknown as PropertyValue, file: source, path: p });
      } else if (!templateDefaults) {
        config.set(key, { value: fromYaml(decl), file: source, path: p });
      }
    }
  };
  declare(programFile, program.config ?? program.configuration, [program.config !== undefined ? 'config' : 'configuration'], false);
  if (project && project !== programFile && isObject(project.value)) declare(project, project.value.config, ['config'], false);
  if (project && isObject(project.value) && isObject(project.value.template)) declare(project, project.value.template.config, ['template', 'config'], true);
  const secretKeys = new Set<string>();
  for (const [key, decl] of Object.entries(isObject(program.config) ? program.config : {})) if (isObject(decl) && decl.secret === true) secretKeys.add(fullKey(key));
  if (stackFile) {
    for (const [k, raw] of Object.entries(stackConfigBlock(stackFile))) {
      const key = fullKey(k);
      let value = fromYaml(raw);
      if (secretKeys.has(key)) value = special({ kind: 'secret' });
      config.set(key, { value, file: stackFile, path: ['config', k] });
    }
  }
  for (const [key, entry] of config) {
    if (entry.value === undefined) continue;
    entry.value = typeCheck(entry.value, types.get(key), () => ({ file: entry.file.file, ...positionOf(entry.file, entry.path) }), key);
  }

  const base: Array<string | number> = [];
  const evaluatorInput = {
    program,
    source: programFile,
    base,
    project: projectName,
    stack,
    organization: 'organization',
    projectDir: path.resolve(dir),
    config,
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
  return {
    input,
    file: programFile.file,
    kind: 'yaml-program',
    stack,
    project: projectName,
    config: placement,
    resources,
    warnings: [...warnings, ...evaluator.warnings],
  };
}
