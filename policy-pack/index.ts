/**
 * The firebreak policy pack: `pulumi preview --policy-pack <this folder>`
 * (docs/crossguard.md). Pulumi's Node.js host requires this file through
 * ts-node as CommonJS; firebreak and the pack proper (main.ts) are ES modules
 * in TypeScript, so they are loaded with tsx's require hook.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tsx = require('tsx/cjs/api') as { require: (id: string, parent: string) => unknown };
module.exports = tsx.require('./main.ts', __filename);
