/**
 * The files a Tailer follows (tailer.ts): the scan that finds what the inputs name now (new files opened where
 * their checkpoint, a copy's original or the start option says, paths that lead elsewhere detached, unreadable
 * paths reported once), files renamed while the agent was stopped, and the copy read after a copytruncate.
 */
import { EventEmitter } from 'node:events';
import { closeSync } from 'node:fs';
import { expand } from './discover.js';
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
import {
  findInDir,
  positionsByContent,
  startPosition,
  type ReadPositions,
  type StartReason,
} from './start-position.js';
import type { FileEvent, TailerOptions } from './types.js';
import { originOf } from '../checkpoints.js';
import { TrackedFile } from './tracked-file.js';

export class TailerFiles extends EventEmitter {
  readonly stats = { records: 0, bytes: 0, oversize: 0, cutBytes: 0, rotations: 0, truncations: 0, copies: 0 };
  protected readonly files = new Map<string, TrackedFile>();
  /** closed files whose checkpoint is dropped once all their records are acknowledged */
  protected readonly closedIds = new Map<string, FileIdentity>();
  private readonly copiedFrom: ReadPositions;
  protected readonly opts: Required<Omit<TailerOptions, 'store' | 'inputs'>>;
  private firstScan = true;
  /** paths whose open failed in the scan running now */
  private readonly failing = new Set<string>();
  /**
   * Paths an input names that exist but cannot be opened (permissions, a symlink loop), with the error code: tried
   * again at every scan, reported once per episode (`warning`) and shown by /healthz while they last.
   */
  readonly unreadable = new Map<string, { input: string; code: string }>();

  constructor(protected readonly options: TailerOptions) {
    super();
    this.opts = {
      startAt: options.startAt ?? 'end',
      maxRecordBytes: options.maxRecordBytes ?? 1 << 20,
      queueMaxBytes: options.queueMaxBytes ?? 8 << 20,
      queueMaxRecords: options.queueMaxRecords ?? 10_000,
      pollMs: options.pollMs ?? 1000,
      closeInactiveMs: options.closeInactiveMs ?? 5000,
    };
    this.copiedFrom = positionsByContent(options.store.all());
  }

  /** Finds the files the inputs name now: new ones are opened, ones whose path leads elsewhere detached. */
  protected async scan(): Promise<void> {
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
    // resumed from its checkpoint: the same content, its records cut at idle are cut there again (record-cuts.ts)
    this.options.store.track(id, p, offset, origin, reason === 'checkpoint');
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

  /** copytruncate (or `> file`): the rest of the old content is read from the copy, if one is beside it. */
  protected truncated(tf: TrackedFile): boolean {
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

  protected event(tf: TrackedFile): FileEvent {
    return { input: tf.input, path: tf.origin, identity: tf.identity, offset: tf.splitter.pendingStart };
  }
}
