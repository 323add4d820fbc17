/**
 * Writing Pulumi state: a file-backend checkpoint (`{version: 3, checkpoint:
 * {stack, config, latest: {resources}}}`) that firebreak (and Pulumi's own
 * tools) read back. Used by `firebreak plan --apply` to write the planned estate.
 */
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { wasReadAsInput } from './read.js';
import type { ResourceRecord, StackInput } from './types.js';
import { encodeValue, markSecrets } from './values.js';
import { PROVIDER_TYPE_PREFIX } from '../pulumi.js';

function sourcePosition(r: ResourceRecord): string | undefined {
  if (!r.source) return undefined;
  return `project://${r.source.file}${r.source.line !== undefined ? `#${r.source.line}${r.source.column !== undefined ? `,${r.source.column}` : ''}` : ''}`;
}

/**
 * A provider resource's properties with its schema's secret inputs
 * (`secretInputs` of the rule packs, by package) marked secret: a program may
 * give them in plain text, but Pulumi would keep them as secrets.
 */
function sealed(r: ResourceRecord, map: ResourceRecord['inputs'], secretInputs: ReadonlyMap<string, readonly string[]>): ResourceRecord['inputs'] {
  const names = r.type.startsWith(PROVIDER_TYPE_PREFIX) ? secretInputs.get(r.type.slice(PROVIDER_TYPE_PREFIX.length)) : undefined;
  return names ? markSecrets({ ...map }, names) : map;
}

export function checkpointOf(
  inputs: StackInput[],
  resources: ResourceRecord[],
  secretInputs: ReadonlyMap<string, readonly string[]> = new Map(),
  placesResources: (key: string) => boolean = () => true,
): unknown {
  const config: Record<string, string> = {};
  // A provider's secret config (`aws:secretKey`) is left out, even when the stack file holds it in plain text.
  const secretConfig = (key: string): boolean => {
    const at = key.indexOf(':');
    return at > 0 && (secretInputs.get(key.slice(0, at))?.includes(key.slice(at + 1)) ?? false);
  };
  // Only the config that places resources (the packs' region and zone keys): a credential no pack knows is not copied.
  for (const i of inputs) for (const [k, v] of Object.entries(i.config)) if (!secretConfig(k) && placesResources(k)) config[k] ??= v;
  const first = inputs[0];
  return {
    version: 3,
    checkpoint: {
      stack: first ? `${first.project}/${first.stack}` : 'unknown',
      config,
      latest: {
        manifest: { time: '1970-01-01T00:00:00Z', magic: '', version: 'firebreak' },
        resources: resources.map((r) => ({
          urn: r.urn,
          custom: r.custom,
          ...(r.id ? { id: r.id } : {}),
          type: r.type,
          inputs: encodeValue(sealed(r, r.inputs, secretInputs)),
          outputs: encodeValue(sealed(r, r.outputs, secretInputs)),
          ...(r.parent ? { parent: r.parent } : {}),
          ...(r.provider ? { provider: `${r.provider}::00000000-0000-0000-0000-000000000000` } : {}),
          ...(r.external ? { external: true } : {}),
          dependencies: r.dependencies,
          propertyDependencies: r.propertyDependencies,
          ...(sourcePosition(r) ? { sourcePosition: sourcePosition(r) } : {}),
        })),
      },
    },
  };
}

/**
 * Write a file whole or not at all: to a temporary file beside it, then
 * renamed over it, so a failed run (full disk, a signal) leaves no half-written
 * report. With notAnInput, refuses a file this run read as an input. Refuses a
 * directory. Errors are UsageErrors naming the file.
 */
export function writeFileAtomic(file: string, text: string, what: string, notAnInput = false): void {
  let existing: ReturnType<typeof statSync> | undefined;
  try {
    existing = statSync(file);
  } catch {
    existing = undefined;
  }
  if (existing?.isDirectory()) throw new UsageError(`${file}: is a directory; give a file name for the ${what}`);
  if (notAnInput && existing && wasReadAsInput(file)) throw new UsageError(`${file}: is an input of this run; write the ${what} to another file`);
  if (existing && !existing.isFile()) {
    // A FIFO or device (/dev/stdout): no rename possible, write straight through.
    writeStraight(file, text, what);
    return;
  }
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.firebreak-${process.pid}-${Date.now()}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', existing ? existing.mode & 0o777 : 0o666);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (err) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw new UsageError(`${file}: cannot write the ${what} (${writeErrorText(err)})`);
  }
}

/** Why a write failed, in words for the common cases (the code otherwise). */
function writeErrorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EROFS') return 'a read-only file system';
  return code ?? String(err);
}

function writeStraight(file: string, text: string, what: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'w');
    writeSync(fd, text);
  } catch (err) {
    throw new UsageError(`${file}: cannot write the ${what} (${writeErrorText(err)})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
