/**
 * MySQL/MariaDB records → per-instance thread table, aborted-connection lines and lifecycle events.
 * docs/lab-findings.md §4: the general log tells a clean end (`Quit`) from an abnormal one (no Quit) and
 * holds the `KILL` even when the error log (log_warnings=2) says nothing; the error log's wording
 * separates wait_timeout ("timeout reading") from a vanished peer ("error reading").
 */
import type { Doc } from '../../parsers/types.js';
import type { ParsedRecord } from '../pipeline/parse-file.js';
import { get, num, str, type Evidence, type Thread, type UserStats } from './model.js';
import { addEvent, evidenceOf, type Instance, type Store } from './store.js';
import { replayed } from './window-summary.js';

function newThread(inst: Instance, id: number, t: number): Thread {
  const th: Thread = {
    instance: inst.name,
    id,
    connectT: undefined,
    user: undefined,
    userStats: undefined,
    host: undefined,
    lastT: t,
    lastQueryT: undefined,
    quitT: undefined,
    connectEv: undefined,
    lastEv: undefined,
    lastSql: undefined,
    killed: undefined,
    aborted: undefined,
    session: undefined,
    queuedAt: t,
  };
  const l = inst.threads.get(id);
  if (l) l.push(th);
  else inst.threads.set(id, [th]);
  inst.threadList.push(th);
  ownAbortedReadFirst(inst, th);
  return th;
}

/**
 * A thread's own Aborted line is a fact about the thread, not a choice between sessions: it tells when the
 * thread ended, which every later mapping reads (thread-for.ts `threadFor`). So it is attached where the line is read
 * (`ingestError`), or here, when the line was read just before the thread's first general-log line (the two
 * logs are merged by time and their stamps have whole seconds): the line of that id from a second before the
 * thread's first line on, as aborted.ts `abortedOf` would find it. A decision that is dropped (time-join.ts
 * weighs hundreds of candidates and keeps one) then leaves nothing behind, and so candidates can be left
 * undecided without changing what later mappings see (docs/correlator.md).
 */
function ownAbortedReadFirst(inst: Instance, th: Thread): void {
  const from = th.lastT - 1000; // (the time of its first line: called as it is made)
  for (const a of inst.abortedById.get(th.id) ?? [])
    if (a.t >= from && a.reason !== 'killed') {
      th.aborted = { t: a.t, reason: a.reason, ev: a.ev };
      return;
    }
}

/** The live thread with this id (ids restart with the server: the newest one wins). */
export function currentThread(inst: Instance, id: number): Thread | undefined {
  const l = inst.threads.get(id);
  return l && l.length ? l[l.length - 1] : undefined;
}

export function ingestGeneral(store: Store, instName: string, r: ParsedRecord): void {
  if (r.t === undefined) return;
  const inst = store.instance(instName);
  inst.lastActivity = r.t;
  // the parser's document (no event.original/log.* added) and direct property reads: 900k general-log
  // records go through here on the correlate bench
  const m = (r.parsed?.doc ?? r.doc).mysql as Doc | undefined;
  const g = m?.general as Doc | undefined;
  const cmd = str(g?.command);
  const id = num(m?.thread_id);
  if (cmd === undefined || cmd === 'header' || id === undefined) return;
  // a thread saved with the checkpoints takes no line twice (window-summary.ts): a KILL it sent still counts
  const cur = currentThread(inst, id);
  if (cur && replayed(cur, r.path, r.offset, r.t)) {
    if (cmd !== 'Connect') kill(inst, g, cur, r.t, evidenceOf(r, 'mysql_general'));
    return;
  }
  const ev = evidenceOf(r, 'mysql_general');
  if (cmd === 'Connect') {
    const th = newThread(inst, id, r.t);
    th.connectT = r.t;
    const conn = g?.connect as Doc | undefined;
    th.user = str(conn?.user);
    th.host = str(conn?.host);
    th.connectEv = ev;
    if (th.user !== undefined) {
      let u = inst.users.get(th.user);
      if (!u) {
        u = { threads: 0, queries: 0 };
        inst.users.set(th.user, u);
      }
      u.threads++;
      th.userStats = u;
    }
    const k = Math.floor(r.t / 1000);
    const b = inst.bySecond.get(k);
    if (b) b.push(th);
    else inst.bySecond.set(k, [th]);
    return;
  }
  let th = cur;
  if (!th || th.quitT !== undefined) th = newThread(inst, id, r.t);
  th.lastT = r.t;
  if (cmd === 'Quit') {
    th.quitT = r.t;
    th.lastEv = ev;
    return;
  }
  th.lastQueryT = r.t;
  th.lastEv = ev;
  if (cmd === 'Query' || cmd === 'Execute') th.lastSql = str(g?.argument);
  if (th.userStats) th.userStats.queries++;
  kill(inst, g, th, r.t, ev);
}

