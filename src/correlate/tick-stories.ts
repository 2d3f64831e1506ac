/**
 * The candidates' decisions of one tick, by error and closure (time-candidates.ts `storyFor`). The errors due
 * together are weighed first (the probe, decide-together.ts), then decided one by one: a closure decided for an
 * error is decided again only when claims were applied on its server since (claims.ts `ClaimMarks`), for nothing
 * else the rules read changes within a tick. Each window has its own (Store `stories`), opened and closed by its
 * Correlator around a tick's decisions: between ticks the window takes new lines, which a decision may read.
 */
import type { AppError, Verdict } from './model.js';
import type { Decision } from './claims.js';
import { SessionMap } from './joint.js';

/** a closure's decision for one error, and the claims mark of its server when it was made */
export interface KeptStory {
  mark: number;
  d: Decision<Verdict>;
}

export class TickStories {
  /** by error, the decisions of its candidate closures; undefined between ticks (nothing is kept) */
  private byError: Map<AppError, SessionMap<KeptStory>> | undefined;

  /** the decisions of the tick starting now are kept until `close` */
  open(): void {
    this.byError = new Map();
  }

  close(): void {
    this.byError = undefined;
  }

  /** the decisions kept for `e` in the open tick; undefined when no tick is open */
  of(e: AppError): SessionMap<KeptStory> | undefined {
    const byError = this.byError;
    if (!byError) return undefined;
    let m = byError.get(e);
    if (!m) byError.set(e, (m = new SessionMap()));
    return m;
  }
}
