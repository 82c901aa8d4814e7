import type { Rng } from '../core/rng';
import { normalizeScenario, type Scenario, type ScenarioInput, type Strategy } from '../scenario';
import { settleTimeS } from '../settled';
import { randomTimeline } from './timelines';

/** What {@link fuzzWorld} draws: a small world, its timeline and its workload. */
export interface FuzzWorld {
  servers: number;
  timeline: NonNullable<ScenarioInput['timeline']>;
  /** Strategy, seed, servers, timeline and the workload (users, rooms, rate, topic). */
  base: ScenarioInput;
}

/**
 * The seeded world the engine's fuzz tests share (membership, delivery guarantees): 2–5 servers,
 * a random timeline of 2–9 overlapping actions between 2 s and 10 s (see `randomTimeline`), and
 * 1,500–3,999 users in rooms of 2–6 sending 2–11 messages a minute on user or room topics.
 * Drawn from `rng` in this fixed order — servers, the timeline, users, room size, rate, topic —
 * so pinned seeds keep their scenarios; a caller draws its own fields after these.
 */
export function fuzzWorld(
  rng: Rng,
  strategy: Strategy,
  seed: number,
  opts: { brokerShards?: number; drain?: Scenario['drain'] } = {},
): FuzzWorld {
  const servers = 2 + rng.int(4);
  const timeline = randomTimeline(rng, strategy, servers, {
    fromS: 2,
    toS: 10,
    count: 2 + rng.int(8),
    ...opts,
  });
  const base: ScenarioInput = {
    strategy,
    seed,
    servers,
    timeline,
    users: 1_500 + rng.int(2_500),
    roomSize: 2 + rng.int(5),
    messagesPerUserPerMin: 2 + rng.int(10),
    topic: rng.next() < 0.5 ? 'user' : 'room',
  };
  return { servers, timeline, base };
}

/**
 * Whole seconds to run `input` so that it has settled after its last action (`settleTimeS`, with
 * every non-broker action a change that may queue), plus `tailS` more.
 */
export function settledDurationS(input: ScenarioInput, tailS = 0): number {
  const timeline = input.timeline ?? [];
  const lastS = timeline.at(-1)?.atS ?? 0;
  const changes = timeline.filter((e) => !e.action.includes('broker')).length;
  return Math.ceil(lastS + settleTimeS(normalizeScenario(input), changes) + tailS);
}
