/**
 * The agent's inputs: follows the files its inputs name (paths or globs) through rotation and hands out one
 * record per line with its input, file identity, path and byte offset, as an async stream with backpressure.
 * One loop does everything in turn (scan, check, read), so no two steps race on a file. Why this is our own
 * reader and not the `tail` package: docs/agent-inputs.md.
 *
 * Events (for the agent's logs and metrics): `opened` (with `reason`), `rotated` (the path leads elsewhere
 * now: the old file is read to its end first), `truncated` (read again from 0), `closed`, `oversize`,
 * `warning` (a file that could not be read), `failed` (the tailer stopped on an unexpected error).
 */
import { EventEmitter } from 'node:events';
import { closeSync, readSync, type FSWatcher } from 'node:fs';
import { ByteQueue } from './byte-queue.js';
import { expand, watchDirs } from './discover.js';
import {
  FINGERPRINT_BYTES,
  identityOf,
  inodeKey,
  openReadOnly,
  sameContent,
  sameTail,
  statFd,
  type FileIdentity,
} from './identity.js';
import type { SplitLine } from './line-splitter.js';
import {
  findInDir,
  positionsByContent,
  startPosition,
  type ReadPositions,
  type StartReason,
} from './start-position.js';
import type { FileEvent, TailerOptions, TailRecord } from './types.js';
import { originOf } from '../checkpoints.js';
import { READ_CHUNK, TrackedFile } from './tracked-file.js';

export type { FileEvent, InputSpec, TailerOptions, TailRecord } from './types.js';

/** Bytes read from one file before the others get their turn. */
const BUDGET = 4 * READ_CHUNK;

export class Tailer extends EventEmitter {
  readonly queue: ByteQueue<TailRecord[]>;
  readonly stats = { records: 0, bytes: 0, oversize: 0, cutBytes: 0, rotations: 0, truncations: 0, copies: 0 };
  private readonly files = new Map<string, TrackedFile>();
  /** closed files whose checkpoint is dropped once all their records are acknowledged */
  private readonly closedIds = new Map<string, FileIdentity>();
  private readonly copiedFrom: ReadPositions;
  private readonly buf = Buffer.allocUnsafe(READ_CHUNK);
  private readonly opts: Required<Omit<TailerOptions, 'store' | 'inputs'>>;
  private watchers: FSWatcher[] = [];
  private firstScan = true;
  private needScan = true;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  /** woken during a pass: the pass that follows does not wait (a wake-up between two waits is not lost) */
  private woken = false;
  /** files not read for now, by inode key: the reader downstream holds enough of their records */
  private readonly paused = new Set<string>();
  /** paths whose open failed in the scan running now */
  private readonly failing = new Set<string>();
  /**
   * Paths an input names that exist but cannot be opened (permissions, a symlink loop), with the error code: tried
   * again at every scan, reported once per episode (`warning`) and shown by /healthz while they last.
   */
  readonly unreadable = new Map<string, { input: string; code: string }>();

