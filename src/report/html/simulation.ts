/**
 * The html page's simulation: the real failure engine (src/analysis/engine.ts),
 * bundled into the page with the rest of client.ts, run on the model the page
 * carries. Free of the DOM, so the same bundle can be checked against the
 * engine in Node (test/report/html-parity.test.ts).
 */
import { DOWN, Engine, STATE_NAMES, STRANDED, UP, engineInput, type PathStep, type ServiceState, type StateCode } from '../../analysis/engine.js';
import type { ResultModel } from '../../analysis/types.js';

export class PageSimulation {
  readonly engine: Engine;
  private readonly index: Map<string, number>;
  /** The failed events of the current scenario (model positions), empty for none. */
  events: number[] = [];

  constructor(private readonly model: ResultModel) {
    const input = engineInput(model);
    this.engine = new Engine(input);
    this.index = input.index;
  }

  /** The events of these node ids, each once, in order; an unknown id is an error. */
  eventsOf(ids: string[]): number[] {
    const events: number[] = [];
    for (const id of ids) {
      const i = this.index.get(id);
      if (i === undefined) throw new Error(`unknown node ${id}`);
      if (!events.includes(i)) events.push(i);
    }
    return events;
  }

  /** Evaluate a scenario; the states below are its own until the next run. */
  run(events: number[]): void {
    this.events = events;
    this.engine.evaluate(events);
  }

  /** The state of node i in the current scenario: a domain is down when lost. */
  stateOf(i: number): StateCode {
    if (this.model.nodes[i]!.kind === 'domain') return this.engine.isDomainLost(i) ? DOWN : UP;
    return this.engine.stateOf(i);
  }

  explain(i: number): PathStep[] {
    return this.engine.explain(i);
  }

  /** Every service's state, by name. */
  serviceStates(): Record<string, ServiceState> {
    const out: Record<string, ServiceState> = {};
    this.model.nodes.forEach((n, i) => {
      if (n.kind === 'service') out[n.name] = STATE_NAMES[this.stateOf(i)];
    });
    return out;
  }

  /** The explanation path of every service stranded or down, by name. */
  servicePaths(): Record<string, PathStep[]> {
    const out: Record<string, PathStep[]> = {};
    this.model.nodes.forEach((n, i) => {
      if (n.kind === 'service' && this.stateOf(i) >= STRANDED) out[n.name] = this.explain(i);
    });
    return out;
  }
}

/** For the parity test: each scenario (node ids) run as the page runs it, with its service states and paths. */
export function simulateScenarios(
  model: ResultModel,
  scenarios: string[][],
): Array<{ states: Record<string, ServiceState>; paths: Record<string, PathStep[]> }> {
  const sim = new PageSimulation(model);
  return scenarios.map((ids) => {
    sim.run(sim.eventsOf(ids));
    return { states: sim.serviceStates(), paths: sim.servicePaths() };
  });
}
