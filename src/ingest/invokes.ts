/**
 * Invokes (data sources) whose answer is the default provider's own config, as a rule pack's
 * `providers[].invokes` describe them (aws:getRegion is the `aws:region` the provider runs in):
 * what a program read here, not deployed, gets from them. The packs know the tokens and fields;
 * this file only fills in `{region}` and `{regionCode}`.
 */

/** One invoke a pack answers, with its provider's region config (plain data from rules/*.yaml). */
export interface InvokeAnswer {
  /** The function token as its SDK calls it (`aws:index/getRegion:getRegion`). */
  function: string;
  /** The stack config key of the region (`aws:region`). */
  regionConfig: string;
  /** The region when the config has none (the provider's default), with a warning; none: the invoke is not answered. */
  assumedRegion?: string;
  /** How `{regionCode}` shortens the words between the first and the last (`southeast: se`); others to their first letter. */
  regionWords?: Readonly<Record<string, string>>;
  /** The result, field by field: `{region}` stands for the region, `{regionCode}` for it shortened. */
  result: Readonly<Record<string, string | readonly string[]>>;
}

/** `aws:getRegion`, `aws:index:getRegion` and `aws:index/getRegion:getRegion` as one token (`aws:index:getRegion`). */
export function invokeToken(fn: string): string {
  const parts = fn.split(':');
  if (parts.length === 2) return `${parts[0]}:index:${parts[1]}`;
  if (parts.length === 3 && parts[1]!.includes('/')) return `${parts[0]}:${parts[1]!.slice(0, parts[1]!.indexOf('/'))}:${parts[2]}`;
  return fn;
}

/** The answer a pack gives for this function (any of its token forms), if any. */
export function invokeAnswerFor(invokes: readonly InvokeAnswer[], fn: string): InvokeAnswer | undefined {
  const token = invokeToken(fn);
  return invokes.find((a) => invokeToken(a.function) === token);
}

/** `{regionCode}`: the first and last words of a region kept, those between shortened (`ap-southeast-2` -> `apse2`); other names as they are. */
export function regionCode(region: string, words: Readonly<Record<string, string>> = {}): string {
  const parts = region.split('-');
  if (parts.length < 3 || !/^\d+$/.test(parts[parts.length - 1]!)) return region;
  const middle = parts.slice(1, -1).map((w) => (Object.hasOwn(words, w) ? words[w]! : w.charAt(0)));
  return `${parts[0]}${middle.join('')}${parts[parts.length - 1]}`;
}

function fill(template: string, region: string, code: string): string {
  return template.replaceAll('{regionCode}', code).replaceAll('{region}', region);
}

/** The fields of an answer that are the region alone (`{region}`): what an evaluation that keeps the region symbolic can answer. */
export function regionFields(a: InvokeAnswer): string[] {
  return Object.keys(a.result)
    .filter((k) => a.result[k] === '{region}')
    .sort();
}

/** What the mocks answer one invoke with, the warning to give once when it is called, and the config it assumed. */
export interface MockAnswer {
  result: Record<string, string | string[]>;
  warning?: string;
  /** Provider config the answer assumed (`aws:region`: the pack's assumedRegion): once it is given, placement uses it too. */
  assumed?: Record<string, string>;
}

/**
 * The answers of a program run under mocks, by function token as the pack spells it: from the region config
 * (never a secret one: such an invoke is left unanswered), else the pack's assumed region, with the warning to give
 * when the program calls it.
 */
export function mockAnswers(
  invokes: readonly InvokeAnswer[],
  config: Readonly<Record<string, string>>,
  secretKeys: readonly string[],
): Record<string, MockAnswer> {
  const out: Record<string, MockAnswer> = {};
  for (const a of invokes) {
    if (Object.hasOwn(out, a.function) || secretKeys.includes(a.regionConfig)) continue;
    const configured = Object.hasOwn(config, a.regionConfig) ? config[a.regionConfig] : undefined;
    const region = typeof configured === 'string' && configured !== '' ? configured : a.assumedRegion;
    if (region === undefined) continue;
    const code = regionCode(region, a.regionWords);
    const result: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(a.result)) result[k] = typeof v === 'string' ? fill(v, region, code) : v.map((t) => fill(t, region, code));
    const pkg = a.function.split(':')[0];
    out[a.function] =
      region === configured
        ? { result }
        : {
            result,
            warning: `an ${pkg} invoke asked for the region, and the stack config has no ${a.regionConfig}: ${region} was assumed, for the invokes and for where the resources of the default ${pkg} provider are placed`,
            assumed: { [a.regionConfig]: region },
          };
  }
  return out;
}
