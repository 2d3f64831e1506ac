/**
 * Errors compete for closures: a dead connection causes at most one first-use error (docs/confidence.md,
 * "Competing errors"). Deciding them jointly means weighing each closure, for the error at hand, by the
 * probability that no error decided before it met that closure (their events are final, so their posteriors
 * are kept as they were given: the assumed-density filtering of the joint assignment, Minka, "A family of
 * algorithms for approximate Bayesian inference", MIT 2001, https://tminka.github.io/papers/ep/, ch. 3).
 *
 * That probability is at least the largest posterior an earlier error put on the closure and at most the sum
 * of them (two errors cannot have met the same closure). The sum overstates it: each earlier posterior was
 * spread over closures that later errors explain better (a closure 20 s old had been a faint candidate of
 * twenty errors before its own came), and on the bench it made the verdicts over-confident (docs/confidence.md).
 * The largest one is kept: the closure is free with 1 − max. Errors decided at the same tick that compete (up to
 * three) are assigned exactly instead: alike ones (one app log, one stamp) from their shared weights
 * (`jointMarginals`), others from each one's own (`assignmentMarginals`).
 */
import type { Session } from './model.js';

/** a session's identity across lookups (the window may give a fresh copy of a `--` session each time) */
export function sessionKey(s: Session): string {
  return `${s.clientIp} ${s.clientPort} ${s.accept} ${s.server}`;
}

/** the number part of that identity, (accept, client port), exact below 2^52: accepts 2^36 ms (2.2 years) apart
 *  share it, and sessions of other clients or servers accepted in the same millisecond on the same port too,
 *  which the entries tell apart */
export const numKey = (s: Pick<Session, 'accept' | 'clientPort'>): number =>
  (s.accept % 2 ** 36) * 65536 + s.clientPort;

/** values by a session's identity (`sessionKey`'s fields), under `numKey`: no key string is built */
export class SessionMap<V> {
  private readonly byKey = new Map<number, Array<{ s: Session; v: V }>>();

  get(s: Session): V | undefined {
    const l = this.byKey.get(numKey(s));
    if (l)
      for (const x of l)
        if (x.s.clientIp === s.clientIp && x.s.server === s.server && x.s.accept === s.accept) return x.v;
    return undefined;
  }

  set(s: Session, v: V): void {
    const k = numKey(s);
    const l = this.byKey.get(k);
    if (!l) this.byKey.set(k, [{ s, v }]);
    else {
      const x = l.find((x) => x.s.clientIp === s.clientIp && x.s.server === s.server && x.s.accept === s.accept);
      if (x) x.v = v;
      else l.push({ s, v });
    }
  }
}

/** a closure's taken mass, as `TakenMass.lookup` hands it out */
export interface TakenEntry {
  clientIp: string;
  server: string;
  end: number;
  p: number;
}

/** a closure's taken mass as saved (learned.ts): its `numKey`, client IP, server, end and mass */
export type SavedClosure = [key: number, clientIp: string, server: string, end: number, p: number];

export class TakenMass {
  /** by `numKey`, in insertion order, which is nearly time order: the oldest are trimmed from the front. Numbers,
   *  not `sessionKey` strings: the key of every candidate of every time-only error is looked up and most are
   *  added, and building and hashing the strings was ~15 % of `correlate`'s CPU on the bench */
  private readonly byKey = new Map<number, TakenEntry[]>();
  private count = 0;
  /** the bound of the last `trim` (closures that ended before it are let go) */
  trimmed = -Infinity;
  /** told of each closure whose mass an add raised, as it is now (the agent journals them: learned.ts); unset,
   *  nothing is told (batch `correlate`) */
  adding: ((closure: SavedClosure) => void) | undefined;

  private find(s: Session): TakenEntry | undefined {
    const l = this.byKey.get(numKey(s));
    if (l) for (const x of l) if (x.clientIp === s.clientIp && x.server === s.server) return x;
    return undefined;
  }

