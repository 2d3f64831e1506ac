/**
 * The window's TCP sessions as columns of typed arrays, one row per session, numbered in arrival
 * order (`seq`), and `Session` objects only for the sessions that matter.
 *
 * Why (issue 13 §2, measured with `--cpu-prof` on the correlate bench): as one object each, a session
 * cost ~700 bytes (the object, its evidence object, boxed times, its own copies of five strings and
 * its entries in three indexes), and every one of a window of up to ~1 M sessions was a promoted
 * object the old-generation GC had to trace. A row here costs ~60 bytes of typed arrays plus its line
 * (the evidence text), names are interned, and the per-port chain is integer links. An HAProxy
 * session mostly ends `--` and is never looked at again.
 *
 * A `Session` is materialised on demand (`at`): a fresh copy of the row, except that a session whose
 * state a decision changed (claimed, reusable, its Aborted line: `TableSession`'s setters) or that
 * is abnormal (not `--`: the closures reported) is pinned, and every later lookup returns that one
 * object. So identity holds where the rules rely on it (a thread's bound session is claimed or
 * leaving the window; rules.ts `th.session !== s`), and no state lives only in a throw-away copy.
 * An abnormal row is pinned when it is first read, not when it arrives: to whoever reads it that is the
 * same one object, but most are read only as they leave the window, and an object each for the ~80,000
 * abnormal closures a 20 s window holds at 20,000 lines/s was ~40 MB of the agent's old generation
 * (docs/benchmark-agent.md "Memory: where the bytes are").
 */
import type { Evidence, Session } from './model.js';

/** distinct names (frontends, backends, servers, states, files, client addresses) as small integers */
export class Interner {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];
  id(s: string): number {
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(s);
      this.ids.set(s, i);
    }
    return i;
  }
}

/** the fields of a TCP session as the store receives them: the session's, and where its line is */
export type SessionRow = Pick<
  Session,
  'accept' | 'end' | 'state' | 'clientIp' | 'clientPort' | 'frontend' | 'backend' | 'server' | 'pid' | 'bytesRead'
> & { file: string; offset: number; text: string };

/** the row has its one object (`pinned`) */
const PINNED = 1;
/** the row left the window (its slot is reused once every older row left too) */
const GONE = 2;
/** an abnormal closure (state not `--`): pinned when first read */
const ABNORMAL = 4;

/** A session read from a row. Plain fields, except the three a decision writes, which pin it. */
class TableSession implements Session {
  readonly mode = 'tcp' as const;
  readonly status = undefined;
  readonly termination = undefined;
  readonly backendSource = undefined;
  readonly request = undefined;
  private _claimed = false;
  private _reusableBy: string | undefined = undefined;
  private _aborted: Session['aborted'] = undefined;
  private _ev: Evidence | undefined = undefined;
  /** the line, once read from the table (a session that outlives its row keeps it: `detach`) */
  private text: string | undefined = undefined;
  constructor(
    private readonly table: SessionTable,
    readonly seq: number,
    readonly accept: number,
    readonly end: number,
    readonly state: string,
    readonly clientIp: string,
    readonly clientPort: number,
    readonly frontend: string,
    readonly backend: string,
    readonly server: string,
    readonly pid: number | undefined,
    readonly bytesRead: number | undefined,
    private readonly file: string,
    private readonly offset: number,
  ) {}
  /** the session's line (built when first read: most sessions are never shown) */
  get ev(): Evidence {
    this.detach();
    return (this._ev ??= { kind: 'haproxy', file: this.file, offset: this.offset, text: this.text!, t: this.accept });
  }
  /** reads the line while the row still holds it (before the row leaves the table) */
  detach(): void {
    this.text ??= this.table.textOf(this.seq);
  }
  get claimed(): boolean {
    return this._claimed;
  }
  set claimed(v: boolean) {
    this._claimed = v;
    this.table.pin(this.seq, this);
  }
  get reusableBy(): string | undefined {
    return this._reusableBy;
  }
  set reusableBy(v: string | undefined) {
    this._reusableBy = v;
    this.table.pin(this.seq, this);
  }
  get aborted(): Session['aborted'] {
    return this._aborted;
  }
  set aborted(v: Session['aborted']) {
    this._aborted = v;
    this.table.pin(this.seq, this);
  }
}

