/**
 * Filebeat's contract, turn by turn: when a turn ends, each file's hold (the oldest position still needed) is
 * taken with the window's facts; once the turn's documents are acknowledged, the holds are applied, then the
 * turn's lines acknowledged, so that a checkpoint never passes a record still being assembled, waiting in the
 * merge, or needed by the window.
 */
import type { Correlator } from '../correlate/correlator.js';
import type { HeldTimes } from '../correlate/held.js';
import type { SavedWindow } from '../correlate/window-summary.js';
import { CHECKPOINT_INTERVAL_MS, type CheckpointStore } from './checkpoints.js';
import type { WindowFacts } from './checkpoints-window.js';
import type { FileIdentity } from './inputs/identity.js';
import type { StreamMerger } from './merger.js';
import { offsetOf, type MergeItem, type OpenFile } from './open-file.js';

/** the lines of a turn, acknowledged once its documents are: file identity and offset, index by index */
export interface Acks {
  ids: FileIdentity[];
  offsets: number[];
}

/** each file's hold, by identity (undefined: none, the checkpoint may reach what was acknowledged) */
export type Holds = Array<[FileIdentity, number | undefined]>;

/** how often the window's held times and long-lived facts are taken afresh: the checkpoints' own pace */
export const WINDOW_TAKE_MS = CHECKPOINT_INTERVAL_MS;

/**
 * The window's held times and the facts older than them (window-summary.ts `saveWindow`), taken together at most
 * once per `everyMs` and reused by the turns between. Taking them is a pass over every MySQL thread of the window
 * (tens of thousands once the window spans `max_error_lag` at 20,000 lines/s), and a busy agent ends several
 * turns a second: taken every turn, it grew to an eighth of the agent's CPU in the hour's soak
 * (docs/benchmark-agent.md "The window full, 2026-12-07"). Reusing them is sound because they go together: a turn's
 * holds come from the same times as the facts it carries, so a checkpoint never passes a line whose facts are not
 * saved. What the times cannot cover is what came after them: a record pushed into the Correlator since (an app
 * error now waiting for its verdict, where the times said the app log held nothing) is held by its file offset
 * (OpenFile `pushedSinceTake`) until the next take. The records being assembled and waiting in the merge are taken
 * every turn.
 */
export class WindowTake {
  private times: HeldTimes | undefined;
  private facts: SavedWindow | undefined;
  private at = -Infinity;

  constructor(
    private readonly correlator: Correlator,
    private readonly everyMs = WINDOW_TAKE_MS,
  ) {}

  /**
   * The times and facts taken last, taken afresh (`fresh` in the answer) if `everyMs` has passed since, or when
   * `last` (the last turn).
   */
  take(now: number, last = false): { times: HeldTimes; facts: SavedWindow; fresh: boolean } {
    const fresh = last || !this.times || !this.facts || now - this.at >= this.everyMs;
    if (fresh) {
      this.times = this.correlator.heldTimes();
      this.facts = this.correlator.saveWindow(this.times);
      this.at = now;
    }
    return { times: this.times!, facts: this.facts!, fresh };
  }
}

/**
 * Per open file, the oldest position still needed: a record still being assembled, waiting in the merge,
 * or needed by the window (from its own kind's held time, `times`). Taken when a turn ends, with the window's facts
 * older than those times (saved instead of read again), applied when its documents are acknowledged.
 */
export function takeHolds(
  files: Iterable<OpenFile>,
  released: OpenFile[],
  merger: StreamMerger<MergeItem>,
  times: HeldTimes,
): Holds {
  const held = (f: OpenFile) => f.positions.heldFrom(times.of(f.input.kind, f.input.server)).get('');
  const out: Holds = [...files].map((f) => [
    f.identity,
    least(f.decoder.pendingOffset, offsetOf(merger.head(f.source)), held(f), f.pushedSinceTake),
  ]);
  // A closed file keeps a hold — at or before the record its decoder flushed when it was retired: a kill before
  // that record is acknowledged reads it again — while records of it wait in the merge or the window holds some;
  // then the hold is lifted (applied once this turn's documents are acknowledged), the checkpoint reaches the
  // file's end and the entry is dropped (CheckpointStore.forget).
  for (let i = released.length - 1; i >= 0; i--) {
    const f = released[i]!;
    const at = least(offsetOf(merger.head(f.source)), held(f), f.pushedSinceTake);
    out.push([f.identity, at]);
    if (at === undefined) released.splice(i, 1);
  }
  return out;
}

/** Sends a turn's documents; once acknowledged, its lines are, and the checkpoints move up to the holds. */

/**
 * A turn's documents acknowledged: its holds applied first, then its lines, with the window's facts taken at the
 * same time; the checkpoints are then written.
 */
export async function applyAck(
  store: CheckpointStore,
  facts: WindowFacts,
  acks: Acks,
  holds: Holds,
  saved: SavedWindow,
) {
  // holds first: an acknowledgement moves the position at once, up to the hold in force, and a position
  // never moves back — so the hold must already cover a record still being assembled, waiting in the
  // merge, or needed by the window when the lines behind it are acknowledged
  for (const [identity, at] of holds) store.hold(identity, at);
  for (let i = 0; i < acks.offsets.length; i++) store.ack(acks.ids[i]!, acks.offsets[i]!);
  // the facts go with these holds (checkpoints-window.ts)
  facts.taken(saved);
  await store.flush();
}

/** the smallest of the positions that are set */
export function least(...xs: Array<number | undefined>): number | undefined {
  let m: number | undefined;
  for (const x of xs) if (x !== undefined && (m === undefined || x < m)) m = x;
  return m;
}