  /** the probability that an error decided before met `s` */
  of(s: Session): number {
    return this.massOf(this.find(s) ?? null);
  }

  /** `s`'s entry (null: none yet), for `massOf` and `addAt`: a time-only join looks each candidate up once to
   *  weigh it and to add its share (two lookups in a map of ~10,000 were ~5 % of `correlate`'s CPU) */
  lookup(s: Session): TakenEntry | null {
    return this.find(s) ?? null;
  }

  /** `of` for an entry `lookup` gave */
  massOf(x: TakenEntry | null): number {
    return Math.min(1, x?.p ?? 0);
  }

  /** an error decided now met `s` with probability `p` (what is kept: the largest such `p`) */
  add(s: Session, p: number): void {
    this.addAt(null, s, p);
  }

  /** `add` with the entry `lookup` gave for `s` since the last `trim` (null: looked up again, as another
   *  candidate of the same key may have added it) */
  addAt(entry: TakenEntry | null, s: Session, p: number): void {
    if (!(p > 0)) return;
    const x = entry ?? this.find(s);
    if (x) {
      if (p <= x.p) return;
      x.p = p;
      if (this.adding) this.adding([numKey(s), x.clientIp, x.server, x.end, p]);
      return;
    }
    const k = numKey(s);
    this.insert(k, { clientIp: s.clientIp, server: s.server, end: s.end, p });
    if (this.adding) this.adding([k, s.clientIp, s.server, s.end, p]);
  }

  private insert(k: number, e: TakenEntry): void {
    const l = this.byKey.get(k);
    if (l) l.push(e);
    else this.byKey.set(k, [e]);
    this.count++;
  }

  /** forgets closures that ended before `t` (no error can weigh them any more) */
  trim(t: number): void {
    if (t > this.trimmed) this.trimmed = t;
    for (const [k, l] of this.byKey) {
      if (l.some((x) => x.end >= t)) break;
      this.byKey.delete(k);
      this.count -= l.length;
    }
  }

  /** the closures that ended at or after `from`, as saved */
  serialise(from = this.trimmed): SavedClosure[] {
    const out: SavedClosure[] = [];
    for (const [k, l] of this.byKey)
      for (const x of l) if (x.end >= from) out.push([k, x.clientIp, x.server, x.end, x.p]);
    return out;
  }

  /** raises each saved closure's mass to the saved one (an add of it: the largest is kept, in any order) */
  merge(closures: readonly SavedClosure[]): void {
    for (const [k, clientIp, server, end, p] of closures) {
      const x = this.byKey.get(k)?.find((x) => x.clientIp === clientIp && x.server === server);
      if (x) x.p = Math.max(x.p, p);
      else if (p > 0) this.insert(k, { clientIp, server, end, p });
    }
  }

  /** the saved closures, and nothing else */
  restore(closures: readonly SavedClosure[]): void {
    this.byKey.clear();
    this.count = 0;
    this.trimmed = -Infinity;
    this.merge(closures);
  }

  get size(): number {
    return this.count;
  }
}

/**
 * k alike errors (one app log, one stamp: the same weight on each closure), k ≤ 3, each met a different one of
 * the closures: the marginal probability that a given one of them met closure j, over every assignment of the
 * k errors to distinct closures weighted by the product of their weights (for k = 2, w_j·(W − w_j); for 3,
 * w_j·((W − w_j)² − (S − w_j²)) with S = Σ w²: the permanent of the remaining errors' weights over the other
 * closures). Normalised; undefined k (1, or more than 3) leaves the weights as they are.
 */
export function jointMarginals(weights: ReadonlyArray<readonly [string, number]>, k: number): Map<string, number> {
  let W = 0,
    S = 0;
  for (const [, w] of weights) {
    W += w;
    S += w * w;
  }
  const f = (w: number) => (k === 2 ? w * (W - w) : k === 3 ? w * ((W - w) ** 2 - (S - w * w)) : w);
  const out = new Map<string, number>();
  let total = 0;
  for (const [key, w] of weights) {
    const x = Math.max(0, f(w));
    out.set(key, (out.get(key) ?? 0) + x);
    total += x;
  }
  if (total > 0) for (const [key, x] of out) out.set(key, x / total);
  return out;
}

