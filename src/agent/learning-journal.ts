/**
 * What the Correlator learned from the app's errors (src/correlate/learned.ts: the origins and next-use lags
 * of docs/confidence.md, and the closures its time-only joins took), saved with the checkpoints so that a
 * restart — even `kill -9` — weighs time-only joins as the run before it did, and gives the verdicts an
 * uninterrupted run gives.
 *
 * The state saved must be the one *at the saved positions*, not the newest: after a restart the lines from
 * each file's checkpoint on are read again, and the errors among them are decided — and learned from — again.
 * So the Correlator hands over, for each decided error, the origins and lags as they were before that error
 * taught anything, then each closure mass it raises; each is kept with the error's file identity and byte
 * offset. The taken mass before an error is rebuilt rather than copied: the one saved last, raised by what the
 * errors decided since took (the largest mass is kept, so the order does not matter), trimmed where the live
 * one had been. When the checkpoints are written, the saved state becomes the one before the first error (in
 * the order they were decided) that a restart will read again, and the entries before it are let go; when no
 * error will be read again, the newest state. It goes into `checkpoints.json` in the same atomic write as the
 * positions it is consistent with (checkpoints.ts).
 *
 * The claims on closures are kept the same way (src/correlate/saved-claims.ts): with each error's entry, the state
 * of the closure its decision took or let go. The saved claims are those of the errors before the first one read
 * again (with none left to re-read, of every error), the later claim of a closure replacing the earlier; an error
 * read again claims again as it is decided again. Only claims on closures a restart can read again are kept: a closure
 * that ended more than `CLAIMS_KEPT` before the newest error of a checkpointed file not read again is before the
 * HAProxy log's saved position (saved-claims.ts), and its claim is let go.
 *
 * An error after that first one which the restart will not read again (its file's position is further on)
 * is not in the saved state: its evidence is lost to the rest of the run. The window's hold makes this rare:
 * every file is held back to the oldest time its kind of log is needed for (docs/correlator.md), so the errors
 * read again are the newest ones of every app log.
 */
import type { Doc } from '../../parsers/types.js';
import { TakenMass, type SavedClosure } from '../correlate/joint.js';
import type { Learning, SavedLearning } from '../correlate/learned.js';
import { mergeClaims, CLAIMS_KEPT, type SavedClaim } from '../correlate/saved-claims.js';
import type { Attached, Checkpoint } from './checkpoints.js';
import type { FileIdentity } from './inputs/identity.js';

interface Before {
  identity: FileIdentity;
  offset: number;
  /** the origins and lags before the error */
  state: SavedLearning;
  /** the bound the taken mass had been trimmed at before it */
  trimmed: number;
  /** the closure masses it raised */
  raised: SavedClosure[];
  /** the error's time */
  t: number;
  /** the claims it left on closures, in order */
  claims: SavedClaim[];
}

export class LearningJournal implements Attached {
  private base: SavedLearning | undefined;
  private journal: Before[] = [];
  /** the entry `base` was made from (a fold that keeps it changes nothing) */
  private baseOf: Before | undefined;
  /** the entry of the error being decided (undefined: an unowned one, whose raises are not kept) */
  private current: Before | undefined;
  /** the time of the newest error of a checkpointed file not read again (fold) */
  private claimsAfter = -Infinity;
  /** the learning's change count at the last fold (a fold with no error left to re-read saves the newest state) */
  private folded = 0;
  /** the file each app record pushed into the Correlator was read from, by its document */
  private readonly owner = new WeakMap<Doc, FileIdentity>();
  /** changes made while deciding no error the agent pushed (cannot happen; counted, and saved at once) */
  unowned = 0;

  constructor(
    private readonly learning: Learning,
    saved: SavedLearning | undefined,
  ) {
    this.base = saved;
    learning.restore(saved);
    this.folded = learning.changes;
    learning.listen({
      before: (e, state, trimmed) => {
        const identity = e && this.owner.get(e.doc);
        this.current =
          e && identity ? { identity, offset: e.offset, t: e.t, state, trimmed, raised: [], claims: [] } : undefined;
        if (this.current) this.journal.push(this.current);
        else this.unowned++;
      },
      taken: (closure) => this.current?.raised.push(closure),
      claimed: (claim) => this.current?.claims.push(claim),
    });
  }

  /** an app record pushed into the Correlator came from `identity` (its document identifies it) */
  pushed(doc: Doc, identity: FileIdentity): void {
    this.owner.set(doc, identity);
  }

  /**
   * Chooses the state to save for the positions being written: the one before the first error a restart
   * reads again — not a file done with (no checkpoint) or rewritten since (another fingerprint), and at or
   * after its file's saved position. True if it changed.
   */
  fold(checkpointOf: (id: FileIdentity) => Checkpoint | undefined): boolean {
    /** the error's file is checkpointed (not done with, not rewritten since): its saved position, else undefined */
    const position = (l: Before): number | undefined => {
      const cp = checkpointOf(l.identity);
      const rewritten =
        cp !== undefined &&
        cp.fingerprintBytes === l.identity.fingerprintBytes &&
        cp.fingerprint !== l.identity.fingerprint;
      return cp !== undefined && !rewritten ? cp.offset : undefined;
    };
    const i = this.journal.findIndex((l) => l.offset >= (position(l) ?? Infinity));
    // the newest error of a checkpointed file that is not read again: the claims on closures well before it go
    for (const l of i < 0 ? this.journal : this.journal.slice(0, i))
      if (position(l) !== undefined && l.t > this.claimsAfter) this.claimsAfter = l.t;
    if (i < 0) {
      if (this.folded === this.learning.changes) return false;
      this.base = { ...this.learning.serialise(), claims: this.claimsBefore(this.journal.length) };
      this.journal = [];
      this.baseOf = this.current = undefined;
      this.folded = this.learning.changes;
      return true;
    }
    const first = this.journal[i]!;
    if (first === this.baseOf) return false;
    // the taken mass before `first`: the saved one raised by the errors decided between
    const taken = new TakenMass();
    taken.restore(this.base?.taken ?? []);
    for (const l of this.journal.slice(0, i)) taken.merge(l.raised);
    this.base = { ...first.state, taken: taken.serialise(first.trimmed), claims: this.claimsBefore(i) };
    this.baseOf = first;
    this.journal = this.journal.slice(i);
    return true;
  }

  /** the saved claims, then those of the first `n` entries, of the closures a restart can read again */
  private claimsBefore(n: number): SavedClaim[] {
    const lists = [this.base?.claims ?? [], ...this.journal.slice(0, n).map((l) => l.claims)];
    return mergeClaims(lists, this.claimsAfter - CLAIMS_KEPT);
  }

  /** the state at the saved positions */
  value(): SavedLearning | undefined {
    return this.base;
  }

  /** errors kept for a restart that may read them again (for tests and the inquisitive) */
  get waiting(): number {
    return this.journal.length;
  }
}
