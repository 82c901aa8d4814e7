/**
 * Redis Cluster key slots and cluster-bus accounting (the Redis Cluster specification).
 *
 * A channel's slot is CRC16(name) mod 16384, CRC16 being CRC-16/XMODEM (polynomial 0x1021, initial
 * value 0, no reflection), as Redis's `crc16.c`; a name holding a non-empty `{…}` hashes only what
 * is inside the first braces (a hash tag). Masters own contiguous slot ranges, as
 * `redis-cli --cluster create` assigns them. `PUBLISH` crosses the bus to every other node
 * (masters × (1 + replicas) − 1 messages); `SPUBLISH` (sharded pub/sub, Redis 7) only to its shard's
 * replicas.
 */

/** Key slots in a Redis Cluster. */
export const SLOTS = 16384;

const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let j = 0; j < 8; j++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

/** CRC-16/XMODEM of `bytes[from, to)`. */
export function crc16(bytes: ArrayLike<number>, from = 0, to = bytes.length): number {
  let crc = 0;
  for (let i = from; i < to; i++) crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ bytes[i]!) & 0xff]!) & 0xffff;
  return crc;
}

/** The slot of a key or channel name (ASCII), hash tags included. */
export function keySlot(name: string): number {
  const bytes = Array.from(name, (c) => c.charCodeAt(0) & 0xff);
  const open = name.indexOf('{');
  if (open >= 0) {
    const close = name.indexOf('}', open + 1);
    if (close > open + 1) return crc16(bytes, open + 1, close) % SLOTS;
  }
  return crc16(bytes) % SLOTS;
}

/** Master owning `slot` when `masters` masters split the slots into equal contiguous ranges. */
export function masterOfSlot(slot: number, masters: number): number {
  return Math.min(masters - 1, Math.floor((slot * masters) / SLOTS));
}

/** Scratch for writing a channel name without allocating a string. */
const scratch = new Uint8Array(32);

/** Slot of channel `prefix` + decimal `id` (e.g. `user:42`), computed without allocating. */
export function channelSlot(prefix: string, id: number): number {
  let n = 0;
  for (let i = 0; i < prefix.length; i++) scratch[n++] = prefix.charCodeAt(i);
  const start = n;
  let x = id;
  do {
    scratch[n++] = 48 + (x % 10);
    x = Math.floor(x / 10);
  } while (x > 0);
  scratch.subarray(start, n).reverse();
  return crc16(scratch, 0, n) % SLOTS;
}

/**
 * The cluster as the pub/sub strategy sees it: which master serves each user channel
 * (`user:<id>`) and room channel (`room:<id>`), and the bus messages each publish costs.
 */
export class RedisCluster {
  /** Master of each user channel and each room channel. */
  readonly userShard: Uint8Array;
  readonly roomShard: Uint8Array;
  /** Bus messages one accepted publish sends. */
  readonly busPerPublish: number;
  /** Bus messages sent by each master so far. */
  readonly busSent: Float64Array;

  constructor(
    users: number,
    rooms: number,
    readonly masters: number,
    readonly replicas: number,
    readonly mode: 'publish' | 'spublish',
  ) {
    this.userShard = new Uint8Array(users);
    for (let u = 0; u < users; u++) this.userShard[u] = masterOfSlot(channelSlot('user:', u), masters);
    this.roomShard = new Uint8Array(rooms);
    for (let r = 0; r < rooms; r++) this.roomShard[r] = masterOfSlot(channelSlot('room:', r), masters);
    this.busPerPublish = mode === 'publish' ? masters * (1 + replicas) - 1 : replicas;
    this.busSent = new Float64Array(masters);
  }

  /** First slot of each master's range, and the end (length masters + 1). */
  slotRanges(): number[] {
    const out: number[] = [];
    for (let i = 0; i <= this.masters; i++) out.push(Math.ceil((i * SLOTS) / this.masters));
    return out;
  }

  get bytes(): number {
    return this.userShard.byteLength + this.roomShard.byteLength + this.busSent.byteLength;
  }
}
