/**
 * The agent's inputs: follows the files its inputs name (paths or globs) through rotation and hands out their
 * lines with their input, file identity, path and byte offsets, a read's lines at a time (line-batch.ts), as an
 * async stream with backpressure.
 * One loop does everything in turn (scan, check, read), so no two steps race on a file. Why this is our own
 * reader and not the `tail` package: docs/agent-inputs.md.
 *
 * Events (for the agent's logs and metrics): `opened` (with `reason`), `rotated` (the path leads elsewhere
 * now: the old file is read to its end first), `truncated` (read again from 0), `closed`, `oversize`,
 * `warning` (a file that could not be read), `failed` (the tailer stopped on an unexpected error).
 */
import { readSync, type FSWatcher } from 'node:fs';
import { ByteQueue } from './byte-queue.js';
import { watchDirs } from './discover.js';
import { inodeKey } from './identity.js';
import type { LineBatch } from './line-batch.js';
import type { TailerOptions, TailRecord } from './types.js';
import { READ_CHUNK, type TrackedFile } from './tracked-file.js';
import { TailerFiles } from './tailer-files.js';

export type { FileEvent, InputSpec, TailerOptions, TailRecord } from './types.js';
export type { LineBatch } from './line-batch.js';

/** Bytes read from one file before the others get their turn. */
const BUDGET = 4 * READ_CHUNK;

/** The loop and the reading; the files it follows and how they are found: tailer-files.ts. */
export class Tailer extends TailerFiles {
  readonly queue: ByteQueue<LineBatch>;
  private readonly buf = Buffer.allocUnsafe(READ_CHUNK);
  private watchers: FSWatcher[] = [];
  private needScan = true;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  /** woken during a pass: the pass that follows does not wait (a wake-up between two waits is not lost) */
  private woken = false;
  /** files not read for now, by inode key: the reader downstream holds enough of their records */
  private readonly paused = new Set<string>();

  constructor(options: TailerOptions) {
    super(options);
    this.queue = new ByteQueue(this.opts.queueMaxBytes, this.opts.queueMaxRecords);
  }

  start(): this {
    const patterns = this.options.inputs.flatMap((i) => i.paths);
    this.watchers = watchDirs(patterns, (event) => {
      if (event === 'rename') this.needScan = true;
      this.wake();
    });
    this.loop = this.run().catch((e: unknown) => {
      this.emit('failed', e);
      this.queue.close();
    });
    return this;
  }

  /** The lines in batches (the lines of one read of one file), in file order per file; ends after `stop()`. */
  async *batches(): AsyncGenerator<LineBatch> {
    for (;;) {
      const b = await this.queue.shift();
      if (b === undefined) return;
      yield b;
    }
  }

  /** The lines one by one, as objects. */
  async *records(): AsyncGenerator<TailRecord> {
    for await (const b of this.batches()) for (let i = 0; i < b.length; i++) yield b.record(i);
  }

  /** Stops reading and closes the files; queued records are dropped (their checkpoints were not passed). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.close();
    this.wake();
    await this.loop;
    for (const w of this.watchers) w.close();
    for (const tf of this.files.values()) tf.close();
    this.files.clear();
  }

  /**
   * Stops (`true`) or resumes reading one file. The agent pauses a file read far ahead of the others in
   * time: behind a backlog, small files reach their end while a big one lags, and their records would
   * wait in the merge for it (docs/benchmark-agent.md "The agent's loop").
   */
  pause(id: { dev: string; ino: string }, paused: boolean): void {
    const key = inodeKey(id);
    if (paused) this.paused.add(key);
    else if (this.paused.delete(key)) {
      // not caught up until it is read again: lines may have come while it was paused (caughtUp)
      const tf = this.files.get(key);
      if (tf) tf.atEnd = false;
      this.wake();
    }
  }

  /**
   * Whether the reader downstream, having taken the lines of a file up to `end` (the last one's `end`), has all
   * of it: the file's last read found nothing new and no line of it past `end` is queued. A file not open any
   * more has been delivered whole. Only then may a quiet file be taken for idle: a file whose lines wait in
   * the queue, or are not read yet (behind a backlog, a slow sink), is behind, not quiet.
   */
  caughtUp(id: { dev: string; ino: string }, end: number): boolean {
    const tf = this.files.get(inodeKey(id));
    return tf === undefined || (tf.atEnd && end >= tf.splitter.pendingStart);
  }

