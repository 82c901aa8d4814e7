/**
 * Redis Cluster bus traffic as dots (issue 10). Which nodes a publish reaches over the bus is the
 * Redis Cluster rule (MECHANISMS.md): PUBLISH goes to every other node of the cluster — the other
 * masters and every replica, masters × (1 + replicas) − 1 messages — while SPUBLISH (sharded
 * pub/sub) stays in its shard and goes to that master's replicas only.
 *
 * The engine counts the bus messages each master sends (`ClusterView.busSent`), not each one's
 * moment, so the dots are driven by those counts: whenever a master's count has grown since the
 * last look, one publish's worth of dots (one to each node it reaches) leaves it. The dots show
 * where bus messages go and which master sends them; the counts under the masters say how many.
 * Pure; dots live in fixed typed arrays (no allocation per frame). The broker detail draws them.
 */

/** A node of the cluster: a master, or replica `replica` (0-based) of a master. */
export interface BusNode {
  master: number;
  /** −1 for the master itself. */
  replica: number;
}

/** The nodes one publish on master `from` reaches over the bus. Its length is `busPerPublish`. */
export function busTargets(
  from: number,
  masters: number,
  replicas: number,
  mode: 'publish' | 'spublish',
): BusNode[] {
  const out: BusNode[] = [];
  for (let m = 0; m < masters; m++) {
    if (mode === 'spublish' && m !== from) continue;
    if (m !== from) out.push({ master: m, replica: -1 });
    for (let r = 0; r < replicas; r++) out.push({ master: m, replica: r });
  }
  return out;
}

/** Dots alive at once at most (the oldest is reused when full). */
export const MAX_BUS_DOTS = 96;

export class BusDots {
  private prev: number[] = [];
  private readonly from = new Int16Array(MAX_BUS_DOTS);
  private readonly toMaster = new Int16Array(MAX_BUS_DOTS);
  private readonly toReplica = new Int16Array(MAX_BUS_DOTS);
  private readonly start = new Float64Array(MAX_BUS_DOTS);
  private next = 0;
  private alive = 0;
  private lastT = -Infinity;
  /** Dots sent since the run started, and the publishes ("bursts") they came in (for tests). */
  sent = 0;
  bursts = 0;

  /**
   * Looks at the masters' bus counts at simulated time `tUs`: each master whose count grew sends one
   * publish's dots. A count that shrank, a different cluster shape, or time going back (a new run,
   * a rewind) starts afresh.
   */
  observe(busSent: readonly number[], replicas: number, mode: 'publish' | 'spublish', tUs: number): void {
    const prev = this.prev;
    let fresh = prev.length !== busSent.length || tUs < this.lastT;
    for (let i = 0; !fresh && i < busSent.length; i++) fresh = busSent[i]! < prev[i]!;
    this.lastT = tUs;
    if (fresh) {
      this.prev = busSent.slice();
      this.alive = 0;
      this.sent = 0;
      this.bursts = 0;
      return;
    }
    const masters = busSent.length;
    for (let m = 0; m < masters; m++) {
      if (busSent[m]! <= prev[m]!) continue;
      prev[m] = busSent[m]!;
      this.bursts++;
      for (const t of busTargets(m, masters, replicas, mode)) {
        const k = this.next;
        this.next = (k + 1) % MAX_BUS_DOTS;
        this.from[k] = m;
        this.toMaster[k] = t.master;
        this.toReplica[k] = t.replica;
        this.start[k] = tUs;
        this.alive = Math.min(MAX_BUS_DOTS, this.alive + 1);
        this.sent++;
      }
    }
  }

  /**
   * Visits each dot in flight at simulated time `tUs`, with `f` ∈ [0, 1) how far along it is over a
   * trip of `durUs`. Returns how many were visited.
   */
  forEach(
    tUs: number,
    durUs: number,
    visit: (from: number, toMaster: number, toReplica: number, f: number) => void,
  ): number {
    let n = 0;
    for (let j = 0; j < this.alive; j++) {
      const k = (this.next - 1 - j + MAX_BUS_DOTS) % MAX_BUS_DOTS;
      const f = (tUs - this.start[k]!) / durUs;
      if (f < 0 || f >= 1) continue;
      visit(this.from[k]!, this.toMaster[k]!, this.toReplica[k]!, f);
      n++;
    }
    return n;
  }
}
