/**
 * The correlation window: everything that can still match an app error, indexed by the join keys
 * (client port, server ↔ instance, thread id, time). Ports and thread ids are reused, so every
 * lookup is also bounded in time, and everything older than the window is evicted: memory follows
 * the window, not the input.
 */
import type { Doc } from '../../parsers/types.js';
import type { ParsedRecord } from '../pipeline/parse-file.js';
import { MinHeap } from './heap.js';
import { LeftWindow } from './left-window.js';
import { AppOrigins } from './app-origin.js';
import { AppLags } from './app-lag.js';
import { TakenMass } from './joint.js';
import { Learning } from './learned.js';
import { TcpLogRecord } from '../../parsers/haproxy/tcp-record.js';
import { SessionTable, type RowView, type SessionRow } from './session-table.js';
import {
  get,
  num,
  str,
  type Aborted,
  type Evidence,
  type HaEvent,
  type InstanceEvent,
  type Session,
  type Thread,
  type UserStats,
} from './model.js';

/**
 * An array kept sorted by a numeric key, appended at the back (logs are nearly in order). The keys
 * live in their own array: binary searches and range scans read numbers, not closures (the
 * correlate bench does tens of millions of them).
 */
export class TimeList<T> {
  private items: T[] = [];
  private keys: number[] = [];
  private head = 0;
  constructor(readonly key: (x: T) => number) {}
  add(x: T): void {
    const k = this.key(x);
    const keys = this.keys;
    let i = keys.length;
    while (i > this.head && keys[i - 1]! > k) i--;
    if (i === keys.length) {
      this.items.push(x);
      keys.push(k);
    } else {
      this.items.splice(i, 0, x);
      keys.splice(i, 0, k);
    }
  }
  /** index of the first item with key >= k */
  private lowerBound(k: number): number {
    const keys = this.keys;
    let lo = this.head,
      hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid]! < k) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  *range(from: number, to: number): Generator<T> {
    const keys = this.keys;
    for (let i = this.lowerBound(from); i < keys.length && keys[i]! <= to; i++) yield this.items[i]!;
  }
  /** is there any item with from <= key <= to? */
  any(from: number, to: number): boolean {
    const i = this.lowerBound(from);
    return i < this.keys.length && this.keys[i]! <= to;
  }
  /** removes and returns the items with key < k */
  evictBefore(k: number): T[] {
    const end = this.lowerBound(k);
    const out = this.items.slice(this.head, end);
    this.head = end;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.keys = this.keys.slice(this.head);
      this.head = 0;
    }
    return out;
  }
  /** the items with key < k, newest first, at most `limit` of them looked at */
  *newestBefore(k: number, limit = Infinity): Generator<T> {
    const top = this.lowerBound(k);
    for (let i = top - 1; i >= this.head && top - i <= limit; i--) yield this.items[i]!;
  }
  /** `range` and `newestBefore` without a generator's step per item, for the loops of time-only joins
   *  (matcher.ts: hundreds to thousands of items per app error); `visit` returning false stops the walk */
  eachInRange(from: number, to: number, visit: (x: T) => boolean | void): void {
    const keys = this.keys;
    for (let i = this.lowerBound(from); i < keys.length && keys[i]! <= to; i++)
      if (visit(this.items[i]!) === false) return;
  }
  eachNewestBefore(k: number, visit: (x: T) => boolean): void {
    for (let i = this.lowerBound(k) - 1; i >= this.head; i--) if (!visit(this.items[i]!)) return;
  }
  /** the item with the greatest key */
  last(): T | undefined {
    return this.items.length > this.head ? this.items[this.items.length - 1] : undefined;
  }
  /** the smallest key still held */
  firstKey(): number | undefined {
    return this.items.length > this.head ? this.keys[this.head] : undefined;
  }
  get size(): number {
    return this.items.length - this.head;
  }
  *all(): Generator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i]!;
  }
}

