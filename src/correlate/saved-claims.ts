/**
 * The claims app errors made on HAProxy closures (claims.ts `takeSession`, time-join.ts `timeJoined`, late-join.ts),
 * as the agent saves them with its checkpoints, and put back on the closures a restart reads again.
 *
 * Why (docs/agent-inputs.md "What is saved beside the positions"): after a restart the HAProxy log is read again
 * from its saved position, and the app logs from theirs. An error decided before its log's saved position is not
 * read again, but a closure it took can be: it then enters the rebuilt window as a fresh closure, which an error
 * read again may choose (matcher.ts offers every unclaimed closure, and weighs a time-joined one as a rival only) and
 * which, left unclaimed, is reported as a `connection` of its own when it leaves the window. So each decided error's
 * claim is journalled with it (src/agent/learning-journal.ts), and the claims of the errors a restart will not read
 * again are saved beside the learned state (learned.ts) and applied to their closures as these enter the window
 * (store.ts `index`), before any error read again is decided.
 */
import { numKey } from './joint.js';
import type { Session } from './model.js';

/** a closure's claim as saved: the closure's `numKey`, client IP, server and end (its identity when it is read
 *  again), then whether it is claimed, the app log that may claim it once more (null: none) and whether a time-only
 *  join took it (1) */
export type SavedClaim = [
  key: number,
  clientIp: string,
  server: string,
  end: number,
  claimed: 0 | 1,
  reusableBy: string | null,
  timeJoined: 0 | 1,
];

/** `s`'s claim as it is now */
export function claimOf(s: Session): SavedClaim {
  return [numKey(s), s.clientIp, s.server, s.end, s.claimed ? 1 : 0, s.reusableBy ?? null, s.timeJoined ? 1 : 0];
}

/** how far before the HAProxy time a restart reads again from the HAProxy log may bring closures back: its own
 *  disorder (window.ts DISORDER, 5 s) and the whole second a saved position starts at (window.ts FilePositions) */
const REREAD_MARGIN = 6000;

/**
 * How long before the newest error not read again (of a checkpointed app log) a closure's claim is kept. The app logs
 * are held back to the errors that may have claimed a closure the window holds (held.ts `heldTimesOf`): such an
 * error is more than 1 s + skew + settle older than the HAProxy time held, and so a closure it took that a restart can
 * read again ended at most REREAD_MARGIN before it. A minute leaves room for an HAProxy position held back further by
 * acknowledgements still in flight (checkpoints.ts); the claims saved are those of the last minute of errors.
 */
export const CLAIMS_KEPT = 60_000;

/** one closure's identity in a saved claim (for merging claims: the later one of a closure replaces the earlier) */
export const claimId = (c: SavedClaim): string => `${c[0]} ${c[1]} ${c[2]} ${c[3]}`;

/** the claims of `lists` (in decision order): the last one of each closure, of the closures that end at or after
 *  `from` */
export function mergeClaims(lists: ReadonlyArray<readonly SavedClaim[]>, from: number): SavedClaim[] {
  const byId = new Map<string, SavedClaim>();
  for (const list of lists)
    for (const c of list)
      if (c[3] >= from) {
        const id = claimId(c);
        byId.delete(id); // (kept in the order of the last claims)
        byId.set(id, c);
      }
  return [...byId.values()];
}

/** the saved claims of a restored window, waiting for their closures to be read again */
export class RestoredClaims {
  private readonly byKey = new Map<number, SavedClaim[]>();
  private lastEnd = -Infinity;
  size = 0;

  load(claims: readonly SavedClaim[]): void {
    this.byKey.clear();
    this.size = 0;
    this.lastEnd = -Infinity;
    for (const c of claims) {
      const l = this.byKey.get(c[0]);
      if (l) l.push(c);
      else this.byKey.set(c[0], [c]);
      this.size++;
      this.lastEnd = Math.max(this.lastEnd, c[3]);
    }
  }

  /**
   * A closure enters the window (`session()` gives its one object): its saved claim, if any, is put back. Once the
   * HAProxy log is past the newest restored closure, the rest are let go (not read again: nothing to apply).
   */
  enter(fields: Pick<Session, 'accept' | 'clientPort' | 'clientIp' | 'server' | 'end'>, session: () => Session): void {
    if (fields.end > this.lastEnd + REREAD_MARGIN) {
      this.load([]);
      return;
    }
    const k = numKey(fields);
    const l = this.byKey.get(k);
    const i = l ? l.findIndex((c) => c[1] === fields.clientIp && c[2] === fields.server && c[3] === fields.end) : -1;
    if (i < 0) return;
    const [c] = l!.splice(i, 1);
    if (!l!.length) this.byKey.delete(k);
    this.size--;
    const s = session();
    s.claimed = c![4] === 1;
    s.reusableBy = c![5] ?? undefined;
    if (c![6]) s.timeJoined = true;
  }
}
