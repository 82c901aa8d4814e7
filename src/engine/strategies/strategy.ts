import type { Scenario } from '../scenario';

/**
 * How the server finds out (DESIGN.md): one module per answer. The world, the workload, the
 * connections and the coordinator call a strategy at these points; its own events (polls, broker
 * hops…) are dispatched straight to its concrete methods by the one switch in `simulation.ts`.
 */
export interface Strategy {
  readonly name: Scenario['strategy'];
  /** Puts the world in steady state at t = 0 (first polls, or every user connected). */
  warmStart(): void;
  /** The DB committed `sender`'s message `seq` of `room`: take it towards the recipients. */
  route(sender: number, room: number, seq: number, t0: number): void;
  /** User u's connection to `srv` is open (push strategies). */
  onConnected(u: number, srv: number): void;
  /** User u's connection closed or vanished (push strategies). */
  onDisconnected(u: number): void;
  /** The coordinator, LB and broker now know `srv` is dead. */
  onCrashDetected(srv: number): void;
  /** `srv` crashed this instant (strategies that keep per-server state without connections). */
  onServerCrashed?(srv: number): void;
  /** `srv` is up and accepting: restarted, back from a deploy, or added. */
  onServerUp?(srv: number): void;
  /** `srv` left (removed, or restarting in a deploy) and ends what it held (same). */
  onServerLeft?(srv: number): void;
  /** Deliveries held by this module (its state and its pending events), counted from the world. */
  pending(): number;
  /** Bytes this module's arrays hold. */
  memoryBytes(): number;
}
