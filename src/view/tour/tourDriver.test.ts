import { describe, expect, it } from 'vitest';
import { createSimulation, normalizeScenario, type ActionKind, type Simulation } from '../../engine';
import { chapterById } from '../../content/tours';
import { createAppStore } from '../../store/store';
import type { Controller } from '../controller';
import { World } from '../world';
import { TourDriver } from './tourDriver';
import { createTourStore, openStep } from './tourStore';

/**
 * The driver against the real engine, with the worker and frame loop played by hand: a restart
 * (runKey bump) makes a new simulation, each "frame" runs it a little and publishes its snapshot.
 */
function rig() {
  const app = createAppStore({ playing: true });
  const tour = createTourStore();
  const world = new World();
  let sim: Simulation | null = null;
  const acts: { kind: ActionKind; atS: number }[] = [];
  const ctl = {
    world,
    act: (kind: ActionKind, server?: number) => {
      acts.push({ kind, atS: sim!.nowUs / 1e6 });
      sim!.act(kind, server);
    },
  } as unknown as Controller;
  app.subscribe((s, prev) => {
    if (s.runKey === prev.runKey) return;
    sim = createSimulation(s.scenario);
    world.runId++;
    world.scenario = s.scenario;
    world.live = sim.live();
  });
  const driver = new TourDriver(app, tour, ctl);
  /** One frame: the simulation moves on by `dtS` if playing, then the driver looks. */
  const frame = (dtS = 0.1) => {
    if (sim && app.getState().playing) {
      sim.runUntil(sim.nowUs + dtS * 1e6);
      world.live = sim.live();
    }
    driver.frame();
  };
  return { app, tour, driver, frame, acts, world };
}

describe('TourDriver', () => {
  it('opens a step by link: rebuilds its scenario, waits for the guess, acts, then reveals and pauses', () => {
    const r = rig();
    openStep(r.tour, 'simple-hashing', 1, true);
    r.frame();
    // The chapter's scenario (from step 1) replaced the page's, held still for the guess.
    expect(r.app.getState().scenario.strategy).toBe('modulo-hashing');
    expect(r.app.getState().scenario.users).toBe(20_000);
    r.frame();
    expect(r.tour.getState().phase).toBe('asking');
    expect(r.app.getState().playing).toBe(false);
    const t0 = r.world.live!.nowUs;
    r.frame();
    expect(r.world.live!.nowUs).toBe(t0);

    r.driver.choose(1);
    expect(r.tour.getState()).toMatchObject({ phase: 'running', choice: 1 });
    expect(r.app.getState().playing).toBe(true);
    for (let i = 0; i < 200 && r.tour.getState().phase === 'running'; i++) r.frame();
    // The step's action fired at its simulated time after the guess.
    expect(r.acts).toHaveLength(1);
    expect(r.acts[0]!.kind).toBe('add-server');
    expect(r.acts[0]!.atS).toBeCloseTo(2, 0);
    const s = r.tour.getState();
    expect(s.phase).toBe('revealed');
    expect(s.measured).toBeGreaterThan(0.7);
    expect(s.measured).toBeLessThan(0.9);
    expect(s.simAnswer).toBe(chapterById('simple-hashing')!.steps[1]!.question!.answer);
    expect(r.app.getState().playing).toBe(false);
  });

  it('a step without a question just plays, at the step’s speed', () => {
    const r = rig();
    openStep(r.tour, 'polling', 0, true);
    r.frame();
    r.frame();
    expect(r.tour.getState().phase).toBe('running');
    expect(r.app.getState().playing).toBe(true);
    expect(r.app.getState().speed).toBe(0.05);
    // Next (in order) keeps the running simulation: no restart.
    const key = r.app.getState().runKey;
    openStep(r.tour, 'polling', 1, false);
    r.frame();
    r.frame();
    expect(r.app.getState().runKey).toBe(key);
    expect(r.app.getState().speed).toBe(1);
    expect(r.tour.getState().phase).toBe('asking');
  });

  it('Back rebuilds the scenario earlier steps left running', () => {
    const r = rig();
    openStep(r.tour, 'consistent-hashing', 2, true);
    r.frame();
    expect(normalizeScenario(r.app.getState().scenario).strategy).toBe('consistent-hashing');
    const key = r.app.getState().runKey;
    openStep(r.tour, 'consistent-hashing', 1, true);
    r.frame();
    expect(r.app.getState().runKey).toBe(key + 1);
  });
});
