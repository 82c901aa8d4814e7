/**
 * `reference-poll-db`: the fixed workload of DESIGN.md ("Command line") that other engines (SimPy,
 * the JS DES libraries) have also run, so events/s can be compared on the same work. It is built on
 * the bare Kernel + Rng, not on the HopScope model, so it measures the engine core the same way a
 * SimPy script measures SimPy.
 *
 * N clients each poll every P seconds (first poll at U(0, P), then exactly every P). One request is
 * five events: poll sent → arrival at a server pool (c_srv workers, FCFS, exponential service) →
 * server done, query enters a DB pool (c_db connections, FCFS, exponential service) → DB done,
 * response sent → response received. Network delay each way is 1 ms + Exp(mean 1 ms). Service
 * means put both pools at the same utilisation ρ: S_srv = ρ·c_srv/λ, S_db = ρ·c_db/λ with λ = N/P.
 */
import { Kernel, type EventHandler } from '../engine/core/kernel';
import { Rng } from '../engine/core/rng';

export interface ReferencePollDbOptions {
  clients: number;
  periodS: number;
  serverWorkers: number;
  dbConnections: number;
  /** Target utilisation of both pools. */
  utilisation: number;
  /** Fixed part of the one-way network delay. */
  netFixedMs: number;
  /** Mean of the exponential part of the one-way network delay. */
  netExpMeanMs: number;
  /** Stop after this many events (the reference run uses 5,000,000). */
  maxEvents: number;
  seed: number;
}

/** DESIGN.md's definition of the reference run. */
export const REFERENCE_POLL_DB: ReferencePollDbOptions = {
  clients: 100_000,
  periodS: 10,
  serverWorkers: 16,
  dbConnections: 8,
  utilisation: 0.7,
  netFixedMs: 1,
  netExpMeanMs: 1,
  maxEvents: 5_000_000,
  seed: 1,
};

export interface ReferencePollDbResult {
  events: number;
  /** Simulated time at the last event. */
  simSeconds: number;
  /** Responses received (completed requests). */
  responses: number;
  /** Mean of (response received − poll sent) over completed requests. */
  meanResponseMs: number;
  /** Busy fraction of each pool over the run (checks the ρ the service means were chosen for). */
  serverUtilisation: number;
  dbUtilisation: number;
}

const POLL = 1;
const ARRIVE_SERVER = 2;
const SERVER_DONE = 3;
const DB_DONE = 4;
const RESPONSE = 5;

/**
 * A FIFO of waiting requests, each (client, sentUs), in a growable power-of-two ring: no allocation
 * per request.
 */
class RequestQueue {
  private client = new Int32Array(1024);
  private sent = new Int32Array(1024);
  private head = 0;
  size = 0;

  push(client: number, sentUs: number): void {
    if (this.size === this.client.length) this.grow();
    const i = (this.head + this.size) & (this.client.length - 1);
    this.client[i] = client;
    this.sent[i] = sentUs;
    this.size++;
  }

  /** Removes the head; read it from `outClient` / `outSent`. */
  shift(): void {
    const h = this.head;
    this.outClient = this.client[h]!;
    this.outSent = this.sent[h]!;
    this.head = (h + 1) & (this.client.length - 1);
    this.size--;
  }

  outClient = 0;
  outSent = 0;

  private grow(): void {
    const n = this.client.length * 2;
    const c = new Int32Array(n);
    const s = new Int32Array(n);
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) & (this.client.length - 1);
      c[k] = this.client[i]!;
      s[k] = this.sent[i]!;
    }
    this.client = c;
    this.sent = s;
    this.head = 0;
  }
}

/** One FCFS pool of identical workers with exponential service. */
class Pool {
  busy = 0;
  /** ∫ busy dt in µs·workers, for the measured utilisation. */
  busyArea = 0;
  private lastChangeUs = 0;
  readonly queue = new RequestQueue();

  constructor(readonly workers: number) {}

  /** Accounts busy time up to `nowUs` before `busy` changes. */
  touch(nowUs: number): void {
    this.busyArea += this.busy * (nowUs - this.lastChangeUs);
    this.lastChangeUs = nowUs;
  }
}

class ReferenceModel implements EventHandler {
  private readonly pollLane: number;
  private readonly netRng: Rng;
  private readonly srvRng: Rng;
  private readonly dbRng: Rng;
  private readonly netFixedUs: number;
  private readonly netExpMeanUs: number;
  private readonly srvMeanUs: number;
  private readonly dbMeanUs: number;
  readonly server: Pool;
  readonly db: Pool;
  responses = 0;
  responseSumUs = 0;

