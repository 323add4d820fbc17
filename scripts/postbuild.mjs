#!/usr/bin/env node
/**
 * After `tsc`: make every file package.json "bin" names executable, so the
 * command runs from a checkout, an `npm pack` tarball and a Docker image alike.
 */
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
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
