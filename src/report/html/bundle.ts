/**
 * The html page's script: client.ts and what it imports (the failure engine),
 * bundled by esbuild into one browser script.
 *
 * `npm run build` bundles it once (scripts/bundle-html.mjs) into
 * dist/report/html/page.js, which the built package reads: no esbuild at run
 * time. Run from the sources (tests, tsx) there is no such file beside this
 * one and the sources are bundled on first use instead (a few tens of
 * milliseconds), so the page always carries the engine as it is now, never a
 * stale copy. Same esbuild, same options, same sources: the same bytes either
 * way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The prebuilt bundle's name, beside the compiled bundle.js in dist. */
export const PAGE_SCRIPT_FILE = 'page.js';
/** The global the bundle defines: its exports (simulateScenarios). */
export const PAGE_GLOBAL = 'firebreakBundle';

interface EsbuildLike {
  buildSync(options: Record<string, unknown>): { outputFiles?: Array<{ text: string }> };
}

/** Bundle the page script from client.ts (a TypeScript source); needs the esbuild dev dependency. */
export function bundlePageScript(entry: string): string {
  const esbuild = createRequire(import.meta.url)('esbuild') as EsbuildLike;
  const result = esbuild.buildSync({
    entryPoints: [entry],
    // Paths in the output (none once minified) are relative to the sources' root, not to the working directory.
    absWorkingDir: path.resolve(path.dirname(entry), '../../..'),
    bundle: true,
    format: 'iife',
    globalName: PAGE_GLOBAL,
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    sourcemap: false,
    write: false,
    logLevel: 'silent',
  });
  const text = result.outputFiles?.[0]?.text;
  if (text === undefined) throw new Error(`esbuild wrote nothing for ${entry}`);
  return text;
}

let cached: string | undefined;

/** The page script: bundled now from the sources when run from them, else the prebuilt bundle. */
export function pageScript(): string {
  if (cached !== undefined) return cached;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const source = path.join(here, 'client.ts');
  const prebuilt = path.join(here, PAGE_SCRIPT_FILE);
  if (existsSync(source)) cached = bundlePageScript(source);
  else if (existsSync(prebuilt)) cached = readFileSync(prebuilt, 'utf8');
  else throw new Error(`the html report's page script is missing (${prebuilt}): build the package with npm run build`);
  return cached;
}
