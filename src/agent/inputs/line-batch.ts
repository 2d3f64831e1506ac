/**
 * The lines of one read of one file, as they wait in the queue between the tailer and the agent's turn: their bytes
 * (one copy of the read) and their offsets in typed arrays, not an object and a string per line. A line's text is
 * decoded when the turn takes it (`text(i)`), and dies young there. Lines queued as objects waited for the turn —
 * behind a bulk request in flight, up to the queue's bound of lines — and outlived the young generation: a line's
 * string and its record object were a seventh of what the agent promoted to the old generation at 20,000 lines/s
 * (docs/benchmark-agent.md "Lines as bytes in the queue, 2026-12-07").
 *
 * Most lines are a range of `bytes`. A line held across two reads, or cut at `agent.max_record_bytes`, was put
 * together by the splitter already: its text is kept as it is (rare).
 */
import { inodeKey, type FileIdentity } from './identity.js';
import type { TailRecord } from './types.js';

const EMPTY = Buffer.alloc(0);

export class LineBatch {
  length = 0;
  /** the bytes the ranges point into: the read's lines, copied (the read buffer is read into again) */
  bytes: Buffer = EMPTY;
  private offsets: Float64Array;
  private ends: Float64Array;
  /** a line's text in `bytes`, [from, to); from = −1: its text is in `texts` */
  private from: Int32Array;
  private to: Int32Array;
  private texts: Map<number, string> | undefined;
  private cuts: Map<number, number> | undefined;
  /** the file's device and inode as the agent's maps key it (inodeKey) */
  readonly key: string;

  constructor(
    readonly input: string,
    readonly identity: FileIdentity,
    /** the path the file was first read under (log.file.path) */
    readonly path: string,
    capacity = 256,
  ) {
    this.key = inodeKey(identity);
    this.offsets = new Float64Array(capacity);
    this.ends = new Float64Array(capacity);
    this.from = new Int32Array(capacity);
    this.to = new Int32Array(capacity);
  }

  /** a line whose text is bytes [from, to) of the read (`bytes` once `keep` has copied them) */
  addRange(offset: number, end: number, from: number, to: number): void {
    const i = this.slot();
    this.offsets[i] = offset;
    this.ends[i] = end;
    this.from[i] = from;
    this.to[i] = to;
  }

  /** a line the splitter put together (held across reads, or cut: `cutBytes` left out of its end) */
  addText(offset: number, end: number, text: string, cutBytes: number): void {
    const i = this.slot();
    this.offsets[i] = offset;
    this.ends[i] = end;
    this.from[i] = -1;
    (this.texts ??= new Map()).set(i, text);
    if (cutBytes > 0) (this.cuts ??= new Map()).set(i, cutBytes);
  }

  /** copies the read's bytes the ranges point into, before the read buffer is read into again */
  keep(read: Buffer, upTo: number): void {
    if (upTo > 0) this.bytes = Buffer.from(read.subarray(0, upTo));
  }

  /** byte offset of line `i`'s first byte in the file */
  offset(i: number): number {
    return this.offsets[i]!;
  }

  /** byte offset just past line `i`'s newline (the next line's offset) */
  end(i: number): number {
    return this.ends[i]!;
  }

  /** line `i` without its newline (and a '\r' before it) */
  text(i: number): string {
    const from = this.from[i]!;
    return from < 0 ? this.texts!.get(i)! : this.bytes.toString('utf8', from, this.to[i]!);
  }

  /** bytes of line `i` left out of its text (longer than max_record_bytes); 0 for most lines */
  cutBytes(i: number): number {
    return this.cuts?.get(i) ?? 0;
  }

  /** bytes of the lines' texts: what the queue's bound counts */
  get textBytes(): number {
    let n = 0;
    for (let i = 0; i < this.length; i++) n += this.ends[i]! - this.offsets[i]! - this.cutBytes(i);
    return n;
  }

  /** line `i` as an object, for readers that take records one by one (tests) */
  record(i: number): TailRecord {
    const r: TailRecord = {
      input: this.input,
      identity: this.identity,
      path: this.path,
      offset: this.offset(i),
      end: this.end(i),
      text: this.text(i),
    };
    const cut = this.cutBytes(i);
    if (cut > 0) r.cutBytes = cut;
    return r;
  }

  private slot(): number {
    if (this.length === this.offsets.length) {
      const grow = <A extends Float64Array | Int32Array>(a: A): A => {
        const next = new (a.constructor as new (n: number) => A)(a.length * 2);
        next.set(a);
        return next;
      };
      this.offsets = grow(this.offsets);
      this.ends = grow(this.ends);
      this.from = grow(this.from);
      this.to = grow(this.to);
    }
    return this.length++;
  }
}