export interface Instance {
  name: string;
  threads: Map<number, Thread[]>;
  /** threads by the second of their Connect, for session ↔ thread mapping by time */
  bySecond: Map<number, Thread[]>;
  /** TCP sessions to this server by the second of their accept, as `acceptKey`s (numbers, not the
   *  sessions: this outlives them): the k-th accept of a second is the k-th Connect of that second
   *  (thread ids grow with connect order), when Connect stamps tie */
  acceptSec: Map<number, number[]>;
  /** eviction queue of threads by `queuedAt` */
  threadList: MinHeap<Thread>;
  aborted: TimeList<Aborted>;
  /** the same Aborted lines by victim thread id (a thread's own line without a time scan) */
  abortedById: Map<number, Aborted[]>;
  /** the (KILLED) ones of them not written by a shutdown: what a `--` close looks for (aborted.ts orphanAborted),
   *  without walking every other line of its seconds */
  abortedKilled: TimeList<Aborted>;
  events: TimeList<InstanceEvent>;
  /** time of the last line seen from this instance (a crash shows as silence, then recovery) */
  lastActivity: number | undefined;
  /** an error log of this instance is being read (its silence then means something) */
  hasErrorLog: boolean;
  /** last server start seen, and the last line before it (when a crash happened, at the latest) */
  startedAt?: number | undefined;
  /** last server start or "ready for connections" seen: threads older than it are gone */
  restartedAt?: number | undefined;
  silentSince?: number | undefined;
  /** per user: threads seen and queries sent. A user that only ever connects and quits is a
   *  health-check probe (`option mysql-check`: Connect + Quit every `inter`, docs/lab-findings.md §4.7). */
  users: Map<string, UserStats>;
  /** times of the KILLs seen in the general log (a cheap "could a kill explain it?" test) */
  kills: TimeList<number>;
}

/**
 * The window's TCP sessions by end time, read as `Session`s: the rows are in `table`
 * (session-table.ts), this list holds their numbers.
 */
export class SessionList {
  private readonly seqs: TimeList<number>;
  constructor(private readonly table: SessionTable) {
    this.seqs = new TimeList<number>((seq) => table.endOf(seq));
  }
  add(seq: number): void {
    this.seqs.add(seq);
  }
  *range(from: number, to: number): Generator<Session> {
    for (const seq of this.seqs.range(from, to)) yield this.table.at(seq);
  }
  eachInRange(from: number, to: number, visit: (s: Session) => void): void {
    this.seqs.eachInRange(from, to, (seq) => visit(this.table.at(seq)));
  }
  /** `eachInRange` without a `Session` per row: `row` is reused for every row (session-table.ts `view`); `pinned`
   *  is the row's one object when it has one (a row without one is a `--` close no decision claimed, or an abnormal
   *  closure nothing read yet) */
  eachRowInRange(
    from: number,
    to: number,
    visit: (seq: number, row: Readonly<RowView>, pinned: Session | undefined) => void,
  ): void {
    this.seqs.eachInRange(from, to, (seq) => visit(seq, this.table.view(seq), this.table.pinnedAt(seq)));
  }
  /** row `seq`'s session (its one object, else a fresh copy), while the row is held */
  at(seq: number): Session {
    return this.table.at(seq);
  }
  *newestBefore(k: number, limit = Infinity): Generator<Session> {
    for (const seq of this.seqs.newestBefore(k, limit)) yield this.table.at(seq);
  }
  eachNewestBefore(k: number, visit: (s: Session) => boolean): void {
    this.seqs.eachNewestBefore(k, (seq) => visit(this.table.at(seq)));
  }
  firstKey(): number | undefined {
    return this.seqs.firstKey();
  }
  get size(): number {
    return this.seqs.size;
  }
  /** the numbers of the sessions that ended before `k`, which leave the list (not the table) */
  evictBefore(k: number): number[] {
    return this.seqs.evictBefore(k);
  }
}