/** a `KILL n` sent by `th`: the instance's KILL times, and the victim's end */
function kill(inst: Instance, g: Doc | undefined, th: Thread, t: number, ev: Evidence): void {
  const kill = g?.kill as Doc | undefined;
  const target = num(kill?.target_thread_id);
  if (target !== undefined && kill?.query_only !== true) {
    inst.kills.add(t);
    const victim = currentThread(inst, target);
    if (victim && !victim.killed) victim.killed = { t, by: th.id, byUser: th.user, ev };
  }
}

export function ingestError(store: Store, instName: string, r: ParsedRecord): void {
  if (r.t === undefined) return;
  const inst = store.instance(instName);
  inst.hasErrorLog = true;
  const before = inst.lastActivity;
  inst.lastActivity = r.t;
  const d = r.doc;
  const type = str(get(d, 'mysql.error_type'));
  const ev = evidenceOf(r, 'mysql_error');
  switch (type) {
    case 'aborted_connection': {
      const victim = num(get(d, 'mysql.aborted.thread_id'));
      const reason = str(get(d, 'mysql.aborted.reason_code')) ?? 'other';
      const killer = num(get(d, 'mysql.aborted.killer_thread_id'));
      const byShutdown = get(d, 'mysql.aborted.by_shutdown') === true;
      store.addAborted(inst, {
        instance: instName,
        t: r.t,
        threadId: victim,
        reason,
        killer,
        byShutdown,
        ev,
        claimed: false,
      });
      const cur = victim !== undefined ? currentThread(inst, victim) : undefined;
      // a thread that sent Quit has ended: a later line with its id is a later thread's (ids restart
      // with the server; aborted.ts abortedOf bounds its search the same way)
      const th =
        cur &&
        (cur.quitT === undefined || r.t <= cur.quitT + 1000) &&
        !(inst.restartedAt !== undefined && inst.restartedAt > cur.lastT)
          ? cur
          : undefined;
      if (th) {
        if (!th.aborted) th.aborted = { t: r.t, reason, ev };
        if (reason === 'killed' && !byShutdown && !th.killed) th.killed = { t: r.t, by: killer, byUser: undefined, ev };
        th.lastT = Math.max(th.lastT, r.t);
      }
      return;
    }
    case 'shutdown':
      addEvent(inst, { type: 'shutdown', t: r.t, ev });
      return;
    case 'crash_recovery':
    case 'signal': {
      // A crash is only seen afterwards (kill -9 logs nothing): it happened after the last line
      // this instance wrote before the recovery (docs/lab-findings.md §3, scenario 06b). Use that line's time.
      const last = inst.events.last();
      if (last && last.type === 'crash' && r.t - last.t < 600_000) return; // same crash, more lines
      // the server's own startup lines come before its recovery line: use the silence before them
      const at =
        type === 'signal'
          ? r.t
          : inst.startedAt !== undefined && r.t - inst.startedAt < 600_000
            ? (inst.silentSince ?? r.t)
            : (before ?? r.t);
      addEvent(inst, { type: 'crash', t: at, ev, detail: type });
      return;
    }
    case 'starting':
      inst.startedAt = r.t;
      inst.restartedAt = r.t;
      inst.silentSince = before;
      return;
    case 'ready':
      inst.restartedAt = r.t;
      addEvent(inst, { type: 'ready', t: r.t, ev });
      return;
    default:
      return;
  }
}

/** A user whose threads never send a query: HAProxy's mysql-check probe. */
export function isProbeThread(th: Thread): boolean {
  return isProbeUser(th.userStats);
}

/** the probe rule on a user's counters (also used by the clock-offset sampler, clock-samples.ts) */
export function isProbeUser(u: UserStats | undefined): boolean {
  return u !== undefined && u.threads >= 3 && u.queries === 0;
}
