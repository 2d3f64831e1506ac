/**
 * Checkpoints of the agent's inputs: per file identity, the byte offset reading resumes from after a restart
 * (even `kill -9`). Filebeat's contract (docs/agent-inputs.md): a position is saved only once the sink has
 * acknowledged every record before it. Records are acknowledged out of order (bulk requests finish in any
 * order), so the saved position is the end of the longest acknowledged prefix of the records handed out,
 * and never later than the caller's `hold` (the oldest record the correlation window still needs: after a
 * restart the window is rebuilt by reading again from there).
 *
 * With a position go the file's cuts: where the agent ended a multi-line record at idle, for a restart that reads it
 * again (record-cuts.ts; written at once by saveCuts).
 *
 * The file `checkpoints.json` in `agent.state_dir` is replaced atomically (state-file.ts): written to a temporary
 * file, fsync'ed, renamed over the old one, and the directory fsync'ed, so a crash leaves the old or the new
 * state, never a torn one. It is written only when its text changed, and at most once per `minIntervalMs` (the
 * agent's: CHECKPOINT_INTERVAL_MS, as Filebeat's `registry.flush`): a busy agent ends several turns a second, each
 * with positions moved, and each write costs two fsyncs. A later write only makes a restart read more again, never
 * less: the positions written are always acknowledged ones (docs/agent-inputs.md "Checkpoint writes").
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { makeDirs } from '../make-dirs.js';
import { stateError, writeDurably } from './state-file.js';
import { inodeKey, type FileIdentity } from './inputs/identity.js';
import { addCut, dropCutsTo, MAX_CUTS } from './record-cuts.js';
import { newEntry, waitingAt, type Checkpoint, type Entry } from './checkpoint-entry.js';

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
  /** a cut noted since the last write began: saveCuts() writes at once */
  private cutsUnsaved = false;
  /** cuts dropped past MAX_CUTS (the oldest of a file first) */
  cutsDropped = 0;

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
   * carry `origin` (by default the path it is read under now). Only a file `resumed` from its checkpoint keeps its
   * cuts: a truncated file, a reused inode or a copy is other content, and offsets of the old one do not apply.
   */
  track(id: FileIdentity, filePath: string, offset: number, origin = filePath, resumed = false): void {
    const old = this.entries.get(inodeKey(id));
    const e = newEntry({ ...id, path: filePath, origin, offset, cuts: resumed ? old?.cp.cuts : undefined });
    e.hold = old?.hold;
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

  /**
   * The agent ended a multi-line record of `id` at idle where the line at `at` starts (record-cuts.ts). Kept until
   * the position passes it, MAX_CUTS at most per file (past that the oldest goes). False, and nothing kept, for a
   * cut of content read before a truncation (another fingerprint, or past what was read of the new content).
   */
  cut(id: FileIdentity, at: number): boolean {
    const e = this.entries.get(inodeKey(id));
    if (!e || at <= e.cp.offset || at > e.emittedEnd) return false;
    if (id.fingerprintBytes === e.cp.fingerprintBytes && id.fingerprint !== e.cp.fingerprint) return false;
    const cuts = (e.cp.cuts ??= []);
    if (!addCut(cuts, at)) return false;
    if (cuts.length > MAX_CUTS) {
      cuts.shift();
      this.cutsDropped++;
    }
    this.dirty = this.cutsUnsaved = true;
    return true;
  }

  /**
   * Writes the checkpoints now if a cut was noted since the last write began: the agent awaits this before it hands
   * the documents of a turn to the sink, so a record cut at idle is indexed only once its cut is on disk.
   */
  saveCuts(): Promise<void> {
    if (!this.cutsUnsaved) return Promise.resolve();
    return this.flush(true);
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
    // the text built below holds every cut noted so far
    this.cutsUnsaved = false;
    const attached = Object.fromEntries([...this.attached].map(([k, a]) => [k, a.value()]));
    const text = JSON.stringify({ version: 1, files: this.all(), attached }, null, 1) + '\n';
    if (text === this.lastText) return this.writing;
    this.lastText = text;
    this.lastWriteAt = Date.now();
    this.writing = this.writing.then(() => this.write(text));
    return this.writing;
  }

  private async write(text: string): Promise<void> {
    try {
      await writeDurably(this.dir, CHECKPOINT_FILE, text);
      this.writes++;
    } catch (e) {
      this.dirty = true;
      this.lastText = '';
      this.cutsUnsaved = true;
      throw stateError(this.dir, e);
    }
  }

  private advance(e: Entry): void {
    const acked = e.head < e.offsets.length ? e.offsets[e.head]! : e.emittedEnd;
    const target = Math.min(acked, e.hold ?? Infinity);
    if (target > e.cp.offset) {
      e.cp.offset = target;
      this.dirty = true;
      // a restart reads from `target` on: the cuts up to it are done with
      if (e.cp.cuts && e.cp.cuts[0]! <= target && !dropCutsTo(e.cp.cuts, target)) delete e.cp.cuts;
    }
  }
}

/** the path the records of a checkpointed file carry (Checkpoint.origin) */
export const originOf = (cp: Checkpoint): string => cp.origin ?? cp.path;

export { stateError };
export type { Checkpoint };
