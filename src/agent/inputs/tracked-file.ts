/**
 * One open file of an input, read with positional reads (fs.read at a byte offset) on a descriptor kept
 * open: a renamed or deleted file is still read through it to its end, and every line's offset is exact.
 */
import { closeSync, readSync } from 'node:fs';
import { FINGERPRINT_BYTES, identityOf, sameContent, statFd, type FileIdentity } from './identity.js';
import { LineBatch } from './line-batch.js';
import { LineSplitter } from './line-splitter.js';

const CHUNK = 64 * 1024;

export type FileChange = 'same' | 'grew' | 'truncated';

export class TrackedFile {
  readonly splitter: LineSplitter;
  /** next byte to read */
  readPos: number;
  /** the path no longer leads to this file (renamed away or deleted): read to the end, then close */
  detachedAt: number | undefined;
  /** when the file last gave bytes (or was opened): a detached file quiet for close_inactive is closed */
  lastData: number;
  closed = false;
  /** its last read found no new bytes: every complete line it has is queued (Tailer.caughtUp) */
  atEnd = false;
  /** the path the file had before it was renamed or deleted: the file now at that path waits for this one */
  previousPath: string | undefined;
  /**
   * the path its records carry: the one it was first read under, also once renamed (NAME.1) and after a restart
   * that found it renamed (docs/agent-inputs.md "Paths after a rotation")
   */
  readonly origin: string;
  private lastSize: number;
  private truncated = false;

  constructor(
    readonly input: string,
    public path: string,
    readonly fd: number,
    public identity: FileIdentity,
    start: number,
    maxRecordBytes: number,
    now: number,
    origin = path,
  ) {
    this.origin = origin;
    this.readPos = start;
    this.splitter = new LineSplitter(maxRecordBytes, start);
    this.lastData = now;
    this.lastSize = start;
  }

  /** an empty batch for lines of this file (a read's, or the last one when it is closed) */
  batch(): LineBatch {
    return new LineBatch(this.input, this.identity, this.origin);
  }

  get key(): string {
    return `${this.identity.dev}:${this.identity.ino}`;
  }

  /**
   * Has the file been truncated (copytruncate, `> file`) since it was read? Shorter than the read position,
   * or its first bytes are no longer the ones fingerprinted (truncated, then written past the old position
   * between two looks). A short file's fingerprint grows with it so that it covers FINGERPRINT_BYTES.
   */
  check(): FileChange {
    if (this.truncated) {
      this.truncated = false;
      return 'truncated';
    }
    const st = statFd(this.fd);
    if (st.size === this.lastSize) return 'same';
    if (st.size < this.readPos || !sameContent(this.fd, this.identity)) {
      this.lastSize = st.size;
      return 'truncated';
    }
    this.lastSize = st.size;
    if (this.identity.fingerprintBytes < FINGERPRINT_BYTES && st.size > this.identity.fingerprintBytes) {
      this.identity = identityOf(this.fd, st);
    }
    return 'grew';
  }

  /** Start again at 0 with a new identity (the inode now holds other content). */
  restart(): void {
    this.identity = identityOf(this.fd);
    this.readPos = 0;
    this.lastSize = 0;
    this.atEnd = false;
    this.splitter.reset(0);
  }

  /**
   * Reads at most `budget` bytes from the read position and hands the lines each chunk completes to
   * `onLines`, which returns false to stop (the tailer is closing). Returns the bytes read.
   */
  async drain(budget: number, onLines: (l: LineBatch) => Promise<boolean>, buf: Buffer): Promise<number> {
    let total = 0;
    while (total < budget && !this.closed) {
      const n = readSync(this.fd, buf, 0, Math.min(CHUNK, buf.length, budget - total), this.readPos);
      if (n === 0) break;
      this.readPos += n;
      total += n;
      // the lines' bytes are copied (or held lines decoded) before `buf` is read into again
      const lines = this.batch();
      this.splitter.feedInto(buf.subarray(0, n), lines);
      if (lines.length > 0 && !(await onLines(lines))) return total;
      // a truncation between two chunks must not be read as the continuation of the old content
      if (this.check() === 'truncated') {
        this.truncated = true;
        return total;
      }
    }
    return total;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

export const READ_CHUNK = CHUNK;