/** The rows, in a ring that grows by doubling; `seq` maps to slot `seq & mask` while it is held. */
export class SessionTable {
  /** `chunkBytes`: the size of the chunks that hold the lines (a line, cut at 2000 characters by the
   *  store, takes at most 6 KB) */
  constructor(private readonly chunkBytes = 4 << 20) {}
  private cap = 1 << 12;
  private mask = this.cap - 1;
  /** the oldest seq still held (every older one left the window) and the next one to give */
  private base = 0;
  private next = 0;
  private accept = new Float64Array(this.cap);
  private end = new Float64Array(this.cap);
  private port = new Int32Array(this.cap);
  /** -1: none */
  private pid = new Int32Array(this.cap);
  /** NaN: none */
  private bytesRead = new Float64Array(this.cap);
  private offset = new Float64Array(this.cap);
  /** ids in `names`: state, client address, frontend, backend, server, file */
  private name = new Uint32Array(this.cap * 6);
  private flags = new Uint8Array(this.cap);
  /** the previous session of the same client port (a seq; -1: none) */
  private prevSamePort = new Float64Array(this.cap);
  /** where each row's line is: an absolute byte position (chunk `pos / chunkBytes`, offset `pos % chunkBytes`) */
  private textAt = new Float64Array(this.cap);
  private textLen = new Int32Array(this.cap);
  /** the lines as UTF-8 in chunks outside the JS heap (a line kept as a string was an object the GC copied
   *  twice, young then old generation, and traced ever after, for each of the window's sessions); a chunk
   *  is let go once every row in it left. `chunks[k]` is chunk number `firstChunk + k`. */
  private chunks: Array<Buffer & { utf8Write(s: string, off: number): number }> = [];
  private firstChunk = 0;
  private bytePos = 0;
  /** sessions that must stay one object (see the header), by seq: a map, not an array of the ring's
   *  size, since few rows have one (an array slot per row was a 4 MB array the GC scanned on every mark) */
  private readonly pinned = new Map<number, Session>();
  private readonly names = new Interner();
  private readonly lastName = new Array<string | undefined>(6);
  private readonly lastId = new Uint32Array(6);
  /** the newest seq per client port (-1: none) */
  private readonly portHead = new Float64Array(65536).fill(-1);

  /** `linked`: on its client port's chain (`byPort`); a row nothing looks up by port is not */
  add(r: SessionRow, linked = true): number {
    if (this.next - this.base === this.cap) this.grow();
    const seq = this.next++;
    const i = seq & this.mask;
    this.accept[i] = r.accept;
    this.end[i] = r.end;
    this.port[i] = r.clientPort;
    this.pid[i] = r.pid ?? -1;
    this.bytesRead[i] = r.bytesRead ?? NaN;
    this.offset[i] = r.offset;
    const k = i * 6;
    this.name[k] = this.nameId(0, r.state);
    this.name[k + 1] = this.nameId(1, r.clientIp);
    this.name[k + 2] = this.nameId(2, r.frontend);
    this.name[k + 3] = this.nameId(3, r.backend);
    this.name[k + 4] = this.nameId(4, r.server);
    this.name[k + 5] = this.nameId(5, r.file);
    this.flags[i] = r.state[0] === '-' ? 0 : ABNORMAL;
    this.putText(i, r.text);
    if (linked && r.clientPort >= 0 && r.clientPort < 65536) {
      this.prevSamePort[i] = this.portHead[r.clientPort]!;
      this.portHead[r.clientPort] = seq;
    } else this.prevSamePort[i] = -1;
    return seq;
  }

  /** a name's id, the previous row's when the column repeats (a Map lookup hashes a new string: the
   *  parser's substrings are new strings each line) */
  private nameId(col: number, s: string): number {
    if (this.lastName[col] === s) return this.lastId[col]!;
    const id = this.names.id(s);
    this.lastName[col] = s;
    this.lastId[col] = id;
    return id;
  }

  endOf(seq: number): number {
    return this.end[seq & this.mask]!;
  }

  /** the state's first character, without materialising ('-' for a normal close) */
  stateOf(seq: number): string {
    return this.names.names[this.name[(seq & this.mask) * 6]!]!;
  }

  /** the session of row `seq` (held by the window): its pinned object, else a fresh copy */
  at(seq: number): Session {
    const i = seq & this.mask;
    const f = this.flags[i]!;
    if (f & PINNED) return this.pinned.get(seq)!;
    const s = this.copy(seq, i);
    if (f & ABNORMAL) this.pin(seq, s);
    return s;
  }

  private copy(seq: number, i: number): TableSession {
    const k = i * 6;
    const nm = this.names.names;
    const pid = this.pid[i]!;
    const bytes = this.bytesRead[i]!;
    return new TableSession(
      this,
      seq,
      this.accept[i]!,
      this.end[i]!,
      nm[this.name[k]!]!,
      nm[this.name[k + 1]!]!,
      this.port[i]!,
      nm[this.name[k + 2]!]!,
      nm[this.name[k + 3]!]!,
      nm[this.name[k + 4]!]!,
      pid < 0 ? undefined : pid,
      Number.isNaN(bytes) ? undefined : bytes,
      nm[this.name[k + 5]!]!,
      this.offset[i]!,
    );
  }

  /** row `seq`'s line (while the row is held) */
  textOf(seq: number): string {
    const i = seq & this.mask;
    // the bytes of a row that left are reused: a late reader would get another session's line
    if (seq < this.base || seq >= this.next || this.flags[i]! & GONE)
      throw new Error(`session ${seq} read its line after it left the window (read \`ev\` before: store.ts)`);
    const at = this.textAt[i]!;
    const off = at % this.chunkBytes;
    const chunk = this.chunks[Math.floor(at / this.chunkBytes) - this.firstChunk]!;
    return chunk.toString('utf8', off, off + this.textLen[i]!);
  }

