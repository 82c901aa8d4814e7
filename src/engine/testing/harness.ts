import { expect } from 'vitest';
import { createSimulation, type Simulation } from '../simulation';
import type { ActionKind, ScenarioInput } from '../scenario';
import type { Result, StoreBudgets } from '../types';

/**
 * Fluent headless harness for engine tests:
 * `new SimHarness({ strategy: 'pubsub' }).runFor(10).act('crash-server').runFor(10).expectConservation()`.
 */
export class SimHarness {
  readonly sim: Simulation;
  private cached: Result | null = null;

  constructor(scenario: ScenarioInput, budgets?: StoreBudgets) {
    this.sim = createSimulation(scenario, budgets);
  }

  /** Runs `seconds` more simulated seconds. */
  runFor(seconds: number): this {
    this.sim.runUntil(this.sim.nowUs + Math.round(seconds * 1e6));
    this.cached = null;
    return this;
  }

  /** Runs until simulated time `seconds`. */
  runTo(seconds: number): this {
    this.sim.runUntil(Math.round(seconds * 1e6));
    this.cached = null;
    return this;
  }

  act(kind: ActionKind, server?: number): this {
    this.sim.act(kind, server);
    this.cached = null;
    return this;
  }

  get result(): Result {
    this.cached ??= this.sim.result();
    return this.cached;
  }

  /** Every expected delivery is delivered, lost or pending, and expected = Σ recipients. */
  expectConservation(): this {
    const t = this.result.totals;
    expect(t.deliveries + t.lostDeliveries + t.pendingDeliveries, 'delivered + lost + pending').toBe(
      t.expectedDeliveries,
    );
    expect(t.pendingDeliveries, 'pending').toBeGreaterThanOrEqual(0);
    return this;
  }

  /** Series rows with tS in [fromS, toS). */
  rows(fromS: number, toS = Infinity) {
    return this.result.series.filter((r) => r.tS >= fromS && r.tS < toS);
  }
}

/**
 * Runs `scenario` to its end and checks conservation — delivered + lost + pending = expected,
 * with pending and lost ≥ 0 — at `checks` evenly spaced instants (the oracle pinned fuzz seeds
 * are held to). Returns the final Result.
 */
export function expectConservedThroughout(scenario: ScenarioInput, checks = 40, label = 'scenario'): Result {
  const sim = createSimulation(scenario);
  const endUs = Math.round(sim.scenario.durationS * 1e6) + 1;
  let r: Result | null = null;
  for (let i = 1; i <= checks; i++) {
    sim.runUntil(Math.round((endUs * i) / checks));
    r = sim.result();
    const t = r.totals;
    const at = `${label} at ${sim.nowUs / 1e6} s`;
    expect(t.deliveries + t.lostDeliveries + t.pendingDeliveries, `${at}: delivered + lost + pending`).toBe(
      t.expectedDeliveries,
    );
    expect(t.pendingDeliveries, `${at}: pending`).toBeGreaterThanOrEqual(0);
    expect(t.lostDeliveries, `${at}: lost`).toBeGreaterThanOrEqual(0);
  }
  return r!;
}

/** |actual − expected| ≤ relTol·|expected|, with a readable failure. */
export function expectNear(actual: number, expected: number, relTol: number, label = 'value'): void {
  const err = Math.abs(actual - expected) / Math.max(1e-12, Math.abs(expected));
  expect(err, `${label}: ${actual} vs expected ${expected} (tolerance ${relTol * 100}%)`).toBeLessThanOrEqual(
    relTol,
  );
}

/** Erlang C: probability an arrival waits in an M/M/c queue with offered load a = λ/μ. */
export function erlangC(c: number, a: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const top = ((term * a) / c) * (c / (c - a));
  return top / (sum + top);
}
