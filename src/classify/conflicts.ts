/**
 * Generated rules that a curated rule contradicts: the generator leaves out
 * the types curated packs classify, so a conflict means the curated packs
 * changed since `npm run rules:generate` ran. `rules validate` reports them.
 */
import type { Problem } from '../errors.js';
import { Classifier } from './index.js';
import type { LoadedPack } from './packs.js';

const FIELDS = ['role', 'scope', 'managed'] as const;

export function generatedConflicts(generated: LoadedPack[], curated: LoadedPack[]): Problem[] {
  const classifier = new Classifier(curated.filter((p) => !p.generated));
  const problems: Problem[] = [];
  for (const pack of generated) {
    if (!pack.generated) continue;
    for (const rule of pack.rules) {
      for (const type of rule.match.type) {
        for (const m of classifier.matchingRules(type)) {
          if (m.catchAll) continue;
          for (const f of FIELDS) {
            const mine = rule[f];
            const theirs = m.rule[f];
            if (mine === undefined || theirs === undefined || mine === theirs) continue;
            problems.push({
              file: pack.file,
              reason: `${type}: generated rule ${rule.id} says ${f} ${String(mine)}, curated rule ${m.pack}/${m.rule.id} says ${String(theirs)} (run npm run rules:generate)`,
            });
          }
        }
      }
    }
  }
  return problems;
}
