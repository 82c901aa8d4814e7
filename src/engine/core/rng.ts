import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { hashString } from './hash';

type Generator = ReturnType<typeof xoroshiro128plus>;

/**
 * Seeded random numbers with independent named streams (xoroshiro128+ from pure-rand).
 * `fork('db')` derives a stream from the seed and the name alone, so adding a consumer of
 * randomness (a new server, a new feature) never reshuffles the draws of the others.
 */
export class Rng {
  private readonly g: Generator;

  constructor(
    /** The run's seed. */
    readonly seed: number,
    /** Stream name ('' for the root). */
    readonly stream = '',
  ) {
    this.g = xoroshiro128plus(hashString(stream, seed >>> 0) ^ (seed >>> 0));
    // Warm up: the first outputs of xoroshiro from nearby seeds are correlated.
    for (let i = 0; i < 16; i++) this.g.next();
  }

  /** An independent stream named `name` (same seed + name ⇒ same stream). */
  fork(name: string): Rng {
    return new Rng(this.seed, this.stream ? `${this.stream}/${name}` : name);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return uniformFloat64(this.g);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }
}
