/**
 * What the page draws from the engine's liveness view (issue 11; MECHANISMS.md "Liveness, capacity
 * and deploys"): detection countdowns on crashed servers, client dots that go red as each client
 * notices, accept queues, connection caps, broker output buffers, drains and the 100 ms reconnect
 * series. Pure functions of the data; the DOM lives in liveness.ts, topology.ts and charts.ts.
 */
import type { LivenessView } from '../../bridge/engine';
import { compact } from '../format';

type LiveServer = LivenessView['servers'][number];
type Leave = LivenessView['leaving'][number];
type OutputBuffer = LivenessView['outputBuffers'][number];

// ── a. detection countdown ────────────────────────────────────────────────────

export interface Countdown {
  server: number;
  /** Whole seconds (rounded up) until the last of its clients has noticed; 0 once due. */
  remainingS: number;
  /** Its clients that have not noticed yet. */
  unaware: number;
}

/**
 * Crashed servers whose clients have not all noticed, each with the time left until the last one
 * does (the engine's deadline: crash + heartbeat interval + timeout) at simulated second `nowS`.
 */
export function detectionCountdowns(servers: readonly LiveServer[], nowS: number): Countdown[] {
  const out: Countdown[] = [];
  for (const s of servers) {
    if (s.detectionDeadlineS === null || s.clientsUnnoticed <= 0) continue;
    out.push({
      server: s.id,
      remainingS: Math.max(0, Math.ceil(s.detectionDeadlineS - nowS - 1e-9)),
      unaware: s.clientsUnnoticed,
    });
  }
  return out;
}

/** "≤ 23 s · 412 unaware" on a roomy card; "23 s" where there is little room. */
export function countdownText(c: Countdown, roomy: boolean): string {
  return countdownVariants(c)[roomy ? 0 : 3]!;
}

/** The countdown's wordings, longest first; the page shows the longest that fits its card. */
export function countdownVariants(c: Countdown): string[] {
  const n = compact(c.unaware);
  return [
    `≤ ${c.remainingS} s · ${n} unaware`,
    `${c.remainingS} s · ${n} unaware`,
    `${c.remainingS} s · ${n}`,
    `${c.remainingS} s`,
  ];
}

// ── a. client dots ───────────────────────────────────────────────────────────

/** How a client dot is drawn (topology.ts maps these to classes). */
export const Dot = {
  /** Not connected (before its first connect). */
  Off: 0,
  Connected: 1,
  /** Reconnecting: moved by a membership change, or noticed that its server died. */
  Reconnecting: 2,
  /** Its server crashed but it has not noticed yet: it still believes it is connected. */
  Unaware: 3,
} as const;

const NONE = 0xffff;

/**
 * One state per client-grid slot. `victim` (one byte per slot, kept by the caller between calls)
 * remembers that a slot's client lost its server to a crash: once it notices it is drawn
 * reconnecting (red) until it is connected to a live server again. `down[s]` is 1 for a crashed
 * (or gone) server, so a sample taken before the crash does not count as connected. Traced users
 * and sample users are both ascending, and every sample user is traced (simulation.ts), so one walk
 * pairs them. Writes into `out` and returns it.
 */
export function clientDotStates(
  sample: { users: Uint32Array; connectedTo: Uint16Array; moved: Uint8Array },
  traced: { tracedUsers: readonly number[]; tracedUnnoticed: readonly number[] } | null,
  down: Uint8Array,
  victim: Uint8Array,
  out: Uint8Array,
): Uint8Array {
  out.fill(Dot.Connected);
  const n = Math.min(out.length, sample.connectedTo.length, victim.length);
  let t = 0;
  const tu = traced?.tracedUsers ?? [];
  const tn = traced?.tracedUnnoticed ?? [];
  for (let i = 0; i < n; i++) {
    const u = sample.users[i]!;
    while (t < tu.length && tu[t]! < u) t++;
    const unaware = t < tu.length && tu[t] === u && tn[t] === 1;
    const srv = sample.connectedTo[i]!;
    const connected = srv !== NONE && down[srv] !== 1;
    if (unaware) {
      victim[i] = 1;
      out[i] = Dot.Unaware;
    } else if (connected) {
      victim[i] = 0;
      out[i] = Dot.Connected;
    } else out[i] = victim[i] === 1 || sample.moved[i] === 1 ? Dot.Reconnecting : Dot.Off;
  }
  return out;
}

