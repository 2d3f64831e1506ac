/**
 * The window's HAProxy lines as UTF-8 outside the JS heap, for the session table (session-table.ts): a line kept as
 * a string was an object the GC copied twice, young then old generation, and traced ever after, for each of the
 * window's sessions. Lines are appended in the order of their rows (`seq`) and let go in that order.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** a file's lines read again by byte offset (src/sources/line-reread.ts) */
export interface LineSource {
  lineAt(offset: number): string;
}

/** the lines of the file a row names (as shown: log.file.path), when they can be read again from it; else undefined */
export type LineSources = (file: string) => LineSource | undefined;

/** a Buffer with the UTF-8 writer Node gives it (faster than `write` for one string at a known offset) */
type Chunk = Buffer & { utf8Write(s: string, off: number): number };

/**
 * Lines written one after the other into chunks of `chunkBytes`; a line never spans two chunks. A line's place is
 * its absolute byte position (chunk `at / chunkBytes`, offset `at % chunkBytes`). A chunk is let go once every row
 * whose line it holds left (`release`); one chunk let go is kept for the next one needed.
 */
export class LineStore {
  /** `chunkBytes`: the size of the chunks (a line, cut at 2000 characters by the store, takes at most 6 KB) */
  constructor(private readonly chunkBytes = 4 << 20) {}
  /** `chunks[k]` is chunk number `first + k` */
  private readonly chunks: Chunk[] = [];
  /** the greatest seq whose line chunk `first + k` holds */
  private readonly lastSeq: number[] = [];
  private first = 0;
  private pos = 0;
  private spare: Chunk | undefined = undefined;
  /** the UTF-8 length of the line `put` wrote last */
  written = 0;

  /** writes row `seq`'s line at the end of the last chunk, or at the start of a new one; returns where it is */
  put(seq: number, text: string): number {
    const size = this.chunkBytes;
    const max = text.length * 3; // UTF-8 takes at most 3 bytes per UTF-16 unit
    if (max > size) throw new RangeError(`a ${text.length}-character line does not fit a chunk`);
    let pos = this.pos;
    if ((pos % size) + max > size) pos += size - (pos % size);
    const k = Math.floor(pos / size) - this.first;
    let chunk = this.chunks[k];
    if (!chunk) {
      // no chunk held: the first one needed is number `pos / size`
      if (!this.chunks.length) this.first = Math.floor(pos / size);
      chunk = this.spare ?? (Buffer.allocUnsafe(size) as Chunk);
      this.spare = undefined;
      this.chunks.push(chunk);
    }
    const n = chunk.utf8Write(text, pos % size);
    this.lastSeq[this.chunks.length - 1] = seq;
    this.written = n;
    this.pos = pos + n;
    return pos;
  }

  /** the line at `at`, `len` bytes long (its chunk still held) */
  get(at: number, len: number): string {
    const off = at % this.chunkBytes;
    return this.chunks[Math.floor(at / this.chunkBytes) - this.first]!.toString('utf8', off, off + len);
  }

  /** the bytes held for lines (the chunks, the spare one included) */
  get bytes(): number {
    return (this.chunks.length + (this.spare ? 1 : 0)) * this.chunkBytes;
  }

  /** lets go the chunks whose rows all left: every row before `base` left (the last chunk stays, written on) */
  release(base: number): void {
    let n = 0;
    while (n < this.chunks.length - 1 && this.lastSeq[n]! < base) n++;
    if (!n) return;
    this.spare = this.chunks.splice(0, n).pop();
    this.lastSeq.splice(0, n);
    this.first += n;
  }
}

/**
 * Lines written into one open segment of `segmentBytes`; a full segment is compressed (raw deflate) and kept so, and
 * read by inflating it again. A few inflated segments are kept, the ones read last: rows are mostly read in the order
 * they leave, but a time-only join weighs an error's candidates spread over the window, and with one segment kept it
 * inflated a whole segment for most of their lines (docs/performance.md "Batch correlate outside the join"). A line
 * never spans two segments; its place is its absolute byte position before compression, as in `LineStore`. For the
 * normal closes, whose lines are seldom read: an HAProxy tcplog line is ~165 bytes, and a 64 KiB segment of them
 * deflates to about a fifth (docs/benchmark-agent.md "Memory: the line texts, the bulk bodies").
 */
