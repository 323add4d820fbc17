#!/usr/bin/env node
/**
 * After `tsc`: write the parsed rule packs (dist/rules-cache.json), and make
 * every file package.json "bin" names executable, so the
 * command runs from a checkout, an `npm pack` tarball and a Docker image alike.
 */
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const bins = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {});
for (const bin of bins) {
  const file = path.join(root, bin);
  if (!existsSync(file)) {
    console.error(`postbuild: ${bin} (package.json "bin") was not built`);
    process.exit(1);
  }
  chmodSync(file, statSync(file).mode | 0o111);
}

// The built-in rule packs, parsed once here (dist/rules-cache.json): loading them is then a JSON.parse, not 1 MB of YAML.
const { packCacheText } = await import(path.join(root, 'dist', 'classify', 'packs.js'));
writeFileSync(path.join(root, 'dist', 'rules-cache.json'), packCacheText());
