/**
 * Whether a value's text matches a rule's pattern (match.property, a condition's `matches`). A string is matched as
 * it is. A Pulumi YAML interpolation left for deploy (`ansible-playbook -i '${web.publicIp},' site.yml`, an unknown
 * with pieces) matches only when the pattern matches whatever the deploy puts in its placeholders: a match must lie
 * inside one literal piece, with the string's start (`^`) and end (`$`) true only where the piece really begins or ends
 * the text. A pattern that reads beside its match (`\b`, `\B`, lookarounds) is never matched on such a value, since
 * what lies beside the piece is unknown. Matching without those is monotone in `^` and `$`: a match found with them
 * false at a placeholder holds for every filling. A secret, or an unknown with no pieces, never matches.
 */
import { asSpecial, type PropertyValue } from '../ingest/types.js';
import { derivePattern, type TextPattern } from './regex-engine.js';

/** A character standing for a placeholder: it ends the piece, and no match may consume it. */
const GAP = '\uE000';
/** Assertions that read the text beside a match, which a placeholder leaves unknown. */
const READS_BESIDE = /\\[bB]|\(\?<?[=!]/;

interface PieceMatchers {
  /** None when the pattern reads beside its match. */
  byGaps?: { [key in 'left' | 'right' | 'both']: TextPattern };
}
const compiled = new WeakMap<TextPattern, PieceMatchers>();

function matchersOf(re: TextPattern): PieceMatchers {
  let m = compiled.get(re);
  if (!m) {
    m = {};
    if (!READS_BESIDE.test(re.source)) {
      const derive = (source: string): TextPattern => derivePattern(re, source); // the pattern's own engine (regex-engine.ts)
      // After a placeholder, the match starts past it; before one, it ends ahead of it. The piece holds no GAP and the
      // text has one only at an end, so consuming one character before (after) the match says just that, in constant
      // time: a lookbehind to the GAP read back from every position (quadratic in a long piece: 40,000 characters, 0.5 s).
      const body = `(?:${re.source})`;
      m.byGaps = { left: derive(`[^]${body}`), right: derive(`${body}[^]`), both: derive(`[^]${body}[^]`) };
    }
    compiled.set(re, m);
  }
  return m;
}

/** Whether the pattern matches every text the deploy may make of these pieces (placeholders between them). */
export function piecesMatch(re: TextPattern, pieces: readonly string[]): boolean {
  const byGaps = matchersOf(re).byGaps;
  if (!byGaps || pieces.length < 2) return false;
  const last = pieces.length - 1;
  return pieces.some((piece, i) => {
    if (piece.includes(GAP)) return false;
    const side = i === 0 ? 'right' : i === last ? 'left' : 'both';
    return byGaps[side].test((i > 0 ? GAP : '') + piece + (i < last ? GAP : ''));
  });
}

/** Whether a value's text matches: a string (and a number, if `numbers`) as it is, an interpolation left for deploy only when certain. */
export function textMatches(re: TextPattern, v: PropertyValue, numbers = false): boolean {
  if (typeof v === 'string' || (numbers && typeof v === 'number')) return re.test(String(v));
  const s = asSpecial(v);
  return s?.kind === 'unknown' && s.pieces !== undefined && piecesMatch(re, s.pieces);
}
