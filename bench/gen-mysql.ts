/**
 * Single-format MySQL/MariaDB generators: MariaDB 10.11 error + general log, MySQL 8 error +
 * general log. N physical lines exactly (multi-line records are replaced by one-liners when they
 * would overshoot), seeded, streamed.
 */
import { Rng, Weighted } from './prng.js';
import { LineWriter } from './line-writer.js';
import { timeFormats, DEFAULT_START, type TimeFormats } from './timefmt.js';
import type { GenOptions, GenStats } from './gen-haproxy.js';
import {
  REASON,
  abortedMessage,
  mariadbErrorLine,
  mysql8ErrorLine,
  couldNotReadPacket,
  couldNotWritePacket,
  MariadbGeneralStamp,
  mysql8GeneralLine,
  mariadbGeneralHeader,
  mysql8GeneralHeader,
  sampleSql,
} from './mysql-lines.js';
import { mariadbRestartBlock, mariadbCrashReport, mysql8RestartBlock } from './mysql-blocks.js';

type Level = 'Note' | 'Warning' | 'ERROR';
async function writeRecords(
  o: GenOptions,
  meanGapMs: number,
  header: string[],
  record: (t: number, room: number, out: string[]) => number | void,
): Promise<GenStats> {
  const w = new LineWriter(o.out);
  let t = o.start ?? DEFAULT_START;
  const first = t;
  for (const h of header.slice(0, o.lines)) w.line(h);
  const rng = new Rng(o.seed ^ 0x5bd1e995);
  const out: string[] = [];
  while (w.lines < o.lines) {
    t += Math.max(1, Math.round(rng.exp(meanGapMs)));
    out.length = 0;
    // a record may span time (restart blocks): it returns the ms it used so times stay monotonic
    t += record(t, o.lines - w.lines, out) ?? 0;
    for (const l of out) {
      const p = w.line(l);
      if (p) await p;
    }
  }
  await w.close();
  return { lines: w.lines, bytes: w.bytes, first, last: t };
}

const USERS: ReadonlyArray<readonly [string, string]> = [
  ['shop', 'app'],
  ['shop', 'app'],
  ['reports', 'reporter'],
  ['unconnected', 'app'],
];

type ErrCase =
  | 'read'
  | 'timeout'
  | 'write'
  | 'killed'
  | 'packet'
  | 'unauth'
  | 'lw4read'
  | 'lw4write'
  | 'denied'
  | 'note'
  | 'restart'
  | 'crash';
const MARIADB_ERR = new Weighted<ErrCase>([
  ['read', 30],
  ['timeout', 12],
  ['write', 3],
  ['killed', 3],
  ['packet', 1],
  ['unauth', 3],
  ['lw4read', 15],
  ['lw4write', 2],
  ['denied', 10],
  ['note', 8],
  ['restart', 0.004],
  ['crash', 0.001],
]);
const NOTES = [
  'InnoDB: Buffer pool(s) load completed at 261123  9:40:02',
  'Detected table cache mutex contention at instance 1: 31% waits. Additional table cache instance activated. Number of instances after activation: 2.',
  'Event Scheduler: Loaded 0 events',
  'InnoDB: Resized the redo log to 96.000MiB',
];

