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

/** An append-only Float64Array that doubles when full (8 bytes per value, no boxed numbers). */
export class GrowableF64 {
  private buf: Float64Array;
  length = 0;
  constructor(initial = 1024) {
    this.buf = new Float64Array(Math.max(1, initial));
  }
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  at(i: number): number {
    return this.buf[i]!;
  }
  /** the filled part (a view: valid until the next push) */
  view(): Float64Array {
    return this.buf.subarray(0, this.length);
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