// ── c. accept queue and connection cap ───────────────────────────────────────

/** The accept queue as a bar against the listen backlog (the kernel drops attempts past it). */
export function acceptBar(s: Pick<LiveServer, 'acceptQueue' | 'listenBacklog'>): {
  fill: number;
  full: boolean;
  label: string;
} {
  const cap = Math.max(1, s.listenBacklog);
  return {
    fill: Math.min(1, s.acceptQueue / cap),
    full: s.acceptQueue >= cap,
    label: compact(s.acceptQueue),
  };
}

/**
 * The connection bar's full scale: the busiest server, or the cap when one is set (so the cap line
 * sits at the bar's end and a server at its cap fills it).
 */
export function connectionScale(connections: readonly number[], cap: number): number {
  let max = 1;
  for (const c of connections) if (c > max) max = c;
  return cap > 0 ? Math.max(cap, max) : max;
}

/** Where the cap line sits along a bar `width` long (null when there is no cap). */
export function capX(cap: number, scale: number, width: number): number | null {
  if (cap <= 0 || scale <= 0) return null;
  return (width * Math.min(cap, scale)) / scale;
}

// ── d. broker → server output buffers ───────────────────────────────────────

export interface Gauge {
  server: number;
  /** Share of the hard limit filled (1 once cut off). */
  fill: number;
  /** Where the soft limit sits on the gauge (0..1). */
  soft: number;
  state: 'ok' | 'soft' | 'cut';
  label: string;
  /** The label where there is little room ("19 MiB", "cut"). */
  short: string;
}

/** KiB as MiB with one decimal ("3.1 MiB"), the unit of Redis's `client-output-buffer-limit`. */
function mib(kb: number): string {
  const m = kb / 1024;
  return `${m < 10 ? m.toFixed(1) : m.toFixed(0)} MiB`;
}

/**
 * The gauge on a broker → server link: Redis's own buffer for that subscriber against the hard
 * limit, with the soft limit marked; red once the broker cuts it off. While the kernel's socket
 * buffers still absorb the backlog, Redis's share is 0 and the label counts queued messages.
 */
export function bufferGauge(b: OutputBuffer): Gauge {
  const hard = Math.max(1, b.hardKb);
  const state = b.cut ? 'cut' : b.softKb > 0 && b.redisKb >= b.softKb ? 'soft' : 'ok';
  return {
    server: b.server,
    fill: b.cut ? 1 : Math.min(1, Math.max(0, b.redisKb / hard)),
    soft: Math.min(1, Math.max(0, b.softKb / hard)),
    state,
    label: b.cut
      ? 'cut off'
      : b.redisKb > 0
        ? `${mib(b.redisKb)} / ${mib(b.hardKb)}`
        : `${compact(b.queuedMsgs)} queued`,
    short: b.cut ? 'cut' : b.redisKb > 0 ? mib(b.redisKb) : `${compact(b.queuedMsgs)} q`,
  };
}

// ── e. draining ────────────────────────────────────────────────────────────

/** What a leaving server's card says: lame duck (not accepting, still holding) or closing. */
export function drainLabel(l: Pick<Leave, 'phase' | 'clientsHeld'>): string {
  return l.phase === 'grace'
    ? `lame duck · ${compact(l.clientsHeld)}`
    : `draining · ${compact(l.clientsHeld)}`;
}

// ── b. reconnects per 100 ms ────────────────────────────────────────────────

export interface ReconnectBins {
  /** Start of the first bin (simulated s) and the bin width (s). */
  startS: number;
  binS: number;
  counts: Uint32Array;
  total: number;
  peak: number;
  /** Share of the window's attempts in its busiest 100 ms: near 1 for a herd, small for a smear. */
  peakShare: number;
}

/** The reconnect series summarised for the chart. */
export function reconnectBins(s: LivenessView['reconnectSeries']): ReconnectBins {
  let total = 0;
  let peak = 0;
  for (let i = 0; i < s.counts.length; i++) {
    const c = s.counts[i]!;
    total += c;
    if (c > peak) peak = c;
  }
  return {
    startS: s.startS,
    binS: s.binMs / 1000,
    counts: s.counts,
    total,
    peak,
    peakShare: total > 0 ? peak / total : 0,
  };
}
