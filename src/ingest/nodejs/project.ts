/**
 * A Pulumi Node.js project directory (`runtime: nodejs`): its project file,
 * the stack it is read for (Pulumi.<stack>.yaml, honouring stackConfigDir),
 * the stack config as Pulumi hands it to a program, and the program's entry
 * file (`main:` a file or a folder; a folder's package.json "main", else
 * index.ts / index.js).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError, optionReason, type Warning } from '../../errors.js';
import { positionOf, readYamlFile, runtimeName, type YamlFile, stackConfigBlock, stacksIn } from '../yaml/document.js';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** What a secret config value is replaced with in the program: its ciphertext is never decrypted. */
export const SECRET_PLACEHOLDER = '[secret]';

export function projectFileIn(dir: string): string | undefined {
  for (const name of ['Pulumi.yaml', 'Pulumi.yml']) {
    const f = path.join(dir, name);
    if (existsSync(f)) return f;
  }
  return undefined;
}

/**
 * The runtime name a project file declares (`runtime: nodejs` or
 * `runtime: {name: nodejs}`); undefined when there is no readable project file
 * (the YAML loader then explains what is wrong).
 */
export function projectRuntime(target: string): string | undefined {
  let file: string | undefined;
  try {
    file = statSync(target).isDirectory() ? projectFileIn(target) : /^Pulumi\.ya?ml$/.test(path.basename(target)) ? target : undefined;
  } catch {
    return undefined;
  }
  if (!file) return undefined;
  try {
    const v = readYamlFile(file, 'the project file').value;
    if (!isObject(v)) return undefined;
    const runtime = isObject(v.runtime) ? v.runtime.name : v.runtime;
    return typeof runtime === 'string' ? runtime : undefined;
  } catch {
    return undefined;
  }
}

export interface NodejsProject {
  /** The directory as the user named it (for messages). */
  dir: string;
  /** The same, absolute. */
  absDir: string;
  projectFile: YamlFile;
  name: string;
  stack: string;
  /** PULUMI_CONFIG: `namespace:key` to the string Pulumi passes (structured values as JSON). */
  config: Record<string, string>;
  /** Keys whose values are secrets (their values are SECRET_PLACEHOLDER). */
  secretKeys: string[];
  /** Provider config that places resources, secrets left out (StackInput.config). */
  placement: Record<string, string>;
  /** The program's entry file, absolute. */
  main: string;
  /** `runtime.options` of the project file. */
  options: Record<string, unknown>;
  warnings: Warning[];
}

const isSecure = (v: unknown): boolean => isObject(v) && Object.keys(v).length === 1 && 'secure' in v;

