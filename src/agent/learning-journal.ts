/**
 * What the Correlator learned from the app's errors (src/correlate/learned.ts: the origins and next-use lags
 * of docs/confidence.md), saved with the checkpoints so that a restart — even `kill -9` — weighs time-only
 * joins as the run before it did, and gives the verdicts an uninterrupted run gives.
 *
 * The state saved must be the one *at the saved positions*, not the newest: after a restart the lines from
 * each file's checkpoint on are read again, and the errors among them are decided — and learned from — again.
 * So the Correlator hands over, for each decided error, the state as it was before that error taught anything;
 * each is kept with the error's file identity and byte offset. When the checkpoints are written, the saved
 * state becomes the one before the first error (in the order they were decided) that a restart will read
 * again, and the entries before it are let go; when no error will be read again, the newest state. It goes
 * into `checkpoints.json` in the same atomic write as the positions it is consistent with (checkpoints.ts).
 *
 * An error after that first one which the restart will not read again (its file's position is further on)
 * is not in the saved state: its evidence is lost to the rest of the run. The window's hold makes this rare:
 * every file is held back to the oldest time its kind of log is needed for (docs/correlator.md), so the errors
 * read again are the newest ones of every app log.
 */
import type { Doc } from '../../parsers/types.js';
import type { Learning, SavedLearning } from '../correlate/learned.js';
import type { Attached, Checkpoint } from './checkpoints.js';
import type { FileIdentity } from './inputs/identity.js';

interface Before {
  identity: FileIdentity;
  offset: number;
  state: SavedLearning;
}

export class LearningJournal implements Attached {
  private base: SavedLearning | undefined;
  private journal: Before[] = [];
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
    learning.onBefore = (e, state) => {
      const identity = e && this.owner.get(e.doc);
      if (!e || !identity) this.unowned++;
      else this.journal.push({ identity, offset: e.offset, state });
    };
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
    const i = this.journal.findIndex((l) => {
      const cp = checkpointOf(l.identity);
      const rewritten =
        cp !== undefined &&
        cp.fingerprintBytes === l.identity.fingerprintBytes &&
        cp.fingerprint !== l.identity.fingerprint;
      return cp !== undefined && !rewritten && l.offset >= cp.offset;
    });
    if (i < 0) {
      if (this.folded === this.learning.changes) return false;
      this.base = this.learning.serialise();
      this.journal = [];
      this.folded = this.learning.changes;
      return true;
    }
    const changed = this.base !== this.journal[i]!.state;
    this.base = this.journal[i]!.state;
    this.journal = this.journal.slice(i);
    return changed;
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
