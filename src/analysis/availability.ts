/**
 * --availability: an estimate of each critical service's unavailability from
 * its minimal cut sets, by the rare-event approximation
 *
 *   U(service) ~ sum over minimal cut sets C of prod over events e in C of q(e)
 *
 * where q(e) = failuresPerYear x hoursToRecover / 8760 is the share of the
 * time event e is lost (per domain kind, and for a component on its own, from
 * the rule packs). The events are assumed independent; sets larger than the
 * search order are left out, so the figure is a lower bound of the model's
 * unavailability, and only as good as the assumptions. An estimate, not a
 * prediction.
 */
import { COMPONENT_RELIABILITY } from '../classify/index.js';
import type { Engine } from './engine.js';
import { byText } from '../text.js';
import type { Model } from '../model/index.js';

export const HOURS_PER_YEAR = 8760;

export interface AvailabilityEstimate {
  method: string;
  /** Largest cut sets counted. */
  order: number;
  assumptions: Array<{ kind: string; failuresPerYear: number; hoursToRecover: number; unavailability: number }>;
  /** Domain kinds present in the model with no assumption: counted as never lost. */
  unassumed: string[];
  services: Array<{
    service: string;
    unavailability: number;
    /** 1 - unavailability, as a percentage string with enough digits to read it. */
    availability: string;
    nines: number | null;
    downtimeHoursPerYear: number;
    /** The cut sets that contribute most, with their share of the total. */
    causes: Array<{ events: string[]; share: number }>;
    cutSets: number;
  }>;
}

/** q(e) for every basic event index; 0 where nothing is assumed. */
function eventUnavailability(engine: Engine, model: Model): { q: Float64Array; unassumed: string[] } {
  const q = new Float64Array(engine.size);
  const unassumed = new Set<string>();
  const share = (r: { failuresPerYear: number; hoursToRecover: number }): number => Math.min(1, (r.failuresPerYear * r.hoursToRecover) / HOURS_PER_YEAR);
  engine.nodes.forEach((n, i) => {
    if (n.kind === 'domain') {
      const r = model.reliability[n.domainKind];
      if (r) q[i] = share(r);
      else unassumed.add(n.domainKind);
    } else if (n.kind === 'component' && n.event) {
      const r = model.reliability[COMPONENT_RELIABILITY];
      if (r) q[i] = share(r);
    }
  });
  return { q, unassumed: [...unassumed].sort() };
}

function percent(u: number): string {
  if (u <= 0) return '100%';
  const a = (1 - u) * 100;
  // Enough decimals to show the first significant digit of the unavailability.
  const digits = Math.min(12, Math.max(2, Math.ceil(-Math.log10(u * 100)) + 1));
  return `${a.toFixed(digits)}%`;
}

export function estimateAvailability(
  engine: Engine,
  model: Model,
  order: number,
  /** Every minimal cut set (singles included) and the critical services (node indices) it takes down. */
  cuts: Array<{ events: number[]; services: number[] }>,
  critical: number[],
): AvailabilityEstimate {
  const { q, unassumed } = eventUnavailability(engine, model);
  const perService = new Map<number, Array<{ events: number[]; p: number }>>();
  for (const cut of cuts) {
    let p = 1;
    for (const e of cut.events) p *= q[e]!;
    for (const s of cut.services) {
      const list = perService.get(s);
      if (list) list.push({ events: cut.events, p });
      else perService.set(s, [{ events: cut.events, p }]);
    }
  }
  const nameOf = (e: number): string => {
    const n = engine.nodes[e]!;
    return n.kind === 'domain' ? `${n.domainKind} ${n.path}` : n.name;
  };
  const services = critical.map((s) => {
    const sets = (perService.get(s) ?? []).filter((x) => x.p > 0);
    const u = Math.min(
      1,
      sets.reduce((sum, x) => sum + x.p, 0),
    );
    sets.sort((a, b) => b.p - a.p || byText(a.events.join(','), b.events.join(',')));
    return {
      service: engine.nodes[s]!.name,
      unavailability: u,
      availability: percent(u),
      nines: u > 0 ? Math.round(-Math.log10(u) * 100) / 100 : null,
      downtimeHoursPerYear: Math.round(u * HOURS_PER_YEAR * 1000) / 1000,
      causes: sets.slice(0, 3).map((x) => ({ events: x.events.map(nameOf), share: Math.round((x.p / u) * 1000) / 1000 })),
      cutSets: sets.length,
    };
  });
  services.sort((a, b) => b.unavailability - a.unavailability || (a.service < b.service ? -1 : 1));
  return {
    method: `rare-event approximation over minimal cut sets of up to ${order} events; events independent; an estimate from assumed failure rates, not a prediction`,
    order,
    assumptions: Object.keys(model.reliability)
      .sort()
      .map((kind) => {
        const r = model.reliability[kind]!;
        return {
          kind,
          failuresPerYear: r.failuresPerYear,
          hoursToRecover: r.hoursToRecover,
          unavailability: Math.min(1, (r.failuresPerYear * r.hoursToRecover) / HOURS_PER_YEAR),
        };
      }),
    unassumed,
    services,
  };
}
