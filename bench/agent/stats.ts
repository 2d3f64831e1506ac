/**
 * The agent bench's arithmetic: percentiles of delays, the least-squares slope of RSS over time, the
 * worst sliding window of a per-second series, and growable typed arrays (the writer and the stand-in
 * keep one number per line or per document, never the lines themselves).
 */

/**
 * Nearest-rank percentile (the smallest value with at least p % of the values at or below it) of an
 * ascending-sorted array; NaN for an empty one. Nearest-rank returns a value that was measured, never
 * an interpolation between two, so "p99 = x" means 99 % of the lines took ≤ x.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (p <= 0) return sorted[0]!;
  const rank = Math.ceil((p / 100) * n);
  return sorted[Math.min(n, rank) - 1]!;
}

/** Least-squares slope of y over x (y units per x unit); NaN with fewer than two distinct x. */
export function slope(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const n = Math.min(xs.length, ys.length);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i]!;
    my += ys[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    sxy += dx * (ys[i]! - my);
    sxx += dx * dx;
  }
  return n < 2 || sxx === 0 ? NaN : sxy / sxx;
}

/**
 * Smallest sum of `width` consecutive entries of a per-second series (the worst `width`-second window),
 * with the index of its first second; the whole series when it is shorter than the window.
 */
export function worstWindow(perSecond: ArrayLike<number>, width: number): { sum: number; start: number } {
  const n = perSecond.length;
  const w = Math.max(1, Math.min(width, n));
  if (n === 0) return { sum: 0, start: 0 };
  let sum = 0;
  for (let i = 0; i < w; i++) sum += perSecond[i]!;
  let best = { sum, start: 0 };
  for (let i = w; i < n; i++) {
    sum += perSecond[i]! - perSecond[i - w]!;
    if (sum < best.sum) best = { sum, start: i - w + 1 };
  }
  return best;
}

/** Median of unsorted numbers (sorts a copy). */
export function median(values: readonly number[]): number {
  return percentile(Float64Array.from(values).sort(), 50);
}

/** values per block of a GrowableF64 past its first: 8 MiB */
const BLOCK_SHIFT = 20;
const BLOCK = 1 << BLOCK_SHIFT;
const MASK = BLOCK - 1;

/**
 * An append-only array of float64s (8 bytes per value, no boxed numbers). The first block doubles up to 2^20
 * values, then full blocks are added, never copied: a soak's arrays reach 60 M values, and one that doubled copied
 * 256 MB into a new 512 MB array at 2^25 values, a pause of seconds in the writer's thread and the stand-in's that
 * the soaks at 20,000 lines/s showed as the writer's stall and a backlog at second ~1,970 (2^24: ~990) —
 * docs/benchmark-agent.md "Bulk bodies the size of a request".
 */
export class GrowableF64 {
  private readonly blocks: Float64Array[];
  /** view()'s contiguous copy, until the next push */
  private flat: Float64Array | undefined;
  length = 0;
  constructor(initial = 1024) {
    this.blocks = [new Float64Array(Math.min(BLOCK, Math.max(1, initial)))];
  }
  push(v: number): void {
    const i = this.length;
    let b = this.blocks[i >>> BLOCK_SHIFT];
    if (!b) this.blocks.push((b = new Float64Array(BLOCK)));
    else if ((i & MASK) === b.length) {
      // only the first block is ever short of BLOCK: it grows as the array did, by doubling
      const next = new Float64Array(Math.min(BLOCK, 2 * b.length));
      next.set(b);
      this.blocks[0] = b = next;
    }
    b[i & MASK] = v;
    this.length++;
    this.flat = undefined;
  }
  at(i: number): number {
    return this.blocks[i >>> BLOCK_SHIFT]![i & MASK]!;
  }
  /** the values as one array (a view or a copy made once: valid until the next push) */
  view(): Float64Array {
    if (this.blocks.length === 1) return this.blocks[0]!.subarray(0, this.length);
    if (!this.flat) {
      const flat = new Float64Array(this.length);
      this.blocks.forEach((b, k) => flat.set(b.subarray(0, Math.min(BLOCK, this.length - k * BLOCK)), k * BLOCK));
      this.flat = flat;
    }
    return this.flat;
  }
}

/** Index of the last entry ≤ v in an ascending array (−1 when v is below the first). */
export function lastAtOrBelow(sorted: ArrayLike<number>, length: number, v: number): number {
  let lo = 0;
  let hi = length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= v) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/**
 * The bench's clock, in ms: timeOrigin + now() is the same time line in the main thread and in a worker
 * (each thread's performance.now() counts from its own start), with sub-millisecond steps.
 */
export function clock(): number {
  return performance.timeOrigin + performance.now();
}
