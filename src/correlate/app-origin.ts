/**
 * Where an app's connections come from, learned from its own errors: the client address HAProxy logged
 * for them and the frontend they came through (docs/confidence.md, "learned origin").
 *
 * Why: an app runs on its own hosts and connects through the frontend its config names, so the sessions
 * it owns share a few (client address, frontend) pairs, while the other clients of a busy proxy (primary
 * traffic, other apps) spread over theirs. Without `app.files[].clients`/`frontends` a time-only join
 * cannot tell them apart by time alone; the app's earlier errors can. Each error adds one unit of
 * evidence: a join by client port all of it to its session's origin; a time-only join its posterior,
 * shared among the candidates' origins as their weights are. The closures each origin offered the app's
 * errors as candidates are counted too, once each.
 *
 * A candidate's prior is the rate at which its origin's closures turned out to be this app's — not the
 * origin's share of the app's errors: a busy origin whose closures the app never meets (another app on the
 * same proxy) must not weigh more for having many closures. An origin seen little is shrunk towards its
 * frontend's rate (all the frontend's clients pooled: a new client of a frontend the app never meets weighs
 * little), and that towards the app's rate over all origins (a pooled Laplace estimate), so before any
 * evidence every origin weighs alike.
 *
 * Learned inside the Correlator from the errors in log-time order, so batch and agent learn the same: each
 * Correlator's store holds one (`Store.origins`).
 */
import type { Session } from './model.js';
import { sessionKey } from './joint.js';

function originOf(s: Session): string {
  return `${s.clientIp} ${s.frontend}`;
}

/** one app log's evidence: error mass and closures seen per origin, and their totals */
class Learned {
  readonly errors = new Map<string, number>();
  readonly closures = new Map<string, number>();
  errorTotal = 0;
  closureTotal = 0;
  /** the latest closure end counted: candidates come in time order, each counted once */
  counted = -Infinity;
  /** the sessions counted at `counted` itself (several closures can end in one millisecond) */
  atCounted = new Set<string>();
}

/** what is saved of one app log's evidence (learned.ts): the maps as entry lists */
export interface SavedLearned {
  errors: Array<[string, number]>;
  closures: Array<[string, number]>;
  errorTotal: number;
  closureTotal: number;
  counted: number | null;
  atCounted: string[];
}

/** origin counts per app log */
export class AppOrigins {
  private readonly byFile = new Map<string, Learned>();
  /** told before each change (learned.ts: the agent saves the state as it was before an error's evidence) */
  changing: (() => void) | undefined;

  private of(file: string): Learned {
    this.changing?.();
    let c = this.byFile.get(file);
    if (!c) this.byFile.set(file, (c = new Learned()));
    return c;
  }

  /**
   * The (unnormalised) prior that `s` is the closure an error of `file` met: the rate at which closures of its
   * origin turned out to be this app's, (errors + m_f) / (closures + 1), shrunk towards its frontend's rate
   * m_f = (errors + m) / (closures + 1) of the frontend, and that towards the app's rate over every origin,
   * m = (all errors + 1) / (all closures + 2) (Laplace's rule for the pooled rate).
   */
  prior(file: string, s: Session): number {
    const c = this.byFile.get(file);
    const m = ((c?.errorTotal ?? 0) + 1) / ((c?.closureTotal ?? 0) + 2);
    // the frontend's rate first (all its clients pooled), then the client's within it
    const f = `\n${s.frontend}`;
    const mf = ((c?.errors.get(f) ?? 0) + m) / ((c?.closures.get(f) ?? 0) + 1);
    const o = originOf(s);
    return ((c?.errors.get(o) ?? 0) + mf) / ((c?.closures.get(o) ?? 0) + 1);
  }

  /** adds one error's evidence: each session's share (summing to at most 1) to its origin */
  learn(file: string, shares: Iterable<readonly [Session, number]>): void {
    const c = this.of(file);
    for (const [s, p] of shares)
      if (p > 0) {
        for (const o of [originOf(s), `\n${s.frontend}`]) c.errors.set(o, (c.errors.get(o) ?? 0) + p);
        c.errorTotal += p;
      }
  }

  /**
   * Counts the closures an error of `file` could have met (its candidates), each once: those that ended after
   * the ones counted before (an app's errors are decided in time order, and each one's candidates reach back
   * past the previous one's).
   */
  seen(file: string, sessions: Iterable<Session>): void {
    const c = this.of(file);
    const from = c.counted;
    let top = from;
    const atTop: string[] = [];
    for (const s of sessions) {
      if (s.end < from || (s.end === from && c.atCounted.has(sessionKey(s)))) continue;
      const o = originOf(s);
      for (const k of [o, `\n${s.frontend}`]) c.closures.set(k, (c.closures.get(k) ?? 0) + 1);
      c.closureTotal++;
      if (s.end > top) {
        top = s.end;
        atTop.length = 0;
      }
      if (s.end === top) atTop.push(sessionKey(s));
    }
    if (top > from) c.atCounted.clear();
    for (const k of atTop) c.atCounted.add(k);
    c.counted = top;
  }

  /** the evidence, to be saved with the agent's checkpoints (learned.ts) */
  serialise(): Record<string, SavedLearned> {
    const out: Record<string, SavedLearned> = {};
    for (const [file, c] of this.byFile)
      out[file] = {
        errors: [...c.errors],
        closures: [...c.closures],
        errorTotal: c.errorTotal,
        closureTotal: c.closureTotal,
        // JSON has no -Infinity
        counted: Number.isFinite(c.counted) ? c.counted : null,
        atCounted: [...c.atCounted],
      };
    return out;
  }

  /** replaces the evidence with saved evidence */
  restore(saved: Record<string, SavedLearned>): void {
    this.byFile.clear();
    for (const [file, v] of Object.entries(saved)) {
      const c = new Learned();
      for (const [k, n] of v.errors) c.errors.set(k, n);
      for (const [k, n] of v.closures) c.closures.set(k, n);
      c.errorTotal = v.errorTotal;
      c.closureTotal = v.closureTotal;
      c.counted = v.counted ?? -Infinity;
      c.atCounted = new Set(v.atCounted);
      this.byFile.set(file, c);
    }
  }
}
