/**
 * The binary search of the window's sorted lists: time-list.ts (a JS array of keys) and row-list.ts (a
 * Float64Array). One function for both kinds of array makes its element load polymorphic (two maps); paired
 * whole-process runs of `correlate` on the bench's correlated set, and a search of 300k keys in isolation, took
 * the same CPU as with one copy per list.
 */

/** index of the first of `keys[lo..hi)` (sorted) that is >= k; `hi` when none is */
export function lowerBound(keys: ArrayLike<number>, lo: number, hi: number, k: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
