/**
 * Bounds on the time a rule pack's regular expression takes on input text. V8 runs a pattern that backtracks
 * excessively again in its linear-time engine, with the same answer: a pack's `(a+)+$` against a long value ends
 * instead of running for ever. A pattern with a lookaround or a backreference cannot run there; packs refuse those
 * that repeat a repeated group (src/classify/schema.ts).
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--enable-experimental-regexp-engine');
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

const LINEAR = 'l';

/** Whether V8's linear-time engine can run the pattern (no lookarounds, no backreferences). */
export function linearTime(source: string): boolean {
  try {
    // The `l` flag (linear) exists once the engine is enabled above; eslint does not know it.
    new RegExp(source, LINEAR);
    return true;
  } catch {
    return false;
  }
}
