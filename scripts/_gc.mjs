import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
const flag = process.argv[2];
if (flag) v8.setFlagsFromString(flag);
const w = new Worker(`
const { register } = require('node:module');
(async () => {
  const { tsImport } = await import('tsx/esm/api');
  const c0 = process.cpuUsage(); const t0 = performance.now();
  await tsImport('./scripts/_prof2.ts', { parentURL: 'file://${process.cwd()}/' });
  const c = process.cpuUsage(c0);
  console.log('worker cpu', ((c.user + c.system) / 1000).toFixed(0), 'wall', (performance.now() - t0).toFixed(0));
})();
`, { eval: true });
w.on('exit', () => {});
