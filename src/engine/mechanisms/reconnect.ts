import type { Rng } from '../core/rng';
import type { Scenario } from '../scenario';

/** Reconnect series resolution for the page (a storm is a spike or a smear at this scale). */
export const RECONNECT_BIN_US = 100_000;
/** Bins kept (the last 60 s). */
export const RECONNECT_BINS = 600;

/**
 * The clients' reconnect policy (Socket.IO's backoff): `immediate` (retry at once: a herd),
 * `exponential` (base · 2^attempt, capped), `exponential-jitter` (the same, each delay moved by up
 * to ± `reconnectJitter` of itself, as engine.io-client's `backo2` does). Each user's attempt count
 * resets when it connects.
 */
export class ReconnectPolicy {
  /** Failed attempts since each user last connected (saturates at 255). */
  readonly attempts: Uint8Array;
  private readonly kind: Scenario['reconnect'];
  private readonly baseUs: number;
  private readonly maxUs: number;
  private readonly jitter: number;
  /**
   * Floor of every retry after a failed attempt: a client learns of the failure no sooner than a
   * round trip (so a herd with nowhere to go does not spin in zero time).
   */
  private readonly retryFloorUs: number;
  /** Reconnect attempts started, per 100 ms bin (a ring of the last 60 s). */
  readonly bins = new Uint32Array(RECONNECT_BINS);
  /** Index (time / bin) of the newest bin written. */
  private lastBin = 0;

  constructor(
    s: Scenario,
    users: number,
    private readonly rng: Rng,
  ) {
    this.attempts = new Uint8Array(users);
    this.kind = s.reconnect;
    this.baseUs = s.reconnectBaseMs * 1000;
    this.maxUs = s.reconnectMaxMs * 1000;
    this.jitter = s.reconnectJitter;
    this.retryFloorUs = Math.max(1000, s.clientRttMs * 1000);
  }

  /** The wait before user u's next attempt (µs, ≥ 1) ; counts the attempt. */
  nextDelayUs(u: number): number {
    const n = this.attempts[u]!;
    if (n < 255) this.attempts[u] = n + 1;
    const floor = n === 0 ? 1 : this.retryFloorUs;
    if (this.kind === 'immediate') return floor;
    let us = this.baseUs * Math.pow(2, Math.min(n, 40));
    if (this.kind === 'exponential-jitter' && this.jitter > 0) {
      // backo2: one draw decides both the size and the sign of the deviation.
      const r = this.rng.next();
      const dev = Math.floor(r * this.jitter * us);
      us = (Math.floor(r * 10) & 1) === 0 ? us - dev : us + dev;
    }
    return Math.max(floor, Math.min(us, this.maxUs));
  }

  /** User u connected: its next disconnect starts from the base delay again. */
  connected(u: number): void {
    this.attempts[u] = 0;
  }

  /** Counts one reconnect attempt starting at `nowUs` in the 100 ms series. */
  countAttempt(nowUs: number): void {
    const b = Math.floor(nowUs / RECONNECT_BIN_US);
    if (b > this.lastBin) {
      // Clear the bins skipped since the last write (at most the whole ring).
      for (let i = this.lastBin + 1, n = 0; i <= b && n < RECONNECT_BINS; i++, n++)
        this.bins[i % RECONNECT_BINS] = 0;
      this.lastBin = b;
    }
    if (b > this.lastBin - RECONNECT_BINS) this.bins[b % RECONNECT_BINS]!++;
  }

  /**
   * Reconnect attempts per 100 ms bin over the last `windowS` seconds up to `nowUs`, oldest first
   * (a copy: for the page's chart).
   */
  series(nowUs: number, windowS = 10): { binMs: number; startS: number; counts: Uint32Array } {
    const nb = Math.min(RECONNECT_BINS, Math.round((windowS * 1e6) / RECONNECT_BIN_US));
    const end = Math.floor(nowUs / RECONNECT_BIN_US);
    const out = new Uint32Array(nb);
    for (let i = 0; i < nb; i++) {
      const b = end - nb + 1 + i;
      if (b < 0 || b > this.lastBin || b <= this.lastBin - RECONNECT_BINS) continue;
      out[i] = this.bins[b % RECONNECT_BINS]!;
    }
    return { binMs: RECONNECT_BIN_US / 1000, startS: ((end - nb + 1) * RECONNECT_BIN_US) / 1e6, counts: out };
  }
}
