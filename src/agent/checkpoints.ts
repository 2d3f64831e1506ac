/**
 * Checkpoints of the agent's inputs: per file identity, the byte offset reading resumes from after a restart
 * (even `kill -9`). Filebeat's contract (docs/agent-inputs.md): a position is saved only once the sink has
 * acknowledged every record before it. Records are acknowledged out of order (bulk requests finish in any
 * order), so the saved position is the end of the longest acknowledged prefix of the records handed out,
 * and never later than the caller's `hold` (the oldest record the correlation window still needs: after a
 * restart the window is rebuilt by reading again from there).
 *
 * The file `checkpoints.json` in `agent.state_dir` is replaced atomically: written to a temporary file,
 * fsync'ed, renamed over the old one, and the directory fsync'ed, so a crash leaves the old or the new
 * state, never a torn one. It is written only when its text changed, and at most once per `minIntervalMs` (the
 * agent's: CHECKPOINT_INTERVAL_MS, as Filebeat's `registry.flush`): a busy agent ends several turns a second, each
 * with positions moved, and each write costs two fsyncs. A later write only makes a restart read more again, never
 * less: the positions written are always acknowledged ones (docs/agent-inputs.md "Checkpoint writes").
 */
import { open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { GoneawayError } from '../errors.js';
import { makeDirs } from '../make-dirs.js';
import { inodeKey, type FileIdentity } from './inputs/identity.js';

export interface Checkpoint extends FileIdentity {
  /** the path the file was last seen under */
  path: string;
  /**
   * the path its records carry (log.file.path): the one it was first read under, kept when it is renamed, so a
   * restart that finds it again as NAME.1 goes on under NAME (docs/agent-inputs.md "Paths after a rotation");
   * absent in checkpoints written before it was kept: `path` then
   */
  origin?: string;
  /** where reading resumes: every record before it was acknowledged */
  offset: number;
}

/**
 * A file's records handed out and not yet part of the acknowledged prefix, as two arrays in file order (offsets
 * grow): one object and one Map entry per record were ~2 % of the agent's CPU at 20,000 lines/s
 * (docs/benchmark-agent.md "CPU per line, 2026-12-07"). An acknowledgement finds its record by a binary search from
 * `head`, at once when they come in order.
 */
interface Entry {
  cp: Checkpoint;
  /** the offsets of the records handed out, from `head` on not yet all acknowledged */
  offsets: number[];
  /** whether each record of `offsets` is acknowledged */
  acked: boolean[];
  /** index of the first record still waiting (the ones before it are acknowledged) */
  head: number;
  /** records handed out and not acknowledged */
  waiting: number;
  /** end of the last record handed out */
  emittedEnd: number;
  hold: number | undefined;
}

export const CHECKPOINT_FILE = 'checkpoints.json';

/** the agent's least time between two writes of checkpoints.json (ms; Filebeat's `registry.flush` is 1 s) */
export const CHECKPOINT_INTERVAL_MS = 1000;

/** state saved in the same atomic write as the positions it must agree with (the learned app origins) */
export interface Attached {
  /** brings the state up to the positions about to be written; true if it changed */
  fold(checkpointOf: (id: FileIdentity) => Checkpoint | undefined): boolean;
  value(): unknown;
}

export class CheckpointStore {
  private readonly entries = new Map<string, Entry>();
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();
  private readonly attached = new Map<string, Attached>();
  /** what was saved beside the positions, by name (see attach) */
  readonly loaded: Record<string, unknown> = {};
  /** acknowledgements for a record never handed out, or for a file read again since (ignored) */
  staleAcks = 0;
  writes = 0;
  /** the text last handed to write(): the same text is not written again */
  private lastText = '';
  private lastWriteAt = -Infinity;
  /** a flush put off to the end of the interval, and what it failed with (given to the next flush) */
  private timer: NodeJS.Timeout | undefined;
  private deferredError: unknown;

  private constructor(
    readonly dir: string,
    /** true when no state existed: the first run, where `agent.start_at` applies */
    readonly fresh: boolean,
    private readonly minIntervalMs: number,
  ) {}

  /** `minIntervalMs`: least time between two writes (0, the default: every flush that changed something writes) */
  static async open(dir: string, { minIntervalMs = 0 } = {}): Promise<CheckpointStore> {
    const file = path.join(dir, CHECKPOINT_FILE);
    let text: string | undefined;
    try {
      makeDirs(dir);
    } catch (e) {
      throw stateError(dir, e);
    }
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw stateError(dir, e);
    }
    const store = new CheckpointStore(dir, text === undefined, minIntervalMs);
    if (text !== undefined) {
      let saved: { files?: Checkpoint[]; attached?: Record<string, unknown> };
      try {
        saved = JSON.parse(text) as typeof saved;
      } catch (e) {
        throw stateError(dir, e, `move ${file} away (reading then restarts per agent.start_at)`);
      }
      for (const cp of saved.files ?? []) store.entries.set(inodeKey(cp), newEntry(cp));
      Object.assign(store.loaded, saved.attached ?? {});
    }
    return store;
  }

  /** The saved checkpoint of an inode (check its fingerprint before trusting it). */
  get(id: { dev: string; ino: string }): Checkpoint | undefined {
    return this.entries.get(inodeKey(id))?.cp;
  }

  all(): Checkpoint[] {
    return [...this.entries.values()].map((e) => e.cp);
  }

  /**
   * Reading of `id` (re)starts at `offset`: a new file, a resumed one, or one truncated (offset 0); its records
   * carry `origin` (by default the path it is read under now).
   */
  track(id: FileIdentity, filePath: string, offset: number, origin = filePath): void {
    const e = newEntry({ ...id, path: filePath, origin, offset });
    e.hold = this.entries.get(inodeKey(id))?.hold;
    this.entries.set(inodeKey(id), e);
    this.dirty = true;
  }

  /** The file is now known under `filePath` (renamed), and its fingerprint may have grown. */
  update(id: FileIdentity, filePath: string): void {
    const e = this.entries.get(inodeKey(id));
    if (!e) return;
    if (id.fingerprintBytes >= e.cp.fingerprintBytes) {
      e.cp.fingerprint = id.fingerprint;
      e.cp.fingerprintBytes = id.fingerprintBytes;
    }
    if (e.cp.path !== filePath) e.cp.path = filePath;
    this.dirty = true;
  }

  /** The record [offset, end) of `id` was handed out; it must be acknowledged before the position passes it. */
  emitted(id: FileIdentity, offset: number, end: number): void {
    const e = this.entries.get(inodeKey(id));
    if (!e) return;
    e.offsets.push(offset);
    e.acked.push(false);
    e.waiting++;
    e.emittedEnd = end;
  }

  /** The record of `id` at `offset` has been acknowledged (indexed). Any order. */
  ack(id: FileIdentity, offset: number): void {
    const e = this.entries.get(inodeKey(id));
    const i = e ? waitingAt(e, offset) : -1;
    if (!e || i < 0 || (id.fingerprintBytes === e.cp.fingerprintBytes && id.fingerprint !== e.cp.fingerprint)) {
      this.staleAcks++;
      return;
    }
    e.acked[i] = true;
    e.waiting--;
    const n = e.offsets.length;
    while (e.head < n && e.acked[e.head]) e.head++;
    if (e.head > 1024 && e.head * 2 > n) {
      e.offsets.splice(0, e.head);
      e.acked.splice(0, e.head);
      e.head = 0;
    }
    this.advance(e);
  }

  /** The saved position of `id` must not pass `offset` (undefined: no hold). */
  hold(id: { dev: string; ino: string }, offset: number | undefined): void {
    const e = this.entries.get(inodeKey(id));
    if (!e) return;
    e.hold = offset;
    this.advance(e);
  }

  /**
   * Bytes of `id` read (handed out) but not yet covered by its checkpoint: what a restart now would read again
   * (goneaway_checkpoint_lag_bytes; docs/agent-inputs.md "Checkpoint lag"). Undefined for a file not tracked.
   */
  lag(id: { dev: string; ino: string }): number | undefined {
    const e = this.entries.get(inodeKey(id));
    return e && Math.max(0, e.emittedEnd - e.cp.offset);
  }

  /** Records handed out and not yet acknowledged, over all files. */
  unacknowledged(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.waiting;
    return n;
  }

  /** The file is gone and done with: drop its checkpoint once every record was acknowledged. */
  forget(id: { dev: string; ino: string }): boolean {
    const e = this.entries.get(inodeKey(id));
    if (!e || e.head < e.offsets.length || e.cp.offset < e.emittedEnd) return false;
    this.entries.delete(inodeKey(id));
    this.dirty = true;
    return true;
  }

  /**
   * Saves `state` with the positions, in the same write: at each flush it is first brought up to the
   * positions being written (`fold`), so a crash leaves both old or both new.
   */
  attach(name: string, state: Attached): void {
    this.attached.set(name, state);
  }

  /**
   * Write the checkpoints atomically if anything changed (writes are serialised). Within `minIntervalMs` of the last
   * write the write is put off to the interval's end (then with the positions as they are by then), unless `now`
   * (the agent stopping).
   */
  flush(now = false): Promise<void> {
    if (this.deferredError !== undefined) {
      const e = this.deferredError;
      this.deferredError = undefined;
      return Promise.reject(e);
    }
    for (const a of this.attached.values()) if (a.fold((id) => this.get(id))) this.dirty = true;
    if (!this.dirty) return this.writing;
    const wait = this.lastWriteAt + this.minIntervalMs - Date.now();
    if (!now && wait > 0) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.flush().catch((e: unknown) => (this.deferredError = e));
      }, wait).unref(); // a write still put off at exit is lost: the older positions are acknowledged ones too
      return this.writing;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.dirty = false;
    const attached = Object.fromEntries([...this.attached].map(([k, a]) => [k, a.value()]));
    const text = JSON.stringify({ version: 1, files: this.all(), attached }, null, 1) + '\n';
    if (text === this.lastText) return this.writing;
    this.lastText = text;
    this.lastWriteAt = Date.now();
    this.writing = this.writing.then(() => this.write(text));
    return this.writing;
  }

  private async write(text: string): Promise<void> {
    const file = path.join(this.dir, CHECKPOINT_FILE);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(text);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, file);
      // the rename itself is durable only once the directory is synced
      const dh = await open(this.dir, 'r');
      try {
        await dh.sync();
      } finally {
        await dh.close();
      }
      this.writes++;
    } catch (e) {
      this.dirty = true;
      this.lastText = '';
      throw stateError(this.dir, e);
    }
  }

  private advance(e: Entry): void {
    const acked = e.head < e.offsets.length ? e.offsets[e.head]! : e.emittedEnd;
    const target = Math.min(acked, e.hold ?? Infinity);
    if (target > e.cp.offset) {
      e.cp.offset = target;
      this.dirty = true;
    }
  }
}

