import type { Rng } from '../core/rng';
import {
  ACTIONS,
  leaveDrains,
  refusalOf,
  stepStates,
  type Scenario,
  type ActionKind,
  type ServerLifecycle,
  type Strategy,
  type TimelineEntry,
} from '../scenario';

/**
 * Keeps the entries of a (sorted) timeline the world would accept, in order: it steps server
 * states the way the engine does and drops any action the engine would refuse.
 */
export function acceptedTimeline(
  strategy: Strategy,
  servers: number,
  entries: readonly TimelineEntry[],
  drain: Scenario['drain'] = 'lame-duck',
): TimelineEntry[] {
  const drains = leaveDrains({ strategy, drain });
  const states: ServerLifecycle[] = Array.from({ length: servers }, () => 'up');
  const out: TimelineEntry[] = [];
  for (const e of [...entries].sort((x, y) => x.atS - y.atS)) {
    const broker = e.action === 'crash-broker' || e.action === 'recover-broker';
    if (!broker && e.server !== undefined && e.server >= states.length && e.action !== 'add-server') continue;
    if (refusalOf(e.action, e.server, states) !== null) continue;
    stepStates(states, e.action, e.server, drains);
    out.push(e);
  }
  return out;
}

/**
 * A random timeline of every action kind, with bursts at the same instant and actions that
 * overlap a running change (within the propagation, detection and drain windows), some naming a
 * server. Only accepted actions are kept (see {@link acceptedTimeline}).
 */
export function randomTimeline(
  rng: Rng,
  strategy: Strategy,
  servers: number,
  opts: { fromS: number; toS: number; count: number; brokerShards?: number; drain?: Scenario['drain'] },
): TimelineEntry[] {
  const brokerShards = opts.brokerShards ?? 1;
  const raw: TimelineEntry[] = [];
  let atS = opts.fromS;
  for (let i = 0; i < opts.count; i++) {
    const r = rng.next();
    // Same instant, within 50 ms (an announce phase), within a few seconds, or later.
    if (r < 0.3) atS += 0;
    else if (r < 0.5) atS += Math.round(rng.next() * 60) / 1000;
    else if (r < 0.8) atS += Math.round(rng.next() * 4000) / 1000;
    else atS += Math.round(rng.next() * (opts.toS - opts.fromS) * 100) / 1000;
    atS = Math.min(atS, opts.toS);
    const action: ActionKind = ACTIONS[rng.int(ACTIONS.length)]!;
    const named = rng.next() < 0.5 && action !== 'add-server';
    const broker = action === 'crash-broker' || action === 'recover-broker';
    // A server id may name one not added yet or already gone (the world refuses those, and they
    // are dropped); a broker shard only one that exists.
    raw.push(named ? { atS, action, server: rng.int(broker ? brokerShards : servers + 2) } : { atS, action });
  }
  return acceptedTimeline(strategy, servers, raw, opts.drain);
}
