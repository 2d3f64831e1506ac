/**
 * The correlation window: everything that can still match an app error, indexed by the join keys
 * (client port, server ↔ instance, thread id, time). Ports and thread ids are reused, so every
 * lookup is also bounded in time, and everything older than the window is evicted: memory follows
 * the window, not the input.
 */
import type { Doc } from '../../parsers/types.js';
import type { ParsedRecord } from '../pipeline/parse-file.js';
import { LeftWindow } from './left-window.js';
import { AppOrigins } from './app-origin.js';
import { AppLags } from './app-lag.js';
import { TakenMass } from './joint.js';
import { Learning } from './learned.js';
import { RestoredClaims } from './saved-claims.js';
import { ClaimMarks } from './claims.js';
import { TickStories } from './tick-stories.js';
import { Together } from './decide-together.js';
import { TcpLogRecord } from '../../parsers/haproxy/tcp-record.js';
import { SessionTable, type SessionRow } from './session-table.js';
import type { LineSources } from './line-store.js';
import { SessionList } from './session-list.js';
import { TimeList } from './time-list.js';
import { addEvent, evictInstance, newInstance, type Instance } from './instance.js';
import { evidenceOf, rowOfSession, rowOfTcp, sessionOfDoc } from './session-of.js';
import { get, num, str, type Aborted, type HaEvent, type Session } from './model.js';

export { addEvent, IDLE_KEEP, restoredEvents, type Instance } from './instance.js';
export { evidenceOf } from './session-of.js';

/** a session's order within its accept second (ms, then client port), as one small integer */
export function acceptKey(s: Session): number {
  return acceptRank(s.accept, s.clientPort);
}
const acceptRank = (accept: number, clientPort: number): number => (accept % 1000) * 65536 + (clientPort & 0xffff);

/** Store.sizes(): entries per part of the window, and the bytes held for the rows' lines */
export interface StoreSizes {
  entries: {
    /** TCP sessions by end, abnormal ones among them, and the table's rows (sessions not yet left) */
    sessions: number;
    abnormal: number;
    rows: number;
    /** MySQL threads, Aborted lines and accept seconds, over every instance */
    threads: number;
    aborted: number;
    accept_seconds: number;
    haproxy_events: number;
    /** abnormal closures remembered after they left (left-window.ts) */
    left: number;
  };
  lineBytes: number;
}

export class Store {
  /**
   * `unseen(server)`: no log of this run can ever refer to a session on that server (no app log, no MySQL log of
   * the server: Correlator, settings.ts `mysqlServers`). A normal (`--`) close there is counted in `unstored` and
   * not stored: it could only ever be decided "unknown" and claims nothing (rules.ts `decide`). An abnormal one
   * is kept as one object for its own verdict, outside the table (`index`).
   */
  constructor(
    private readonly unseen: (server: string) => boolean = () => false,
    lines?: LineSources,
  ) {
    // the batch driver's files stay on disk: normal closes' lines are read again from them (session-table.ts)
    if (lines) this.table.rereadFrom(lines);
  }
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
  /** after a restart, the claims of errors not read again, put back on their closures as these are read again */
  private readonly restored = new RestoredClaims();
  /** the three above and those claims, as one state the agent saves (learned.ts) */
  readonly learning = new Learning(this.origins, this.lags, this.taken, this.restored);
  /** the marks of the claims applied in this window (claims.ts): a decision kept in a tick stands while its
   *  server's mark holds */
  readonly claims = new ClaimMarks();
  /** the open tick's decisions of candidate closures (tick-stories.ts), opened and closed by the Correlator */
  readonly stories = new TickStories();
  /** the tick's errors weighed together, and what each one's time-only join reads of it (decide-together.ts) */
  readonly together = new Together();

  instance(name: string): Instance {
    let i = this.instances.get(name);
    if (!i) this.instances.set(name, (i = newInstance(name)));
    return i;
  }

  /** a traffic line enters the window; returns its server's name (undefined without a time) */
  addSession(r: ParsedRecord): string | undefined {
    if (r.t === undefined) return undefined;
    if (r.parsed instanceof TcpLogRecord) return this.addTcpSession(r, r.parsed);
    const s = sessionOfDoc(r, r.t);
    if (s.mode === 'http') {
      if (s.status !== undefined && s.status >= 500) this.http5xx.add(s);
      return s.server;
    }
    // a TCP session from another format (JSON, custom log-format): a row, and this object for it (it can
    // carry what a row has no column for: the decoded state, HAProxy's own address toward the server)
    return this.index(rowOfSession(s), s);
  }

  /** a TCP session already made a row (Correlator.pushSession): as `addSession` with its tcplog record */
  addRow(row: SessionRow): string {
    return this.index(row);
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
      if (this.restored.size) this.restored.enter(row, () => this.table.at(seq));
      this.abnormal.add(seq);
      this.unlinked.add(seq);
      return row.server;
    }
    const seq = this.table.add(row);
    if (own) this.table.pin(seq, own);
    // (claimed before any error read again is decided: errors are decided at ticks, after the lines before them)
    if (this.restored.size) this.restored.enter(row, () => this.table.at(seq));
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
    return this.index(rowOfTcp(r, p));
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

  /** what the window holds now, counted (the agent's goneaway_window_entries: memory follows these) */
  sizes(): StoreSizes {
    let threads = 0,
      aborted = 0,
      acceptSeconds = 0;
    for (const inst of this.instances.values()) {
      threads += inst.threadList.size;
      aborted += inst.aborted.size;
      acceptSeconds += inst.acceptSec.size;
    }
    return {
      entries: {
        sessions: this.sessions.size,
        abnormal: this.abnormal.size,
        rows: this.table.size,
        threads,
        aborted,
        accept_seconds: acceptSeconds,
        haproxy_events: this.haEvents.size,
        left: this.left.size,
      },
      lineBytes: this.table.lineBytes,
    };
  }

  /**
   * The accept seconds before this were dropped by the last `evictContext`: a bucket older than it now was made since,
   * by sessions still in `sessions` (held.ts reads it).
   */
  acceptFloor = -Infinity;

  /** Drops MySQL threads, Aborted lines and HAProxy events that no session in the window can use. */
  evictContext(before: number, keepAccepts = before): void {
    this.acceptFloor = keepAccepts;
    this.haEvents.evictBefore(before);
    for (const inst of this.instances.values()) evictInstance(inst, before, keepAccepts);
  }
}