  /** writes a line at the end of the last chunk, or at the start of a new one (a line never spans two) */
  private putText(i: number, text: string): void {
    const max = text.length * 3; // UTF-8 takes at most 3 bytes per UTF-16 unit
    if (max > this.chunkBytes) throw new RangeError(`a ${text.length}-character line does not fit a chunk`);
    let pos = this.bytePos;
    if ((pos % this.chunkBytes) + max > this.chunkBytes) pos += this.chunkBytes - (pos % this.chunkBytes);
    const k = Math.floor(pos / this.chunkBytes) - this.firstChunk;
    const chunk = (this.chunks[k] ??= Buffer.allocUnsafe(this.chunkBytes) as (typeof this.chunks)[number]);
    const n = chunk.utf8Write(text, pos % this.chunkBytes);
    this.textAt[i] = pos;
    this.textLen[i] = n;
    this.bytePos = pos + n;
  }

  /** keeps `s` as row `seq`'s one object (a decision changed it, it is an abnormal closure, or its
   *  format gave fields a row has no column for) */
  pin(seq: number, s: Session): void {
    if (seq >= this.base && seq < this.next && !(this.flags[seq & this.mask]! & GONE)) {
      this.pinned.set(seq, s);
      this.flags[seq & this.mask]! |= PINNED;
    }
  }

  /** the row's one object, when it has one (a row without one was never claimed) */
  pinnedAt(seq: number): Session | undefined {
    return this.flags[seq & this.mask]! & PINNED ? this.pinned.get(seq) : undefined;
  }

  /** the sessions held with this client port, oldest first */
  byPort(port: number): Session[] | undefined {
    if (port < 0 || port >= 65536) return undefined;
    const seqs: number[] = [];
    for (let s = this.portHead[port]!; s >= this.base; s = this.prevSamePort[s & this.mask]!)
      if (!(this.flags[s & this.mask]! & GONE)) seqs.push(s);
    if (!seqs.length) return undefined;
    const out = new Array<Session>(seqs.length);
    for (let j = 0; j < seqs.length; j++) out[j] = this.at(seqs[seqs.length - 1 - j]!);
    return out;
  }

  /** the row leaves the window; its slot is free once every older row left too */
  drop(seq: number): void {
    const i = seq & this.mask;
    if (this.flags[i]! & PINNED) {
      const p = this.pinned.get(seq);
      // a pinned session outlives its row (a remembered closure, a claimed session): it keeps its line
      if (p instanceof TableSession) p.detach();
      this.pinned.delete(seq);
    }
    this.flags[i]! |= GONE;
    while (this.base < this.next && this.flags[this.base & this.mask]! & GONE) this.base++;
    // the chunks before the oldest held line's are let go
    const oldest = this.base < this.next ? this.textAt[this.base & this.mask]! : this.bytePos;
    const first = Math.floor(oldest / this.chunkBytes);
    if (first > this.firstChunk) {
      this.chunks.splice(0, first - this.firstChunk);
      this.firstChunk = first;
    }
  }

  get size(): number {
    return this.next - this.base;
  }

  private grow(): void {
    const old = { cap: this.cap, mask: this.mask };
    const cap = this.cap * 2;
    const move = <A extends Float64Array | Int32Array | Uint8Array | Uint32Array>(
      a: A,
      make: (n: number) => A,
      w = 1,
    ): A => {
      const b = make(cap * w);
      // the rows in at most three runs that are contiguous in both rings, each copied natively (a copy
      // element by element was ~3 % of `correlate` on a 500k-line tcplog file, whose window holds it all)
      for (let s = this.base; s < this.next;) {
        const from = s & old.mask,
          to = s & (cap - 1);
        const n = Math.min(this.next - s, old.cap - from, cap - to);
        (b as Float64Array).set((a as Float64Array).subarray(from * w, (from + n) * w), to * w);
        s += n;
      }
      return b;
    };
    this.accept = move(this.accept, (n) => new Float64Array(n));
    this.end = move(this.end, (n) => new Float64Array(n));
    this.port = move(this.port, (n) => new Int32Array(n));
    this.pid = move(this.pid, (n) => new Int32Array(n));
    this.bytesRead = move(this.bytesRead, (n) => new Float64Array(n));
    this.offset = move(this.offset, (n) => new Float64Array(n));
    this.name = move(this.name, (n) => new Uint32Array(n), 6);
    this.flags = move(this.flags, (n) => new Uint8Array(n));
    this.prevSamePort = move(this.prevSamePort, (n) => new Float64Array(n));
    this.textAt = move(this.textAt, (n) => new Float64Array(n));
    this.textLen = move(this.textLen, (n) => new Int32Array(n));
    this.cap = cap;
    this.mask = cap - 1;
  }
}