export class PackedLineStore {
  /** `keep`: the inflated segments kept (at most `keep × segmentBytes` more bytes) */
  constructor(
    private readonly segmentBytes = 64 << 10,
    private readonly level = 3,
    private readonly keep = 4,
  ) {
    this.open = Buffer.allocUnsafe(segmentBytes) as Chunk;
  }
  private readonly open: Chunk;
  /** the open segment's number, and the bytes written into it */
  private openNo = 0;
  private used = 0;
  /** the greatest seq whose line the open segment holds */
  private openLast = -1;
  /** the compressed segments, oldest first: `packed[k]` is segment number `openNo - packed.length + k` */
  private readonly packed: Buffer[] = [];
  private readonly lastSeq: number[] = [];
  /** the segments inflated last, most recently read first, and their numbers (`inflatedNo[k]` is `inflated[k]`'s) */
  private readonly inflated: Buffer[] = [];
  private readonly inflatedNo: number[] = [];
  /** the UTF-8 length of the line `put` wrote last */
  written = 0;
  /** the segments inflated so far */
  inflations = 0;

  put(seq: number, text: string): number {
    const size = this.segmentBytes;
    if (text.length * 3 > size) throw new RangeError(`a ${text.length}-character line does not fit a segment`);
    if (this.used + text.length * 3 > size) this.seal();
    const at = this.openNo * size + this.used;
    const n = this.open.utf8Write(text, this.used);
    this.used += n;
    this.openLast = seq;
    this.written = n;
    return at;
  }

  /** compresses the open segment and opens the next one */
  private seal(): void {
    // a copy: the output is a slice of zlib's 16 KiB output buffer, which the copy lets go
    const z = Buffer.from(deflateRawSync(this.open.subarray(0, this.used), { level: this.level }));
    this.packed.push(z);
    this.packedBytes += z.length;
    this.lastSeq.push(this.openLast);
    this.openNo++;
    this.used = 0;
  }

  get(at: number, len: number): string {
    const no = Math.floor(at / this.segmentBytes);
    const off = at % this.segmentBytes;
    if (no === this.openNo) return this.open.toString('utf8', off, off + len);
    return this.segment(no).toString('utf8', off, off + len);
  }

  /** segment `no` inflated: from the few kept, else inflated now and kept in place of the one read longest ago */
  private segment(no: number): Buffer {
    const nos = this.inflatedNo;
    const bufs = this.inflated;
    let k = nos.indexOf(no);
    let buf: Buffer;
    if (k < 0) {
      buf = inflateRawSync(this.packed[no - this.openNo + this.packed.length]!);
      this.inflations++;
      // a new place at the end, or the last one's (read longest ago)
      k = Math.min(nos.length, this.keep - 1);
    } else buf = bufs[k]!;
    // the segment read now goes first (the others move down one place)
    for (; k > 0; k--) [nos[k], bufs[k]] = [nos[k - 1]!, bufs[k - 1]!];
    [nos[0], bufs[0]] = [no, buf];
    return buf;
  }

  /** the bytes held for lines: the compressed segments, the open one and the inflated ones kept */
  get bytes(): number {
    let n = this.packedBytes + this.segmentBytes;
    for (const b of this.inflated) n += b.length;
    return n;
  }
  private packedBytes = 0;

  /** lets go the segments whose rows all left (every row before `base` left) */
  release(base: number): void {
    let n = 0;
    while (n < this.packed.length && this.lastSeq[n]! < base) n++;
    if (!n) return;
    for (const z of this.packed.splice(0, n)) this.packedBytes -= z.length;
    this.lastSeq.splice(0, n);
    // the inflated segments let go with them
    const oldest = this.openNo - this.packed.length;
    for (let k = this.inflatedNo.length - 1; k >= 0; k--) {
      if (this.inflatedNo[k]! < oldest) {
        this.inflatedNo.splice(k, 1);
        this.inflated.splice(k, 1);
      }
    }
  }
}
