/**
 * Errors due at one instant, decided together (docs/confidence.md, "Competing errors"): the Correlator hands a
 * tick's errors to `Together.decide` before the matcher decides them one by one. It groups them (alike: one app log,
 * one stamp; or competing for the same likeliest closures), weighs each grouped error as the matcher would without
 * deciding anything (the probe), and keeps each one's joint posterior for the time-only join (time-join.ts), which
 * reads it through `jointly`. The assignment maths is joint.ts's. Each window has its own (Store `together`): what
 * one Correlator weighs and plans is not another's.
 */
import type { AppError, Session } from './model.js';
import type { Weighed } from './likelihood.js';
import {
  JOINT_MAX,
  assignmentMarginals,
  competingGroups,
  jointMarginals,
  sessionKey,
  type KeyedWeights,
} from './joint.js';

/** errors decided together that are alike (one app log, one stamp): how many, and their joint posterior */
interface Alike {
  size: number;
  plan?: Map<string, number>;
}

/** thrown by `endProbe` once the probed error is weighed, to leave the matcher before it decides anything */
const PROBED = Symbol('probed');

export class Together {
  /** errors decided together that are alike: their group */
  private readonly alike = new WeakMap<AppError, Alike>();
  /** errors decided together that compete for closures with their own weights: each one's joint posterior */
  private readonly joint = new WeakMap<AppError, Map<string, number>>();
  /** the error whose weights `timeOnly` is asked for, and what it found: nothing is decided, taken or learned */
  private probing: { e: AppError; weights?: KeyedWeights } | undefined;

  /** is `e` the error being probed: `timeOnly` must weigh it and decide, take or learn nothing */
  isProbed(e: AppError): boolean {
    return this.probing?.e === e;
  }

  /** ends the probe from inside `timeOnly` with the probed error's weights (none: it comes to no time-only join) */
  endProbe(weights?: KeyedWeights): never {
    if (this.probing) this.probing.weights = weights;
    throw PROBED;
  }

  /** `e`'s weights over its candidate closures, as `join` (the matcher) would weigh them now; none when it does
   *  not come to a time-only join (an exact key, no candidate) */
  private probe(e: AppError, join: (e: AppError) => unknown): KeyedWeights | undefined {
    const p: { e: AppError; weights?: KeyedWeights } = { e };
    this.probing = p;
    try {
      join(e);
    } catch (x) {
      if (x !== PROBED) throw x;
    } finally {
      this.probing = undefined;
    }
    return p.weights;
  }

  /**
   * The Correlator hands each tick's errors here before deciding them, with the matcher (`join`). Errors of one
   * app log with one stamp (the same worker pool failing twice in one whole second) cannot be told apart: each
   * one's posterior is the marginal of an exact assignment of all of them to distinct closures from the shared
   * weights (joint.ts `jointMarginals`). The other errors without a local port are weighed first, each as the
   * matcher would (nothing decided yet); those whose likeliest closures overlap (up to JOINT_MAX of them) get the
   * marginals of the exact assignment from each one's own weights (joint.ts `assignmentMarginals`). Both are
   * computed once, before any of them takes a closure, so the first one decided does not take the closure another
   * needs more. Larger groups are decided one by one, against the taken mass (docs/confidence.md, "Competing
   * errors").
   */
  decide(errors: readonly AppError[], join?: (e: AppError) => unknown): void {
    const byStamp = new Map<string, AppError[]>();
    for (const e of errors) {
      if (e.localPort !== undefined) continue;
      const k = `${e.file}\n${e.t}\n${e.res}`;
      const g = byStamp.get(k);
      if (g) g.push(e);
      else byStamp.set(k, [e]);
    }
    const rest: AppError[] = [];
    for (const g of byStamp.values())
      if (g.length > 1 && g.length <= 3) {
        const shared: Alike = { size: g.length };
        for (const e of g) this.alike.set(e, shared);
      } else rest.push(...g);
    if (!join || rest.length < 2) return;
    const weighed: Array<{ e: AppError; w: KeyedWeights }> = [];
    for (const e of rest) {
      const w = this.probe(e, join);
      if (w?.length) weighed.push({ e, w });
    }
    for (const g of competingGroups(weighed.map((x) => x.w)))
      if (g.length > 1 && g.length <= JOINT_MAX) {
        const plans = assignmentMarginals(g.map((i) => weighed[i]!.w));
        g.forEach((i, j) => this.joint.set(weighed[i]!.e, plans[j]!));
      }
  }

  /**
   * an error's weights as the joint assignment of its group gives them: its own marginals (`joint`), or, for an
   * alike group, the shared ones (the same for each member) times what its own logged statement says of each
   * closure (`own`: the members may have logged different statements, and that assignment is made from the weights
   * without them)
   */
  jointly<T extends { s: Session }>(e: AppError, weighed: Weighed<T>[], own: ReadonlyMap<T, number>): Weighed<T>[] {
    const g = this.alike.get(e);
    const mine = this.joint.get(e);
    // once per error: a retry later (an error deferred for late evidence) is decided alone
    this.alike.delete(e);
    this.joint.delete(e);
    if (!g && !mine) return weighed;
    // each candidate's key is built once per member: built three times, for ~1,000 candidates, they were ~7 % of
    // `correlate`'s CPU on the bench's correlated set (docs/benchmark-history.md, session 13)
    const keys = weighed.map((x) => sessionKey(x.item.s));
    const plan =
      mine ??
      (g!.plan ??= jointMarginals(
        keys.map((k, i) => [k, weighed[i]!.w / (own.get(weighed[i]!.item) ?? 1)] as const),
        g!.size,
      ));
    const w: number[] = [];
    // the candidates weighed when the plan was made; one the plan lacks means it no longer applies
    for (const k of keys) {
      const p = plan.get(k);
      if (p === undefined) return weighed;
      w.push(p);
    }
    return weighed.map((x, i) => ({ ...x, w: w[i]! * (mine ? 1 : (own.get(x.item) ?? 1)) }));
  }
}
