/**
 * Plays the open tour step against the live simulation, once per animation frame: applies the
 * step's scenario and speed, waits for the learner's guess, fires the step's actions at their
 * simulated times, and at `revealAfterS` reads the answer off the live snapshot and pauses.
 * Framework-free (store + controller in, store out), like the controller it sits beside.
 */
import { normalizeScenario, type LiveSnapshot } from '../../bridge/engine';
import { chapterById, closestChoice, measure, type Chapter, type TourStep } from '../../content/tours';
import type { AppStore } from '../../store/store';
import type { Controller } from '../controller';
import { effectiveScenario, effectiveSpeed } from './tourLogic';
import type { TourStore } from './tourStore';

export class TourDriver {
  private seq = -1;
  private runIdAtOpen = -1;
  private awaitingRun = false;
  private t0Us: number | null = null;
  private atStart: LiveSnapshot | null = null;
  private fired = 0;

  constructor(
    private readonly app: AppStore,
    private readonly tour: TourStore,
    private readonly ctl: Controller,
  ) {}

  /** The learner's guess: the step plays on towards its reveal. */
  choose(i: number): void {
    const ts = this.tour.getState();
    if (ts.phase !== 'asking') return;
    this.tour.setState({ choice: i, phase: 'running' });
    this.startClock();
  }

  frame(): void {
    const ts = this.tour.getState();
    if (!ts.chapterId) {
      this.seq = ts.openSeq;
      return;
    }
    const ch = chapterById(ts.chapterId);
    const step = ch?.steps[ts.step];
    if (!ch || !step) return;
    if (ts.openSeq !== this.seq) {
      this.seq = ts.openSeq;
      this.open(ch, ts.step, ts.jumped);
    }
    const world = this.ctl.world;
    const live = world.live;
    if (this.awaitingRun) {
      if (world.runId === this.runIdAtOpen || !live) return;
      this.awaitingRun = false;
      this.begin(step);
      return;
    }
    if (!live || this.t0Us === null || this.tour.getState().phase !== 'running') return;
    const acts = this.actions(step);
    while (this.fired < acts.length && live.nowUs >= this.t0Us + acts[this.fired]!.afterS * 1e6) {
      const a = acts[this.fired++]!;
      this.ctl.act(a.kind, a.server);
    }
    const q = step.question;
    if (q && live.nowUs >= this.t0Us + q.revealAfterS * 1e6) {
      const measured = measure(q.measure, live, this.atStart, world.scenario?.users ?? live.connections);
      this.app.getState().setPlaying(false);
      this.tour.setState({ phase: 'revealed', measured, simAnswer: closestChoice(q, measured) });
    }
  }

  private actions(step: TourStep) {
    return [...(step.actions ?? [])].sort((a, b) => a.afterS - b.afterS);
  }

  private open(ch: Chapter, i: number, jumped: boolean): void {
    const step = ch.steps[i]!;
    const st = this.app.getState();
    this.t0Us = null;
    this.atStart = null;
    this.fired = 0;
    const speed = step.speed ?? (jumped ? effectiveSpeed(ch, i) : undefined);
    if (speed !== undefined) st.setSpeed(speed);
    const scenario = step.scenario ?? (jumped ? effectiveScenario(ch, i) : null);
    this.tour.setState({ phase: 'loading' });
    // Hold the new run still until the step is ready (a question waits for the guess).
    st.setPlaying(false);
    if (scenario) {
      this.runIdAtOpen = this.ctl.world.runId;
      this.awaitingRun = true;
      st.replaceScenario(normalizeScenario(scenario));
    } else {
      this.runIdAtOpen = -1;
      this.awaitingRun = true;
    }
  }

  private begin(step: TourStep): void {
    if (step.question) {
      this.tour.setState({ phase: 'asking' });
      return;
    }
    this.tour.setState({ phase: 'running' });
    this.startClock();
  }

  private startClock(): void {
    const live = this.ctl.world.live;
    this.t0Us = live?.nowUs ?? 0;
    this.atStart = live;
    this.fired = 0;
    this.app.getState().setPlaying(true);
  }
}
