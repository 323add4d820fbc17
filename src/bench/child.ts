/**
 * One bench measurement in a fresh process: `parse` (read + JSON.parse of
 * each file), `analyze` (what `firebreak analyze FILE... --format json
 * [--order K] [--jobs N]` does, without writing) or `whole` (analyze with
 * every file read whole, as before streaming ingest). Prints {ms, maxRssMB}
 * as one JSON line.
 */
import { readFileSync } from 'node:fs';
import { analyze, loadInputs, loadRules, render } from '../index.js';

const [mode, filesArg, orderArg, jobsArg, maxSecondsArg] = process.argv.slice(2);
if (!filesArg || (mode !== 'parse' && mode !== 'analyze' && mode !== 'whole'))
  throw new Error('usage: child.js parse|analyze|whole FILE[,FILE...] [ORDER] [JOBS]');
const files = filesArg.split(',');
const order = orderArg ? Number(orderArg) : 1;
const jobs = jobsArg ? Number(jobsArg) : undefined;
const start = performance.now();
let size = 0;
let capped = false;
if (mode === 'parse') {
  for (const file of files) size += (JSON.parse(readFileSync(file, 'utf8')) as { deployment: { resources: unknown[] } }).deployment.resources.length;
} else {
  const rules = loadRules();
  const inputs = await loadInputs(files, {
    keepProperties: rules.properties,
    ...(jobs !== undefined ? { jobs } : {}),
    ...(mode === 'whole' ? { streamMinBytes: Number.MAX_SAFE_INTEGER } : {}),
  });
  const result = analyze(inputs, { packs: rules.packs, order, ...(maxSecondsArg ? { maxSeconds: Number(maxSecondsArg) } : {}) });
  capped = result.analysisErrors.some((e) => /^stopped at its/.test(e.message));
  size = render(result, 'json').length;
  if (result.analysisErrors.some((e) => !/^stopped at its/.test(e.message))) throw new Error(result.analysisErrors.map((e) => e.message).join('; '));
}
const ms = performance.now() - start;
process.stdout.write(JSON.stringify({ ms, maxRssMB: process.resourceUsage().maxRSS / 1024, size, capped }) + '\n');