  constructor(private readonly options: TailerOptions) {
    super();
    this.opts = {
      startAt: options.startAt ?? 'end',
      maxRecordBytes: options.maxRecordBytes ?? 1 << 20,
      queueMaxBytes: options.queueMaxBytes ?? 8 << 20,
      queueMaxRecords: options.queueMaxRecords ?? 10_000,
      pollMs: options.pollMs ?? 1000,
      closeInactiveMs: options.closeInactiveMs ?? 5000,
    };
    this.queue = new ByteQueue(this.opts.queueMaxBytes, this.opts.queueMaxRecords);
    this.copiedFrom = positionsByContent(options.store.all());
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

  /** The records in batches (the lines of one read), in file order per file; ends after `stop()`. */
  async *batches(): AsyncGenerator<TailRecord[]> {
    for (;;) {
      const b = await this.queue.shift();
      if (b === undefined) return;
      yield b;
    }
  }

  /** The records one by one. */
  async *records(): AsyncGenerator<TailRecord> {
    for await (const b of this.batches()) yield* b;
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
    else if (this.paused.delete(key)) this.wake();
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

  /** Finds the files the inputs name now: new ones are opened, ones whose path leads elsewhere detached. */
  private async scan(): Promise<void> {
    const bound = new Map<string, TrackedFile>();
    const initial = this.firstScan && this.options.store.fresh ? this.opts.startAt : undefined;
    for (const input of this.options.inputs) {
      for (const p of await expand(input.paths)) {
        try {
          if (!bound.has(p)) this.bind(input.name, p, bound, initial);
        } catch (error) {
          this.emit('warning', { input: input.name, path: p, error });
        }
      }
    }
    // opened now, gone (ENOENT) or no longer named: no longer a problem
    for (const p of this.unreadable.keys()) if (!this.failing.has(p)) this.unreadable.delete(p);
    this.failing.clear();
    const now = Date.now();
    for (const tf of this.files.values()) {
      if (tf.detachedAt === undefined && bound.get(tf.path) !== tf) {
        tf.detachedAt = now;
        tf.previousPath = tf.path;
        this.stats.rotations++;
        this.emit('rotated', this.event(tf));
      }
    }
    if (this.firstScan) this.resumeRenamed();
    this.firstScan = false;
    for (const [key, id] of this.closedIds) {
      if (this.files.has(key) || this.options.store.forget(id)) this.closedIds.delete(key);
    }
  }

  private bind(input: string, p: string, bound: Map<string, TrackedFile>, initial: 'beginning' | 'end' | undefined) {
    let fd: number;
    try {
      fd = openReadOnly(p);
    } catch (error) {
      const code = String((error as NodeJS.ErrnoException).code ?? 'EIO');
      // gone (a plain path not there yet, or removed between the glob and the open): the next scan sees what
      // replaces it. Anything else (EACCES: the agent's user may not read it) is an input the agent cannot read
      if (code === 'ENOENT') return;
      this.failing.add(p);
      if (this.unreadable.get(p)?.code !== code) {
        this.unreadable.set(p, { input, code });
        this.emit('warning', { input, path: p, error });
      }
      return;
    }
    this.unreadable.delete(p);
    let kept = false;
    try {
      const st = statFd(fd);
      if (!st.isFile) return;
      const known = this.files.get(inodeKey(st));
      if (known) {
        if (known.path !== p) {
          // renamed to a path the inputs also name (`haproxy.log*`): same file, read on
          known.previousPath = known.path;
          known.path = p;
          this.options.store.update(known.identity, p);
        }
        known.detachedAt = undefined;
        bound.set(p, known);
        return;
      }
      const id = identityOf(fd, st);
      if (this.isCopyOfOpenFile(fd, id, st.size)) return; // read through its original (see truncated())
      const start = startPosition(p, fd, id, st.size, this.options.store, this.copiedFrom, initial);
      // resumed from its checkpoint: its records go on under the path they were first read under
      const cp = start.reason === 'checkpoint' ? this.options.store.get(id) : undefined;
      const tf = this.open(input, p, fd, id, start.offset, start.reason, cp && originOf(cp));
      kept = true;
      bound.set(p, tf);
    } finally {
      if (!kept) closeSync(fd);
    }
  }

  private open(
    input: string,
    p: string,
    fd: number,
    id: FileIdentity,
    offset: number,
    reason: StartReason,
    origin = p,
  ): TrackedFile {
    const tf = new TrackedFile(input, p, fd, id, offset, this.opts.maxRecordBytes, Date.now(), origin);
    this.files.set(tf.key, tf);
    this.closedIds.delete(tf.key);
    this.options.store.track(id, p, offset, origin);
    if (reason === 'copy') this.stats.copies++;
    this.emit('opened', { ...this.event(tf), reason });
    return tf;
  }

  /**
   * Same first 1 KiB as an open file, and the same bytes at the end of the shorter of the two: a copy (two
   * logs that merely start with the same header differ there). An original truncated meanwhile (it no longer
   * starts with its fingerprinted bytes) has nothing left to compare: the copy waits for the truncation to be
   * seen, then is read from where the original was.
   */
  private isCopyOfOpenFile(fd: number, id: FileIdentity, size: number): boolean {
    if (id.fingerprintBytes < FINGERPRINT_BYTES) return false;
    for (const tf of this.files.values()) {
      if (tf.identity.fingerprint !== id.fingerprint) continue;
      // truncated since it was last looked at: wait for truncated() to place the copy
      if (!sameContent(tf.fd, tf.identity)) return true;
      if (sameTail(fd, tf.fd, Math.min(size, statFd(tf.fd).size))) return true;
    }
    return false;
  }

  /** After a restart: a checkpointed file renamed while the agent was stopped still has its tail read. */
  private resumeRenamed(): void {
    for (const cp of this.options.store.all()) {
      if (this.files.has(inodeKey(cp))) continue;
      const found = findInDir(cp.path, cp, cp.offset, new Set(this.files.keys()));
      if (!found) continue;
      // still at its path, yet no input opened it: its input was removed from the config (not a rotation)
      if (found.path === cp.path) {
        closeSync(found.fd);
        continue;
      }
      const tf = this.open(
        this.inputOf(originOf(cp)),
        found.path,
        found.fd,
        identityOf(found.fd),
        cp.offset,
        'checkpoint',
        originOf(cp),
      );
      tf.detachedAt = Date.now();
      tf.previousPath = cp.path;
    }
  }

  /** The input of the file now at `p` (the one that replaced a renamed file), else the first input. */
  private inputOf(p: string): string {
    for (const tf of this.files.values()) if (tf.path === p) return tf.input;
    return this.options.inputs[0]?.name ?? '';
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

  /** copytruncate (or `> file`): the rest of the old content is read from the copy, if one is beside it. */
  private truncated(tf: TrackedFile): boolean {
    const old = tf.identity;
    const pos = tf.splitter.pendingStart;
    this.stats.truncations++;
    this.emit('truncated', this.event(tf));
    tf.restart();
    this.options.store.track(tf.identity, tf.path, 0, tf.origin);
    if (old.fingerprintBytes < FINGERPRINT_BYTES) return false;
    this.copiedFrom.set(old.fingerprint, { offset: pos, path: tf.path });
    const content = { fingerprint: old.fingerprint, fingerprintBytes: old.fingerprintBytes };
    const found = findInDir(tf.path, content, pos, new Set(this.files.keys()));
    if (!found) return false;
    const copy = this.open(tf.input, found.path, found.fd, identityOf(found.fd), pos, 'copy');
    copy.detachedAt = Date.now();
    copy.previousPath = tf.path;
    return true;
  }

  private async deliver(tf: TrackedFile, lines: SplitLine[]): Promise<boolean> {
    const batch: TailRecord[] = [];
    let bytes = 0;
    for (const l of lines) {
      const rec: TailRecord = {
        input: tf.input,
        identity: tf.identity,
        path: tf.origin,
        offset: l.offset,
        end: l.end,
        text: l.text,
      };
      if (l.cutBytes > 0) {
        rec.cutBytes = l.cutBytes;
        this.stats.oversize++;
        this.stats.cutBytes += l.cutBytes;
        this.emit('oversize', { ...this.event(tf), offset: l.offset, cutBytes: l.cutBytes });
      }
      this.options.store.emitted(tf.identity, l.offset, l.end);
      bytes += l.end - l.offset - l.cutBytes;
      batch.push(rec);
    }
    if (!(await this.queue.push(batch, bytes, batch.length))) return false;
    this.stats.records += batch.length;
    this.stats.bytes += bytes;
    return true;
  }

  /** A detached file quiet for close_inactive: its unfinished last line is a record now, then it is closed. */
  private async close(tf: TrackedFile): Promise<void> {
    const last = tf.splitter.flush();
    if (last && !(await this.deliver(tf, [last]))) return;
    tf.close();
    this.files.delete(tf.key);
    this.closedIds.set(tf.key, tf.identity);
    this.emit('closed', this.event(tf));
  }

  private event(tf: TrackedFile): FileEvent {
    return { input: tf.input, path: tf.origin, identity: tf.identity, offset: tf.splitter.pendingStart };
  }
}
