/**
 * One bench measurement in a fresh process: `parse` (read + JSON.parse) or
 * `analyze` (what `firebreak analyze FILE --format json [--order K]` does,
 * without writing). Prints {ms, maxRssMB} as one JSON line.
 */
import { readFileSync } from 'node:fs';
import { analyze, loadInputs, loadRules, render } from '../index.js';

const [mode, file, orderArg] = process.argv.slice(2);
if (!file || (mode !== 'parse' && mode !== 'analyze')) throw new Error('usage: child.js parse|analyze FILE [ORDER]');
const order = orderArg ? Number(orderArg) : 1;
const start = performance.now();
let size: number;
if (mode === 'parse') {
  size = (JSON.parse(readFileSync(file, 'utf8')) as { deployment: { resources: unknown[] } }).deployment.resources.length;
} else {
  const rules = loadRules();
  const inputs = await loadInputs([file], { keepProperties: rules.properties });
  const result = analyze(inputs, { packs: rules.packs, order });
  size = render(result, 'json').length;
  if (result.analysisErrors.length > 0) throw new Error(result.analysisErrors.map((e) => e.message).join('; '));
}
const ms = performance.now() - start;
process.stdout.write(JSON.stringify({ ms, maxRssMB: process.resourceUsage().maxRSS / 1024, size }) + '\n');
