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
import { clip, type Session } from './model.js';
import { LineStore, PackedLineStore, type LineSource, type LineSources } from './line-store.js';
import { TableSession } from './table-session.js';

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

/** a row's fields as `SessionTable.view` reads them */
export type RowView = Pick<Session, 'accept' | 'end' | 'state' | 'clientIp' | 'frontend' | 'server'>;

/** the row has its one object (`pinned`) */
const PINNED = 1;
/** the row left the window (its slot is reused once every older row left too) */
const GONE = 2;
/** an abnormal closure (state not `--`): pinned when first read */
const ABNORMAL = 4;

/** rows per block (~1.4 MB of columns): the table holds the blocks its rows are in, and lets a block go once every
 *  row in it left */
const BLOCK = 1 << 14;

/** the columns of `BLOCK` consecutive rows, as views of one buffer */
class Block {
  readonly accept: Float64Array;
  readonly end: Float64Array;
  /** NaN: none */
  readonly bytesRead: Float64Array;
  readonly offset: Float64Array;
  /** the previous session of the same client port (a seq; -1: none) */
  readonly prevSamePort: Float64Array;
  /** where the row's line is in `lines` (line-store.ts); -1: in its file, at `offset` (`rereadFrom`) */
  readonly textAt: Float64Array;
  readonly port: Int32Array;
  /** -1: none */
  readonly pid: Int32Array;
  readonly textLen: Int32Array;
  /** ids in `names`: state, client address, frontend, backend, server, file */
  readonly name: Uint32Array;
  readonly flags: Uint8Array;
  constructor() {
    const buf = new ArrayBuffer(BLOCK * (6 * 8 + 3 * 4 + 6 * 4 + 1));
    let at = 0;
    const f64 = () => new Float64Array(buf, (at += BLOCK * 8) - BLOCK * 8, BLOCK);
    const i32 = () => new Int32Array(buf, (at += BLOCK * 4) - BLOCK * 4, BLOCK);
    [this.accept, this.end, this.bytesRead, this.offset, this.prevSamePort, this.textAt] = [
      f64(),
      f64(),
      f64(),
      f64(),
      f64(),
      f64(),
    ];
    [this.port, this.pid, this.textLen] = [i32(), i32(), i32()];
    this.name = new Uint32Array(buf, at, BLOCK * 6);
    this.flags = new Uint8Array(buf, at + BLOCK * 24, BLOCK);
  }
}

/**
 * The rows, in blocks of `BLOCK`; row `seq` is slot `seq % BLOCK` of block `seq / BLOCK` while it is held. Blocks, not
 * one ring that doubles when full: memory follows the rows held (a ring of 524,288 rows held the ~357,000 of a 20 s
 * window at 20,000 lines/s, and never shrank after a longer window), and growing copies nothing.
 */
export class SessionTable {
  /** `chunkBytes`: the size of the chunks that hold the abnormal closures' lines, and at most that of the segments
   *  the normal closes' lines are compressed in (line-store.ts) */
  constructor(chunkBytes = 1 << 20) {
    this.lines = new LineStore(chunkBytes);
    this.packed = new PackedLineStore(Math.min(64 << 10, chunkBytes));
  }
  /** the oldest seq still held (every older one left the window) and the next one to give */
  private base = 0;
  private next = 0;
  /** `blocks[k]` is block number `firstBlock + k` */
  private readonly blocks: Block[] = [];
  private firstBlock = 0;
  /** a block let go, kept for the next one needed (a block is needed about once a second at 20,000 lines/s) */
  private spareBlock: Block | undefined = undefined;
  /** the rows' lines, outside the JS heap: an abnormal closure's as it is (each is read as it leaves the window),
   *  a normal close's compressed (seldom read: only when a decision shows it), or not at all when its file can be
   *  read again (`rereadFrom`) */
  private readonly lines: LineStore;
  private readonly packed: PackedLineStore;
  /** where the normal closes' lines can be read again from their files (`rereadFrom`) */
  private sources: LineSources | undefined = undefined;
  /** by file name id: its lines' source, null when they are kept */
  private readonly sourceOf: Array<LineSource | null> = [];
  /** sessions that must stay one object (see the header), by seq: a map, not an array of the ring's
   *  size, since few rows have one (an array slot per row was a 4 MB array the GC scanned on every mark) */
  private readonly pinned = new Map<number, Session>();
  private readonly names = new Interner();
  private readonly lastName = new Array<string | undefined>(6);
  private readonly lastId = new Uint32Array(6);
  /** the newest seq per client port (-1: none) */
  private readonly portHead = new Float64Array(65536).fill(-1);

