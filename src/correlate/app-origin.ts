/**
 * Where an app's connections come from, learned from its own errors: the client address HAProxy logged
 * for them and the frontend they came through (docs/confidence.md, "learned origin").
 *
 * Why: an app runs on its own hosts and connects through the frontend its config names, so the sessions
 * it owns share a few (client address, frontend) pairs, while the other clients of a busy proxy (primary
 * traffic, other apps) spread over theirs. Without `app.files[].clients`/`frontends` a time-only join
 * cannot tell them apart by time alone; the app's earlier errors can. Each error adds one unit of
 * evidence: a join by client port all of it to its session's origin; a time-only join its posterior,
 * shared among the candidates' origins as their weights are. A candidate's prior is then the predictive
 * probability of its origin under a Dirichlet(1, …) prior (Laplace's rule): (count + 1) / (total + K),
 * whose constant denominator cancels when the candidates are normalised, so only count + 1 is kept.
 *
 * Learned inside the Correlator from the errors in log-time order, so batch and agent learn the same: each
 * Correlator's store holds one (`Store.origins`).
 */
import type { AppError, Session } from './model.js';

/** counts by client address, then frontend: the two strings as the window hands them out (interned:
 *  session-table.ts), so each lookup hashes nothing new. One key `${address} ${frontend}` built per look-up
 *  cost ~10 % of the CPU of `correlate` on the bench's correlated set (~1,000 candidates weighed per
 *  time-only error, `node --cpu-prof`). */
type Counts = Map<string, Map<string, number>>;

/** what is saved of the counts: per app log, per origin (`client frontend`), the evidence learned */
export type SavedOrigins = Record<string, Record<string, number>>;

/** one learn() call: the error decided (when the Correlator said which) and what it added to each origin */
export type OriginsLearned = (e: AppError | undefined, file: string, added: ReadonlyArray<[string, number]>) => void;

/** origin counts per app log */
export class AppOrigins {
  private readonly byFile = new Map<string, Counts>();
  /** the last file asked about (an error's candidates are all weighed for one file) */
  private lastFile: string | undefined = undefined;
  private lastCounts: Counts | undefined = undefined;
  /** the app error being decided (the Correlator sets it before its join): what learn() adds is its evidence */
  deciding: AppError | undefined;
  /** told of each learn(): the agent saves the counts with its checkpoints (src/agent/origin-journal.ts) */
  onLearn: OriginsLearned | undefined;

  private counts(file: string): Counts | undefined {
    if (file !== this.lastFile) {
      this.lastFile = file;
      this.lastCounts = this.byFile.get(file);
    }
    return this.lastCounts;
  }

  /** the (unnormalised) prior that `s` is one of the app's sessions: its origin's count + 1 */
  prior(file: string, s: Session): number {
    return (this.counts(file)?.get(s.clientIp)?.get(s.frontend) ?? 0) + 1;
  }

  /** adds one error's evidence: each session's share (summing to at most 1) to its origin */
  learn(file: string, shares: Iterable<readonly [Session, number]>): void {
    let c = this.counts(file);
    if (!c) {
      this.byFile.set(file, (c = new Map()));
      this.lastCounts = c;
    }
    // the saved form names an origin `address frontend` (a frontend name has no space): built only when told
    const added: Array<[string, number]> | undefined = this.onLearn ? [] : undefined;
    for (const [s, p] of shares) {
      if (!(p > 0)) continue;
      let f = c.get(s.clientIp);
      if (!f) c.set(s.clientIp, (f = new Map()));
      f.set(s.frontend, (f.get(s.frontend) ?? 0) + p);
      added?.push([`${s.clientIp} ${s.frontend}`, p]);
    }
    if (added) this.onLearn?.(this.deciding, file, added);
  }

  /** the counts, to be saved (the agent's state dir): a restart then weighs origins as the run before it did */
  serialise(): SavedOrigins {
    const out: SavedOrigins = {};
    for (const [file, c] of this.byFile) {
      const o: Record<string, number> = (out[file] = {});
      for (const [ip, f] of c) for (const [fe, n] of f) o[`${ip} ${fe}`] = n;
    }
    return out;
  }

  /** replaces the counts with saved ones */
  restore(saved: SavedOrigins): void {
    this.byFile.clear();
    this.lastFile = this.lastCounts = undefined;
    for (const [file, o] of Object.entries(saved)) {
      const c: Counts = new Map();
      for (const [origin, n] of Object.entries(o)) {
        const sp = origin.indexOf(' ');
        if (sp < 0 || !Number.isFinite(n) || !(n > 0)) continue;
        const ip = origin.slice(0, sp);
        let f = c.get(ip);
        if (!f) c.set(ip, (f = new Map()));
        f.set(origin.slice(sp + 1), n);
      }
      this.byFile.set(file, c);
    }
  }
}
