/**
 * A DIY (self-managed) backend folder as one input: every stack in it. Pulumi's
 * file backend keeps each stack's checkpoint at `.pulumi/stacks/<project>/<stack>.json`
 * (project-scoped layout) or `.pulumi/stacks/<stack>.json` (the legacy layout), gzipped
 * as `.json.gz` when PULUMI_DIY_BACKEND_GZIP is set, or `.json.zst` with PULUMI_DIY_BACKEND_ZSTD (read where
 * Node's zlib has zstd, 22.15 on; refused naming the file elsewhere, never skipped). Named by the folder that holds
 * `.pulumi`, the `.pulumi` folder itself, or a `file://` backend URL (as in
 * PULUMI_BACKEND_URL). Backups (`.json.bak`), history and locks are not stacks.
 * The stacks are linked by their StackReferences like any inputs given together.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import * as zlib from 'node:zlib';
import { InputError } from '../errors.js';
import { parseJson } from './json.js';
import { inputFileSize, MAX_INPUT_BYTES } from './read.js';

/** A stack file of a backend, in a stable order (by path). */
export interface BackendStack {
  file: string;
  /** The project folder of the project-scoped layout; absent in the legacy layout. */
  project?: string;
}

export function isBackendUrl(spec: string): boolean {
  return /^file:\/\//i.test(spec);
}

/** The folder a `file://` backend URL names: `file:///abs`, `file://~/dir`, `file://./rel`; query options dropped. */
export function backendUrlPath(url: string): string {
  let p = url.replace(/^file:\/\//i, '').replace(/\?.*$/, '');
  try {
    p = decodeURIComponent(p);
  } catch {
    // Not percent-encoded as a URL would be: the path as written.
  }
  if (p === '~' || p.startsWith('~/')) p = path.join(homedir(), p.slice(1));
  return p === '' ? '.' : p;
}

/** The `.pulumi` folder of a backend folder (or the folder itself when it is one), when it has stacks. */
export function backendStateDir(dir: string): string | undefined {
  const candidates = path.basename(path.resolve(dir)) === '.pulumi' ? [dir] : [path.join(dir, '.pulumi')];
  for (const c of candidates) {
    const stacks = path.join(c, 'stacks');
    if (existsSync(stacks) && statSync(stacks).isDirectory()) return c;
  }
  return undefined;
}

const STACK_FILE = /\.json(\.gz|\.zst)?$/;

/** Every stack file of a backend's `.pulumi` folder, sorted by path. */
export function backendStacks(stateDir: string): BackendStack[] {
  const root = path.join(stateDir, 'stacks');
  const out: BackendStack[] = [];
  const entries = readdirSync(root, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = path.join(root, e.name);
    if (e.isDirectory()) {
      const files = readdirSync(full)
        .filter((f) => STACK_FILE.test(f))
        .sort();
      for (const f of files) out.push({ file: path.join(full, f), project: e.name });
    } else if (e.isFile() && STACK_FILE.test(e.name)) out.push({ file: full });
  }
  // A stack both plain and compressed (a switch of PULUMI_DIY_BACKEND_GZIP or _ZSTD): Pulumi reads the newest; so does firebreak.
  const byStack = new Map<string, BackendStack>();
  for (const s of out) {
    const key = s.file.replace(/\.(gz|zst)$/, '');
    const seen = byStack.get(key);
    if (!seen || statSync(s.file).mtimeMs > statSync(seen.file).mtimeMs) byStack.set(key, s);
  }
  const stacks = [...byStack.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  if (stacks.length === 0)
    throw new InputError({ file: root, reason: 'the DIY backend has no stacks (no <project>/<stack>.json, .json.gz or .json.zst files)' });
  return stacks;
}

/**
 * The parsed checkpoint of one backend stack file (gunzipped when `.gz`): at most maxBytes (MAX_INPUT_BYTES) as read and
 * gunzipped, so a gzip bomb is refused as it inflates, not after it has filled memory.
 */
export function readBackendStack(file: string, maxBytes = MAX_INPUT_BYTES): unknown {
  const tooLarge = (what: string): InputError =>
    new InputError({
      file,
      reason: `${what}: firebreak reads at most ${Math.round(maxBytes / 2 ** 20)} MB of a DIY backend's stack file (give the state itself as an input, gunzipped: it is streamed)`,
    });
  const size = inputFileSize(file);
  if (size > maxBytes) throw tooLarge(`the file is ${Math.round(size / 2 ** 20)} MB`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new InputError({ file, reason: `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
  }
  if (file.endsWith('.gz')) {
    try {
      bytes = zlib.gunzipSync(bytes, { maxOutputLength: maxBytes });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        throw tooLarge(`gunzipped, the file is more than ${Math.round(maxBytes / 2 ** 20)} MB`);
      throw new InputError({ file, reason: 'not a gzip file: a DIY backend stack ending in .json.gz must be gzipped JSON' });
    }
  }
  if (file.endsWith('.zst')) {
    // zlib has zstd from Node 22.15 (and 23.8); on an older Node the file is refused, never skipped.
    const unzstd = (zlib as unknown as { zstdDecompressSync?: (b: Buffer, o: { maxOutputLength: number }) => Buffer }).zstdDecompressSync;
    if (!unzstd) {
      throw new InputError({
        file,
        reason: `a zstd-compressed stack (PULUMI_DIY_BACKEND_ZSTD), which this Node.js (${process.version}) cannot decompress: run firebreak on Node.js 22.15 or later, or decompress it (\`zstd -d\`) and give the .json`,
      });
    }
    try {
      bytes = unzstd(bytes, { maxOutputLength: maxBytes });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        throw tooLarge(`decompressed, the file is more than ${Math.round(maxBytes / 2 ** 20)} MB`);
      throw new InputError({ file, reason: 'not a zstd file: a DIY backend stack ending in .json.zst must be zstd-compressed JSON' });
    }
  }
  return parseJson(bytes.toString('utf8'), file);
}