function containsSecure(v: unknown): boolean {
  if (isSecure(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecure);
  if (isObject(v)) return Object.values(v).some(containsSecure);
  return false;
}

/** A config value as the Pulumi CLI hands it to a Node.js program: strings as they are, anything else as JSON. */
function configString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

/** Read a project directory for one stack (or its only stack). */
export function readNodejsProject(target: string, stackOption: string | undefined, input: string): NodejsProject {
  const warnings: Warning[] = [];
  const dir = statSync(target).isDirectory() ? target : path.dirname(target);
  const pf = projectFileIn(dir);
  if (!pf) throw new InputError({ file: path.join(dir, 'Pulumi.yaml'), reason: 'not a Pulumi project: no Pulumi.yaml in this directory' });
  const project = readYamlFile(pf, 'the project file');
  if (!isObject(project.value)) throw new InputError({ file: pf, reason: 'the project file must be a YAML map with name and runtime' });
  const pv = project.value;
  const runtime = isObject(pv.runtime) ? pv.runtime.name : pv.runtime;
  if (runtime !== 'nodejs') throw new InputError({ file: pf, ...positionOf(project, ['runtime']), reason: `runtime ${runtimeName(runtime)} is not nodejs` });
  const options = isObject(pv.runtime) && isObject(pv.runtime.options) ? pv.runtime.options : {};
  const name = typeof pv.name === 'string' && pv.name !== '' && !pv.name.includes('${') ? pv.name : path.basename(path.resolve(dir));

  // Stack selection, as for YAML projects.
  const sdir = typeof pv.stackConfigDir === 'string' ? path.join(dir, pv.stackConfigDir) : dir;
  const stacks = stacksIn(sdir);
  let stack: string;
  let stackFile: YamlFile | undefined;
  if (stackOption) {
    stack = stackOption;
    const f = ['yaml', 'yml'].map((e) => path.join(sdir, `Pulumi.${stack}.${e}`)).find((x) => existsSync(x));
    if (!f) {
      throw new InputError({
        file: path.join(sdir, `Pulumi.${stack}.yaml`),
        reason:
          stacks.length > 0
            ? `no stack "${stack}": available stacks are ${stacks.join(', ')}`
            : `no stack config file for stack "${stack}" (the project has none)`,
      });
    }
    stackFile = readYamlFile(f, 'the stack config');
  } else if (stacks.length === 1) {
    stack = stacks[0]!;
    stackFile = readYamlFile(
      ['yaml', 'yml'].map((e) => path.join(sdir, `Pulumi.${stack}.${e}`)).find((x) => existsSync(x))!,
      'the stack config',
    );
  } else if (stacks.length > 1) {
    throw new InputError({
      file: pf,
      ...optionReason(
        (o) =>
          `the project has several stacks (${stacks.join(', ')}): name one with ${o('stack')} NAME, PULUMI_STACK=NAME, \`pulumi stack select NAME\` or ${input}@STACK`,
      ),
    });
  } else {
    stack = 'dev';
    warnings.push({ file: pf, message: 'no stack config file (Pulumi.<stack>.yaml) found; using config defaults and stack name "dev"' });
  }

  // Config: project-level values and defaults, then the stack file.
  const fullKey = (k: string): string => (k.includes(':') ? k : `${name}:${k}`);
  const values = new Map<string, { value: unknown; secret: boolean }>();
  if (isObject(pv.config)) {
    for (const [k, decl] of Object.entries(pv.config)) {
      const key = fullKey(k);
      if (isObject(decl) && ('type' in decl || 'default' in decl || 'value' in decl || 'secret' in decl || 'description' in decl || 'items' in decl)) {
        const raw = 'value' in decl ? decl.value : decl.default;
        if (raw !== undefined) values.set(key, { value: raw, secret: decl.secret === true || containsSecure(raw) });
        else if (decl.secret === true) values.set(key, { value: undefined, secret: true });
      } else {
        values.set(key, { value: decl, secret: containsSecure(decl) });
      }
    }
  }
  if (!stackFile && isObject(pv.template) && isObject(pv.template.config)) {
    // As cloned, with no stack: the values `pulumi new` would write into a new stack's file, the template's defaults.
    const used: string[] = [];
    for (const [k, decl] of Object.entries(pv.template.config)) {
      const key = fullKey(k);
      if (!isObject(decl) || !('default' in decl) || decl.default === undefined || decl.default === null || values.get(key)?.value !== undefined) continue;
      values.set(key, { value: decl.default, secret: decl.secret === true || containsSecure(decl.default) });
      used.push(key.startsWith(`${name}:`) ? key.slice(name.length + 1) : key);
    }
    if (used.length > 0) {
      warnings.push({
        file: pf,
        ...positionOf(project, ['template', 'config']),
        message: `no stack config: the project template's defaults were used for ${used.sort().join(', ')}, as \`pulumi new\` would set them`,
      });
    }
  }
  if (stackFile) {
    for (const [k, raw] of Object.entries(stackConfigBlock(stackFile))) {
      const key = fullKey(k);
      const declaredSecret = values.get(key)?.secret === true && values.get(key)?.value === undefined;
      values.set(key, { value: raw, secret: declaredSecret || containsSecure(raw) });
    }
  }
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const placement: Record<string, string> = {};
  for (const key of [...values.keys()].sort()) {
    const { value, secret } = values.get(key)!;
    if (value === undefined) continue;
    if (secret) {
      config[key] = SECRET_PLACEHOLDER;
      secretKeys.push(key);
      continue;
    }
    config[key] = configString(value);
    if (!key.startsWith(`${name}:`) && typeof value === 'string') placement[key] = value;
  }

  return {
    dir,
    absDir: path.resolve(dir),
    projectFile: project,
    name,
    stack,
    config,
    secretKeys,
    placement,
    main: entryOf(path.resolve(dir), pv, project, warnings),
    options,
    warnings,
  };
}

const ENTRY_NAMES = ['index.ts', 'index.js', 'index.mts', 'index.mjs', 'index.cts', 'index.cjs'];

function readPackageJson(dir: string): Record<string, unknown> | undefined {
  const f = path.join(dir, 'package.json');
  if (!existsSync(f)) return undefined;
  try {
    const v = JSON.parse(readFileSync(f, 'utf8')) as unknown;
    return isObject(v) ? v : undefined;
  } catch (err) {
    throw new InputError({
      file: f,
      reason: `cannot read package.json: ${err instanceof SyntaxError ? 'not valid JSON' : ((err as NodeJS.ErrnoException).code ?? 'unreadable')}`,
    });
  }
}

const isFile = (f: string): boolean => existsSync(f) && statSync(f).isFile();

/**
 * The entry file of a program folder, as `require(folder)` finds it (with .ts allowed, as under ts-node). A
 * package.json "main" that does not exist (`index.js` in a TypeScript program never built) falls back to the
 * folder's index file, as the Pulumi CLI does (its nodejs runtime warns "Could not find entry point"): `missingMain`.
 */
function folderEntry(dir: string): { entry?: string; tried: string; missingMain?: string } {
  const pkg = readPackageJson(dir);
  const index = ENTRY_NAMES.map((n) => path.join(dir, n)).find(isFile);
  if (pkg && typeof pkg.main === 'string' && pkg.main !== '') {
    const base = path.resolve(dir, pkg.main);
    const candidates = [base, `${base}.ts`, `${base}.js`, ...ENTRY_NAMES.map((n) => path.join(base, n))];
    const entry = candidates.find(isFile);
    if (entry) return { entry, tried: `package.json "main": ${pkg.main}` };
    return {
      ...(index ? { entry: index } : {}),
      tried: `package.json "main": ${pkg.main}, then ${ENTRY_NAMES.slice(0, 2).join(' or ')}`,
      missingMain: pkg.main,
    };
  }
  return { ...(index ? { entry: index } : {}), tried: ENTRY_NAMES.slice(0, 2).join(' or ') };
}

function entryOf(absDir: string, pv: Record<string, unknown>, project: YamlFile, warnings: Warning[]): string {
  const main = typeof pv.main === 'string' && pv.main !== '' ? pv.main : undefined;
  const base = main ? path.resolve(absDir, main) : absDir;
  const where = { file: project.file, ...(main ? positionOf(project, ['main']) : {}) };
  if (!existsSync(base)) throw new InputError({ ...where, reason: `main: ${main} does not exist` });
  if (statSync(base).isFile()) return base;
  const { entry, tried, missingMain } = folderEntry(base);
  if (!entry) {
    throw new InputError({
      ...where,
      reason: `no program entry in ${main ?? 'the project directory'}: looked for ${tried} (is the program built, or is main: wrong?)`,
    });
  }
  if (missingMain !== undefined) {
    warnings.push({
      file: path.join(path.dirname(project.file), path.relative(absDir, base), 'package.json'),
      message: `package.json "main" (${missingMain}) does not exist; running ${path.basename(entry)} instead, as the Pulumi CLI does`,
    });
  }
  return entry;
}

/** "module" or "commonjs": how Node treats a .js/.ts file, by its extension and the nearest package.json. */
export function moduleTypeOf(file: string): 'esm' | 'cjs' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.mjs' || ext === '.mts') return 'esm';
  if (ext === '.cjs' || ext === '.cts') return 'cjs';
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const pkg = existsSync(path.join(dir, 'package.json')) ? readPackageJson(dir) : undefined;
    if (pkg) return pkg.type === 'module' ? 'esm' : 'cjs';
    if (path.dirname(dir) === dir) return 'cjs';
  }
}

/** The package manager a project uses: runtime.options.packagemanager, else its lock file. */
export function packageManagerOf(absDir: string, options: Record<string, unknown>): string {
  const named = options.packagemanager;
  if (named === 'yarn' || named === 'pnpm' || named === 'bun' || named === 'npm') return named;
  if (existsSync(path.join(absDir, 'pnpm-lock.yaml'))) return 'pnpm';
  if (existsSync(path.join(absDir, 'yarn.lock'))) return 'yarn';
  if (existsSync(path.join(absDir, 'bun.lockb')) || existsSync(path.join(absDir, 'bun.lock'))) return 'bun';
  return 'npm';
}