  private block(seq: number): Block {
    return this.blocks[Math.floor(seq / BLOCK) - this.firstBlock]!;
  }

  /** `linked`: on its client port's chain (`byPort`); a row nothing looks up by port is not */
  add(r: SessionRow, linked = true): number {
    const seq = this.next++;
    const i = seq % BLOCK;
    if (i === 0 || !this.blocks.length) {
      if (!this.blocks.length) this.firstBlock = Math.floor(seq / BLOCK);
      this.blocks.push(this.spareBlock ?? new Block());
      this.spareBlock = undefined;
    }
    const b = this.blocks[this.blocks.length - 1]!;
    b.accept[i] = r.accept;
    b.end[i] = r.end;
    b.port[i] = r.clientPort;
    b.pid[i] = r.pid ?? -1;
    b.bytesRead[i] = r.bytesRead ?? NaN;
    b.offset[i] = r.offset;
    const k = i * 6;
    b.name[k] = this.nameId(0, r.state);
    b.name[k + 1] = this.nameId(1, r.clientIp);
    b.name[k + 2] = this.nameId(2, r.frontend);
    b.name[k + 3] = this.nameId(3, r.backend);
    b.name[k + 4] = this.nameId(4, r.server);
    b.name[k + 5] = this.nameId(5, r.file);
    b.flags[i] = r.state[0] === '-' ? 0 : ABNORMAL;
    if (b.flags[i] & ABNORMAL || !this.rereads(b.name[k + 5]!)) {
      const lines = b.flags[i] & ABNORMAL ? this.lines : this.packed;
      b.textAt[i] = lines.put(seq, r.text);
      b.textLen[i] = lines.written;
    } else b.textAt[i] = -1;
    if (linked && r.clientPort >= 0 && r.clientPort < 65536) {
      b.prevSamePort[i] = this.portHead[r.clientPort]!;
      this.portHead[r.clientPort] = seq;
    } else b.prevSamePort[i] = -1;
    return seq;
  }

  /**
   * The normal closes' lines are read again from their files when a decision shows one, not kept (the batch
   * driver's: its files stay on disk, and compressing the lines cost ~0.27 CPU-s per 200k lines: docs/performance.md
   * "2026-12-07: batch lines read back from their files"). A file `sources` gives no reader for keeps them.
   */
  rereadFrom(sources: LineSources): void {
    this.sources = sources;
  }

  /** are the lines of the file with name id `file` read again from it? */
  private rereads(file: number): boolean {
    if (!this.sources) return false;
    let s = this.sourceOf[file];
    if (s === undefined) s = this.sourceOf[file] = this.sources(this.names.names[file]!) ?? null;
    return s !== null;
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
    return this.block(seq).end[seq % BLOCK]!;
  }

  /** the state's first character, without materialising ('-' for a normal close) */
  stateOf(seq: number): string {
    return this.names.names[this.block(seq).name[(seq % BLOCK) * 6]!]!;
  }

  /** the session of row `seq` (held by the window): its pinned object, else a fresh copy */
  at(seq: number): Session {
    const b = this.block(seq);
    const i = seq % BLOCK;
    const f = b.flags[i]!;
    if (f & PINNED) return this.pinned.get(seq)!;
    const s = this.copy(seq, b, i);
    if (f & ABNORMAL) this.pin(seq, s);
    return s;
  }

  private copy(seq: number, b: Block, i: number): TableSession {
    const k = i * 6;
    const nm = this.names.names;
    const pid = b.pid[i]!;
    const bytes = b.bytesRead[i]!;
    return new TableSession(
      this,
      seq,
      b.accept[i]!,
      b.end[i]!,
      nm[b.name[k]!]!,
      nm[b.name[k + 1]!]!,
      b.port[i]!,
      nm[b.name[k + 2]!]!,
      nm[b.name[k + 3]!]!,
      nm[b.name[k + 4]!]!,
      pid < 0 ? undefined : pid,
      Number.isNaN(bytes) ? undefined : bytes,
      nm[b.name[k + 5]!]!,
      b.offset[i]!,
    );
  }

