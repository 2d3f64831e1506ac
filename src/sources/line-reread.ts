/**
 * A log file's lines read again by byte offset. The batch `correlate` reads files that stay on disk (a stream or a
 * compressed file is read from its private copy: stream-copy.ts), so its window keeps where a normal close's line is
 * instead of the line, and reads back the few a verdict shows (src/correlate/session-table.ts;
 * docs/performance.md "2026-12-07: batch lines read back from their files"). The agent does not: its files rotate.
 *
 * A line read again is the line as `readLines` gave it (lines.ts): the bytes from its offset to the next '\n', one
 * trailing '\r' dropped, decoded as UTF-8. Reads go through a few blocks kept, the ones read last: a time-only join
 * reads candidates spread over the window, which are near one another in the file.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { GoneawayError } from '../errors.js';
import { displayPath } from './stream-copy.js';

interface Block {
  /** the reader whose file the block holds */
  owner: LineRereader;
  /** the file offset of `buf[0]`, and the bytes read into it */
  at: number;
  n: number;
  /** the block reaches the end of the file */
  eof: boolean;
  buf: Buffer;
}

/** The blocks kept, most recently used first: one pool may serve the readers of many files (a run over dozens of
 *  rotated files keeps `keep` blocks in all, not per file) */
export class BlockPool {
  readonly blocks: Block[] = [];
  constructor(readonly keep = 8) {}
}

export class LineRereader {
  private fd: number | undefined = undefined;
  /** the blocks read from the file so far */
  reads = 0;

  /** `blockBytes`: the blocks' alignment; each is read an eighth longer, so that a line across the boundary is
   *  found in the block before it. `pool`: where the blocks read last are kept (the reader's own, or shared) */
  constructor(
    readonly path: string,
    private readonly blockBytes = 64 << 10,
    private readonly pool = new BlockPool(),
  ) {}

  /** the line that starts at byte `offset`: the whole line, or its first bytes (at least `blockBytes`) when longer */
  lineAt(offset: number): string {
    const bs = this.pool.blocks;
    for (let k = 0; k < bs.length; k++) {
      if (bs[k]!.owner !== this) continue;
      // a block kept may have reached the end of a file that grew since: its last line is not trusted
      const s = this.lineIn(bs[k]!, offset, false);
      if (s === undefined) continue;
      if (k > 0) bs.unshift(bs.splice(k, 1)[0]!);
      return s;
    }
    // the aligned block that holds the offset, else (a line longer than the overlap) one that starts at it
    // (a block that starts at the line gives it whole, or its first bytes)
    const aligned = offset - (offset % this.blockBytes);
    return this.lineIn(this.read(aligned), offset, true) ?? this.lineIn(this.read(offset), offset, true)!;
  }

  /** Opens the file now: called when the run's parse opens it, so that both read the same file (a rotation that
   *  renames the path during the run leaves this descriptor on the file parsed, not on the new one). */
  open(): void {
    this.fd ??= openSync(this.path, 'r');
  }

  /** the line at `offset` when block `b` holds all of it (or the file's end, when `b` was just read, or `b`'s whole
   *  length from it) */
  private lineIn(b: Block, offset: number, fresh: boolean): string | undefined {
    const i = offset - b.at;
    if (i < 0 || i >= b.n) return undefined;
    // a line starts after a newline: anything else is a file changed in place since it was parsed (copytruncate
    // and new writes), whose bytes at the offset are not the line's
    if (i > 0 && b.buf[i - 1] !== 10) throw this.changed(offset);
    let stop = b.buf.indexOf(10, i);
    if (stop < 0 || stop >= b.n) {
      // no newline after it in the block: the file's last line, or a line longer than the block when it starts it
      if (i > 0 ? !(b.eof && fresh) : b.eof && !fresh) return undefined;
      stop = b.n;
    }
    if (stop > i && b.buf[stop - 1] === 13) stop--;
    return b.buf.toString('utf8', i, stop);
  }

  private changed(offset: number): GoneawayError {
    return new GoneawayError('GA_ERR_FILE_UNREADABLE', `${displayPath(this.path)} changed at byte ${offset}`, {
      value: displayPath(this.path),
      fix: 'the file was rewritten while it was read (a rotation by copytruncate?): correlate a copy of it',
    });
  }

  private read(at: number): Block {
    this.open();
    const bs = this.pool.blocks;
    const size = this.blockBytes + (this.blockBytes >> 3);
    // the least recently used block's buffer, when the pool is full and it is as large (readers share a block size)
    const last = bs.length >= this.pool.keep ? bs.pop()! : undefined;
    const buf = last && last.buf.length === size ? last.buf : Buffer.allocUnsafe(size);
    let n = 0;
    const fd = this.fd!;
    for (let got = -1; got !== 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, at + n);
    this.reads++;
    if (n === 0)
      throw new GoneawayError('GA_ERR_FILE_UNREADABLE', `${displayPath(this.path)} ends before byte ${at}`, {
        value: displayPath(this.path),
        fix: 'the file was cut while it was read (a rotation by copytruncate?): correlate a copy of it',
      });
    const b: Block = { owner: this, at, n, eof: n < buf.length, buf };
    bs.unshift(b);
    return b;
  }

  /** closes the file at the run's end (a later read would open the path again) */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    const bs = this.pool.blocks;
    for (let k = bs.length - 1; k >= 0; k--) if (bs[k]!.owner === this) bs.splice(k, 1);
  }
}
