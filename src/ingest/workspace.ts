/**
 * The Pulumi CLI's conventions for finding a project and its stack, so that
 * `firebreak analyze` in a project reads what `pulumi preview` there would:
 * the project file searched for upward from the working directory, and the
 * stack `pulumi stack select` recorded for it. The Pulumi CLI keeps that in
 * `$PULUMI_HOME/workspaces/<project>-<sha1 of the project file's absolute
 * path>-workspace.json` (PULUMI_HOME defaults to `~/.pulumi`) as `{"stack": ...}`
 * (sdk/go/common/workspace: workspace.go settingsPath, paths.go GetPulumiHomeDir).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseYamlText } from './yaml/document.js';

const PROJECT_FILES = ['Pulumi.yaml', 'Pulumi.yml'];

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The project file (Pulumi.yaml or .yml) in `dir` or the nearest directory above it, as Pulumi searches; absolute. */
export function findProjectFileUpward(dir: string): string | undefined {
  let cur = path.resolve(dir);
  for (;;) {
    for (const name of PROJECT_FILES) {
      const f = path.join(cur, name);
      if (isFile(f)) return f;
    }
    const up = path.dirname(cur);
    if (up === cur) return undefined;
    cur = up;
  }
}

/** The `name:` of a project file, when it can be read (else undefined: callers then say less). */
export function projectNameOf(projectFile: string): string | undefined {
  try {
    const v = parseYamlText(readFileSync(projectFile, 'utf8'), projectFile).value;
    return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as Record<string, unknown>).name === 'string'
      ? ((v as Record<string, unknown>).name as string)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Pulumi's home folder: PULUMI_HOME, else `~/.pulumi` (HOME, or USERPROFILE on Windows); undefined when neither is set. */
export function pulumiHome(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.PULUMI_HOME) return env.PULUMI_HOME;
  const home = env.HOME || env.USERPROFILE;
  return home ? path.join(home, '.pulumi') : undefined;
}

/**
 * The stack `pulumi stack select` recorded for the project whose file is
 * `projectFile`, as the stack's own name (`org/project/dev` gives `dev`, the
 * name in `Pulumi.dev.yaml`). Undefined when none is recorded or the record
 * cannot be read (then firebreak chooses as it would without it).
 */
export function selectedStack(projectFile: string, home: string | undefined): string | undefined {
  if (!home) return undefined;
  const abs = path.resolve(projectFile);
  const name = projectNameOf(abs);
  if (!name) return undefined;
  const hash = createHash('sha1').update(abs).digest('hex');
  const file = path.join(home, 'workspaces', `${name}-${hash}-workspace.json`);
  if (!existsSync(file)) return undefined;
  try {
    const settings: unknown = JSON.parse(readFileSync(file, 'utf8'));
    const stack = settings !== null && typeof settings === 'object' ? (settings as Record<string, unknown>).stack : undefined;
    if (typeof stack !== 'string' || stack === '') return undefined;
    const short = stack.slice(stack.lastIndexOf('/') + 1);
    return short === '' ? undefined : short;
  } catch {
    return undefined;
  }
}

/**
 * When `file` is named like a stack config file (`Pulumi.<stack>.yaml`), the
 * stack and the project it belongs to: the project file in its folder or
 * above (stackConfigDir may put stack files in a subfolder).
 */
export function stackConfigFileOwner(file: string): { stack: string; projectFile?: string; project?: string } | undefined {
  const m = /^Pulumi\.(.+)\.ya?ml$/i.exec(path.basename(file));
  if (!m) return undefined;
  const projectFile = findProjectFileUpward(path.dirname(file));
  const project = projectFile ? projectNameOf(projectFile) : undefined;
  return { stack: m[1]!, ...(projectFile ? { projectFile } : {}), ...(project ? { project } : {}) };
}
