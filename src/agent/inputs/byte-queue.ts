/**
 * A queue bounded in bytes and in records between the file readers and the consumer. `push` waits while the
 * queue holds `maxBytes` or `maxRecords` or more, so a slow consumer slows reading instead of growing memory:
 * the reader does not read the next chunk of a file before its records are queued. Both bounds count: short
 * lines cost more downstream than in bytes (a 100-byte line becomes a string, a parsed record and a document
 * once the agent's turn takes it). One item larger than a bound is still let in when the queue is empty (an
 * item is the lines of one 64 KiB read, or one record of at most `agent.max_record_bytes`), so memory stays
 * below maxBytes + max(64 KiB, max_record_bytes), and the records below maxRecords + the lines of one read.
 */
export class ByteQueue<T> {
  private readonly items: { item: T; bytes: number; records: number }[] = [];
  private head = 0;
  private queued = 0;
  private queuedRecs = 0;
  private closed = false;
  private readonly spaceWaiters: (() => void)[] = [];
  private itemWaiter: (() => void) | undefined;
  /** the most bytes ever queued at once (what the slow-consumer test checks) */
  maxQueuedBytes = 0;

  constructor(
    readonly maxBytes: number,
    readonly maxRecords = Infinity,
  ) {}

  get queuedBytes(): number {
    return this.queued;
  }

  /** records queued now (the agent counts them among the records it holds) */
  get queuedRecords(): number {
    return this.queuedRecs;
  }

  get length(): number {
    return this.items.length - this.head;
  }

  /** Resolves once the item is queued (false when the queue was closed meanwhile: the item is not queued). */
  async push(item: T, bytes: number, records = 1): Promise<boolean> {
    while (
      !this.closed &&
      this.queued > 0 &&
      (this.queued + bytes > this.maxBytes || this.queuedRecs + records > this.maxRecords)
    ) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    if (this.closed) return false;
    this.items.push({ item, bytes, records });
    this.queued += bytes;
    this.queuedRecs += records;
    if (this.queued > this.maxQueuedBytes) this.maxQueuedBytes = this.queued;
    this.wakeConsumer();
    return true;
  }

  /** The next item, or undefined once the queue is closed and empty. */
  async shift(): Promise<T | undefined> {
    while (this.length === 0) {
      if (this.closed) return undefined;
      await new Promise<void>((resolve) => (this.itemWaiter = resolve));
    }
    const { item, bytes, records } = this.items[this.head]!;
    this.items[this.head++] = undefined as never;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    this.queued -= bytes;
    this.queuedRecs -= records;
    const waiters = this.spaceWaiters.splice(0);
    for (const w of waiters) w();
    return item;
  }

  /** No more pushes; the consumer still gets what is queued. Pending pushes resolve false. */
  close(): void {
    this.closed = true;
    for (const w of this.spaceWaiters.splice(0)) w();
    this.wakeConsumer();
  }

  private wakeConsumer(): void {
    const w = this.itemWaiter;
    this.itemWaiter = undefined;
    w?.();
  }
}