/** the path the records of a checkpointed file carry (Checkpoint.origin) */
export const originOf = (cp: Checkpoint): string => cp.origin ?? cp.path;

function newEntry(cp: Checkpoint): Entry {
  return { cp: { ...cp }, offsets: [], acked: [], head: 0, waiting: 0, emittedEnd: cp.offset, hold: undefined };
}

/** the index of the record at `offset` not acknowledged yet, or -1 */
function waitingAt(e: Entry, offset: number): number {
  const { offsets, head } = e;
  let i = head;
  if (offsets[head] !== offset) {
    let hi = offsets.length;
    while (i < hi) {
      const mid = (i + hi) >> 1;
      if (offsets[mid]! < offset) i = mid + 1;
      else hi = mid;
    }
  }
  return i < offsets.length && offsets[i] === offset && !e.acked[i] ? i : -1;
}

/** the agent's state (its `what`: checkpoints, document identities) in `dir` cannot be read or written */
export function stateError(dir: string, cause: unknown, fix?: string, what = 'checkpoints'): GoneawayError {
  return new GoneawayError('GA_ERR_STATE_DIR', `the agent's ${what} in ${dir} cannot be used: ${String(cause)}`, {
    key: 'agent.state_dir',
    value: dir,
    fix: fix ?? 'give agent.state_dir a directory the agent can create, write and fsync',
    cause,
  });
}
