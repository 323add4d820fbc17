/**
 * Pulumi YAML component packages on the local disk: a program's `packages:`
 * block naming a directory (`packages: {shared: ../components}`) whose
 * PulumiPlugin.yaml has `runtime: yaml` and `components:`. pulumi-yaml
 * merges every `*.yaml` file of that directory into one plugin template
 * (LoadPluginTemplate); a component's type is `<plugin name>:index:<key>`.
 * Such a component is expanded here, as pulumi-yaml's component provider
 * would construct it: its resources become children of the component
 * resource, named `<instance>-<resource>`. A package from anywhere else (a
 * registry, a git URL, a parameterized provider) stays a remote component,
 * judged through its rule.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Warning } from '../../errors.js';
import { positionOf, readYamlFile, type YamlFile } from './document.js';
import { canonicalProgram } from './keys.js';
import type { Confinement } from './confine.js';

/** One component of a local YAML component package. */
export interface ComponentTemplate {
  /** Its type token, `<package>:index:<name>`. */
  type: string;
  name: string;
  /** The component's declaration (inputs, variables, resources, outputs), with canonical field names. */
  decl: Record<string, unknown>;
  /** The plugin file that declares it, and the path of the declaration in it. */
  source: YamlFile;
  base: Array<string | number>;
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);

/** A `packages:` entry's source: `name: ../dir` or `name: {source: ../dir, ...}`. */
function sourceOf(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (isMap(entry) && typeof entry.source === 'string') return entry.source;
  return undefined;
}

/** A source that names a directory (`./x`, `../x`, `/x`), as `pulumi package add ../x` writes it. */
const isLocalPath = (s: string): boolean => /^(\.{1,2}[\\/]|\.{1,2}$|\/)/.test(s);

function pluginFileIn(dir: string): string | undefined {
  for (const name of ['PulumiPlugin.yaml', 'PulumiPlugin.yml']) {
    const f = path.join(dir, name);
    if (existsSync(f)) return f;
  }
  return undefined;
}

/** The keys of a map, case-insensitively: `packages` for `Packages`. */
function field(v: Record<string, unknown>, name: string): unknown {
  const k = Object.keys(v).find((x) => x.toLowerCase() === name);
  return k === undefined ? undefined : v[k];
}

/**
 * The components of the local YAML packages that `packages:` blocks name (of the project file and of the program), by
 * type token. What cannot be expanded gets a warning naming the package and why; the analysis goes on without it.
 */
export function localComponents(
  blocks: Array<{ file: YamlFile; value: Record<string, unknown> }>,
  projectDir: string,
  confine: Confinement,
  warnings: Warning[],
): Map<string, ComponentTemplate> {
  const out = new Map<string, ComponentTemplate>();
  const seenDirs = new Set<string>();
  // A plugin's own `packages:` (relative to the plugin) are read too: its components may use another package's.
  const todo: Array<{ file: YamlFile; value: Record<string, unknown>; dir: string }> = blocks.map((b) => ({ ...b, dir: projectDir }));
  for (let next = todo.shift(); next !== undefined; next = todo.shift()) {
    const { file, value } = next;
    const packages = field(value, 'packages');
    if (!isMap(packages)) continue;
    const packagesKey = Object.keys(value).find((x) => x.toLowerCase() === 'packages')!;
    for (const [pkg, entry] of Object.entries(packages)) {
      const src = sourceOf(entry);
      if (src === undefined || !isLocalPath(src)) continue;
      const where = { file: file.file, ...positionOf(file, [packagesKey, pkg]) };
      const dir = path.resolve(next.dir, src);
      if (seenDirs.has(dir)) continue;
      seenDirs.add(dir);
      const skip = (why: string): void => {
        warnings.push({ ...where, message: `package ${pkg}: ${why}; its components are not expanded and are judged as wholes (through their rules)` });
      };
      if (!confine.allowOutside && !confine.inside(dir)) {
        skip(`${src} is outside the project directory (pass --allow-outside-project to read it)`);
        continue;
      }
      if (!existsSync(dir) || !statSync(dir).isDirectory()) {
        skip(`${src} is not a directory`);
        continue;
      }
      const pluginFile = pluginFileIn(dir);
      if (!pluginFile) {
        skip(`${src} holds no PulumiPlugin.yaml`);
        continue;
      }
      if (!confine.allowOutside && !confine.inside(pluginFile)) {
        skip(`${path.basename(pluginFile)} links outside the project directory (pass --allow-outside-project to read it)`);
        continue;
      }
      const plugin = readYamlFile(pluginFile, 'the component package');
      const pv = isMap(plugin.value) ? plugin.value : {};
      const runtime = field(pv, 'runtime');
      const runtimeName = isMap(runtime) ? runtime.name : runtime;
      if (runtimeName !== 'yaml') {
        // A component written in another language runs only in its own runtime.
        skip(`${src} is a plugin of another runtime than yaml`);
        continue;
      }
      // Every *.yaml file of the directory, in name order, merged into one template (as pulumi-yaml does).
      const files = readdirSync(dir)
        // A file that is a symlink out of the project is not read (unless allowed).
        .filter((f) => f.endsWith('.yaml') && statSync(path.join(dir, f)).isFile() && (confine.allowOutside || confine.inside(path.join(dir, f))))
        .sort()
        .map((f) => (path.join(dir, f) === pluginFile ? plugin : readYamlFile(path.join(dir, f), 'the component package')));
      const name = files.map((f) => (isMap(f.value) ? field(f.value, 'name') : undefined)).find((n) => typeof n === 'string') as string | undefined;
      if (!name) {
        skip(`${path.basename(pluginFile)} has no name`);
        continue;
      }
      for (const f of files) {
        if (!isMap(f.value)) continue;
        todo.push({ file: f, value: f.value, dir });
        const componentsKey = Object.keys(f.value).find((x) => x.toLowerCase() === 'components');
        const components = componentsKey === undefined ? undefined : f.value[componentsKey];
        if (!isMap(components)) continue;
        for (const [key, decl] of Object.entries(components)) {
          if (!isMap(decl)) continue;
          const canonical = canonicalProgram(decl);
          const base = [componentsKey!, key];
          for (const w of canonical.warnings) warnings.push({ file: f.file, ...positionOf(f, [...base, ...w.path], true), message: w.message });
          const type = `${name}:index:${key}`;
          if (!out.has(type)) out.set(type, { type, name: key, decl: canonical.program, source: f, base });
        }
      }
    }
  }
  return out;
}

/** The component a resource type names, if it is one: `pkg:index:Name`, or `pkg:Name` as YAML may write it. */
export function componentFor(components: ReadonlyMap<string, ComponentTemplate> | undefined, type: string): ComponentTemplate | undefined {
  if (!components || components.size === 0) return undefined;
  const parts = type.split(':');
  if (parts.length === 2) return components.get(`${parts[0]}:index:${parts[1]}`);
  return components.get(type);
}
