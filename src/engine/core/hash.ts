import murmur from 'murmurhash3js-revisited';

// Our inputs are always byte arrays; skip the library's per-byte validation.
murmur.inputValidation = false;

// One reusable buffer: hashing allocates nothing on the hot path.
const buf8 = new Uint8Array(8);
const view = new DataView(buf8.buffer);
const four = new Uint8Array(buf8.buffer, 0, 4);

/** MurmurHash3 (x86, 32-bit) of one 32-bit integer (little-endian bytes). Same output in Node and browsers. */
export function hashInt(x: number, seed = 0): number {
  view.setUint32(0, x >>> 0, true);
  return murmur.x86.hash32(four, seed) >>> 0;
}

/** MurmurHash3 (x86, 32-bit) of two 32-bit integers, e.g. (server id, virtual-node index). */
export function hashPair(x: number, y: number, seed = 0): number {
  view.setUint32(0, x >>> 0, true);
  view.setUint32(4, y >>> 0, true);
  return murmur.x86.hash32(buf8, seed) >>> 0;
}

/** MurmurHash3 of a string's UTF-8 bytes (not on the hot path). */
export function hashString(s: string, seed = 0): number {
  return murmur.x86.hash32(utf8(s), seed) >>> 0;
}

function utf8(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else {
      out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
  }
  return Uint8Array.from(out);
}