  /** the fields of row `seq` that a time-only join filters on, in one object reused for every row: no `Session` is
   *  made for the ~800 rows per error it meets and does not keep (matcher.ts, docs/benchmark-history.md session 14) */
  view(seq: number): Readonly<RowView> {
    const b = this.block(seq);
    const i = seq % BLOCK;
    const k = i * 6;
    const nm = this.names.names;
    const v = this.rowView;
    v.accept = b.accept[i]!;
    v.end = b.end[i]!;
    v.state = nm[b.name[k]!]!;
    v.clientIp = nm[b.name[k + 1]!]!;
    v.frontend = nm[b.name[k + 2]!]!;
    v.server = nm[b.name[k + 4]!]!;
    return v;
  }
  private readonly rowView: RowView = { accept: 0, end: 0, state: '', clientIp: '', frontend: '', server: '' };

  /** is row `seq` held (given, and not left)? */
  private held(seq: number): boolean {
    return seq >= this.base && seq < this.next && !(this.block(seq).flags[seq % BLOCK]! & GONE);
  }

  /** row `seq`'s line (while the row is held) */
  textOf(seq: number): string {
    // the bytes of a row that left are reused: a late reader would get another session's line
    if (!this.held(seq))
      throw new Error(`session ${seq} read its line after it left the window (read \`ev\` before: store.ts)`);
    const b = this.block(seq);
    const i = seq % BLOCK;
    const at = b.textAt[i]!;
    // clipped as the row's text was (session-of.ts)
    if (at < 0) return clip(this.sourceOf[b.name[i * 6 + 5]!]!.lineAt(b.offset[i]!));
    return (b.flags[i]! & ABNORMAL ? this.lines : this.packed).get(at, b.textLen[i]!);
  }

  /** keeps `s` as row `seq`'s one object (a decision changed it, it is an abnormal closure, or its
   *  format gave fields a row has no column for) */
  pin(seq: number, s: Session): void {
    if (this.held(seq)) {
      this.pinned.set(seq, s);
      this.block(seq).flags[seq % BLOCK]! |= PINNED;
    }
  }

  /** the row's one object, when it has one (a row without one was never claimed) */
  pinnedAt(seq: number): Session | undefined {
    return this.block(seq).flags[seq % BLOCK]! & PINNED ? this.pinned.get(seq) : undefined;
  }

  /** the sessions held with this client port, oldest first */
  byPort(port: number): Session[] | undefined {
    if (port < 0 || port >= 65536) return undefined;
    const seqs: number[] = [];
    for (let s = this.portHead[port]!; s >= this.base;) {
      const b = this.block(s);
      const i = s % BLOCK;
      if (!(b.flags[i]! & GONE)) seqs.push(s);
      s = b.prevSamePort[i]!;
    }
    if (!seqs.length) return undefined;
    const out = new Array<Session>(seqs.length);
    for (let j = 0; j < seqs.length; j++) out[j] = this.at(seqs[seqs.length - 1 - j]!);
    return out;
  }

  /** the row leaves the window; its block is let go once every row in it left */
  drop(seq: number): void {
    const b = this.block(seq);
    const i = seq % BLOCK;
    if (b.flags[i]! & PINNED) {
      const p = this.pinned.get(seq);
      // a pinned session outlives its row (a remembered closure, a claimed session): it keeps its line
      if (p instanceof TableSession) p.detach();
      this.pinned.delete(seq);
    }
    b.flags[i]! |= GONE;
    while (this.base < this.next && this.block(this.base).flags[this.base % BLOCK]! & GONE) this.base++;
    // the blocks before the oldest held row's are let go (the last block stays while rows are added to it)
    while (this.blocks.length > 1 && (this.firstBlock + 1) * BLOCK <= this.base) {
      this.spareBlock = this.blocks.shift();
      this.firstBlock++;
    }
    // the lines of the rows before the oldest held one are let go
    this.lines.release(this.base);
    this.packed.release(this.base);
  }

  /** the bytes held for the rows' lines (line-store.ts) */
  get lineBytes(): number {
    return this.lines.bytes + this.packed.bytes;
  }

  get size(): number {
    return this.next - this.base;
  }
}
