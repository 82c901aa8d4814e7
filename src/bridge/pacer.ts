/**
 * Paces simulated time against wall time × speed. Pure logic with an injected clock, so it is
 * unit-tested in-process; the worker only supplies `performance.now` and a timer.
 *
 * Each tick turns elapsed wall time into a simulated-time target and runs the engine towards it in
 * chunks of `chunkEvents`, stopping when the tick's wall budget is spent. When the budget runs out
 * first the pacer is *behind*: it drops the debt instead of hoarding it (a hoarded debt would make
 * the simulation sprint later, which is worse for a viewer than running slower), and reports the
 * speed it actually achieved.
 */
export interface PacedSim {
  readonly nowUs: number;
  /** Runs events strictly before `untilUs`, at most `maxEvents`; returns the events run. */
  runUntil(untilUs: number, maxEvents?: number): number;
}

export interface PacerOptions {
  /** Wall clock in milliseconds (performance.now in the worker; a fake in tests). */
  now: () => number;
  /** Events per runUntil call; the budget is checked between chunks. */
  chunkEvents?: number;
  /** Wall milliseconds one tick may spend simulating. */
  tickBudgetMs?: number;
  /** Wall gaps longer than this (a hidden tab, a GC pause) count as this much. */
  maxGapMs?: number;
  /** How far a paused Step runs, in wall milliseconds of motion at the current speed. */
  stepWallMs?: number;
  /** Window over which the achieved speed is measured. */
  windowMs?: number;
}

export interface TickResult {
  events: number;
  /** The wall budget, not the target, ended this tick. */
  limited: boolean;
}

export class Pacer {
  playing = false;
  speed = 1;
  /** Simulated-time target of a Step in progress (µs), or null. */
  stepTargetUs: number | null = null;
  /** Whether recent ticks were limited by the budget. */
  behind = false;

  private readonly now: () => number;
  private readonly chunkEvents: number;
  private readonly tickBudgetMs: number;
  private readonly maxGapMs: number;
  private readonly stepWallMs: number;
  private readonly windowMs: number;
  private lastWall: number | null = null;
  /** Fractional µs owed to the simulation from earlier ticks. */
  private debtUs = 0;
  /** (wall ms, sim µs) samples for the achieved-speed window. */
  private samples: number[] = [];
  private limitedTicks = 0;

  constructor(opts: PacerOptions) {
    this.now = opts.now;
    this.chunkEvents = opts.chunkEvents ?? 20_000;
    this.tickBudgetMs = opts.tickBudgetMs ?? 12;
    this.maxGapMs = opts.maxGapMs ?? 100;
    this.stepWallMs = opts.stepWallMs ?? 600;
    this.windowMs = opts.windowMs ?? 1000;
  }

  /** Whether ticks are needed at all (playing or stepping). */
  get active(): boolean {
    return this.playing || this.stepTargetUs !== null;
  }

  /** A fresh run: new intent, no step in progress, clock restarted. */
  reset(playing: boolean, speed: number): void {
    this.playing = playing;
    this.stepTargetUs = null;
    this.setSpeed(speed);
    this.restartClock();
  }

  setPlaying(playing: boolean): void {
    if (playing === this.playing) return;
    this.playing = playing;
    this.stepTargetUs = null;
    this.restartClock();
  }

  setSpeed(speed: number): void {
    if (!(speed > 0) || !Number.isFinite(speed)) return;
    this.speed = speed;
    this.restartClock();
  }

  /** Starts a short stretch of paced motion while paused: `stepWallMs` of wall time at the current speed. */
  step(sim: PacedSim): void {
    if (this.playing) return;
    const span = Math.max(1, Math.round(this.speed * this.stepWallMs * 1000));
    const from = this.stepTargetUs ?? sim.nowUs;
    this.stepTargetUs = Math.max(from, sim.nowUs) + span;
    this.restartClock();
  }

  /** Forgets elapsed wall time and the speed window (new run, resume, speed change). */
  restartClock(): void {
    this.lastWall = null;
    this.debtUs = 0;
    this.samples = [];
    this.limitedTicks = 0;
    this.behind = false;
  }

  /** Measured simulated seconds per wall second over the window (0 when idle). */
  get achievedSpeed(): number {
    if (!this.active) return 0;
    const s = this.samples;
    const n = s.length;
    if (n < 4) return this.speed;
    const dw = s[n - 2]! - s[0]!;
    // Too little evidence yet: trust the request rather than a noisy first tick.
    if (dw < this.windowMs / 4) return this.speed;
    return (s[n - 1]! - s[1]!) / dw / 1000;
  }

  /** Advances the simulation for the wall time that elapsed since the previous tick. */
  tick(sim: PacedSim): TickResult {
    const t0 = this.now();
    if (!this.active) {
      this.lastWall = t0;
      return { events: 0, limited: false };
    }
    if (this.lastWall === null) {
      this.lastWall = t0;
      this.record(t0, sim.nowUs);
      return { events: 0, limited: false };
    }
    const gap = Math.min(Math.max(0, t0 - this.lastWall), this.maxGapMs);
    this.lastWall = t0;
    this.debtUs += gap * 1000 * this.speed;
    const start = sim.nowUs;
    let target = start + Math.floor(this.debtUs);
    if (this.stepTargetUs !== null) target = Math.min(target, this.stepTargetUs);

    let events = 0;
    let limited = false;
    while (sim.nowUs < target) {
      const ran = sim.runUntil(target, this.chunkEvents);
      events += ran;
      if (ran < this.chunkEvents && sim.nowUs >= target) break;
      if (this.now() - t0 >= this.tickBudgetMs) {
        limited = sim.nowUs < target;
        break;
      }
    }
    // Debt still owed: keep the fraction when on time; drop it when behind (see the class comment).
    this.debtUs = limited ? 0 : Math.max(0, this.debtUs - (sim.nowUs - start));
    if (this.stepTargetUs !== null && sim.nowUs >= this.stepTargetUs) {
      this.stepTargetUs = null;
      this.debtUs = 0;
    }
    this.limitedTicks = limited ? this.limitedTicks + 1 : Math.max(0, this.limitedTicks - 1);
    this.behind = this.limitedTicks >= 3;
    this.record(this.now(), sim.nowUs);
    return { events, limited };
  }

  private record(wall: number, simUs: number): void {
    const s = this.samples;
    s.push(wall, simUs);
    while (s.length > 4 && wall - s[2]! >= this.windowMs) s.splice(0, 2);
  }
}
