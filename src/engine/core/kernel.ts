/**
 * Discrete-event kernel: integer-microsecond time, events ordered by (time, insertion sequence).
 *
 * Two kinds of queue hold pending events, both struct-of-arrays so the hot path allocates nothing:
 * - a binary min-heap for events at arbitrary times;
 * - "lanes": FIFO rings for events whose times arrive in non-decreasing order (every event scheduled
 *   with one fixed delay — a poll timer, a network hop — and any single-server FIFO's completions).
 *   Appending and popping a lane is O(1); most traffic in HopScope goes through lanes.
 * `pop` takes the smallest (time, seq) among the heap top and every lane head, so ties stay FIFO
 * across all queues and a run is reproducible.
 *
 * An event is a small integer `type` plus four 32-bit payload words (`a`..`d`); after `pop` they
 * are readable on the kernel (`now`, `type`, `a`, `b`, `c`, `d`), like a register file.
 */
export class Kernel {
  /** Current simulated time in microseconds (time of the last popped event). */
  now = 0;
  /** Type of the last popped event. */
  type = 0;
  a = 0;
  b = 0;
  c = 0;
  d = 0;
  /** Events popped so far. */
  events = 0;

  private seqNext = 0;

  // Heap storage (index 0 is the top).
  private hTime: Float64Array;
  private hSeq: Float64Array;
  /** Payload slot of each heap entry: sifting moves (time, seq, slot), not the five payload words. */
  private hSlot: Int32Array;
  private hSize = 0;
  // Payload of heap events, by slot, and the free slots (a stack).
  private pType: Uint8Array;
  private pA: Int32Array;
  private pB: Int32Array;
  private pC: Int32Array;
  private pD: Int32Array;
  private freeSlots: Int32Array;
  private freeTop: number;

  private lanes: Lane[] = [];
  /**
   * Each lane's head (time, seq), +Infinity when empty, side by side: a pop scans these two small
   * arrays instead of every lane object (jitter multiplies the lanes).
   */
  private headTime: Float64Array = new Float64Array(0);
  private headSeq: Float64Array = new Float64Array(0);

  constructor(initialHeapCapacity = 1024) {
    const n = Math.max(16, initialHeapCapacity);
    this.hTime = new Float64Array(n);
    this.hSeq = new Float64Array(n);
    this.hSlot = new Int32Array(n);
    this.pType = new Uint8Array(n);
    this.pA = new Int32Array(n);
    this.pB = new Int32Array(n);
    this.pC = new Int32Array(n);
    this.pD = new Int32Array(n);
    this.freeSlots = new Int32Array(n);
    for (let i = 0; i < n; i++) this.freeSlots[i] = n - 1 - i;
    this.freeTop = n;
  }

  /** Pending events in heap and lanes together. */
  get pending(): number {
    let n = this.hSize;
    for (const l of this.lanes) n += l.size;
    return n;
  }

  /**
   * Creates a FIFO lane. Events pushed to it must have non-decreasing times; a fixed-delay lane
   * (`delayUs` ≥ 0) computes the time itself, and asking twice for the same delay returns the same
   * lane (fewer queues to scan per pop). A `narrow` lane stores only payload word `a` (b..d read
   * as 0): 21 bytes per pending event instead of 33, for queues that hold one event per user.
   * Returns the lane id for {@link scheduleLane}.
   */
  addLane(delayUs = -1, initialCapacity = 1024, narrow = false): number {
    if (delayUs >= 0 && !narrow) {
      const same = this.lanes.findIndex((l) => l.delayUs === delayUs && !l.narrow);
      if (same >= 0) {
        this.lanes[same]!.reserve(initialCapacity);
        return same;
      }
    }
    this.lanes.push(new Lane(delayUs, initialCapacity, narrow));
    const n = this.lanes.length;
    const ht = new Float64Array(n).fill(Infinity);
    const hs = new Float64Array(n).fill(Infinity);
    ht.set(this.headTime);
    hs.set(this.headSeq);
    this.headTime = ht;
    this.headSeq = hs;
    return n - 1;
  }

  /** Schedules an event `delayUs` (≥ 0, rounded to whole µs) from now on the heap. */
  schedule(delayUs: number, type: number, a = 0, b = 0, c = 0, d = 0): void {
    this.scheduleAt(this.now + Math.max(0, Math.round(delayUs)), type, a, b, c, d);
  }