/** an error's weights over its candidate closures, by closure key (`sessionKey`) */
export type KeyedWeights = ReadonlyArray<readonly [string, number]>;

/** how many of each error's likeliest closures say which errors it competes with (`competingGroups`) */
export const JOINT_TOP = 8;
/** the largest group of competing errors assigned exactly (closed forms below) */
export const JOINT_MAX = 3;

/**
 * k errors decided together (2 ≤ k ≤ JOINT_MAX), each with its own weights, each met a different closure: for each
 * error, the marginal probability that it met closure a over every assignment of the errors to distinct closures,
 * weighed by the product of their weights. Over all candidates, in closed form (what `jointMarginals` does when
 * the weights are the same): for error i and the others j (and l), the others' assignments that leave a free are
 * - k = 2: W_j − w_j(a);
 * - k = 3: (W_j − w_j(a))·(W_l − w_l(a)) − (S_jl − w_j(a)·w_l(a)), S_jl = Σ_c w_j(c)·w_l(c) (j and l on one
 *   closure, the permanent's correction).
 * With no consistent assignment (one closure for two errors that need it and nothing else), or another k, each
 * error keeps its own normalised weights.
 */
export function assignmentMarginals(errors: readonly KeyedWeights[]): Map<string, number>[] {
  const own = errors.map((ws) => {
    const m = new Map<string, number>();
    for (const [key, w] of ws) if (w > 0) m.set(key, (m.get(key) ?? 0) + w);
    return m;
  });
  const total = own.map((m) => {
    let t = 0;
    for (const w of m.values()) t += w;
    return t;
  });
  const both = (j: number, l: number): number => {
    const [a, b] = own[j]!.size <= own[l]!.size ? [own[j]!, own[l]!] : [own[l]!, own[j]!];
    let s = 0;
    for (const [key, w] of a) s += w * (b.get(key) ?? 0);
    return s;
  };
  const k = errors.length;
  const s12 = k === 3 ? both(1, 2) : 0,
    s02 = k === 3 ? both(0, 2) : 0,
    s01 = k === 3 ? both(0, 1) : 0;
  return own.map((m, i) => {
    const [j, l] = [0, 1, 2].filter((x) => x !== i && x < k) as [number, number | undefined];
    const sjl = i === 0 ? s12 : i === 1 ? s02 : s01;
    const free = (key: string): number => {
      const wj = own[j]!.get(key) ?? 0;
      if (k === 2) return total[j]! - wj;
      const wl = own[l!]!.get(key) ?? 0;
      return (total[j]! - wj) * (total[l!]! - wl) - (sjl - wj * wl);
    };
    const out = new Map<string, number>();
    let z = 0;
    if (k === 2 || k === 3)
      for (const [key, w] of m) {
        const x = Math.max(0, w * free(key));
        out.set(key, x);
        z += x;
      }
    if (!(z > 0)) for (const [key, w] of m) out.set(key, w / total[i]!);
    else for (const [key, x] of out) out.set(key, x / z);
    return out;
  });
}

/**
 * The errors that compete: those whose likeliest closures (each one's JOINT_TOP) overlap, directly or through
 * another error's, as groups of their indexes (a group of one competes with no other error of its tick).
 */
export function competingGroups(errors: readonly KeyedWeights[]): number[][] {
  const parent = errors.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
  const owner = new Map<string, number>();
  errors.forEach((ws, i) => {
    const top = [...ws].filter(([, w]) => w > 0).sort((a, b) => b[1] - a[1]);
    for (const [key] of top.slice(0, JOINT_TOP)) {
      const o = owner.get(key);
      if (o === undefined) owner.set(key, i);
      else parent[root(o)] = root(i);
    }
  });
  const groups = new Map<number, number[]>();
  errors.forEach((_, i) => {
    const r = root(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  });
  return [...groups.values()];
}
