// After tsc: bundle the html report's page script (src/report/html/client.ts
// and the failure engine it imports) into dist/report/html/page.js, which the
// built package reads, so that it needs no esbuild at run time.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAGE_SCRIPT_FILE, bundlePageScript } from '../dist/report/html/bundle.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
writeFileSync(path.join(root, 'dist/report/html', PAGE_SCRIPT_FILE), bundlePageScript(path.join(root, 'src/report/html/client.ts')));
