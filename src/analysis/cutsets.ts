/**
 * Shared risk groups: minimal cut sets of order 2..k. A set of basic events
 * is a minimal cut set for a service when losing all of them together takes
 * the service down (or strands it) and no proper subset does.
 *
 * Checking every pair of events would be quadratic. Propagation is monotone
 * and only OR gates (replica groups, components placed in several domains)
 * can absorb a loss, so a set can take down what none of its parts does only
 * at a gate that its parts both hit without breaking. The search therefore
 * extends a set T by an event e only through a gate that T's scenario hit
 * partially and that e also hits; on the last level it also requires that the
 * losses could add up to break that gate (T's losses + e's losses > the gate's
 * slack, or a lost member and a lost recovery tool for a group that recovers
 * with tools). A property test compares the result with exhaustive
 * enumeration on random small models.
 *
 * Sets of the last level are not evaluated afresh: the engine holds the
 * scenario of the frontier entry T and extends it by e (Engine.extend), which
 * costs what e adds, not the whole of T again (a zone in T touches a third of
 * a large model), then rolls it back for the next e. The scenario count,
 * the budgets and the order of the sets are as with fresh evaluations.
 */
import { STRANDED, type Engine } from './engine.js';

export interface CutSet {
  /** The events, ascending. */
  events: number[];
  /** Target services this set takes down (or strands) and no proper subset does, ascending. */
  services: number[];
}

export interface CutSetSearch {
  sets: CutSet[];
  /** Scenarios evaluated. */
  evaluated: number;
  /** True when the search stopped at a budget (scenarios, time or memory): the list may be incomplete. */
  capped: boolean;
  /** Which budget stopped it, when capped. */
  cappedBy?: 'scenarios' | 'time' | 'memory';
  /** The largest set size searched completely (1 when even pairs were cut short). */
  completeOrder: number;
}

/** Limits of the search besides the scenario budget. */
export interface CutSetLimits {
  /** Stop after this many seconds of search. */
  maxSeconds?: number;
  /** Stop when this many sets are held in memory (frontier, seen and cached results). Default 4,000,000. */
  maxHeld?: number;
  /** Called as each level (sets of `size` events) starts, then every 1024 scenarios: how many of its `total` sets-to-extend are done. */
  onProgress?: (size: number, done: number, total: number) => void;
}

interface Gates {
  node: Int32Array;
  lost: Int32Array;
  tools: Int32Array;
}

interface Frontier {
  events: number[];
  gates: Gates;
  /** Target services this set takes down, ascending. */
  killed: number[];
}

function gatesOf(engine: Engine): Gates {
  const list = engine.partialGates();
  const g: Gates = { node: new Int32Array(list.length), lost: new Int32Array(list.length), tools: new Int32Array(list.length) };
  list.forEach((x, j) => {
    g.node[j] = x.node;
    g.lost[j] = x.lost;
    g.tools[j] = x.tools;
  });
  return g;
}

/**
 * Minimal cut sets of size 2..order over `events` for the `targets` (node
 * indices of services). Stops after `budget` scenario evaluations.
 */
