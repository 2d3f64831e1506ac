/**
 * Rendering of MariaDB 10.11 / MySQL 8 error- and general-log lines (docs/mysql-logs.md §2-§3,
 * verbatim texts from docs/lab-findings.md §3 and the log_warnings matrix).
 */
import { padLeft, type TimeFormats } from './timefmt.js';

export const MARIADB_VERSION = '10.11.19-MariaDB-0+deb12u1-log';
export const MYSQL8_VERSION = '8.0.39';

/** Reason strings of "Aborted connection" (docs/mysql-logs.md §2.4 table). */
export const REASON = {
  errorReading: 'Got an error reading communication packets',
  timeoutReading: 'Got timeout reading communication packets',
  errorWriting: 'Got an error writing communication packets',
  packetTooBig: "Got a packet bigger than 'max_allowed_packet' bytes",
  killed: 'KILLED',
  unauthenticated: 'This connection closed normally without authentication',
} as const;

export function abortedMessage(id: number, db: string, user: string, host: string, reason: string): string {
  return `Aborted connection ${id} to db: '${db}' user: '${user}' host: '${host}' (${reason})`;
}

/** `2026-11-23 20:21:24 13 [Warning] msg` */
export function mariadbErrorLine(
  f: TimeFormats,
  t: number,
  thread: number,
  level: 'Note' | 'Warning' | 'ERROR',
  msg: string,
): string {
  return `${f.mariadbError(t)} ${thread} [${level}] ${msg}`;
}

/** `2026-11-23T20:21:24.123456Z 13 [Note] [MY-010914] [Server] msg` (docs/mysql-logs.md §2.1, MY-DOC-ELF) */
export function mysql8ErrorLine(
  f: TimeFormats,
  t: number,
  micros: number,
  thread: number,
  label: 'System' | 'Error' | 'Warning' | 'Note',
  code: string,
  subsystem: string,
  msg: string,
): string {
  return `${f.mysqlIso(t, micros)} ${thread} [${label}] [${code}] [${subsystem}] ${msg}`;
}

/** lw4 extra lines (docs/lab-findings.md §3, log_warnings matrix) */
export function couldNotReadPacket(rng: () => number, errno: 11 | 104 | 110): string {
  const fd = 40 + Math.floor(rng() * 40);
  return errno === 110
    ? `Could not read packet: fd: ${fd}  state: 1  read_length: 4  errno: 110  vio_errno: 1159  length: -1`
    : `Could not read packet: fd: ${fd}  state: 1  read_length: 4  errno: ${errno}  vio_errno: 1158  length: 0`;
}
export function couldNotWritePacket(rng: () => number, state: 1 | 2): string {
  const fd = 40 + Math.floor(rng() * 40);
  return `Could not write packet: fd: ${fd}  state: ${state}  errno: 32  vio_errno: 1160  length: ${50 + Math.floor(rng() * 60)}`;
}

/** General-log body for MariaDB: stamp only when the second changes, `\t\t` otherwise (docs/mysql-logs.md §3). */
export class MariadbGeneralStamp {
  private lastSec = NaN;
  constructor(private readonly f: TimeFormats) {}
  line(t: number, thread: number, command: string, arg: string): string {
    const sec = Math.floor(t / 1000);
    let prefix: string;
    if (sec !== this.lastSec) {
      this.lastSec = sec;
      prefix = this.f.mariadbGeneral(t) + '\t';
    } else prefix = '\t\t';
    return `${prefix}${padLeft(thread, 6)} ${command}\t${arg}`;
  }
  /** a header block resets the "previous line" (the server reopened the file) */
  reset(): void {
    this.lastSec = NaN;
  }
}

/** MySQL 8 general log: ISO µs stamp on every line, `%5u ` thread id (docs/mysql-logs.md §3). */
export function mysql8GeneralLine(
  f: TimeFormats,
  t: number,
  micros: number,
  thread: number,
  command: string,
  arg: string,
): string {
  return `${f.mysqlIso(t, micros)}\t${padLeft(thread, 5)} ${command}\t${arg}`;
}

export function mariadbGeneralHeader(port: number): string[] {
  return [
    `/usr/sbin/mariadbd, Version: ${MARIADB_VERSION} (Debian 12). started with:`,
    `Tcp port: ${port}  Unix socket: /run/mysqld/mysqld.sock`,
    'Time\t\t    Id Command\tArgument',
  ];
}

export function mysql8GeneralHeader(port: number): string[] {
  return [
    `/usr/sbin/mysqld, Version: ${MYSQL8_VERSION} (MySQL Community Server - GPL). started with:`,
    `Tcp port: ${port}  Unix socket: /var/run/mysqld/mysqld.sock`,
    'Time                 Id Command    Argument',
  ];
}

/** SQL the apps run (plausible shop workload). Some statements span lines (§3 multi-line). */
export function sampleSql(rng: () => number): string {
  const n = 1 + Math.floor(rng() * 99999);
  const x = rng();
  if (x < 0.3) return `select * from orders where id = ${n} limit 1`;
  if (x < 0.5) return `select id, name, price from products where category_id = ${n % 300} order by price limit 50`;
  if (x < 0.62) return `update carts set updated_at = now() where id = ${n}`;
  if (x < 0.72) return `select count(*) as aggregate from order_items where order_id = ${n}`;
  if (x < 0.8) return `insert into audit_log (user_id, action) values (${n % 5000}, 'view')`;
  if (x < 0.88) return `SELECT SUM(total) FROM orders WHERE created_at >= '2026-11-01' AND customer_id = ${n % 20000}`;
  if (x < 0.96) return 'commit';
  return `select o.id,\n       o.total\n  from orders o\n where o.customer_id = ${n % 20000}`;
}
