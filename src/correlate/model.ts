/**
 * The correlator's compact view of parsed records. Documents are reduced to the few fields the
 * join and the rules need, so that a window of hours of HAProxy traffic stays small in memory.
 */
import type { Doc } from '../../parsers/types.js';
import type { LogKind } from '../sources/log-kind.js';

// the causes, their terminators and everything else said about them: one table (causes.ts)
export { TERMINATOR_OF, type Cause, type Terminator } from './causes.js';
import type { Cause, Terminator } from './causes.js';

/** an evidence line's text: a line longer than 2000 characters is cut there */
export const clip = (text: string): string => (text.length > 2000 ? text.slice(0, 2000) + '…' : text);

export interface Evidence {
  kind: LogKind;
  file: string;
  offset: number;
  text: string;
  t?: number | undefined;
  note?: string;
}

export interface Session {
  accept: number;
  end: number;
  state: string;
  clientIp: string;
  clientPort: number;
  frontend: string;
  backend: string;
  server: string;
  mode: 'tcp' | 'http';
  pid: number | undefined;
  status: number | undefined;
  bytesRead: number | undefined;
  ev: Evidence;
  /** the few parsed fields the output repeats (the whole document is not kept: memory) */
  /** HAProxy's decoded state when the parser built it (httplog…); tcplog sessions decode on output */
  termination: unknown;
  backendSource: unknown;
  request: string | undefined;
  claimed: boolean;
  /** the app log whose next error may claim this session once more: the server announced why it
   *  closed (1153, 4031, 1927, 1053) and the app's next use of the dead handle fails again */
  reusableBy?: string | undefined;
  /** taken by a time-only join (a guess among candidates): a later error's join still weighs it (time-join.ts) */
  timeJoined?: boolean | undefined;
  /** the Aborted line bound to this session by an earlier decision */
  aborted?: { t: number; reason: string; ev: Evidence } | undefined;
}

/** A stamp on a whole second most likely came from a log with 1 s resolution (MariaDB, Laravel):
 *  it means any instant of [t, t + 1000). One that has milliseconds means itself, and so does one whose
 *  `text` (the record's first line, when given) wrote its fraction: `,000` is a millisecond stamp that fell on the
 *  second (one in a thousand), not a whole-second one. */
export function stampResolution(t: number, text?: string): number {
  return t % 1000 !== 0 || (text !== undefined && writesFraction(text, t)) ? 0 : 1000;
}

/** a time of day with a fraction (`20:21:24,000`, `T20:21:24.000Z`, `20:21:24.000000`) */
const TIME_WITH_FRACTION = /\d\d:\d\d:(\d\d)[.,]\d/g;

/**
 * Does the first line of `text` write the stamp `t` (on a whole second) with a fraction? A time of day whose
 * seconds are t's (seconds do not depend on the zone) followed by `.` or `,` and a digit, or t itself in epoch
 * milliseconds. Only the first line: a traceback or a message further down may quote other times.
 */
function writesFraction(text: string, t: number): boolean {
  const nl = text.indexOf('\n');
  const line = nl < 0 ? text : text.slice(0, nl);
  const sec = Math.floor(t / 1000) % 60;
  for (const m of line.matchAll(TIME_WITH_FRACTION)) if (Number(m[1]) === sec) return true;
  return line.includes(String(t));
}

export interface UserStats {
  threads: number;
  queries: number;
}

export interface Thread {
  instance: string;
  id: number;
  connectT: number | undefined;
  user: string | undefined;
  /** that user's counters on the instance (shared object: the probe test reads it without a lookup) */
  userStats: UserStats | undefined;
  host: string | undefined;
  lastT: number;
  lastQueryT: number | undefined;
  quitT: number | undefined;
  connectEv: Evidence | undefined;
  lastEv: Evidence | undefined;
  /** the last statement the thread ran (general log `Query` / `Execute`), as logged */
  lastSql: string | undefined;
  killed: { t: number; by: number | undefined; byUser: string | undefined; ev: Evidence } | undefined;
  aborted: { t: number; reason: string; ev: Evidence } | undefined;
  session: Session | undefined;
  /** key of the thread in the eviction queue (its lastT when queued) */
  queuedAt: number;
}

export type InstanceEventType = 'shutdown' | 'crash' | 'ready' | 'down' | 'up';
export interface InstanceEvent {
  type: InstanceEventType;
  t: number;
  ev: Evidence;
  detail?: string;
}

export interface Aborted {
  instance: string;
  t: number;
  threadId: number | undefined;
  reason: string;
  killer: number | undefined;
  byShutdown: boolean;
  ev: Evidence;
  claimed: boolean;
}

export interface HaEvent {
  type: 'hard_stop' | 'reload' | 'down' | 'up';
  t: number;
  pid: number | undefined;
  server?: string | undefined;
  backend?: string | undefined;
  reason?: string | undefined;
  ev: Evidence;
}

export interface AppError {
  t: number;
  /** timestamp resolution: 1000 when the log line had whole seconds only */
  res: number;
  code: string;
  message: string;
  cls: string | undefined;
  localPort: number | undefined;
  threadId: number | undefined;
  /** the statement the app logged with the error (Laravel's `(SQL: …)`, a traceback's query), as logged */
  sql?: string | undefined;
  file: string;
  offset: number;
  doc: Doc;
  ev: Evidence;
  /** the client addresses the app connects from (`--app 10.0.1.11=app.log`): only their sessions can be it */
  clients?: ReadonlySet<string> | undefined;
  /** when the driver says the connection last received a packet N ms before the error (Connector/J),
   *  the interval (clock skew and stamp resolution included) in which its session was still open */
  alive?: { lo: number; hi: number } | undefined;
  /** decided once with no cause: retried when later lines (a restart's crash recovery) may tell */
  retried?: boolean;
}

export interface Verdict {
  cause: Cause;
  terminatedBy: Terminator;
  confidence: number;
  why: string;
  evidence: Evidence[];
  /** when the first cause happened (a KILL, a shutdown, an Aborted line); the close itself otherwise */
  at?: number;
  /** the first cause happened in [atFrom, at], not at `at`: a crash seen only by HAProxy's health check marking
   *  the server DOWN (Layer4) is at most the check's detection time before that DOWN (rules.ts) */
  atFrom?: number;
}

export function get(doc: Doc, path: string): unknown {
  // the keys of each path split once: slicing the path on every call was ~2 % of `correlate`'s CPU on the
  // bench's correlated set (`node --cpu-prof`; a path is a constant of the code, so the cache stays small)
  let keys = pathKeys.get(path);
  if (keys === undefined) {
    keys = splitPath(path);
    if (pathKeys.size < 4096) pathKeys.set(path, keys);
  }
  let cur: unknown = doc;
  for (let i = 0; i < keys.length; i++) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Doc)[keys[i]!];
  }
  return cur;
}
const pathKeys = new Map<string, readonly string[]>();
/** `a.b.c` → a, b, c (a trailing dot ends the path; '' names the document itself) */
function splitPath(path: string): string[] {
  if (path === '') return [];
  const keys = path.split('.');
  if (keys.length > 1 && keys[keys.length - 1] === '') keys.pop();
  return keys;
}

export const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'string' && v !== '' && Number.isFinite(Number(v))
      ? Number(v)
      : undefined;
export const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
