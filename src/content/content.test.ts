import { describe, expect, it } from 'vitest';
import { CHAPTERS, closestChoice, measure, type Chapter } from './tours';
import { PRESETS } from './presets';
import { createSimulation, normalizeScenario, type LiveSnapshot, type Simulation } from '../engine';

/** Plays a chapter headlessly as the page would; returns each question's measured answer. */
function play(ch: Chapter) {
  let sim: Simulation | null = null;
  const answers: { prompt: string; chosen: number; answer: number; measured: number }[] = [];
  for (const step of ch.steps) {
    if (step.scenario) sim = createSimulation(step.scenario);
    expect(sim, `${ch.id}: the first step sets a scenario`).not.toBeNull();
    const s = sim!;
    const t0 = s.nowUs;
    const atStart: LiveSnapshot = s.live();
    const acts = [...(step.actions ?? [])].sort((a, b) => a.afterS - b.afterS);
    for (const a of acts) {
      s.runUntil(t0 + a.afterS * 1e6);
      s.act(a.kind, a.server);
    }
    const q = step.question;
    const endS = Math.max(q?.revealAfterS ?? 3, ...acts.map((a) => a.afterS + 1));
    s.runUntil(t0 + endS * 1e6);
    if (q) {
      const measured = measure(q.measure, s.live(), atStart, s.scenario.users);
      answers.push({ prompt: q.prompt, chosen: closestChoice(q, measured), answer: q.answer, measured });
    }
  }
  return answers;
}

describe('guided tours', () => {
  for (const ch of CHAPTERS) {
    it(`"${ch.title}": the simulation answers each question as the arithmetic predicts`, () => {
      const answers = play(ch);
      for (const a of answers) expect(a.chosen, `${a.prompt} (measured ${a.measured})`).toBe(a.answer);
    });
  }

  it('every chapter has a unique id and at least one predict-then-reveal question', () => {
    expect(new Set(CHAPTERS.map((c) => c.id)).size).toBe(CHAPTERS.length);
    for (const ch of CHAPTERS) expect(ch.steps.some((s) => s.question)).toBe(true);
  });
});

describe('presets', () => {
  it('are valid scenarios with a sentence on what to watch', () => {
    expect(PRESETS.length).toBeGreaterThanOrEqual(7);
    for (const p of PRESETS) {
      expect(() => normalizeScenario(p.scenario), p.id).not.toThrow();
      expect(p.watch.length).toBeGreaterThan(20);
    }
  });

  it('run and conserve deliveries', () => {
    for (const p of PRESETS.filter((x) => (x.scenario.users ?? 1000) <= 100_000)) {
      const sim = createSimulation({ ...p.scenario, durationS: 3 });
      sim.run();
      const t = sim.result().totals;
      expect(t.deliveries + t.lostDeliveries + t.pendingDeliveries, p.id).toBe(t.expectedDeliveries);
    }
  });
});
