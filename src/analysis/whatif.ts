/**
 * whatif: the state of every service after a chosen set of failures, why,
 * and what would bring each back (which failed domain or component, restored
 * alone, returns it to service).
 */
import { UsageError, type Warning } from '../errors.js';
import type { Model } from '../model/index.js';
import { VERSION } from '../version.js';
import { Engine, STATE_NAMES, STRANDED, type PathStep, type ServiceState, type StateCode } from './engine.js';
import { eventRefOf, nodeCollector } from './describe.js';
import type { EventRef, NodeInfo } from './types.js';
import { byText, typedName } from '../text.js';
import { judgementOf, type Judgement } from './judged.js';

export interface WhatIfService {
  name: string;
  critical: boolean;
  state: ServiceState;
  /** Why it is not up: a path to one of the failed events (empty when up). */
  path: PathStep[];
  /** Failed events whose restoration alone brings it back (empty: it needs several, see `restoreAll`). */
  bringsBack: EventRef[];
  /** True when no single restoration brings it back. */
  restoreAll: boolean;
  /** For a stranded service: the lost recovery tools (node ids) its groups wait for. */
  waitsFor: string[];
}

export interface WhatIfResult {
  schemaVersion: 1;
  tool: { name: 'firebreak'; version: string };
  inputs: Array<{ input: string; project: string; stack: string }>;
  failed: EventRef[];
  summary: Record<ServiceState, number> & { services: number };
  /** The counts of the resources by class (as AnalysisResult's summary.coverage): the states above hold for what was judged. */
  coverage: Judgement['coverage'];
  services: WhatIfService[];
  nodes: Record<string, NodeInfo>;
  /** As in AnalysisResult: what firebreak could not judge, and the resources counted unjudged. */
  blindSpots: Judgement['blindSpots'];
  unjudged: Judgement['unjudged'];
  /** As in AnalysisResult: what reading the inputs and building the model warned of (the library adds the inputs' own). */
  warnings: Warning[];
}

/**
 * Resolve what the user names to nodes that can fail: a node id, a domain
 * path or its last segments (`pangyo`, `capital-area/pangyo`), a component's
 * name or URN, or its name with its type's last part as text paths show it (`nginx (Deployment)`, when a
 * Service shares the name). Ambiguous or unknown names are usage errors that list the options (about `option`, the one given).
 */
export function resolveEvents(engine: Engine, names: string[], option = 'fail'): number[] {
  const out: number[] = [];
  for (const raw of names) {
    const name = raw.trim();
    const exact = engine.index.get(name);
    if (exact !== undefined && (engine.nodes[exact]!.kind === 'domain' || engine.nodes[exact]!.kind === 'component')) {
      out.push(exact);
      continue;
    }
    const matches: number[] = [];
    engine.nodes.forEach((n, i) => {
      if (n.kind === 'domain' && (n.path === name || n.path.endsWith(`/${name}`))) matches.push(i);
      else if (n.kind === 'component' && (n.name === name || n.urn === name)) matches.push(i);
      else if (n.kind === 'component' && name.startsWith(`${n.name} (`) && typedName(n.name, n.type) === name) matches.push(i);
    });
    if (matches.length === 1) {
      out.push(matches[0]!);
      continue;
    }
    if (matches.length > 1) {
      const options = matches.map((i) => {
        const n = engine.nodes[i]!;
        return n.kind === 'domain' ? n.path : n.kind === 'component' ? n.urn : n.id;
      });
      // Components of one name and different types: each can be named as `name (Type)`.
      const comps = matches.map((i) => engine.nodes[i]!).flatMap((n) => (n.kind === 'component' ? [typedName(n.name, n.type)] : []));
      const byType =
        comps.length === matches.length && new Set(comps).size === comps.length
          ? ` (or as ${comps
              .slice(0, 6)
              .map((c) => `'${c}'`)
              .join(', ')})`
          : '';
      throw new UsageError(
        (o) =>
          `${o(option)} ${name} is ambiguous: it names ${options.slice(0, 6).join(', ')}${options.length > 6 ? ', ...' : ''}; give the full path or URN${byType}`,
      );
    }
    const domains = engine.nodes.flatMap((n) => (n.kind === 'domain' ? [n.path] : [])).sort(byText);
    if (domains.length === 0 && !engine.nodes.some((n) => n.kind === 'component'))
      throw new UsageError(
        (o) =>
          `${o(option)} ${name}: the inputs hold nothing that can fail (a stack destroyed or not yet deployed, or only configuration): there is nothing to fail; name a stack that has resources`,
      );
    if (domains.length === 0)
      throw new UsageError(
        (o) =>
          `${o(option)} ${name}: no domain or component of that name, and the inputs place nothing in any domain (firebreak analyze lists what it could not judge)`,
      );
    throw new UsageError(
      (o) => `${o(option)} ${name}: no domain or component of that name; domains are: ${domains.slice(0, 12).join(', ')}${domains.length > 12 ? ', ...' : ''}`,
    );
  }
  return [...new Set(out)];
}