  constructor(
    readonly k: Kernel,
    o: ReferencePollDbOptions,
  ) {
    const rng = new Rng(o.seed);
    this.netRng = rng.fork('net');
    this.srvRng = rng.fork('server');
    this.dbRng = rng.fork('db');
    const lambdaPerUs = o.clients / (o.periodS * 1e6);
    this.srvMeanUs = (o.utilisation * o.serverWorkers) / lambdaPerUs;
    this.dbMeanUs = (o.utilisation * o.dbConnections) / lambdaPerUs;
    this.netFixedUs = o.netFixedMs * 1000;
    this.netExpMeanUs = o.netExpMeanMs * 1000;
    this.server = new Pool(o.serverWorkers);
    this.db = new Pool(o.dbConnections);

    // Every poll after the first is exactly P later, so all polls share one fixed-delay lane. The
    // first polls (U(0, P), sorted) go on the same lane first: they all precede P, which keeps the
    // lane's times non-decreasing.
    const periodUs = Math.round(o.periodS * 1e6);
    this.pollLane = k.addLane(periodUs, o.clients);
    const phaseRng = rng.fork('phase');
    // Sorted by (first poll, client): each pair packed into one exact integer key (first · N + c),
    // so the typed array's native numeric sort does it without a comparator call per comparison.
    const n = o.clients;
    if (periodUs * n >= 2 ** 53) throw new Error('reference-poll-db: too many clients for its keys');
    const keys = new Float64Array(n);
    for (let c = 0; c < n; c++) keys[c] = Math.floor(phaseRng.next() * periodUs) * n + c;
    keys.sort();
    for (let i = 0; i < n; i++) {
      const key = keys[i]!;
      const c = key % n;
      k.scheduleLaneAt(this.pollLane, (key - c) / n, POLL, c);
    }
  }

  private netDelayUs(): number {
    return this.netFixedUs + this.netRng.exp(this.netExpMeanUs);
  }

  handle(k: Kernel): void {
    const client = k.a;
    switch (k.type) {
      case POLL:
        k.scheduleLane(this.pollLane, POLL, client);
        k.schedule(this.netDelayUs(), ARRIVE_SERVER, client, k.now);
        break;
      case ARRIVE_SERVER:
        this.arrive(this.server, this.srvRng, this.srvMeanUs, SERVER_DONE, client, k.b);
        break;
      case SERVER_DONE:
        this.release(this.server, this.srvRng, this.srvMeanUs, SERVER_DONE);
        this.arrive(this.db, this.dbRng, this.dbMeanUs, DB_DONE, client, k.b);
        break;
      case DB_DONE:
        this.release(this.db, this.dbRng, this.dbMeanUs, DB_DONE);
        k.schedule(this.netDelayUs(), RESPONSE, client, k.b);
        break;
      case RESPONSE:
        this.responses++;
        this.responseSumUs += k.now - k.b;
        break;
    }
  }

  /** A request reaches a pool: served at once by a free worker, else it waits in FIFO order. */
  private arrive(
    pool: Pool,
    rng: Rng,
    meanUs: number,
    doneType: number,
    client: number,
    sentUs: number,
  ): void {
    if (pool.busy < pool.workers) {
      pool.touch(this.k.now);
      pool.busy++;
      this.k.schedule(rng.exp(meanUs), doneType, client, sentUs);
    } else pool.queue.push(client, sentUs);
  }

  /** A worker finishes: it takes the oldest waiting request, or goes idle. */
  private release(pool: Pool, rng: Rng, meanUs: number, doneType: number): void {
    const q = pool.queue;
    if (q.size > 0) {
      q.shift();
      this.k.schedule(rng.exp(meanUs), doneType, q.outClient, q.outSent);
    } else {
      pool.touch(this.k.now);
      pool.busy--;
    }
  }
}

/** Runs the reference workload and reports what it measured. */
export function runReferencePollDb(options: Partial<ReferencePollDbOptions> = {}): ReferencePollDbResult {
  const o = { ...REFERENCE_POLL_DB, ...options };
  const k = new Kernel(4096);
  const m = new ReferenceModel(k, o);
  k.runUntil(Infinity, o.maxEvents, m);
  // Send times travel in an Int32 payload word: fine up to 2^31 µs (~35 simulated minutes).
  if (k.now >= 2 ** 31) throw new Error('reference-poll-db: run longer than 2^31 µs');
  m.server.touch(k.now);
  m.db.touch(k.now);
  return {
    events: k.events,
    simSeconds: k.now / 1e6,
    responses: m.responses,
    meanResponseMs: m.responses > 0 ? m.responseSumUs / m.responses / 1000 : 0,
    serverUtilisation: m.server.busyArea / (m.server.workers * k.now),
    dbUtilisation: m.db.busyArea / (m.db.workers * k.now),
  };
}
