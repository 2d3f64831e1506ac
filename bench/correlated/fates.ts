/**
 * How a proxied replica session ends, per cause, with the evidence each component writes.
 * Every rule cites docs/lab-findings.md (§2 table, §3 per scenario, §4 "what helps attribution").
 */
import { REASON, abortedMessage, couldNotWritePacket } from '../mysql-lines.js';
import type { Rng } from '../prng.js';
import type { Flavor } from './app-records.js';
import {
  TIMEOUT_CLIENT,
  TIMEOUT_SERVER,
  SESSION_WAIT_TIMEOUT,
  DBA_IP,
  LB_IP,
  type App,
  type ServerInfo,
} from './world.js';

export type Fate =
  | 'clean'
  | 'silent_cd'
  | 'client_abort'
  | 'timeout_client'
  | 'wait_timeout'
  | 'timeout_server'
  | 'kill'
  | 'ptkill'
  | 'packet'
  | 'admin_kill';

export const ERROR_FATES: ReadonlyArray<readonly [Fate, number]> = [
  ['timeout_client', 28],
  ['wait_timeout', 22],
  ['timeout_server', 8],
  ['kill', 12],
  ['ptkill', 3],
  ['packet', 5],
  ['admin_kill', 6],
];
export const QUIET_FATES: ReadonlyArray<readonly [Fate, number]> = [
  ['clean', 95],
  ['silent_cd', 2],
  ['client_abort', 3],
];

export interface Query {
  t: number;
  sql: string;
  end: number;
}

export interface AppError {
  t: number;
  sql: string;
  flavor: Flavor;
  idleEvent: boolean;
  cause: string;
  terminatedBy: 'haproxy' | 'mysql';
}

export interface Outcome {
  /** instant the connection stopped working (server side closed or HAProxy closed both sides) */
  closed: number;
  hapT: number;
  state: string;
  /** HAProxy still holds the client side after `closed` (KILL of an idle PHP/Python connection, 04) */
  halfOpen: boolean;
  quit?: number;
  /** query that was running and is logged in the general log (not part of the normal flow) */
  running?: Query;
  err: Array<[t: number, thread: number, level: 'Note' | 'Warning' | 'ERROR', msg: string]>;
  general: Array<[t: number, thread: number, command: string, arg: string]>;
  app?: AppError;
}

/** Delay until a PHP/Python worker next uses its dead connection (0-25 s in the lab, §4.2). */
export function nextUseLag(rng: Rng): number {
  const x = rng.next();
  return x < 0.4 ? rng.int(0, 2000) : x < 0.85 ? rng.int(2000, 15000) : rng.int(15000, 30000);
}

export function userOf(app: App): string {
  return app === 'python' ? 'reporter' : app === 'cron' ? 'cron' : 'app';
}

export function readLines(
  o: Outcome,
  srv: ServerInfo,
  rng: Rng,
  t: number,
  thread: number,
  user: string,
  reason: string,
  errno: 11 | 104 | 110,
): void {
  if (srv.lw >= 4) o.err.push([t, thread, 'Warning', couldNotReadFor(rng, errno)]);
  o.err.push([t, thread, 'Warning', abortedMessage(thread, 'shop', user, LB_IP, reason)]);
}
function couldNotReadFor(rng: Rng, errno: 11 | 104 | 110): string {
  const fd = rng.int(40, 79);
  return errno === 110
    ? `Could not read packet: fd: ${fd}  state: 1  read_length: 4  errno: 110  vio_errno: 1159  length: -1`
    : `Could not read packet: fd: ${fd}  state: 1  read_length: 4  errno: ${errno}  vio_errno: 1158  length: 0`;
}

/**
 * Node's mysql2 reports an idle connection's death at once ('error' event); mysqlnd and PyMySQL
 * only when the worker next sends a query (docs/lab-findings.md §2 last columns, §4.2).
 */
function reportAt(app: App, rng: Rng, closed: number): { t: number; idle: boolean } {
  if (app === 'node') return { t: closed + rng.int(0, 3), idle: true };
  return { t: closed + nextUseLag(rng), idle: false };
}