  /** Schedules an event at absolute time `timeUs` (not before now) on the heap. */
  scheduleAt(timeUs: number, type: number, a = 0, b = 0, c = 0, d = 0): void {
    const t = timeUs < this.now ? this.now : timeUs;
    if (this.hSize === this.hTime.length) this.growHeap();
    const slot = this.freeSlots[--this.freeTop]!;
    this.pType[slot] = type;
    this.pA[slot] = a;
    this.pB[slot] = b;
    this.pC[slot] = c;
    this.pD[slot] = d;
    // Sift up: move parents down into the hole, then drop the new entry in.
    let i = this.hSize++;
    const seq = this.seqNext++;
    const hTime = this.hTime;
    const hSeq = this.hSeq;
    const hSlot = this.hSlot;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = hTime[p]!;
      if (pt < t || (pt === t && hSeq[p]! < seq)) break;
      hTime[i] = pt;
      hSeq[i] = hSeq[p]!;
      hSlot[i] = hSlot[p]!;
      i = p;
    }
    hTime[i] = t;
    hSeq[i] = seq;
    hSlot[i] = slot;
  }

  /** Appends to a fixed-delay lane: the event fires at now + the lane's delay. */
  scheduleLane(lane: number, type: number, a = 0, b = 0, c = 0, d = 0): void {
    const l = this.lanes[lane]!;
    const seq = this.seqNext++;
    const t = this.now + l.delayUs;
    l.push(t, seq, type, a, b, c, d);
    if (l.size === 1) {
      this.headTime[lane] = t;
      this.headSeq[lane] = seq;
    }
  }

  /** Appends to a monotone lane at absolute `timeUs` (≥ the lane's last time and ≥ now). */
  scheduleLaneAt(lane: number, timeUs: number, type: number, a = 0, b = 0, c = 0, d = 0): void {
    const l = this.lanes[lane]!;
    let t = Math.round(timeUs);
    if (t < this.now) t = this.now;
    if (t < l.lastTime) throw new Error(`lane ${lane}: time ${t} before last ${l.lastTime}`);
    const seq = this.seqNext++;
    l.push(t, seq, type, a, b, c, d);
    if (l.size === 1) {
      this.headTime[lane] = t;
      this.headSeq[lane] = seq;
    }
  }

  /** Time of the next event, or +Infinity when none is pending. */
  peek(): number {
    let best = this.hSize > 0 ? this.hTime[0]! : Infinity;
    const ht = this.headTime;
    for (let i = 0; i < ht.length; i++) if (ht[i]! < best) best = ht[i]!;
    return best;
  }

  /**
   * Pops the next event into the registers (`now`, `type`, `a`..`d`). Returns false when nothing
   * is pending.
   */
  pop(): boolean {
    return this.popBefore(Infinity);
  }

  /**
   * Pops the next event if its time is before `untilUs` (one scan of the queues); returns false
   * and leaves everything pending otherwise.
   */
  popBefore(untilUs: number): boolean {
    // Pick the queue holding the smallest (time, seq): -1 = heap, else lane index.
    let src = -2;
    let bt = Infinity;
    let bs = Infinity;
    if (this.hSize > 0) {
      src = -1;
      bt = this.hTime[0]!;
      bs = this.hSeq[0]!;
    }
    const ht = this.headTime;
    const hs = this.headSeq;
    for (let i = 0; i < ht.length; i++) {
      const t = ht[i]!;
      if (t < bt || (t === bt && hs[i]! < bs)) {
        src = i;
        bt = t;
        bs = hs[i]!;
      }
    }
    if (src === -2 || bt >= untilUs) return false;
    this.events++;
    this.now = bt;
    if (src >= 0) {
      const l = this.lanes[src]!;
      const h = l.head;
      this.type = l.type[h]!;
      this.a = l.a[h]!;
      if (l.narrow) {
        this.b = 0;
        this.c = 0;
        this.d = 0;
      } else {
        this.b = l.b[h]!;
        this.c = l.c[h]!;
        this.d = l.d[h]!;
      }
      const next = (h + 1) & l.mask;
      l.head = next;
      l.size--;
      if (l.size > 0) {
        ht[src] = l.time[next]!;
        hs[src] = l.seq[next]!;
      } else {
        ht[src] = Infinity;
        hs[src] = Infinity;
      }
      return true;
    }
    const slot = this.hSlot[0]!;
    this.type = this.pType[slot]!;
    this.a = this.pA[slot]!;
    this.b = this.pB[slot]!;
    this.c = this.pC[slot]!;
    this.d = this.pD[slot]!;
    this.freeSlots[this.freeTop++] = slot;
    this.popHeapTop();
    return true;
  }

  /** Pops the next event and hands it to `handler`. Returns false when nothing is pending. */
  step(handler: EventHandler): boolean {
    if (!this.pop()) return false;
    handler.handle(this);
    return true;
  }

  /**
   * Runs events strictly before `untilUs` (SimPy's `run(until)`: events at `untilUs` stay
   * pending), at most `maxEvents` of them. When it stops for lack of events before `untilUs`, the
   * clock advances to `untilUs`; when it stops on the budget, the clock stays at the last event.
   * Returns the number of events run.
   */
  runUntil(untilUs: number, maxEvents: number, handler: EventHandler): number {
    let n = 0;
    while (n < maxEvents) {
      if (!this.popBefore(untilUs)) {
        if (untilUs > this.now && untilUs !== Infinity) this.now = untilUs;
        return n;
      }
      handler.handle(this);
      n++;
    }
    return n;
  }

  /**
   * Visits every pending event without removing it (for audits such as counting undelivered
   * messages). Order is unspecified.
   */
  forEachPending(
    fn: (type: number, a: number, b: number, c: number, d: number, timeUs: number) => void,
  ): void {
    for (let i = 0; i < this.hSize; i++) {
      const s = this.hSlot[i]!;
      fn(this.pType[s]!, this.pA[s]!, this.pB[s]!, this.pC[s]!, this.pD[s]!, this.hTime[i]!);
    }
    for (const l of this.lanes) {
      for (let k = 0, i = l.head; k < l.size; k++, i = (i + 1) & l.mask) {
        if (l.narrow) fn(l.type[i]!, l.a[i]!, 0, 0, 0, l.time[i]!);
        else fn(l.type[i]!, l.a[i]!, l.b[i]!, l.c[i]!, l.d[i]!, l.time[i]!);
      }
    }
  }

  /** Bytes held by queue storage (capacity, not occupancy). */
  get bytes(): number {
    let n = this.hTime.length * 41;
    for (const l of this.lanes) n += l.time.length * (l.narrow ? 21 : 33);
    return n;
  }

  private popHeapTop(): void {
    const last = --this.hSize;
    if (last === 0) return;
    const hTime = this.hTime;
    const hSeq = this.hSeq;
    const hSlot = this.hSlot;
    const t = hTime[last]!;
    const s = hSeq[last]!;
    const slot = hSlot[last]!;
    // Sift down: move the smaller child up into the hole until the former last entry fits.
    let i = 0;
    const n = last;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let m = l;
      let mt = hTime[l]!;
      const r = l + 1;
      if (r < n) {
        const rt = hTime[r]!;
        if (rt < mt || (rt === mt && hSeq[r]! < hSeq[l]!)) {
          m = r;
          mt = rt;
        }
      }
      if (t < mt || (t === mt && s < hSeq[m]!)) break;
      hTime[i] = mt;
      hSeq[i] = hSeq[m]!;
      hSlot[i] = hSlot[m]!;
      i = m;
    }
    hTime[i] = t;
    hSeq[i] = s;
    hSlot[i] = slot;
  }

  private growHeap(): void {
    const old = this.hTime.length;
    const n = old * 2;
    this.hTime = grow(this.hTime, n);
    this.hSeq = grow(this.hSeq, n);
    this.hSlot = grow(this.hSlot, n);
    this.pType = grow(this.pType, n);
    this.pA = grow(this.pA, n);
    this.pB = grow(this.pB, n);
    this.pC = grow(this.pC, n);
    this.pD = grow(this.pD, n);
    this.freeSlots = grow(this.freeSlots, n);
    // The heap is full, so every old slot is in use and every new one is free.
    for (let i = n - 1; i >= old; i--) this.freeSlots[this.freeTop++] = i;
  }
}

