/**
 * k-way merge of the sources by event time. Each source is read in file order (logs are written
 * in time order); the merge hands the correlator one ordered stream so that it can keep only a
 * window in memory.
 */
export interface Timed {
  time: number;
}

export function* mergeByTime<T extends Timed>(sources: Iterable<T>[]): Generator<T> {
  const its = sources.map((s) => s[Symbol.iterator]());
  const heads: (T | undefined)[] = its.map((it) => {
    const n = it.next();
    return n.done ? undefined : n.value;
  });
  // a tiny binary heap of source indexes keyed by their head's time
  const heap: number[] = [];
  const less = (a: number, b: number) =>
    heads[a]!.time < heads[b]!.time || (heads[a]!.time === heads[b]!.time && a < b);
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i]!, heap[p]!)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1,
        r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  heads.forEach((h, i) => {
    if (h) {
      heap.push(i);
      up(heap.length - 1);
    }
  });
  while (heap.length) {
    const i = heap[0]!;
    const v = heads[i]!;
    const n = its[i]!.next();
    if (n.done) {
      heads[i] = undefined;
      const last = heap.pop()!;
      if (heap.length) {
        heap[0] = last;
        down(0);
      }
    } else {
      heads[i] = n.value;
      down(0);
    }
    yield v;
  }
}
