/**
 * The TCP sessions of one HAProxy file waiting in the agent's merge, as columns rather than objects.
 *
 * Why (docs/benchmark-agent.md "Rows in the merge, 2026-12-07"): a record waits in the merge until every live
 * input's time has passed it — up to a second behind a MariaDB general log, whose time moves by whole seconds —
 * and the young generation is scavenged about twice a second at 20,000 lines/s. A tcplog record held as its
 * parsed object (and the decoder's record around it, the merge's entry, the substrings of its names) outlived two
 * scavenges, was copied into the old generation and died there: a fifth of all the bytes the agent promoted, which
 * a tight heap (the unit's GONEAWAY_AGENT_HEAP_GROWTH) then collected in a full collection every second. Here a
 * waiting session is numbers in typed arrays, its names are the one interned copy of each, and its line is kept as
 * UTF-8 bytes: nothing of it is a new object that must survive, and the parsed record dies young.
 *
 * First in, first out: the merge releases a file's records in the order they were pushed, so the session it
 * releases for this file is always the oldest staged one.
 */
import type { SessionRow } from '../correlate/session-table.js';

/** the columns of names, in a row's order */
const NAMES = ['state', 'clientIp', 'frontend', 'backend', 'server', 'file'] as const;
/** the most distinct names kept interned (client addresses are the many): past it the table starts again */
const MAX_NAMES = 50_000;

export class StagedRows<F = unknown> {
  /** `file`: whose rows they are (the agent's open file); `textBytes`: the size the lines' buffer starts at */
  constructor(
    readonly file: F,
    private readonly textBytes = 64 << 10,
  ) {}
  private cap = 16;
  private head = 0;
  private count = 0;
  private time = new Float64Array(this.cap);
  private accept = new Float64Array(this.cap);
  private end = new Float64Array(this.cap);
  /** NaN: none */
  private bytesRead = new Float64Array(this.cap);
  private offset = new Float64Array(this.cap);
  private port = new Int32Array(this.cap);
  /** -1: none */
  private pid = new Int32Array(this.cap);
  /** where each row's line is in `text`, and its length in bytes */
  private textAt = new Float64Array(this.cap);
  private textLen = new Int32Array(this.cap);
  /** the rows' names: the interned copy, column by column (`NAMES`) */
  private names: string[] = new Array<string>(this.cap * NAMES.length).fill('');
  private readonly interned = new Map<string, string>();
  private readonly last: string[] = NAMES.map(() => '');
  /** the lines, one after the other, in a buffer that starts over whenever no row is staged */
  private text = Buffer.alloc(0); // allocated with the first row: most files are not HAProxy logs
  private textEnd = 0;

  get size(): number {
    return this.count;
  }

  /** the oldest staged row's time (its merge order) and file offset */
  get headTime(): number {
    return this.time[this.head]!;
  }
  get headOffset(): number | undefined {
    return this.count ? this.offset[this.head] : undefined;
  }

  add(time: number, r: SessionRow): void {
    if (this.count === this.cap) this.grow();
    const i = (this.head + this.count) & (this.cap - 1);
    this.count++;
    this.time[i] = time;
    this.accept[i] = r.accept;
    this.end[i] = r.end;
    this.bytesRead[i] = r.bytesRead ?? NaN;
    this.offset[i] = r.offset;
    this.port[i] = r.clientPort;
    this.pid[i] = r.pid ?? -1;
    const k = i * NAMES.length;
    for (let c = 0; c < NAMES.length; c++) this.names[k + c] = this.intern(c, r[NAMES[c]!]);
    this.putText(i, r.text);
  }

  /** the oldest staged row, as the window takes it (a new object: it dies young once the window has its fields) */
  take(): SessionRow {
    if (this.count === 0) throw new RangeError('StagedRows.take: no row staged');
    const i = this.head;
    this.head = (i + 1) & (this.cap - 1);
    this.count--;
    const k = i * NAMES.length;
    const bytesRead = this.bytesRead[i]!;
    const pid = this.pid[i]!;
    const at = this.textAt[i]!;
    const row: SessionRow = {
      accept: this.accept[i]!,
      end: this.end[i]!,
      state: this.names[k]!,
      clientIp: this.names[k + 1]!,
      clientPort: this.port[i]!,
      frontend: this.names[k + 2]!,
      backend: this.names[k + 3]!,
      server: this.names[k + 4]!,
      pid: pid === -1 ? undefined : pid,
      bytesRead: Number.isNaN(bytesRead) ? undefined : bytesRead,
      file: this.names[k + 5]!,
      offset: this.offset[i]!,
      text: this.text.toString('utf8', at, at + this.textLen[i]!),
    };
    if (this.count === 0) this.textEnd = 0;
    return row;
  }

  /** the canonical copy of a name: a repeat of the column's last name costs a comparison, a new one a lookup */
  private intern(col: number, s: string): string {
    const last = this.last[col]!;
    if (s === last) return last;
    let v = this.interned.get(s);
    if (v === undefined) {
      if (this.interned.size >= MAX_NAMES) this.interned.clear();
      // a copy of its own: the parser's name may be a slice that keeps its whole line alive
      v = Buffer.from(s, 'utf8').toString('utf8');
      this.interned.set(v, v);
    }
    return (this.last[col] = v);
  }

  private putText(i: number, s: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; a full buffer grows (rows are taken in order, so the bytes of
    // the rows still staged are the tail of it: they move to the front when the buffer is renewed)
    const max = s.length * 3;
    if (this.textEnd + max > this.text.length) this.renewText(max);
    const n = this.text.write(s, this.textEnd);
    this.textAt[i] = this.textEnd;
    this.textLen[i] = n;
    this.textEnd += n;
  }

  private renewText(need: number): void {
    const from = this.count > 1 ? this.textAt[this.head]! : this.textEnd;
    const kept = this.textEnd - from;
    const size = Math.max(this.text.length, this.textBytes, 2 ** Math.ceil(Math.log2(kept + need)));
    const next = size === this.text.length ? this.text : Buffer.allocUnsafe(size);
    this.text.copy(next, 0, from, this.textEnd);
    for (let n = 0, i = this.head; n < this.count - 1; n++, i = (i + 1) & (this.cap - 1)) this.textAt[i]! -= from;
    this.text = next;
    this.textEnd = kept;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const order = (a: Float64Array | Int32Array) => {
      const b = new (a.constructor as Float64ArrayConstructor | Int32ArrayConstructor)(cap);
      for (let n = 0; n < this.count; n++) b[n] = a[(this.head + n) & (this.cap - 1)]!;
      return b as never;
    };
    this.time = order(this.time);
    this.accept = order(this.accept);
    this.end = order(this.end);
    this.bytesRead = order(this.bytesRead);
    this.offset = order(this.offset);
    this.port = order(this.port);
    this.pid = order(this.pid);
    this.textAt = order(this.textAt);
    this.textLen = order(this.textLen);
    const names = new Array<string>(cap * NAMES.length).fill('');
    for (let n = 0; n < this.count; n++) {
      const from = ((this.head + n) & (this.cap - 1)) * NAMES.length;
      for (let c = 0; c < NAMES.length; c++) names[n * NAMES.length + c] = this.names[from + c]!;
    }
    this.names = names;
    this.head = 0;
    this.cap = cap;
  }
}
