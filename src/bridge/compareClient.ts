/**
 * Main-thread side of compare mode: spawns the compare worker, sends intents, keeps the newest
 * frame in a latest-wins mailbox (series rows of skipped frames are merged, never lost).
 */
import type { ActionKind, Scenario } from '../engine';
import type { CompareFrame, FromCompare, ToCompare } from './compareProtocol';

export interface CompareActed {
  kind: ActionKind;
  atS: number;
  /** The server acted on (the new one for add-server), from the first lane that did it. */
  server: number | null;
  ok: boolean;
}

export class CompareClient {
  runId = 0;
  private readonly worker: Worker;
  private latest: CompareFrame | null = null;
  onError: ((message: string, crashed: boolean) => void) | null = null;
  onActed: ((a: CompareActed) => void) | null = null;

  constructor() {
    this.worker = new Worker(new URL('./compareWorker.ts', import.meta.url), {
      type: 'module',
      name: 'hopscope-compare',
    });
    this.worker.onmessage = (e: MessageEvent<FromCompare>) => this.receive(e.data);
    // An error the worker's own guard did not catch (it failed to load, say).
    this.worker.onerror = (e) => {
      e.preventDefault();
      this.onError?.(e.message || 'the compare worker failed', true);
    };
  }

  private send(msg: ToCompare): void {
    this.worker.postMessage(msg);
  }

  init(scenario: Scenario, playing: boolean, speed: number): void {
    this.runId++;
    this.latest = null;
    this.send({ type: 'init', runId: this.runId, scenario, playing, speed });
  }

  setPlaying(playing: boolean): void {
    this.send({ type: 'play', playing });
  }

  setSpeed(speed: number): void {
    this.send({ type: 'speed', speed });
  }

  act(kind: ActionKind, server?: number): void {
    this.send(server === undefined ? { type: 'act', kind } : { type: 'act', kind, server });
  }

  take(): CompareFrame | null {
    const f = this.latest;
    if (!f) return null;
    this.latest = null;
    this.send({ type: 'ack', seq: f.seq });
    return f;
  }

  dispose(): void {
    this.worker.terminate();
  }

  private receive(msg: FromCompare): void {
    if (msg.runId !== this.runId) return;
    if (msg.type === 'error') this.onError?.(msg.message, msg.crashed === true);
    else if (msg.type === 'acted') {
      const first = msg.reports.find((r) => r !== null) ?? null;
      this.onActed?.({ kind: msg.kind, atS: msg.atS, server: first?.server ?? null, ok: first !== null });
    } else {
      const prev = this.latest;
      if (prev)
        msg.lanes.forEach((l, i) => {
          const p = prev.lanes[i];
          if (p && p.series.length) l.series = [...p.series, ...l.series];
        });
      this.latest = msg;
    }
  }
}