/** a session's order within its accept second (ms, then client port), as one small integer */
export function acceptKey(s: Session): number {
  return acceptRank(s.accept, s.clientPort);
}
const acceptRank = (accept: number, clientPort: number): number => (accept % 1000) * 65536 + (clientPort & 0xffff);

/** an evidence line's text: a line longer than 2000 characters is cut there */
const clip = (text: string): string => (text.length > 2000 ? text.slice(0, 2000) + '…' : text);

export function evidenceOf(r: ParsedRecord, kind: Evidence['kind']): Evidence {
  return { kind, file: r.path, offset: r.offset, text: clip(r.text), t: r.t };
}

/** how long a thread with no known end is kept after its last command */
export const IDLE_KEEP = 24 * 3600_000;

export class Store {
  /**
   * `unseen(server)`: no log of this run can ever refer to a session on that server (no app log, no MySQL log of
   * the server: Correlator, settings.ts `mysqlServers`). A normal (`--`) close there is counted in `unstored` and
   * not stored: it could only ever be decided "unknown" and claims nothing (rules.ts `decide`). An abnormal one
   * is kept as one object for its own verdict, outside the table (`index`).
   */
  constructor(private readonly unseen: (server: string) => boolean = () => false) {}
  /** the normal closes counted and not stored (above) */
  unstored = 0;
  private readonly table = new SessionTable();
  /** the rows in `abnormal` alone (an `unseen` server's: `index`), which leave the table with it */
  private readonly unlinked = new Set<number>();
  /** every TCP session in the window, by end */
  sessions = new SessionList(this.table);
  /** the abnormal ones (state not `--`), the closures a report is about: rows like the others, each read as
   *  one object from its first reading on (session-table.ts) */
  abnormal = new SessionList(this.table);
  http5xx = new TimeList<Session>((s) => s.end);
  /** the TCP sessions of a client port, oldest first (the per-port chain of the table) */
  readonly byPort = { get: (port: number): Session[] | undefined => this.table.byPort(port) };
  instances = new Map<string, Instance>();
  haEvents = new TimeList<HaEvent>((e) => e.t);
  /** abnormal closures that left the window unclaimed (left-window.ts) */
  left = new LeftWindow();
  /** where each app's connections come from, learned from its errors (app-origin.ts) */
  readonly origins = new AppOrigins();
  /** how long each app takes to use a dead idle connection again, learned from its errors (app-lag.ts) */
  readonly lags = new AppLags();
  /** how much of each closure earlier time-only joins took (joint.ts) */
  readonly taken = new TakenMass();
  /** the two learned above, as one state the agent saves (learned.ts) */
  readonly learning = new Learning(this.origins, this.lags);

  instance(name: string): Instance {
    let i = this.instances.get(name);
    if (!i) {
      i = {
        name,
        threads: new Map(),
        bySecond: new Map(),
        acceptSec: new Map(),
        threadList: new MinHeap<Thread>((t) => t.queuedAt),
        aborted: new TimeList<Aborted>((a) => a.t),
        abortedById: new Map(),
        abortedKilled: new TimeList<Aborted>((a) => a.t),
        events: new TimeList<InstanceEvent>((e) => e.t),
        lastActivity: undefined,
        hasErrorLog: false,
        users: new Map(),
        kills: new TimeList<number>((t) => t),
      };
      this.instances.set(name, i);
    }
    return i;
  }

