/** The invokes the built-in packs answer (rules/*.yaml providers[].invokes), for tests that call ingest directly. */
import { invokeAnswers, loadRuleSet } from '../../src/classify/packs.js';

export const BUILTIN_INVOKES = invokeAnswers(loadRuleSet());