export interface SessionCtx {
  rng: Rng;
  app: App;
  srv: ServerInfo;
  thread: number;
  lastByte: number;
  sampleSql: () => string;
}

/** The planned ending of a session that no incident interrupts. */
export function planFate(fate: Fate, c: SessionCtx): Outcome {
  const { rng, app, srv, thread, lastByte } = c;
  const user = userOf(app);
  const lw4 = srv.lw >= 4;
  const o: Outcome = { closed: 0, hapT: 0, state: '--', halfOpen: false, err: [], general: [] };
  const nextUse = (closed: number, cause: string, by: 'haproxy' | 'mysql') => {
    const r = reportAt(app, rng, closed);
    o.app = { t: r.t, sql: c.sampleSql(), flavor: 'gone', idleEvent: r.idle, cause, terminatedBy: by };
  };
  switch (fate) {
    case 'clean':
      o.quit = lastByte + rng.int(0, 50);
      o.closed = o.quit;
      o.hapT = o.quit + rng.int(0, 2);
      break;
    case 'silent_cd': // idle past `timeout client`, the worker closed without reuse: no app error (01)
    case 'timeout_client': // cD at last byte + timeout client; MariaDB "error reading" (01)
      o.closed = lastByte + TIMEOUT_CLIENT + rng.int(0, 4);
      o.hapT = o.closed;
      o.state = 'cD';
      readLines(o, srv, rng, o.closed + rng.int(0, 2), thread, user, REASON.errorReading, 11);
      if (fate === 'timeout_client') nextUse(o.closed, 'haproxy_timeout_client', 'haproxy');
      break;
    case 'client_abort': // app process died: CD, "error reading", no app log
      o.closed = lastByte + rng.int(10, 3000);
      o.hapT = o.closed;
      o.state = 'CD';
      readLines(o, srv, rng, o.closed + rng.int(0, 2), thread, user, REASON.errorReading, 104);
      break;
    case 'wait_timeout': // SD at last byte + wait_timeout; "Got timeout reading"; lw4 errno 110 (03)
      o.closed = lastByte + SESSION_WAIT_TIMEOUT + rng.int(20, 40);
      o.hapT = o.closed + rng.int(0, 2);
      o.state = 'SD';
      readLines(o, srv, rng, o.closed, thread, user, REASON.timeoutReading, 110);
      nextUse(o.closed, 'mysql_wait_timeout', 'mysql');
      break;
    case 'timeout_server': {
      // sD at query start + timeout server; "error writing" when the query ends (02)
      const qt = lastByte + rng.int(5, 5000);
      const sleep = rng.int(35, 60);
      o.running = { t: qt, sql: `select sleep(${sleep}) as report_wait`, end: qt + sleep * 1000 };
      o.closed = qt + TIMEOUT_SERVER + rng.int(0, 4);
      o.hapT = o.closed;
      o.state = 'sD';
      const te = o.running.end + rng.int(0, 20);
      if (lw4) {
        o.err.push([te, thread, 'Warning', couldNotWritePacket(rng.next, 1)]);
        o.err.push([te, thread, 'ERROR', `mariadbd: ${REASON.errorWriting}`]);
      }
      o.err.push([te, thread, 'Warning', abortedMessage(thread, 'shop', user, LB_IP, REASON.errorWriting)]);
      o.app = {
        t: o.closed + rng.int(0, 3),
        sql: o.running.sql,
        flavor: 'gone',
        idleEvent: false,
        cause: 'haproxy_timeout_server',
        terminatedBy: 'haproxy',
      };
      break;
    }
    case 'kill': {
      // DBA KILL of an idle connection: HAProxy `--` (or cD when half-open > timeout client), lw2 silent (04)
      const k = lastByte + rng.int(500, 15000);
      const dba = srv.nextThread++;
      o.general.push(
        [k - rng.int(500, 3000), dba, 'Connect', `dba@${DBA_IP} on  using TCP/IP`],
        [k, dba, 'Query', `KILL ${thread}`],
        [k + rng.int(100, 2000), dba, 'Quit', ''],
      );
      if (lw4) {
        o.err.push([k + 1, dba, 'Warning', abortedMessage(thread, 'shop', user, LB_IP, REASON.killed)]);
        o.err.push(
          [k + 1, thread, 'ERROR', 'mariadbd: Connection was killed'],
          [k + 1, thread, 'ERROR', 'mariadbd: Connection was killed'],
        );
      }
      o.closed = k;
      nextUse(k, 'mysql_kill', 'mysql');
      if (app === 'node') o.hapT = k + rng.int(1, 5);
      else {
        const u = o.app!.t;
        o.halfOpen = true;
        if (u - k <= TIMEOUT_CLIENT) o.hapT = u + rng.int(0, 2);
        else {
          o.hapT = k + TIMEOUT_CLIENT + rng.int(0, 4);
          o.state = 'cD';
        }
      }
      break;
    }
    case 'ptkill': {
      // pt-kill on a running query: `--` at kill time, `KILL 'n'`, lw4 "error writing" (04)
      const qt = lastByte + rng.int(5, 3000);
      const sleep = rng.int(20, 40);
      o.running = { t: qt, sql: `select sleep(${sleep}) as report_wait`, end: qt + sleep * 1000 };
      const k = qt + rng.int(5000, 15000);
      const pt = srv.nextThread++;
      o.general.push(
        [k - rng.int(200, 900), pt, 'Connect', `ptkill@${DBA_IP} on  using TCP/IP`],
        [k - rng.int(5, 100), pt, 'Query', 'SHOW FULL PROCESSLIST'],
        [k, pt, 'Query', `KILL '${thread}'`],
        [k + rng.int(5, 50), pt, 'Quit', ''],
      );
      if (lw4) {
        o.err.push([k + 1, pt, 'Warning', abortedMessage(thread, 'shop', user, LB_IP, REASON.killed)]);
        o.err.push(
          [k + 1, thread, 'Warning', couldNotWritePacket(rng.next, 2)],
          [k + 1, thread, 'ERROR', `mariadbd: ${REASON.errorWriting}`],
        );
      }
      o.closed = k;
      o.hapT = k + rng.int(1, 5);
      o.app = {
        t: k + rng.int(0, 5),
        sql: o.running.sql,
        flavor: 'gone',
        idleEvent: false,
        cause: 'mysql_kill',
        terminatedBy: 'mysql',
      };
      break;
    }
    case 'packet': {
      // SD tens of ms after the oversized query, which general.log never shows (05)
      const qt = lastByte + rng.int(5, 3000);
      o.closed = qt + rng.int(30, 100);
      o.hapT = o.closed;
      o.state = 'SD';
      o.err.push([o.closed, thread, 'Warning', abortedMessage(thread, 'shop', user, LB_IP, REASON.packetTooBig)]);
      if (lw4) o.err.push([o.closed, thread, 'ERROR', `mariadbd: ${REASON.packetTooBig}`]);
      o.app = {
        t: o.closed + rng.int(0, 2),
        sql: `insert into attachments (order_id, body) values (${rng.int(1, 99999)}, ?)`,
        flavor: rng.chance(0.6) ? 'packet' : 'packet_pipe',
        idleEvent: false,
        cause: 'mysql_max_allowed_packet',
        terminatedBy: 'mysql',
      };
      break;
    }
    case 'admin_kill': {
      // `shutdown session`: K- at command time, MariaDB "error reading" (08)
      const k = lastByte + rng.int(200, 15000);
      o.closed = k;
      o.hapT = k + rng.int(0, 2);
      o.state = 'K-';
      readLines(o, srv, rng, k + rng.int(0, 3), thread, user, REASON.errorReading, 11);
      nextUse(k, 'haproxy_admin_kill', 'haproxy');
      break;
    }
  }
  return o;
}