/** `resources`: how many resources the inputs hold (for a model built by hand; default its components). */
export function whatIf(model: Model, failNames: string[], inputs: WhatIfResult['inputs'], resources?: number): WhatIfResult {
  const engine = new Engine(model);
  const failed = resolveEvents(engine, failNames);
  const services = engine.nodes.flatMap((n, i) => (n.kind === 'service' ? [i] : []));

  const hurt = engine.evaluate(failed);
  const state = new Map<number, StateCode>();
  for (const i of hurt) state.set(i, engine.stateOf(i) as StateCode);
  const paths = new Map<number, PathStep[]>();
  const waits = new Map<number, string[]>();
  for (const s of services) {
    if ((state.get(s) ?? 0) === 0) continue;
    paths.set(s, engine.explain(s));
  }
  // Lost tools that stranded groups wait for, per service.
  for (const s of services) {
    if (state.get(s) !== STRANDED) continue;
    const tools = new Set<string>();
    for (const step of paths.get(s) ?? []) if (step.edge === 'recovers-with') tools.add(step.node);
    waits.set(s, [...tools].sort(byText));
  }

  // What brings each service back: restore one failed event at a time.
  const back = new Map<number, number[]>();
  if (failed.length > 1) {
    for (const e of failed) {
      engine.evaluate(failed.filter((x) => x !== e));
      for (const s of services) {
        if ((state.get(s) ?? 0) >= STRANDED && engine.stateOf(s) < STRANDED) back.set(s, [...(back.get(s) ?? []), e]);
      }
    }
  } else {
    for (const s of services) if ((state.get(s) ?? 0) >= STRANDED) back.set(s, [...failed]);
  }

  const rows: WhatIfService[] = services.map((s) => {
    const node = engine.nodes[s]!;
    const code = state.get(s) ?? 0;
    const bringsBack = (back.get(s) ?? []).map((e) => eventRefOf(engine, e));
    return {
      name: node.name,
      critical: node.kind === 'service' && node.critical,
      state: STATE_NAMES[code],
      path: paths.get(s) ?? [],
      bringsBack,
      restoreAll: code >= STRANDED && bringsBack.length === 0,
      waitsFor: waits.get(s) ?? [],
    };
  });
  rows.sort((a, b) => STATE_NAMES.indexOf(b.state) - STATE_NAMES.indexOf(a.state) || Number(b.critical) - Number(a.critical) || byText(a.name, b.name));

  const { nodes, note } = nodeCollector(engine);
  for (const r of rows) {
    for (const step of r.path) note(step.node);
    r.waitsFor.forEach(note);
  }

  const summary = { services: rows.length, up: 0, degraded: 0, stranded: 0, down: 0 };
  for (const r of rows) summary[r.state]++;
  const judged = judgementOf(model, resources);
  return {
    schemaVersion: 1,
    tool: { name: 'firebreak', version: VERSION },
    inputs,
    failed: failed.map((e) => eventRefOf(engine, e)),
    summary,
    coverage: judged.coverage,
    services: rows,
    nodes,
    blindSpots: judged.blindSpots,
    unjudged: judged.unjudged,
    warnings: [...model.warnings],
  };
}