  /** a traffic line enters the window; returns its server's name (undefined without a time) */
  addSession(r: ParsedRecord): string | undefined {
    if (r.t === undefined) return undefined;
    if (r.parsed instanceof TcpLogRecord) return this.addTcpSession(r, r.parsed);
    // direct property access: this runs once per HAProxy line (the hot path of `correlate`)
    const d = r.doc as { source?: Doc; haproxy?: Doc; http?: { response?: Doc }; process?: Doc };
    const h = d.haproxy ?? {};
    const src = d.source ?? {};
    // httplog (≥ 1.7) has no Tt: the request ends at request date + Ta (active time)
    const tt = num(h.total_time_ms) ?? num(h.active_time_ms);
    const state = typeof h.termination_state === 'string' ? h.termination_state : '';
    const end = tt !== undefined && tt >= 0 ? r.t + tt : r.t;
    const port = num(src.port);
    const status = num(d.http?.response?.status_code);
    const bsrc = h.backend_source as Doc | undefined;
    const s: Session = {
      accept: r.t,
      end,
      state,
      clientIp: str(src.ip) ?? str(src.address) ?? '-',
      clientPort: port ?? -1,
      frontend: str(h.frontend_name) ?? '',
      backend: str(h.backend_name) ?? '',
      server: str(h.server_name) ?? '',
      mode: h.mode === 'http' || status !== undefined ? 'http' : 'tcp',
      pid: num(d.process?.pid),
      status,
      bytesRead: num(h.bytes_read),
      ev: evidenceOf(r, 'haproxy'),
      claimed: false,
      termination: h.termination,
      backendSource: bsrc,
      request: status !== undefined ? str(get(r.doc, 'haproxy.http.request.raw_request_line')) : undefined,
    };
    if (s.mode === 'http') {
      if (s.status !== undefined && s.status >= 500) this.http5xx.add(s);
      return s.server;
    }
    // a TCP session from another format (JSON, custom log-format): a row, and this object for it (it can
    // carry what a row has no column for: the decoded state, HAProxy's own address toward the server)
    return this.index(
      {
        accept: s.accept,
        end: s.end,
        state: s.state,
        clientIp: s.clientIp,
        clientPort: s.clientPort,
        frontend: s.frontend,
        backend: s.backend,
        server: s.server,
        pid: s.pid,
        bytesRead: s.bytesRead,
        file: s.ev.file,
        offset: s.ev.offset,
        text: s.ev.text,
      },
      s,
    );
  }

  /** a TCP session enters the window: a row (by end time, by client port), and an object if abnormal */
  private index(row: SessionRow, own?: Session): string {
    if (this.skips(row.state, row.server)) return row.server;
    if (this.unseen(row.server)) {
      // an abnormal close nothing else can look up (`unseen`): only its own verdict reads it, so it is a row in
      // `abnormal` alone, not on its port's chain nor in `sessions` and the server's accept seconds
      this.instance(row.server);
      const seq = this.table.add(row, false);
      if (own) this.table.pin(seq, own);
      this.abnormal.add(seq);
      this.unlinked.add(seq);
      return row.server;
    }
    const seq = this.table.add(row);
    if (own) this.table.pin(seq, own);
    this.sessions.add(seq);
    const inst = this.instance(row.server);
    const sec = Math.floor(row.accept / 1000);
    const b = inst.acceptSec.get(sec);
    const key = acceptRank(row.accept, row.clientPort);
    if (b) b.push(key);
    else inst.acceptSec.set(sec, [key]);
    if (row.state[0] !== '-') this.abnormal.add(seq);
    return row.server;
  }

  /** a normal close whose line was not parsed (SkippedClose: the batch driver's precheck): `skips`, which must
   *  agree that it is not stored */
  skipUnread(server: string): void {
    if (!this.skips('--', server)) throw new Error(`a normal close on '${server}' was skipped unread but is stored`);
  }

  /** a normal close nothing can refer to (the constructor's `unseen`): counted, its server known, not stored */
  private skips(state: string, server: string): boolean {
    if (state[0] !== '-' || !this.unseen(server)) return false;
    this.unstored++;
    // the server's instance exists as if the row were stored (index): what reads the instances sees no difference
    this.instance(server);
    return true;
  }

