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

/**
 * Amounts per frontend (all its clients pooled) and per origin (client address within it). Nested by the two
 * strings as the window hands them out (interned: session-table.ts) rather than keyed by `address frontend`:
 * every candidate of every time-only error is looked up, and building and hashing a key string each time cost
 * ~6 % of `correlate`'s CPU on the bench's correlated set (`node --cpu-prof`).
 */
class Counts {
  private readonly byFrontend = new Map<string, { n: number; byClient: Map<string, number> }>();

  frontend(frontend: string): number {
    return this.byFrontend.get(frontend)?.n ?? 0;
  }

  origin(frontend: string, client: string): number {
    return this.byFrontend.get(frontend)?.byClient.get(client) ?? 0;
  }

  add(frontend: string, client: string, x: number): void {
    let f = this.byFrontend.get(frontend);
    if (!f) this.byFrontend.set(frontend, (f = { n: 0, byClient: new Map() }));
    f.n += x;
    f.byClient.set(client, (f.byClient.get(client) ?? 0) + x);
  }

  /** saved as entries: `\nfrontend` for a frontend's amount, `address frontend` for an origin's */
  entries(): Array<[string, number]> {
    const out: Array<[string, number]> = [];
    for (const [fe, f] of this.byFrontend) {
      out.push([`\n${fe}`, f.n]);
      for (const [ip, n] of f.byClient) out.push([`${ip} ${fe}`, n]);
    }
    return out;
  }

  static of(entries: ReadonlyArray<readonly [string, number]>): Counts {
    const c = new Counts();
    for (const [k, n] of entries) {
      if (k.startsWith('\n')) continue;
      const sp = k.indexOf(' ');
      if (sp > 0) c.add(k.slice(sp + 1), k.slice(0, sp), n);
    }
    // a frontend's amount is the sum of its origins' (as learned), except for rounding: the saved one stands
    for (const [k, n] of entries)
      if (k.startsWith('\n')) {
        const f = c.byFrontend.get(k.slice(1));
        if (f) f.n = n;
      }
    return c;
  }
}

/** one app log's evidence: error mass and closures seen per origin, and their totals */
class Learned {
  errors = new Counts();
  closures = new Counts();
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
    return this.priorFor(file)(s);
  }

  /** `prior` for the candidates of one error of `file`, as the evidence stands now (the app log's evidence and
   *  pooled rate looked up once: a time-only join weighs up to ~1,000 candidates) */
  priorFor(file: string): (s: Session) => number {
    const c = this.byFile.get(file);
    const m = ((c?.errorTotal ?? 0) + 1) / ((c?.closureTotal ?? 0) + 2);
    // the frontend's rate first (all its clients pooled), then the client's within it
    if (!c) return () => m;
    return (s) => {
      const mf = (c.errors.frontend(s.frontend) + m) / (c.closures.frontend(s.frontend) + 1);
      return (c.errors.origin(s.frontend, s.clientIp) + mf) / (c.closures.origin(s.frontend, s.clientIp) + 1);
    };
  }

  /** adds one error's evidence: each session's share (summing to at most 1) to its origin */
  learn(file: string, shares: Iterable<readonly [Session, number]>): void {
    const c = this.of(file);
    for (const [s, p] of shares)
      if (p > 0) {
        c.errors.add(s.frontend, s.clientIp, p);
        c.errorTotal += p;
      }
  }

  /**
   * Counts the closures an error of `file` could have met (its candidates), each once: those that ended after
   * the ones counted before (an app's errors are decided in time order, and each one's candidates reach back
   * past the previous one's).
   */
  seen(file: string, sessions: readonly Session[]): void {
    const c = this.of(file);
    const from = c.counted;
    let top = from;
    for (const s of sessions) {
      if (s.end < from || (s.end === from && c.atCounted.has(sessionKey(s)))) continue;
      c.closures.add(s.frontend, s.clientIp, 1);
      c.closureTotal++;
      if (s.end > top) top = s.end;
    }
    if (top > from) c.atCounted.clear();
    // the closures ending at the new mark (a key built for these only: building one per candidate cost ~2 % of
    // `correlate`'s CPU); at an unchanged mark, the ones already there are added again, which changes nothing
    for (const s of sessions) if (s.end === top) c.atCounted.add(sessionKey(s));
    c.counted = top;
  }

  /** the evidence, to be saved with the agent's checkpoints (learned.ts) */
  serialise(): Record<string, SavedLearned> {
    const out: Record<string, SavedLearned> = {};
    for (const [file, c] of this.byFile)
      out[file] = {
        errors: c.errors.entries(),
        closures: c.closures.entries(),
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
      c.errors = Counts.of(v.errors);
      c.closures = Counts.of(v.closures);
      c.errorTotal = v.errorTotal;
      c.closureTotal = v.closureTotal;
      c.counted = v.counted ?? -Infinity;
      c.atCounted = new Set(v.atCounted);
      this.byFile.set(file, c);
    }
  }
}
