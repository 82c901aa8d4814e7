/**
 * An exact set of (a, b) pairs of 32-bit integers (a ≥ 0), e.g. (recipient, sequence number):
 * open addressing with linear probing in typed arrays, deleted by backward shift (no tombstones).
 * It allocates only when it grows (doubling at half full), so adding and taking are allocation-free
 * on the hot path, and it copies like any typed array (checkpoints).
 */
export class PairSet {
  /** a + 1 per slot (0: empty). */
  private keyA = new Int32Array(16);
  private keyB = new Uint32Array(16);
  private mask = 15;
  /** Pairs held. */
  size = 0;

  /** Adds (a, b); adding a pair already held changes nothing. */
  add(a: number, b: number): void {
    if (2 * (this.size + 1) > this.keyA.length) this.grow();
    const ka = this.keyA;
    const kb = this.keyB;
    const tagA = a + 1;
    let i = slotOf(a, b) & this.mask;
    for (;;) {
      const x = ka[i]!;
      if (x === 0) break;
      if (x === tagA && kb[i] === b >>> 0) return;
      i = (i + 1) & this.mask;
    }
    ka[i] = tagA;
    kb[i] = b;
    this.size++;
  }

  has(a: number, b: number): boolean {
    return this.find(a, b) >= 0;
  }

  /** Removes (a, b); returns whether it was held. */
  take(a: number, b: number): boolean {
    let i = this.find(a, b);
    if (i < 0) return false;
    const ka = this.keyA;
    const kb = this.keyB;
    const mask = this.mask;
    // Backward shift: move later entries of the probe run into the hole when their home allows.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const x = ka[j]!;
      if (x === 0) break;
      const home = slotOf(x - 1, kb[j]!) & mask;
      // Entry j may fill hole i unless its home lies cyclically in (i, j].
      const stays = i <= j ? home > i && home <= j : home > i || home <= j;
      if (stays) continue;
      ka[i] = x;
      kb[i] = kb[j]!;
      i = j;
    }
    ka[i] = 0;
    kb[i] = 0;
    this.size--;
    return true;
  }

  /** Keeps only the pairs `keep` says to (rebuilds the table at its size: call it rarely). */
  retain(keep: (a: number, b: number) => boolean): void {
    const oldA = this.keyA;
    const oldB = this.keyB;
    this.keyA = new Int32Array(oldA.length);
    this.keyB = new Uint32Array(oldB.length);
    this.size = 0;
    for (let i = 0; i < oldA.length; i++)
      if (oldA[i] !== 0 && keep(oldA[i]! - 1, oldB[i]!)) this.add(oldA[i]! - 1, oldB[i]!);
  }

  get bytes(): number {
    return this.keyA.byteLength + this.keyB.byteLength;
  }

  private find(a: number, b: number): number {
    const ka = this.keyA;
    const kb = this.keyB;
    const tagA = a + 1;
    const ub = b >>> 0;
    let i = slotOf(a, b) & this.mask;
    for (;;) {
      const x = ka[i]!;
      if (x === 0) return -1;
      if (x === tagA && kb[i] === ub) return i;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const oldA = this.keyA;
    const oldB = this.keyB;
    const n = oldA.length * 2;
    this.keyA = new Int32Array(n);
    this.keyB = new Uint32Array(n);
    this.mask = n - 1;
    this.size = 0;
    for (let i = 0; i < oldA.length; i++) if (oldA[i] !== 0) this.add(oldA[i]! - 1, oldB[i]!);
  }
}

function slotOf(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0;
}