/** `--kind mariadb-error` (log_warnings 2-4 lines, docs/lab-findings.md matrix) */
export function generateMariadbError(o: GenOptions): Promise<GenStats> {
  const rng = new Rng(o.seed);
  const f = timeFormats();
  let thread = 8;
  return writeRecords(o, 100, [], (t, room, out) => {
    let c = MARIADB_ERR.pick(rng);
    thread += rng.int(1, 5);
    const [db, user] = rng.pick(USERS);
    const L = (th: number, lvl: Level, msg: string) => out.push(mariadbErrorLine(f, t, th, lvl, msg));
    const ab = (reason: string) => abortedMessage(thread, db, user, '10.0.0.5', reason);
    if ((c === 'restart' || c === 'crash') && room < 40) c = 'read';
    if ((c === 'killed' || c === 'lw4write') && room < 3) c = 'timeout';
    if ((c === 'packet' || c === 'lw4read') && room < 2) c = 'timeout';
    switch (c) {
      case 'read':
        L(thread, 'Warning', ab(REASON.errorReading));
        break;
      case 'timeout':
        L(thread, 'Warning', ab(REASON.timeoutReading));
        break;
      case 'write':
        L(thread, 'Warning', ab(REASON.errorWriting));
        break;
      case 'killed': {
        const killer = thread + rng.int(1, 30);
        L(killer, 'Warning', abortedMessage(thread, db, user, '10.0.0.5', REASON.killed));
        L(thread, 'ERROR', 'mariadbd: Connection was killed');
        L(thread, 'ERROR', 'mariadbd: Connection was killed');
        break;
      }
      case 'packet':
        L(thread, 'Warning', ab(REASON.packetTooBig));
        L(thread, 'ERROR', `mariadbd: ${REASON.packetTooBig}`);
        break;
      case 'unauth':
        L(
          thread,
          'Warning',
          abortedMessage(thread, 'unconnected', 'unauthenticated', `10.0.3.${rng.int(2, 250)}`, REASON.unauthenticated),
        );
        break;
      case 'lw4read':
        L(thread, 'Warning', couldNotReadPacket(rng.next, rng.chance(0.3) ? 110 : rng.chance(0.8) ? 11 : 104));
        L(thread, 'Warning', ab(REASON.errorReading));
        break;
      case 'lw4write':
        L(thread, 'Warning', couldNotWritePacket(rng.next, 1));
        L(thread, 'ERROR', `mariadbd: ${REASON.errorWriting}`);
        L(thread, 'Warning', ab(REASON.errorWriting));
        break;
      case 'denied':
        L(
          thread,
          'Warning',
          `Access denied for user '${rng.chance(0.5) ? 'haproxy_check' : 'app'}'@'10.0.0.5' (using password: ${rng.chance(0.5) ? 'NO' : 'YES'})`,
        );
        break;
      case 'note':
        L(0, 'Note', rng.pick(NOTES));
        break;
      case 'restart':
        out.push(...mariadbRestartBlock(f, t, 3312, rng, false));
        thread = 3;
        return 1200;
      case 'crash':
        out.push(...mariadbCrashReport(f, t, rng), ...mariadbRestartBlock(f, t + 9000, 3312, rng, true));
        thread = 3;
        return 10_200;
    }
    return 0;
  });
}

type GenCmd = 'new' | 'query' | 'quit' | 'kill' | 'initdb' | 'stmt';
const GENERAL = new Weighted<GenCmd>([
  ['new', 12],
  ['query', 70],
  ['quit', 11],
  ['kill', 0.5],
  ['initdb', 1],
  ['stmt', 3],
]);

/** Interleaved sessions (a pool of open threads) for both general-log flavours. */
function generalRecords(rng: Rng, line: (t: number, id: number, cmd: string, arg: string) => string) {
  const pool: number[] = [];
  let next = 10;
  return (t: number, room: number, out: string[]) => {
    let c = GENERAL.pick(rng);
    if (pool.length < 5) c = 'new';
    if (c === 'new') {
      const id = next++;
      pool.push(id);
      out.push(
        line(
          t,
          id,
          'Connect',
          rng.chance(0.9) ? 'app@10.0.0.5 on shop using TCP/IP' : 'haproxy_check@10.0.0.5 on  using TCP/IP',
        ),
      );
      return;
    }
    const i = rng.int(0, pool.length - 1);
    const id = pool[i]!;
    switch (c) {
      case 'quit':
        pool.splice(i, 1);
        out.push(line(t, id, 'Quit', ''));
        break;
      case 'kill':
        out.push(line(t, id, 'Query', rng.chance(0.7) ? `KILL ${rng.pick(pool)}` : `KILL '${rng.pick(pool)}'`));
        break;
      case 'initdb':
        out.push(line(t, id, 'Init DB', 'shop'));
        break;
      case 'stmt':
        out.push(
          line(t, id, 'Prepare', 'select * from products where id = ?'),
          line(t, id, 'Execute', `select * from products where id = ${rng.int(1, 9999)}`),
        );
        if (room < 2) out.pop();
        break;
      default: {
        const sql = sampleSql(rng.next);
        // a multi-line statement writes its continuation lines raw (§3); keep exact N lines
        out.push(line(t, id, 'Query', sql.includes('\n') && sql.split('\n').length > room ? 'select 1' : sql));
      }
    }
  };
}

