/**
 * The correlation window's long-lived facts (src/correlate/window-summary.ts: the threads of pooled
 * connections, lifecycle events), saved in `checkpoints.json` in the same atomic write as the positions they
 * go with (checkpoints.ts `attach`).
 *
 * They are taken with the holds, when a turn ends, and become the saved value when that turn's holds are
 * applied (`taken`): the positions then written are at or before those holds, so a restart reads again every
 * line after the facts saved, and none of the lines before them is needed (docs/correlator.md "Held positions").
 */
import type { SavedWindow } from '../correlate/window-summary.js';
import type { Attached } from './checkpoints.js';

export class WindowFacts implements Attached {
  private current: SavedWindow | undefined;
  private next: SavedWindow | undefined;
  /** `current` as written: a turn that changed none of the facts does not rewrite the checkpoints for them */
  private text: string;

  constructor(saved: SavedWindow | undefined) {
    this.current = saved;
    this.next = saved;
    this.text = JSON.stringify(saved ?? null);
  }

  /** the facts taken with the holds just applied to the checkpoints */
  taken(facts: SavedWindow): void {
    this.next = facts;
  }

  fold(): boolean {
    if (this.next === this.current) return false;
    const text = JSON.stringify(this.next ?? null);
    this.current = this.next;
    if (text === this.text) return false;
    this.text = text;
    return true;
  }

  value(): SavedWindow | undefined {
    return this.current;
  }
}
