/**
 * The accessible twin's words: what changed in the run, as short sentences a screen reader can
 * speak at a readable pace. Pure: the live region component decides when to speak.
 */
import type { ActionReport, Scenario } from '../../bridge/engine';
import type { Summary } from '../../store/summary';

export interface NarrationState {
  runId: number;
  /** Timeline entries already announced. */
  announced: number;
  saturated: boolean;
  /** Simulated second of the last periodic digest. */
  lastDigestS: number;
}

export const initialNarration = (runId = -1): NarrationState => ({
  runId,
  announced: 0,
  saturated: false,
  lastDigestS: 0,
});

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (f: number) => `${Math.round(f * 100)} %`;

function ms(v: number): string {
  return v >= 1000
    ? `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)} s`
    : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
}

function clockWords(s: number): string {
  const m = Math.floor(s / 60);
  const r = Math.floor(s - m * 60);
  return `${m}:${String(r).padStart(2, '0')}`;
}

const DRAIN_WORDS: Record<Scenario['drain'], string> = {
  'lame-duck': 'lame duck (it stops accepting, then closes its clients a few at a time)',
  'grace-period': 'grace period (it closes its clients over time, then kills the rest)',
  kill: 'kill (all its clients are cut at once and reconnect together)',
};

export function describeAction(a: ActionReport, s: Scenario): string {
  const share = s.users > 0 ? a.usersMoved / s.users : 0;
  const who = a.server < 0 ? 'A server' : `Server ${a.server}`;
  switch (a.action) {
    case 'add-server':
      if (s.strategy === 'polling')
        return `${who} added; polls now spread over one more server, nobody reconnects.`;
      if (s.strategy === 'long-polling')
        return `${who} added; new requests spread over one more server, nobody reconnects.`;
      if (s.strategy === 'pubsub') return `${who} added; nobody has to move, it takes new connections.`;
      return `${who} added; ${pct(share)} of users (${int(a.usersMoved)}) are moving to a new owner.`;
    case 'remove-server':
    case 'crash-server': {
      const verb = a.action === 'crash-server' ? 'crashed' : 'removed';
      if (s.strategy === 'polling')
        return `${who} ${verb}; the next polls go to the others, nothing is lost.`;
      if (s.strategy === 'long-polling')
        return `${who} ${verb}; the requests it held ask again elsewhere${a.action === 'crash-server' ? ' once the load balancer notices' : ''}, nothing is lost.`;
      return `${who} ${verb}; ${int(a.usersMoved)} users (${pct(share)}) must reconnect.`;
    }
    case 'crash-broker':
      return 'The broker crashed; messages published now reach nobody.';
    case 'recover-broker':
      return 'The broker is back; servers resubscribe.';
    case 'restart-server':
      return `${who} restarted, empty; it takes new connections again.`;
    case 'deploy':
      return `A rolling deploy started: the servers restart one at a time, each leaving by ${DRAIN_WORDS[s.drain]}.`;
    default:
      return `${a.action} at ${a.atS.toFixed(1)} s.`;
  }
}

export function digest(sum: Summary, s: Scenario): string {
  const parts: string[] = [];
  if (sum.latencyCount > 0) parts.push(`latency p50 ${ms(sum.latencyP50Ms)}, p99 ${ms(sum.latencyP99Ms)}`);
  const lp = s.strategy === 'long-polling';
  if ((s.strategy === 'polling' || lp) && sum.dbReadsPerS !== null)
    parts.push(`${int(sum.dbReadsPerS)} DB reads/s`);
  if (s.strategy === 'pubsub' && sum.brokerPerS !== null) parts.push(`broker ${int(sum.brokerPerS)} msgs/s`);
  if (lp) parts.push(`${int(sum.connections)} requests held`);
  else if (s.strategy !== 'polling') parts.push(`${int(sum.connections)} connections open`);
  parts.push(`${int(sum.reconnects)} reconnects`, `${int(sum.lost)} lost`);
  return `At ${clockWords(sum.simTimeS)}: ${parts.join('; ')}.`;
}

/**
 * What to say now, if anything: actions and DB saturation as they happen, otherwise a digest every
 * `everyS` simulated seconds.
 */
/**
 * Simulated seconds after an action before the engine knows whom it moved: with hashing, members
 * learn of a change after the coordination delay, and of a crash only after the detection timeout.
 */
export function settleS(a: ActionReport, s: Scenario): number {
  const hashing = s.strategy === 'modulo-hashing' || s.strategy === 'consistent-hashing';
  if (!hashing || a.action === 'crash-broker' || a.action === 'recover-broker') return 0;
  const coordS = s.coordPropagationMs / 1000 + 0.5;
  return a.action === 'crash-server' ? s.failureDetectionS + coordS : coordS;
}

export function narrate(
  prev: NarrationState,
  sum: Summary,
  s: Scenario,
  everyS = 10,
): { say: string[]; digest: boolean; next: NarrationState } {
  const st = prev.runId === sum.runId ? { ...prev } : initialNarration(sum.runId);
  const say: string[] = [];
  // Announce in order, each once its effect is known (so the share that moves is the real one).
  while (st.announced < sum.timeline.length) {
    const a = sum.timeline[st.announced]!;
    if (sum.simTimeS < a.atS + settleS(a, s)) break;
    say.push(describeAction(a, s));
    st.announced++;
  }
  const sat = sum.dbUtilization >= 0.95 && (sum.dbRejectedPerS ?? 0) > 0;
  if (sat && !st.saturated) say.push(`DB saturated: ${int(sum.dbRejectedPerS ?? 0)} rejected/s.`);
  if (!sat && st.saturated) say.push('DB load is back under capacity.');
  st.saturated = sat;
  if (say.length === 0 && sum.simTimeS - st.lastDigestS >= everyS) {
    st.lastDigestS = sum.simTimeS;
    return { say: [digest(sum, s)], digest: true, next: st };
  }
  if (say.length) st.lastDigestS = sum.simTimeS;
  return { say, digest: false, next: st };
}