  /** tcplog lines: the flat record's fields, no document built (the hot path of `correlate`) */
  private addTcpSession(r: ParsedRecord, p: TcpLogRecord): string {
    // checked before the row is built: on an HAProxy-only run most lines end here
    if (this.skips(p.state, p.server)) return p.server;
    const c = p.client;
    // a unix socket's "port" is a socket id (haproxy.unix_socket_id), not a join key
    const port = c === 'unix' ? undefined : p.clientPort;
    return this.index({
      accept: p.t,
      end: p.end,
      state: p.state,
      clientIp: c === '' ? '-' : c,
      clientPort: port ?? -1,
      frontend: p.frontend,
      backend: p.backend,
      server: p.server,
      pid: p.pid,
      bytesRead: p.bytesRead,
      file: r.path,
      offset: r.offset,
      text: clip(r.text),
    });
  }

  addAborted(inst: Instance, a: Aborted): void {
    inst.aborted.add(a);
    if (a.reason === 'killed' && !a.byShutdown) inst.abortedKilled.add(a);
    if (a.threadId === undefined) return;
    const l = inst.abortedById.get(a.threadId);
    if (l) l.push(a);
    else inst.abortedById.set(a.threadId, [a]);
  }

  addHaEvent(r: ParsedRecord): void {
    if (r.t === undefined) return;
    const d: Doc = r.doc;
    const type = get(d, 'haproxy.message_type');
    const ev = evidenceOf(r, 'haproxy');
    const pid = num(get(d, 'process.pid'));
    if (type === 'hard_stop' || (type === 'proxy_state' && get(d, 'haproxy.proxy_state.action') === 'hard-stopped')) {
      this.haEvents.add({ type: 'hard_stop', t: r.t, pid, ev });
    } else if (type === 'proxy_state' && /stop/.test(String(get(d, 'haproxy.proxy_state.action')))) {
      this.haEvents.add({ type: 'reload', t: r.t, pid, ev });
    } else if (type === 'server_state') {
      const st = String(get(d, 'haproxy.server_state.state') ?? '').toUpperCase();
      const server = str(get(d, 'haproxy.server_state.server'));
      const e: HaEvent = {
        type: st === 'DOWN' ? 'down' : 'up',
        t: r.t,
        pid,
        server,
        backend: str(get(d, 'haproxy.server_state.backend')),
        reason: str(get(d, 'haproxy.server_state.reason')),
        ev,
      };
      if (st === 'DOWN' || st === 'UP') {
        this.haEvents.add(e);
        if (server)
          addEvent(this.instance(server), { type: st === 'DOWN' ? 'down' : 'up', t: r.t, ev, detail: e.reason });
      }
    }
  }

  /**
   * The earliest time a crash not yet known can be placed at. A crash shows only at the restart, and
   * ingest-mysql.ts places it after the last line its instance wrote before that (`before`), or, within
   * 10 min of a `starting` line, after the silence before it (`silentSince`); an instance that wrote
   * nothing yet places it at the restart line's own time. Lines come in time order, so a later
   * `before` is at least today's `lastActivity`.
   */
  crashFloor(now: number): number {
    let f = Infinity;
    for (const inst of this.instances.values()) {
      let x = inst.lastActivity ?? Infinity;
      if (inst.startedAt !== undefined && now - inst.startedAt < 600_000 + 60_000)
        x = Math.min(x, inst.silentSince ?? Infinity);
      if (x < f) f = x;
    }
    return f;
  }

  /**
   * Sessions that ended before `before` leave the window. Returned (unclaimed ones only) so that the
   * caller can decide their connection events BEFORE `evictContext` drops the MySQL side. `normal` (the
   * `--` closures) is read one at a time: each gets its object as it is read (most never had one), and
   * the caller must read it to the end (the rows are freed as it goes). A `normal` session kept beyond
   * its turn must have read its line (`ev`) by then: the row's line goes with the row.
   */
  evictSessions(before: number): { abnormal: Session[]; normal: Iterable<Session> } {
    const seqs = this.sessions.evictBefore(before);
    this.http5xx.evictBefore(before);
    const abnormal: Session[] = [];
    for (const seq of this.abnormal.evictBefore(before)) {
      // read (and so pinned: it keeps its line when its row goes) while the row is held
      const s = this.table.at(seq);
      if (!s.claimed) abnormal.push(s);
      // a row in `abnormal` alone leaves here; the others leave with `sessions` (leaving)
      if (this.unlinked.delete(seq)) this.table.drop(seq);
    }
    return { abnormal, normal: this.leaving(seqs) };
  }

