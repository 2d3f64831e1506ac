/**
 * Cuts the bytes of a growing file into lines that carry their byte offsets. A line is emitted only when its
 * '\n' has been read: a writer's half-written line is held until the rest arrives (or until the file is
 * closed for good, see `flush`). Offsets count bytes, so binary garbage or broken UTF-8 cannot shift them.
 *
 * A line longer than `maxRecordBytes` is cut: its first maxRecordBytes bytes (backed off to a UTF-8
 * character boundary) become the record, `cutBytes` says how many bytes were left out, and the rest is
 * skipped up to the newline without being held in memory. The whole line stays in the file at `offset`.
 */
import type { LineBatch } from './line-batch.js';

export interface SplitLine {
  /** byte offset of the line's first byte */
  offset: number;
  /** byte offset just past the line's '\n' (the next line's offset) */
  end: number;
  /** the line without '\n' and without a trailing '\r' */
  text: string;
  /** bytes of the line left out of `text` because it exceeded maxRecordBytes (0 for most lines) */
  cutBytes: number;
}

export class LineSplitter {
  private parts: Buffer[] = [];
  private held = 0;
  private skipped = 0;
  private start: number;

  constructor(
    private readonly maxRecordBytes: number,
    at = 0,
  ) {
    this.start = at;
  }

  /** Offset of the first byte not yet emitted as part of a line (where a restart must read from). */
  get pendingStart(): number {
    return this.start;
  }

  /** Bytes held in memory for the unfinished line. */
  get heldBytes(): number {
    return this.held;
  }

  /** Forget the held line and continue at `at` (after a truncation). */
  reset(at: number): void {
    this.parts = [];
    this.held = 0;
    this.skipped = 0;
    this.start = at;
  }

  /**
   * The lines completed by `chunk`, whose first byte is at the file offset just after the previous chunk, added to
   * `out`: a whole line inside the chunk as a range of the chunk's bytes (which `out` copies), a line held across
   * chunks or cut as its text.
   */
  feedInto(chunk: Buffer, out: LineBatch): void {
    let from = 0;
    let kept = 0;
    for (;;) {
      const nl = chunk.indexOf(10, from);
      if (nl === -1) {
        this.hold(chunk.subarray(from));
        break;
      }
      if (this.held === 0 && this.skipped === 0 && nl - from <= this.maxRecordBytes) {
        // the common case: a whole line inside the chunk, neither copied nor decoded here
        const end = this.start + nl - from + 1;
        out.addRange(this.start, end, from, nl > from && chunk[nl - 1] === 13 ? nl - 1 : nl);
        this.start = end;
        kept = nl + 1;
      } else {
        this.hold(chunk.subarray(from, nl));
        const l = this.emit(1);
        out.addText(l.offset, l.end, l.text, l.cutBytes);
      }
      from = nl + 1;
    }
    out.keep(chunk, kept);
  }

  /** The held line as a last record (the file will not grow again), or undefined when nothing is held. */
  flush(): SplitLine | undefined {
    if (this.held === 0 && this.skipped === 0) return undefined;
    return this.emit(0);
  }

  private hold(bytes: Buffer): void {
    const room = this.maxRecordBytes - this.held;
    if (bytes.length <= room) {
      if (bytes.length > 0) this.parts.push(Buffer.from(bytes));
      this.held += bytes.length;
      return;
    }
    if (room > 0) this.parts.push(Buffer.from(bytes.subarray(0, room)));
    this.held += Math.max(room, 0);
    this.skipped += bytes.length - Math.max(room, 0);
  }

  private emit(newline: 0 | 1): SplitLine {
    let buf = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.held);
    let cutBytes = this.skipped;
    if (cutBytes > 0) {
      // do not end the record inside a multi-byte UTF-8 character: back off to its first byte
      const keep = utf8Boundary(buf);
      cutBytes += buf.length - keep;
      buf = buf.subarray(0, keep);
    }
    const total = this.held + this.skipped;
    const end = buf.length > 0 && buf[buf.length - 1] === 13 && cutBytes === 0 ? buf.length - 1 : buf.length;
    const line: SplitLine = {
      offset: this.start,
      end: this.start + total + newline,
      text: buf.toString('utf8', 0, end),
      cutBytes,
    };
    this.reset(line.end);
    return line;
  }
}

/** Length of `buf` without a trailing incomplete UTF-8 character. */
function utf8Boundary(buf: Buffer): number {
  let lead = buf.length - 1;
  while (lead >= 0 && buf.length - lead < 4 && (buf[lead]! & 0xc0) === 0x80) lead--;
  if (lead < 0) return buf.length;
  const b = buf[lead]!;
  const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return lead + need > buf.length ? lead : buf.length;
}
