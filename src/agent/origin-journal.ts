/**
 * The origins the Correlator learns from an app's errors (src/correlate/app-origin.ts, docs/confidence.md),
 * saved with the checkpoints so that a restart — even `kill -9` — weighs time-only joins as the run before it
 * did, and gives the verdicts an uninterrupted run gives.
 *
 * The counts saved must be the ones *at the saved positions*, not the newest: after a restart the lines from
 * each file's checkpoint on are read again, and the errors among them are decided — and learned from — again.
 * So every learn() is journaled with the error's file identity and byte offset; when the checkpoints are
 * written, the entries whose error lies before its file's saved position (never read again) are folded into
 * the saved base, and the others stay in the journal until the position passes them. The base goes into
 * `checkpoints.json` in the same atomic write as the positions it is consistent with (checkpoints.ts).
 */
import type { Doc } from '../../parsers/types.js';
import type { AppOrigins, SavedOrigins } from '../correlate/app-origin.js';
import type { Attached, Checkpoint } from './checkpoints.js';
import type { FileIdentity } from './inputs/identity.js';

interface Learned {
  identity: FileIdentity;
  offset: number;
  file: string;
  added: ReadonlyArray<[string, number]>;
}

export class OriginJournal implements Attached {
  private readonly base: SavedOrigins;
  private journal: Learned[] = [];
  /** the file each app record pushed into the Correlator was read from, by its document */
  private readonly owner = new WeakMap<Doc, FileIdentity>();
  /** learn() calls whose error the agent did not push (cannot happen; counted rather than lost) */
  unowned = 0;

  constructor(origins: AppOrigins, saved: SavedOrigins | undefined) {
    this.base = structuredClone(saved ?? {});
    origins.restore(this.base);
    origins.onLearn = (e, file, added) => {
      const identity = e && this.owner.get(e.doc);
      if (!e || !identity) {
        // nothing says where it came from: saved at once (a restart cannot learn it again from a re-read)
        this.unowned++;
        addTo(this.base, file, added);
        return;
      }
      this.journal.push({ identity, offset: e.offset, file, added });
    };
  }

  /** an app record pushed into the Correlator came from `identity` (its document identifies it) */
  pushed(doc: Doc, identity: FileIdentity): void {
    this.owner.set(doc, identity);
  }

  /**
   * Moves into the base what no restart will learn again: the errors before their file's saved position,
   * or of a file no longer checkpointed (done with) or since rewritten (another fingerprint). True if the base
   * changed.
   */
  fold(checkpointOf: (id: FileIdentity) => Checkpoint | undefined): boolean {
    const keep: Learned[] = [];
    for (const l of this.journal) {
      const cp = checkpointOf(l.identity);
      const rewritten =
        cp !== undefined &&
        cp.fingerprintBytes === l.identity.fingerprintBytes &&
        cp.fingerprint !== l.identity.fingerprint;
      if (cp === undefined || rewritten || l.offset < cp.offset) addTo(this.base, l.file, l.added);
      else keep.push(l);
    }
    const changed = keep.length !== this.journal.length;
    this.journal = keep;
    return changed;
  }

  /** the counts at the saved positions */
  value(): SavedOrigins {
    return this.base;
  }

  /** entries waiting for their file's position (for tests and the inquisitive) */
  get waiting(): number {
    return this.journal.length;
  }
}

function addTo(base: SavedOrigins, file: string, added: ReadonlyArray<[string, number]>): void {
  const c = (base[file] ??= {});
  for (const [origin, n] of added) c[origin] = (c[origin] ?? 0) + n;
}
