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

  pace(files: Iterable<OpenFile>, merger: StreamMerger<MergeItem>, tailer: Tailer): void {
    const size = merger.size;
    if (size > this.max) this.full = true;
    else if (size <= this.max / 2) this.full = false;
    for (const f of files) {
      const ahead = this.full && merger.queuedOf(f.source) > 0;
      if (ahead === f.paused) continue;
      f.paused = ahead;
      // A resumed file is not taken for quiet before it has been read again (the tailer's caughtUp is false until
      // then); once read, a file with no line since before its pause is quiet at once. Counting its quiet from the
      // resumption instead made the files the merge waited for go quiet one after another, agent.idle_after apart,
      // when writing stopped: the last lines of the busiest file waited ~20 s (docs/benchmark-agent.md "RSS floor,
      // 2026-12-07")
      tailer.pause(f.identity, ahead);
    }
  }
}