function splitLines(lines: string[]): string[] {
  return lines.flatMap((l) => l.split('\n'));
}

/** `--kind mariadb-general` */
export function generateMariadbGeneral(o: GenOptions): Promise<GenStats> {
  const rng = new Rng(o.seed);
  const stamp = new MariadbGeneralStamp(timeFormats());
  const rec = generalRecords(rng, (t, id, cmd, arg) => stamp.line(t, id, cmd, arg));
  return writeRecords(o, 20, mariadbGeneralHeader(3312), (t, room, out) => {
    rec(t, room, out);
    out.splice(0, out.length, ...splitLines(out));
  });
}

/** `--kind mysql8-general` */
export function generateMysql8General(o: GenOptions): Promise<GenStats> {
  const rng = new Rng(o.seed);
  const f = timeFormats();
  const rec = generalRecords(rng, (t, id, cmd, arg) => mysql8GeneralLine(f, t, rng.int(0, 999), id, cmd, arg));
  return writeRecords(o, 20, mysql8GeneralHeader(3306), (t, room, out) => {
    rec(t, room, out);
    out.splice(0, out.length, ...splitLines(out));
  });
}

type My8Case = 'read' | 'timeout' | 'write' | 'forcing' | 'denied' | 'deprecated' | 'resolve' | 'restart';
const MYSQL8_ERR = new Weighted<My8Case>([
  ['read', 45],
  ['timeout', 20],
  ['write', 3],
  ['forcing', 1],
  ['denied', 10],
  ['deprecated', 5],
  ['resolve', 3],
  ['restart', 0.005],
]);

/** `--kind mysql8-error` (log_error_verbosity=3; MY-010914 lines end with `).`: docs/mysql-logs.md §2.4) */
export function generateMysql8Error(o: GenOptions): Promise<GenStats> {
  const rng = new Rng(o.seed);
  const f: TimeFormats = timeFormats();
  let thread = 8;
  return writeRecords(o, 100, [], (t, room, out) => {
    let c = MYSQL8_ERR.pick(rng);
    if (c === 'restart' && room < 12) c = 'read';
    thread += rng.int(1, 5);
    const [db, user] = rng.pick(USERS);
    const us = rng.int(0, 999);
    const L = (th: number, label: 'System' | 'Error' | 'Warning' | 'Note', code: string, msg: string) =>
      out.push(mysql8ErrorLine(f, t, us, th, label, code, 'Server', msg));
    const ab = (reason: string) => abortedMessage(thread, db, user, '10.0.0.5', reason) + '.';
    switch (c) {
      case 'read':
        L(thread, 'Note', 'MY-010914', ab(REASON.errorReading));
        break;
      case 'timeout':
        L(thread, 'Note', 'MY-010914', ab(REASON.timeoutReading));
        break;
      case 'write':
        L(thread, 'Note', 'MY-010914', ab(REASON.errorWriting));
        break;
      case 'forcing':
        L(0, 'Warning', 'MY-010909', `/usr/sbin/mysqld: Forcing close of thread ${thread}  user: '${user}'.`);
        break;
      case 'denied':
        L(thread, 'Note', 'MY-010926', `Access denied for user 'app'@'10.0.0.5' (using password: YES)`);
        break;
      case 'deprecated':
        L(
          thread,
          'Warning',
          'MY-013360',
          "Plugin mysql_native_password reported: ''mysql_native_password' is deprecated and will be removed in a future release. Please use caching_sha2_password instead'",
        );
        break;
      case 'resolve':
        L(
          0,
          'Warning',
          'MY-010055',
          `IP address '10.0.3.${rng.int(2, 250)}' could not be resolved: Name or service not known`,
        );
        break;
      case 'restart':
        out.push(...mysql8RestartBlock(f, t, rng));
        thread = 8;
        return 3000;
    }
    return 0;
  });
}