/** Receives each popped event; read the event from the kernel's registers. */
export interface EventHandler {
  handle(k: Kernel): void;
}

type TypedArray = Float64Array | Uint8Array | Int32Array;
function grow<T extends TypedArray>(arr: T, n: number): T {
  const next = new (arr.constructor as new (n: number) => T)(n);
  next.set(arr);
  return next;
}

/** A FIFO ring of events with non-decreasing times (power-of-two capacity). */
class Lane {
  time: Float64Array;
  seq: Float64Array;
  type: Uint8Array;
  a: Int32Array;
  b: Int32Array;
  c: Int32Array;
  d: Int32Array;
  head = 0;
  size = 0;
  mask: number;
  lastTime = -Infinity;

  constructor(
    readonly delayUs: number,
    initialCapacity: number,
    readonly narrow: boolean,
  ) {
    let cap = 16;
    while (cap < initialCapacity) cap *= 2;
    this.mask = cap - 1;
    this.time = new Float64Array(cap);
    this.seq = new Float64Array(cap);
    this.type = new Uint8Array(cap);
    this.a = new Int32Array(cap);
    const wide = narrow ? 0 : cap;
    this.b = new Int32Array(wide);
    this.c = new Int32Array(wide);
    this.d = new Int32Array(wide);
  }

  push(t: number, seq: number, type: number, a: number, b: number, c: number, d: number): void {
    if (this.size > this.mask) this.grow((this.mask + 1) * 2);
    const i = (this.head + this.size) & this.mask;
    this.time[i] = t;
    this.seq[i] = seq;
    this.type[i] = type;
    this.a[i] = a;
    if (!this.narrow) {
      this.b[i] = b;
      this.c[i] = c;
      this.d[i] = d;
    }
    this.size++;
    this.lastTime = t;
  }

  /** Ensures room for `n` events without growing later. */
  reserve(n: number): void {
    let cap = this.mask + 1;
    while (cap < n) cap *= 2;
    if (cap > this.mask + 1) this.grow(cap);
  }

  private grow(cap: number): void {
    const unroll = <T extends TypedArray>(arr: T): T => {
      if (arr.length === 0) return arr;
      const next = new (arr.constructor as new (n: number) => T)(cap);
      for (let k = 0; k < this.size; k++) next[k] = arr[(this.head + k) & this.mask]!;
      return next;
    };
    this.time = unroll(this.time);
    this.seq = unroll(this.seq);
    this.type = unroll(this.type);
    this.a = unroll(this.a);
    this.b = unroll(this.b);
    this.c = unroll(this.c);
    this.d = unroll(this.d);
    this.head = 0;
    this.mask = cap - 1;
  }
}