  /** the unclaimed `--` sessions among the rows `seqs`, each row freed once read */
  private *leaving(seqs: number[]): Generator<Session> {
    const t = this.table;
    for (const seq of seqs) {
      if (t.stateOf(seq)[0] === '-') {
        // a session the caller keeps past this row must read its line (`ev`) before the row goes
        const s = t.pinnedAt(seq) ?? t.at(seq);
        if (!s.claimed) yield s;
      }
      t.drop(seq);
    }
  }

  /** Drops MySQL threads, Aborted lines and HAProxy events that no session in the window can use. */
  evictContext(before: number, keepAccepts = before): void {
    this.haEvents.evictBefore(before);
    for (const inst of this.instances.values()) {
      // A thread stays until it ended (Quit, Aborted, KILL) before the window, or, when nothing says
      // it ended, until it has been idle for IDLE_KEEP: a pooled connection can sit idle for hours
      // before wait_timeout closes it, and its Connect line is what maps the session to it.
      const old: Thread[] = [];
      for (let t = inst.threadList.peek(); t !== undefined && t.queuedAt < before; t = inst.threadList.peek()) {
        inst.threadList.pop();
        const endT = t.quitT ?? t.aborted?.t ?? t.killed?.t;
        const keepUntil = endT !== undefined ? Math.max(endT, t.lastT) : t.lastT + IDLE_KEEP;
        if (keepUntil >= before) {
          t.queuedAt = keepUntil;
          inst.threadList.push(t);
        } else {
          old.push(t);
        }
      }
      for (const t of old) {
        const l = inst.threads.get(t.id);
        if (l) {
          const i = l.indexOf(t);
          if (i >= 0) l.splice(i, 1);
          if (!l.length) inst.threads.delete(t.id);
        }
        if (t.connectT !== undefined) {
          const k = Math.floor(t.connectT / 1000);
          const b = inst.bySecond.get(k);
          if (b) {
            const i = b.indexOf(t);
            if (i >= 0) b.splice(i, 1);
            if (!b.length) inst.bySecond.delete(k);
          }
        }
      }
      for (const a of inst.aborted.evictBefore(before)) {
        if (a.threadId === undefined) continue;
        const l = inst.abortedById.get(a.threadId);
        if (!l) continue;
        const i = l.indexOf(a);
        if (i >= 0) l.splice(i, 1);
        if (!l.length) inst.abortedById.delete(a.threadId);
      }
      // accept-second buckets live as long as the longest join window: a session accepted
      // before that and still open meets no bucket, and its thread is picked by distance alone
      for (const sec of inst.acceptSec.keys()) {
        if (sec * 1000 < keepAccepts) inst.acceptSec.delete(sec);
      }
      inst.abortedKilled.evictBefore(before);
      inst.kills.evictBefore(before);
      inst.events.evictBefore(before - 24 * 3600_000);
    }
  }
}

/** lifecycle events put back (the same line read again is the same event) */
export const restoredEvents = new WeakSet<InstanceEvent>();

/** adds a lifecycle event, unless it is a restored one read again (same time, same line) */
export function addEvent(inst: Instance, e: InstanceEvent): void {
  for (const x of inst.events.range(e.t, e.t))
    if (restoredEvents.has(x) && x.type === e.type && x.ev.file === e.ev.file && x.ev.offset === e.ev.offset) return;
  inst.events.add(e);
}
