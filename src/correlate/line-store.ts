/**
 * The window's HAProxy lines as UTF-8 outside the JS heap, for the session table (session-table.ts): a line kept as
 * a string was an object the GC copied twice, young then old generation, and traced ever after, for each of the
 * window's sessions. Lines are appended in the order of their rows (`seq`) and let go in that order.
 */

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
