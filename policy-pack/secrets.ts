/**
 * Secrets reach the pack as secrets. The engine sends a stack's secrets signed
 * (its analyzer requests keep them), but @pulumi/policy unwraps them before a
 * stack policy sees them: a secret that a rule pack reads (a zone or region set
 * from a secret config value) would be read as its plain value and could name a
 * domain in a violation. @pulumi/policy can keep them as `Secret` wrappers
 * instead (what it does for remediations); this makes its deserializer do so
 * for every request, and hands the map over without the proxy that unwraps
 * them on read. firebreak reads a `Secret` as its secret value.
 *
 * The deserializer is internal to @pulumi/policy (pinned in package.json); if
 * it is not where this expects, the pack refuses to start rather than read
 * secrets in the clear.
 */
type Deserialize = (struct: unknown, proxySecrets: boolean) => unknown;

const PROXY_TARGET = '__getSpecialProxyTarget';

export function keepSecrets(): void {
  // This module's own require (index.ts loads the pack with tsx's, whose modules are a namespace of their own):
  // the instance of @pulumi/policy that main.ts's PolicyPack serves with.
  const file = '@pulumi/policy/deserialize.js';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as { deserializeProperties?: Deserialize; __firebreakKeepsSecrets?: boolean };
  if (mod.__firebreakKeepsSecrets) return;
  const original = mod.deserializeProperties;
  if (typeof original !== 'function')
    throw new Error(`firebreak policy pack: @pulumi/policy has no deserializeProperties in ${file}; the pack cannot keep secrets secret, so it does not run`);
  mod.deserializeProperties = (struct: unknown) => {
    const props = original(struct, true);
    const target = props !== null && typeof props === 'object' ? (props as Record<string, unknown>)[PROXY_TARGET] : undefined;
    return target !== null && typeof target === 'object' ? target : props;
  };
  mod.__firebreakKeepsSecrets = true;
}
