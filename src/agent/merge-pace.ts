/**
 * The merge's bound (turns.ts): once it holds more than `max` records, the files with records in it pause until it
 * is down to half (Tailer.pause). The file it waits for has none in it, so it is read on: pausing it would stop the
 * merge for good. A paused file whose records have all been released is read again (it may be the one waited for
 * next).
 */
import type { Tailer } from './inputs/tailer.js';
import type { StreamMerger } from './merger.js';
import type { MergeItem, OpenFile } from './open-file.js';

export class MergePace {
  /** the merge went over `max` and is not down to half yet */
  full = false;

  constructor(
    /** records in the merge above which files with records in it pause */
    readonly max: number,
  ) {}

  pace(files: Iterable<OpenFile>, merger: StreamMerger<MergeItem>, tailer: Tailer, now: number): void {
    const size = merger.size;
    if (size > this.max) this.full = true;
    else if (size <= this.max / 2) this.full = false;
    for (const f of files) {
      const ahead = this.full && merger.queuedOf(f.source) > 0;
      if (ahead === f.paused) continue;
      f.paused = ahead;
      f.lastLine = now; // quiet is counted from the resumption, not from before the pause
      tailer.pause(f.identity, ahead);
    }
  }
}