export function minimalCutSets(
  engine: Engine,
  events: number[],
  targets: number[],
  order: number,
  budget = 2_000_000,
  limits: CutSetLimits = {},
): CutSetSearch {
  const deadline = limits.maxSeconds !== undefined ? Date.now() + limits.maxSeconds * 1000 : Infinity;
  const maxHeld = limits.maxHeld ?? 4_000_000;
  // Every 1024 scenarios: say how far the level is, and whether the time is up.
  const timeUp = (size: number, done: number, total: number): boolean => {
    limits.onProgress?.(size, done, total);
    return Date.now() > deadline;
  };
  let cappedBy: CutSetSearch['cappedBy'];
  let completeOrder = 1;
  const isTarget = new Uint8Array(engine.size);
  for (const t of targets) isTarget[t] = 1;
  let evaluated = 0;
  let capped = false;

  const killedBy = new Map<string, number[]>();
  const evaluate = (set: number[]): number[] => {
    evaluated++;
    const killed: number[] = [];
    for (const i of engine.evaluate(set)) if (isTarget[i] && engine.stateOf(i) >= STRANDED) killed.push(i);
    killed.sort((a, b) => a - b);
    killedBy.set(set.join(','), killed);
    if (base) for (const s of base.killed) baseKilled[s] = 0;
    base = undefined;
    return killed;
  };
  const killedOf = (set: number[]): number[] => killedBy.get(set.join(',')) ?? evaluate(set);

  // On the last level a set's scenario is the scenario of the frontier entry it
  // extends plus one event: evaluate that entry once and extend it (engine.extend)
  // instead of evaluating each set afresh. `base` is the entry the engine holds.
  let base: Frontier | undefined;
  const baseKilled = new Uint8Array(engine.size);
  const extendBy = (t: Frontier, event: number, key: string): number[] => {
    if (base !== t) {
      if (base) for (const s of base.killed) baseKilled[s] = 0;
      engine.evaluate(t.events);
      base = t;
      for (const s of t.killed) baseKilled[s] = 1;
    }
    evaluated++;
    let added: number[] | undefined;
    for (const i of engine.extend([event])) if (isTarget[i] && !baseKilled[i] && engine.stateOf(i) >= STRANDED) (added ??= []).push(i);
    engine.rollback();
    const killed = added ? [...t.killed, ...added].sort((a, b) => a - b) : t.killed;
    killedBy.set(key, killed);
    return killed;
  };

  // The services of `killed` (set's) that no subset one smaller takes down. The
  // subset t (which set extends) takes down t.killed, a part of killed: only the
  // rest can be fresh. When every other subset is cached that is all to check;
  // otherwise check every service against every subset in order, evaluating
  // subsets as needed, as the scenario count has always been taken.
  const freshOf = (set: number[], killed: number[], t: Frontier): number[] => {
    const subsets = set.map((_, skip) => set.filter((__, k) => k !== skip));
    const cached = subsets.map((sub) => killedBy.get(sub.join(',')));
    if (cached.every((c) => c !== undefined)) {
      if (killed.length === t.killed.length) return [];
      const inT = new Set(t.killed);
      return killed.filter((s) => !inT.has(s) && cached.every((c) => !c!.includes(s)));
    }
    return killed.filter((s) => subsets.every((sub) => !killedOf(sub).includes(s)));
  };

  // Level 1: every event alone, and the gates it hits without breaking them.
  const hitters = new Map<number, Array<{ event: number; lost: number; tools: number }>>();
  let frontier: Frontier[] = [];
  for (const e of events) {
    const killed = evaluate([e]);
    const gates = gatesOf(engine);
    if (gates.node.length === 0) continue;
    frontier.push({ events: [e], gates, killed });
    for (let j = 0; j < gates.node.length; j++) {
      const g = gates.node[j]!;
      let list = hitters.get(g);
      if (!list) hitters.set(g, (list = []));
      list.push({ event: e, lost: gates.lost[j]!, tools: gates.tools[j]! });
    }
  }

  const sets: CutSet[] = [];
  const seen = new Set<string>();
  for (let m = 2; m <= order && !capped; m++) {
    const last = m === order;
    const next: Frontier[] = [];
    limits.onProgress?.(m, 0, frontier.length);
    let done = -1;
    outer: for (const t of frontier) {
      done++;
      for (let j = 0; j < t.gates.node.length; j++) {
        const g = t.gates.node[j]!;
        const slack = engine.slackOf(g);
        const strandable = engine.hasTools(g);
        for (const h of hitters.get(g) ?? []) {
          if (t.events.includes(h.event)) continue;
          if (last) {
            const breaks = t.gates.lost[j]! + h.lost > slack;
            const strands = strandable && ((t.gates.lost[j]! > 0 && h.tools > 0) || (t.gates.tools[j]! > 0 && h.lost > 0));
            if (!breaks && !strands) continue;
          }
          const set = [...t.events, h.event].sort((a, b) => a - b);
          const key = set.join(',');
          if (seen.has(key)) continue;
          seen.add(key);
          if (evaluated >= budget) cappedBy = 'scenarios';
          else if ((evaluated & 1023) === 0 && timeUp(m, done, frontier.length)) cappedBy = 'time';
          else if (seen.size + killedBy.size + next.length > maxHeld) cappedBy = 'memory';
          if (cappedBy) {
            capped = true;
            break outer;
          }
          const killed = last ? extendBy(t, h.event, key) : evaluate(set);
          const gates = last ? undefined : gatesOf(engine);
          if (killed.length > 0) {
            // Minimal for a service when no subset one smaller takes it down (monotone: enough).
            const fresh = freshOf(set, killed, t);
            if (fresh.length > 0) sets.push({ events: set, services: fresh });
          }
          if (gates && gates.node.length > 0) next.push({ events: set, gates, killed });
        }
      }
    }
    if (!capped) limits.onProgress?.(m, frontier.length, frontier.length);
    frontier = next;
    if (!capped) completeOrder = m;
  }
  if (!capped) completeOrder = Math.max(completeOrder, order);
  return { sets, evaluated, capped, ...(cappedBy ? { cappedBy } : {}), completeOrder };
}
