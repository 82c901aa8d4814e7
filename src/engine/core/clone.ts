/**
 * Deep copy of an object graph that keeps prototypes, typed arrays, Maps, Sets and shared
 * references (an object reached twice is copied once). Used for simulation checkpoints: the world
 * is plain data in typed arrays and small objects, so a structural copy is a faithful snapshot.
 * Functions are shared, not copied (the engine keeps no closures over mutable state).
 */
export function deepClone<T>(root: T): T {
  const memo = new Map<unknown, unknown>();

  const copy = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    const seen = memo.get(v);
    if (seen !== undefined) return seen;
    if (ArrayBuffer.isView(v)) {
      const out = (v as unknown as { slice(): unknown }).slice();
      memo.set(v, out);
      return out;
    }
    if (Array.isArray(v)) {
      const out: unknown[] = new Array(v.length);
      memo.set(v, out);
      for (let i = 0; i < v.length; i++) out[i] = copy(v[i]);
      return out;
    }
    if (v instanceof Map) {
      const out = new Map();
      memo.set(v, out);
      for (const [k, x] of v) out.set(copy(k), copy(x));
      return out;
    }
    if (v instanceof Set) {
      const out = new Set();
      memo.set(v, out);
      for (const x of v) out.add(copy(x));
      return out;
    }
    const out = Object.create(Object.getPrototypeOf(v) as object) as Record<string | symbol, unknown>;
    memo.set(v, out);
    for (const key of Reflect.ownKeys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, key)!;
      if ('value' in d) d.value = copy(d.value);
      Object.defineProperty(out, key, d);
    }
    return out;
  };

  return copy(root) as T;
}
