/**
 * One bench measurement in a fresh process: `parse` (read + JSON.parse) or
 * `analyze` (what `firebreak analyze FILE --format json` does, without
 * writing). Prints {ms, maxRssMB} as one JSON line.
 */
import { readFileSync } from 'node:fs';
import { analyze, loadInputs, loadRules, render } from '../index.js';

const [mode, file] = process.argv.slice(2);
if (!file || (mode !== 'parse' && mode !== 'analyze')) throw new Error('usage: child.js parse|analyze FILE');
const start = performance.now();
let size = 0;
if (mode === 'parse') {
  size = (JSON.parse(readFileSync(file, 'utf8')) as { deployment: { resources: unknown[] } }).deployment.resources.length;
} else {
  const rules = loadRules();
  const inputs = await loadInputs([file], { keepProperties: rules.properties });
  size = render(analyze(inputs, { packs: rules.packs }), 'json').length;
}
const ms = performance.now() - start;
process.stdout.write(JSON.stringify({ ms, maxRssMB: process.resourceUsage().maxRSS / 1024, size }) + '\n');
