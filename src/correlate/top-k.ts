/**
 * The `n` heaviest of a list, heaviest first, ties in list order: what a stable sort by descending weight
 * then `slice(0, n)` gives, without sorting the whole list.
 *
 * Why: a time-only join decides its REFINE (12) likeliest of up to ~1,000 cheaply weighed candidates
 * (time-join.ts); sorting them all took ~0.35 s of ~15 s on the bench's correlated set (`node --cpu-prof`).
 */
export function heaviest<T extends { w: number }>(items: readonly T[], n: number): T[] {
  const top: T[] = [];
  if (n <= 0) return top;
  for (const x of items) {
    const w = x.w;
    // a weight that is not a number has no place in an order: the sort's own answer, whatever it is
    if (Number.isNaN(w)) return [...items].sort((a, b) => b.w - a.w).slice(0, n);
    if (top.length === n && !(w > top[n - 1]!.w)) continue;
    // after every item at least as heavy: equal weights keep their list order (the sort is stable)
    let i = top.length;
    while (i > 0 && top[i - 1]!.w < w) i--;
    top.splice(i, 0, x);
    if (top.length > n) top.pop();
  }
  return top;
}
