/**
 * Seeded randomness for the generators. Everything in bench/ draws from here (never Math.random)
 * so that the same seed gives the same bytes (test/bench/generator.test.ts holds it to that).
 */

/** mulberry32: 32-bit state, fast, good enough for synthetic logs (not for crypto). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** integer in [lo, hi] */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /** true with probability p */
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  /** exponential variate with the given mean */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
  /** log-uniform integer in [lo, hi] (many small values, a long tail) */
  logInt(lo: number, hi: number): number {
    const l = Math.log(lo),
      h = Math.log(hi);
    return Math.round(Math.exp(l + this.next() * (h - l)));
  }
  /** a derived, independent stream (so one subsystem's draws don't shift another's) */
  fork(salt: number): Rng {
    return new Rng((Math.floor(this.next() * 4294967296) ^ Math.imul(salt, 0x9e3779b1)) >>> 0);
  }
}

/** Weighted choice table built once: `w.pick(rng)` → key. */
export class Weighted<K> {
  private readonly keys: K[] = [];
  private readonly cum: number[] = [];
  private total = 0;
  constructor(entries: ReadonlyArray<readonly [K, number]>) {
    for (const [k, w] of entries) {
      if (w <= 0) continue;
      this.total += w;
      this.keys.push(k);
      this.cum.push(this.total);
    }
  }
  pick(rng: Rng): K {
    const x = rng.next() * this.total;
    const cum = this.cum;
    let i = 0;
    while (cum[i]! <= x) i++;
    return this.keys[i] as K;
  }
}

/** Parse a seed given on the command line or in env: integer, or any string hashed (FNV-1a). */
export function seedFrom(v: string | number | undefined, dflt = 1): number {
  if (v === undefined || v === '') return dflt;
  if (typeof v === 'number') return v >>> 0;
  if (/^\d+$/.test(v)) return Number(v) >>> 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < v.length; i++) h = Math.imul(h ^ v.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
