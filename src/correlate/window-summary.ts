/**
 * The window's long-lived MySQL facts, saved with the agent's checkpoints instead of being read again.
 *
 * A pooled connection's thread lives as long as the connection: hours or days. What the verdicts read from it
 * (rules.ts threadFor, decide, idleOf; event.ts `mysql.*`) is its Connect (time, user, host, the line as
 * evidence: the k-th session accepted in a second maps to the k-th Connect), its last command (time, statement,
 * line), its Quit, KILL and Aborted line, and its user's counters (the probe test). Holding the general log at
 * the Connect line held every file there (one time for all: a thread querying every minute held the HAProxy
 * log at 0 for 72 h). Now each log is held only as far back as the window's own reach (held.ts), and the
 * threads with a fact older than that are saved here, as they are when the positions are taken; so are the
 * server's lifecycle events (kept a day, store.ts evictContext) and the instance's state that reads them.
 *
 * After a restart the saved threads are put back before any line is read, each marked with the last
 * general-log line it had taken in (`replayed`): those lines, read again, change nothing of the thread (a Quit
 * read again would otherwise end it, and a Query before it start a new thread), and the first line after the
 * mark is taken as usual. A lifecycle event read again is not added twice (store.ts `addEvent`).
 */
import type { Evidence, InstanceEvent, Thread, UserStats } from './model.js';
import { restoredEvents, type Instance, type Store } from './store.js';
import type { HeldTimes } from './held.js';

/** what is saved of a thread: all of it but its session (the sessions are read again) and queue key */
type SavedThread = Omit<Thread, 'instance' | 'session' | 'queuedAt' | 'userStats'>;

interface SavedInstance {
  name: string;
  threads: SavedThread[];
  events: InstanceEvent[];
  users: Array<[string, UserStats]>;
  hasErrorLog: boolean;
  lastActivity?: number | undefined;
  startedAt?: number | undefined;
  restartedAt?: number | undefined;
  silentSince?: number | undefined;
}

export interface SavedWindow {
  version: 1;
  instances: SavedInstance[];
}

/** a restored thread's last general-log line taken in before the restart */
const marks = new WeakMap<Thread, Evidence>();
/** marks set and not lifted yet, in every window (none: `replayed` costs nothing on a run never restored) */
let marked = 0;

/** the oldest fact of a thread that the window would otherwise read again from its log */
function oldestFact(th: Thread): number {
  return Math.min(th.connectT ?? -Infinity, th.killed?.t ?? Infinity, th.aborted?.t ?? Infinity);
}

/**
 * The facts of `store` older than what `held` keeps: each thread with a fact before its server's held time (a
 * thread first seen by a later command, with no Connect, counts as old), every lifecycle event, the users'
 * counters. Small: one entry per connection that outlived the window.
 */
export function saveWindow(store: Store, held: HeldTimes): SavedWindow {
  const instances: SavedInstance[] = [];
  for (const inst of store.instances.values()) {
    const from = Math.min(held.of('mysql_general', inst.name), held.of('mysql_error', inst.name));
    const threads: SavedThread[] = [];
    // a thread not saved is read again from its Connect: its user's count must not have it twice
    const rereadOf = new Map<string, number>();
    for (const l of inst.threads.values())
      for (const th of l) {
        if (oldestFact(th) < from) threads.push(savedThread(th));
        else if (th.user !== undefined && th.connectT !== undefined)
          rereadOf.set(th.user, (rereadOf.get(th.user) ?? 0) + 1);
      }
    const users: Array<[string, UserStats]> = [...inst.users].map(([u, s]) => [
      u,
      { threads: Math.max(0, s.threads - (rereadOf.get(u) ?? 0)), queries: s.queries },
    ]);
    if (!threads.length && !inst.events.size && !users.length && !inst.hasErrorLog) continue;
    instances.push({
      name: inst.name,
      threads,
      events: [...inst.events.all()],
      users,
      hasErrorLog: inst.hasErrorLog,
      lastActivity: inst.lastActivity,
      startedAt: inst.startedAt,
      restartedAt: inst.restartedAt,
      silentSince: inst.silentSince,
    });
  }
  return { version: 1, instances };
}

function savedThread(th: Thread): SavedThread {
  return {
    id: th.id,
    connectT: th.connectT,
    user: th.user,
    host: th.host,
    lastT: th.lastT,
    lastQueryT: th.lastQueryT,
    quitT: th.quitT,
    connectEv: th.connectEv,
    lastEv: th.lastEv,
    lastSql: th.lastSql,
    killed: th.killed,
    aborted: th.aborted,
  };
}

/** Puts the saved facts back into a fresh window, before any line is read. */
export function restoreWindow(store: Store, saved: SavedWindow | undefined): void {
  if (saved?.version !== 1) return;
  for (const si of saved.instances) {
    const inst = store.instance(si.name);
    for (const [u, s] of si.users) inst.users.set(u, { ...s });
    inst.hasErrorLog ||= si.hasErrorLog;
    inst.lastActivity = si.lastActivity;
    inst.startedAt = si.startedAt;
    inst.restartedAt = si.restartedAt;
    inst.silentSince = si.silentSince;
    for (const e of si.events) {
      inst.events.add(e);
      restoredEvents.add(e);
    }
    for (const st of si.threads) restoreThread(inst, st);
  }
}

function restoreThread(inst: Instance, st: SavedThread): void {
  const th: Thread = {
    ...st,
    instance: inst.name,
    session: undefined,
    queuedAt: st.lastT,
    userStats: st.user !== undefined ? inst.users.get(st.user) : undefined,
  };
  const l = inst.threads.get(th.id);
  if (l) l.push(th);
  else inst.threads.set(th.id, [th]);
  inst.threadList.push(th);
  if (th.connectT !== undefined) {
    const k = Math.floor(th.connectT / 1000);
    const b = inst.bySecond.get(k);
    if (b) b.push(th);
    else inst.bySecond.set(k, [th]);
  }
  const mark = th.lastEv ?? th.connectEv;
  if (mark) {
    marks.set(th, mark);
    marked++;
  }
}

/**
 * Whether the general-log line at `file`/`offset` (time `t`) was taken in by the restored thread `th` before the
 * restart: a line of the same file at or before its mark. The first line after the mark lifts it. The time
 * guards a file rotated since (its offsets start again): a line read again is no later than the mark's second.
 */
export function replayed(th: Thread, file: string, offset: number, t: number): boolean {
  if (marked === 0) return false;
  const m = marks.get(th);
  if (!m) return false;
  if (file === m.file && offset <= m.offset && (m.t === undefined || t <= m.t + 1000)) return true;
  marks.delete(th);
  marked--;
  return false;
}