  /**
   * Up to `bytes` first bytes of the open file `id`, read through its descriptor (what its documents' identity
   * hashes: src/sinks/doc-id.ts), whatever its path leads to now — after a rotation, the new file. Undefined once
   * it is closed.
   */
  head(id: { dev: string; ino: string }, bytes: number): Buffer | undefined {
    const tf = this.files.get(inodeKey(id));
    if (!tf || tf.closed) return undefined;
    const buf = Buffer.alloc(bytes);
    return buf.subarray(0, readSync(tf.fd, buf, 0, bytes, 0));
  }

  /** Files open now (the agent's metrics). */
  openFiles(): { input: string; path: string; offset: number; readPos: number; detached: boolean }[] {
    return [...this.files.values()].map((f) => ({
      input: f.input,
      path: f.path,
      offset: f.splitter.pendingStart,
      readPos: f.readPos,
      detached: f.detachedAt !== undefined,
    }));
  }

  private wake(): void {
    this.woken = true;
    const w = this.wakeUp;
    this.wakeUp = undefined;
    w?.();
  }

  private async run(): Promise<void> {
    let lastScan = 0;
    while (!this.stopped) {
      // a file resumed (pause(…, false)) or written while this pass runs is read in the next one, not after pollMs
      this.woken = false;
      if (this.needScan || Date.now() - lastScan >= this.opts.pollMs) {
        this.needScan = false;
        await this.scan();
        lastScan = Date.now();
      }
      const more = await this.drainAll();
      if (!more && !this.stopped && !this.woken) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.opts.pollMs);
          this.wakeUp = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
    }
  }

  /** One pass over the open files: rotated-away ones first, and the file now at their path waits for them. */
  private async drainAll(): Promise<boolean> {
    const order = [...this.files.values()].sort((a, b) => Number(!a.previousPath) - Number(!b.previousPath));
    const blocked = new Set<string>();
    let more = false;
    for (const tf of order) {
      if (this.stopped) return false;
      // not `more`: the file it waits for was read in this pass (more already) or is paused, and then the pass
      // must end in a wait — a pass that only awaits promises, again and again, starves timers and sockets
      if (!tf.previousPath && blocked.has(tf.path)) continue;
      if (this.paused.has(tf.key)) {
        // a rotated-away file keeps the one now at its path waiting, paused or not
        if (tf.previousPath) blocked.add(tf.previousPath);
        continue;
      }
      try {
        if (tf.check() === 'truncated' && this.truncated(tf)) {
          more = true; // the copy of the old content goes first, in the next pass
          continue;
        }
        const n = await tf.drain(BUDGET, (l) => this.deliver(tf, l), this.buf);
        tf.atEnd = n === 0;
        const now = Date.now();
        if (n > 0) {
          tf.lastData = now;
          more = true;
          if (tf.previousPath) blocked.add(tf.previousPath);
        } else if (tf.detachedAt !== undefined && now - tf.lastData >= this.opts.closeInactiveMs) {
          await this.close(tf);
        }
      } catch (error) {
        // one unreadable file (EIO, a stale NFS handle) must not stop the others: it is closed, and
        // found again by the next scan if its path still leads to it (resuming from its checkpoint)
        this.emit('warning', { ...this.event(tf), error });
        tf.close();
        this.files.delete(tf.key);
      }
    }
    return more;
  }

  private async deliver(tf: TrackedFile, batch: LineBatch): Promise<boolean> {
    for (let i = 0; i < batch.length; i++) {
      const cutBytes = batch.cutBytes(i);
      if (cutBytes > 0) {
        this.stats.oversize++;
        this.stats.cutBytes += cutBytes;
        this.emit('oversize', { ...this.event(tf), offset: batch.offset(i), cutBytes });
      }
      this.options.store.emitted(tf.identity, batch.offset(i), batch.end(i));
    }
    const bytes = batch.textBytes;
    if (!(await this.queue.push(batch, bytes, batch.length))) return false;
    this.stats.records += batch.length;
    this.stats.bytes += bytes;
    return true;
  }

  /** A detached file quiet for close_inactive: its unfinished last line is a record now, then it is closed. */
  private async close(tf: TrackedFile): Promise<void> {
    const last = tf.splitter.flush();
    if (last) {
      const batch = tf.batch();
      batch.addText(last.offset, last.end, last.text, last.cutBytes);
      if (!(await this.deliver(tf, batch))) return;
    }
    tf.close();
    this.files.delete(tf.key);
    this.closedIds.set(tf.key, tf.identity);
    this.emit('closed', this.event(tf));
  }
}
