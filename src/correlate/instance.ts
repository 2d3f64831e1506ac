/**
 * A MySQL/MariaDB server's side of the window: its threads, Aborted lines, lifecycle events and the accept
 * seconds of its TCP sessions, and how each leaves the window.
 */
import { MinHeap } from './heap.js';
import { TimeList } from './time-list.js';
import type { Aborted, InstanceEvent, Thread, UserStats } from './model.js';

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

/** how long a thread with no known end is kept after its last command */
export const IDLE_KEEP = 24 * 3600_000;
/** how often a thread with no known end is looked at again by the eviction (it may have ended since) */
export const RECHECK = 60_000;

export function newInstance(name: string): Instance {
  return {
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
}

/** Drops the threads, Aborted lines, accept seconds and events of `inst` that no session in the window can use. */
export function evictInstance(inst: Instance, before: number, keepAccepts: number): void {
  // A thread stays until it ended (Quit, Aborted, KILL) before the window, or, when nothing says
  // it ended, until it has been idle for IDLE_KEEP: a pooled connection can sit idle for hours
  // before wait_timeout closes it, and its Connect line is what maps the session to it.
  const old: Thread[] = [];
  for (let t = inst.threadList.peek(); t !== undefined && t.queuedAt < before; t = inst.threadList.peek()) {
    inst.threadList.pop();
    const endT = t.quitT ?? t.aborted?.t ?? t.killed?.t;
    const keepUntil = endT !== undefined ? Math.max(endT, t.lastT) : t.lastT + IDLE_KEEP;
    if (keepUntil >= before) {
      // A thread still open is looked at again a RECHECK later, not at the end of its idle keep: queued a day
      // ahead, one that quit meanwhile stayed a day after its end — every pooled connection that outlived the
      // window's reach, a growing part of the window in the hour's soak (docs/benchmark-agent.md "Threads that
      // stayed a day, 2026-12-07")
      t.queuedAt = endT !== undefined ? keepUntil : Math.min(keepUntil, before + RECHECK);
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
  for (const sec of inst.acceptSec.keys()) if (acceptBeforeFloor(sec, keepAccepts)) inst.acceptSec.delete(sec);
  inst.abortedKilled.evictBefore(before);
  inst.kills.evictBefore(before);
  inst.events.evictBefore(before - 24 * 3600_000);
}

/**
 * An accept-second bucket (thread-for.ts ranks a thread by the sessions accepted in its second) older than `floor`,
 * the last eviction's `keepAccepts`: `evictInstance` drops it, and one made again since — by a long session that
 * ended after the eviction, accepted long before — holds no log position (held.ts): its sessions are all still in
 * the window and are read again from their ends.
 */
export function acceptBeforeFloor(sec: number, floor: number): boolean {
  return sec * 1000 < floor;
}

/** lifecycle events put back (the same line read again is the same event) */
export const restoredEvents = new WeakSet<InstanceEvent>();

/** adds a lifecycle event, unless it is a restored one read again (same time, same line) */
export function addEvent(inst: Instance, e: InstanceEvent): void {
  for (const x of inst.events.range(e.t, e.t))
    if (restoredEvents.has(x) && x.type === e.type && x.ev.file === e.ev.file && x.ev.offset === e.ev.offset) return;
  inst.events.add(e);
}
