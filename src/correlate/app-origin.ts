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

function originOf(s: Session): string {
  return `${s.clientIp} ${s.frontend}`;
}

/** what is saved of the counts: per app log, per origin (`client frontend`), the evidence learned */
export type SavedOrigins = Record<string, Record<string, number>>;

/** one learn() call: the error decided (when the Correlator said which) and what it added to each origin */
export type OriginsLearned = (e: AppError | undefined, file: string, added: ReadonlyArray<[string, number]>) => void;

/** origin counts per app log */
export class AppOrigins {
  private readonly byFile = new Map<string, Map<string, number>>();
  /** the app error being decided (the Correlator sets it before its join): what learn() adds is its evidence */
  deciding: AppError | undefined;
  /** told of each learn(): the agent saves the counts with its checkpoints (src/agent/origin-journal.ts) */
  onLearn: OriginsLearned | undefined;

  /** the (unnormalised) prior that `s` is one of the app's sessions: its origin's count + 1 */
  prior(file: string, s: Session): number {
    return (this.byFile.get(file)?.get(originOf(s)) ?? 0) + 1;
  }

  /** adds one error's evidence: each session's share (summing to at most 1) to its origin */
  learn(file: string, shares: Iterable<readonly [Session, number]>): void {
    let c = this.byFile.get(file);
    if (!c) this.byFile.set(file, (c = new Map()));
    const added: Array<[string, number]> = [];
    for (const [s, p] of shares)
      if (p > 0) {
        c.set(originOf(s), (c.get(originOf(s)) ?? 0) + p);
        added.push([originOf(s), p]);
      }
    this.onLearn?.(this.deciding, file, added);
  }

  /** the counts, to be saved (the agent's state dir): a restart then weighs origins as the run before it did */
  serialise(): SavedOrigins {
    const out: SavedOrigins = {};
    for (const [file, c] of this.byFile) out[file] = Object.fromEntries(c);
    return out;
  }

  /** replaces the counts with saved ones */
  restore(saved: SavedOrigins): void {
    this.byFile.clear();
    for (const [file, c] of Object.entries(saved))
      this.byFile.set(file, new Map(Object.entries(c).filter(([, n]) => Number.isFinite(n) && n > 0)));
  }
}
