/**
 * The agent's merge of its inputs by event time: the streaming twin of the batch k-way merge
 * (src/correlate/merge.ts). It applies the same rule — always the head with the smallest time, ties to
 * the earlier source — so the Correlator sees the records in the batch driver's order, and gives the
 * same verdicts. The difference is that a tailed source can be empty for a while: a record can then
 * only be released when every source either has a head or is known to be idle or finished, because
 * an empty live source may still deliver an earlier record.
 */
interface Source<T> {
  /** tie-break rank: lower first (the batch driver's source order) */
  rank: number;
  queue: T[];
  /** each queued item's time, apart from the item: an item can stand for a row held in columns (staged-rows.ts) */
  times: number[];
  head: number;
  /** no record for a while: the merge does not wait for it */
  idle: boolean;
  finished: boolean;
  /** no record earlier than this will come (its lines that gave no record said so): it holds back only later ones */
  floor: number;
}

export class StreamMerger<T> {
  private readonly sources: Source<T>[] = [];
  private queued = 0;

  /**
   * Adds a source. Ties break by `rank`, then by the order the sources were added (the batch merge
   * breaks them by the sources' order on the command line: HAProxy, general logs, error logs, apps).
   */
  addSource(rank = this.sources.length): number {
    this.sources.push({ rank, queue: [], times: [], head: 0, idle: false, finished: false, floor: -Infinity });
    return this.sources.length - 1;
  }

  /** The oldest record of a source not released yet (its file position must not be checkpointed past). */
  head(source: number): T | undefined {
    const s = this.sources[source]!;
    return s.queue[s.head];
  }

  push(source: number, time: number, item: T): void {
    const s = this.sources[source]!;
    s.queue.push(item);
    s.times.push(time);
    s.idle = false;
    this.queued++;
  }

  /** An idle source stops holding the merge back until its next record. */
  setIdle(source: number, idle: boolean): void {
    this.sources[source]!.idle = idle;
  }

  /**
   * The source has read lines up to `time` that gave no record (an app log's INFO lines): while it has no record
   * waiting, it holds back only the records at or after that time (docs/agent-inputs.md "The merge and lines that
   * give no record").
   */
  advance(source: number, time: number): void {
    const s = this.sources[source]!;
    if (time > s.floor) s.floor = time;
  }

  /** A finished source (input removed, end of a replay) never holds the merge back again. */
  finish(source: number): void {
    this.sources[source]!.finished = true;
  }

  get size(): number {
    return this.queued;
  }

  /** Records of one source waiting to be released. */
  queuedOf(source: number): number {
    const s = this.sources[source]!;
    return s.queue.length - s.head;
  }

  /**
   * Releases, in merge order, every record that no live source can precede any more. `all` releases
   * everything (end of input).
   */
  *release(all = false): Generator<T> {
    for (;;) {
      let best = -1;
      // the earliest time an empty live source may still deliver: records from it on wait (ties too: its rank may win)
      let waitFrom = Infinity;
      for (let i = 0; i < this.sources.length; i++) {
        const s = this.sources[i]!;
        if (s.head >= s.queue.length) {
          if (!all && !s.idle && !s.finished) {
            if (s.floor === -Infinity) return;
            if (s.floor < waitFrom) waitFrom = s.floor;
          }
          continue;
        }
        if (best === -1 || this.before(i, best)) best = i;
      }
      if (best === -1) return;
      const s = this.sources[best]!;
      const item = s.queue[s.head]!;
      if (s.times[s.head]! >= waitFrom) return;
      s.queue[s.head++] = undefined as never; // let it go now, not when the queue is next compacted
      this.queued--;
      if (s.head > 1024 && s.head * 2 > s.queue.length) {
        s.queue = s.queue.slice(s.head);
        s.times = s.times.slice(s.head);
        s.head = 0;
      }
      yield item;
    }
  }

  private before(i: number, j: number): boolean {
    const a = this.sources[i]!;
    const b = this.sources[j]!;
    const ta = a.times[a.head]!;
    const tb = b.times[b.head]!;
    return ta < tb || (ta === tb && (a.rank < b.rank || (a.rank === b.rank && i < j)));
  }
}
