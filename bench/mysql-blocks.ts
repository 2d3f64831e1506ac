/**
 * Multi-line server lifecycle blocks: MariaDB shutdown / startup (with the `Version:` continuation
 * line, docs/mysql-logs.md §2.2-2.3, docs/lab-findings.md §3, scenario 06/06b), a MariaDB crash report (lines without
 * timestamps), MySQL 8 shutdown/startup ([System] lines, §2.3).
 * Each function returns [epoch ms, text] pairs so callers can interleave them by time.
 */
import type { Rng } from './prng.js';
import type { TimeFormats } from './timefmt.js';
import { MARIADB_VERSION, MYSQL8_VERSION, mariadbErrorLine, mysql8ErrorLine } from './mysql-lines.js';

export type Timed = [number, string];

export function mariadbShutdownLines(f: TimeFormats, t: number, initiatedBy = 'unknown'): Timed[] {
  const L = (dt: number, msg: string): Timed => [t + dt, mariadbErrorLine(f, t + dt, 0, 'Note', msg)];
  return [
    L(0, `/usr/sbin/mariadbd (initiated by: ${initiatedBy}): Normal shutdown`),
    L(2, 'InnoDB: FTS optimize thread exiting.'),
    L(150, 'InnoDB: Starting shutdown...'),
    L(151, 'InnoDB: Dumping buffer pool(s) to /var/lib/mysql/ib_buffer_pool'),
    L(160, `InnoDB: Buffer pool(s) dump completed at ${f.mariadbGeneral(t + 160)}`),
    L(420, 'InnoDB: Removed temporary tablespace data file: "./ibtmp1"'),
    L(421, 'InnoDB: Shutdown completed; log sequence number 46590; transaction id 0'),
    L(430, '/usr/sbin/mariadbd: Shutdown complete'),
    [t + 430, ''], // MariaDB leaves an empty line after "Shutdown complete" (§2.2)
  ];
}

export function mariadbStartLines(f: TimeFormats, t: number, port: number, rng: Rng, crashRecovery: boolean): Timed[] {
  const L = (dt: number, msg: string): Timed => [t + dt, mariadbErrorLine(f, t + dt, 0, 'Note', msg)];
  const lsn = rng.int(800_000, 9_000_000);
  const out: Timed[] = [
    L(
      0,
      `Starting MariaDB ${MARIADB_VERSION} source revision 5ee0a5c3fce5a0b7c2e8f7d3e5c9a2b1d4e6f708 server_uid 9Pf3kqv2Xc8nQm0LrT+1sHzYwAo= as process ${rng.int(1000, 60000)}`,
    ),
    L(5, 'InnoDB: Compressed tables use zlib 1.2.13'),
    L(6, 'InnoDB: Number of transaction pools: 1'),
    L(7, 'InnoDB: Using crc32 + pclmulqdq instructions'),
    L(9, 'InnoDB: Using Linux native AIO'),
    L(10, 'InnoDB: Initializing buffer pool, total size = 128.000MiB, chunk size = 2.000MiB'),
    L(14, 'InnoDB: Completed initialization of buffer pool'),
  ];
  if (crashRecovery) {
    out.push(
      L(20, `InnoDB: Starting crash recovery from checkpoint LSN=${lsn}`),
      L(60, `InnoDB: To recover: ${rng.int(3, 400)} pages`),
    );
  }
  out.push(
    L(90, 'InnoDB: 128 rollback segments are active.'),
    L(95, `InnoDB: log sequence number ${lsn + rng.int(0, 9999)}; transaction id ${rng.int(10, 999)}`),
    L(96, "Plugin 'FEEDBACK' is disabled."),
    L(120, "Server socket created on IP: '0.0.0.0'."),
    L(180, '/usr/sbin/mariadbd: ready for connections.'),
    [t + 180, `Version: '${MARIADB_VERSION}'  socket: '/run/mysqld/mysqld.sock'  port: ${port}  Debian 12`],
  );
  return out;
}

/** MariaDB's signal handler output (MariaDB `sql/signal_handler.cc` shape, docs/mysql-logs.md §2.2: verify) */
export function mariadbCrashReport(f: TimeFormats, t: number, rng: Rng): string[] {
  const yymmdd = f.mariadbGeneral(t);
  return [
    `${yymmdd} [ERROR] mysqld got signal 11 ;`,
    'Sorry, we probably made a mistake, and this is a bug.',
    '',
    'Your assistance in bug reporting will enable us to fix this for the next release.',
    'To report this bug, see https://mariadb.com/kb/en/reporting-bugs',
    '',
    `Server version: ${MARIADB_VERSION} source revision: 5ee0a5c3fce5a0b7c2e8f7d3e5c9a2b1d4e6f708`,
    'key_buffer_size=134217728',
    `max_used_connections=${rng.int(20, 400)}`,
    'Thread pointer: 0x7f2c8c000c58',
    'stack_bottom = 0x7f2cb00a5c38 thread_stack 0x49000',
    '/usr/sbin/mariadbd(my_print_stacktrace+0x2e)[0x55d1c9e8b2fe]',
    '/usr/sbin/mariadbd(handle_fatal_signal+0x475)[0x55d1c9a1c4b5]',
  ];
}

/** shutdown + empty line + start, as one generic-generator record */
export function mariadbRestartBlock(f: TimeFormats, t: number, port: number, rng: Rng, crash: boolean): string[] {
  const start = mariadbStartLines(f, t + 1000, port, rng, crash).map((x) => x[1]);
  return crash ? start : [...mariadbShutdownLines(f, t).map((x) => x[1]), ...start];
}

export function mysql8RestartBlock(f: TimeFormats, t: number, rng: Rng): string[] {
  const S = (dt: number, th: number, label: 'System' | 'Note' | 'Warning', code: string, sub: string, msg: string) =>
    mysql8ErrorLine(f, t + dt, rng.int(0, 999), th, label, code, sub, msg);
  const pid = rng.int(1000, 60000);
  return [
    S(
      0,
      6,
      'System',
      'MY-013172',
      'Server',
      `Received SHUTDOWN from user boot. Shutting down mysqld (Version: ${MYSQL8_VERSION}).`,
    ),
    S(
      1200,
      0,
      'System',
      'MY-010910',
      'Server',
      `/usr/sbin/mysqld: Shutdown complete (mysqld ${MYSQL8_VERSION})  MySQL Community Server - GPL.`,
    ),
    S(
      2000,
      0,
      'System',
      'MY-010116',
      'Server',
      `/usr/sbin/mysqld (mysqld ${MYSQL8_VERSION}) starting as process ${pid}`,
    ),
    S(2010, 1, 'System', 'MY-013576', 'InnoDB', 'InnoDB initialization has started.'),
    S(2400, 1, 'System', 'MY-013577', 'InnoDB', 'InnoDB initialization has ended.'),
    S(2800, 0, 'Warning', 'MY-010068', 'Server', 'CA certificate ca.pem is self signed.'),
    S(
      2801,
      0,
      'System',
      'MY-013602',
      'Server',
      'Channel mysql_main configured to support TLS. Encrypted connections are now supported for this channel.',
    ),
    S(
      2900,
      0,
      'System',
      'MY-011323',
      'Server',
      "X Plugin ready for connections. Bind-address: '::' port: 33060, socket: /var/run/mysqld/mysqlx.sock",
    ),
    S(
      2901,
      0,
      'System',
      'MY-010931',
      'Server',
      `/usr/sbin/mysqld: ready for connections. Version: '${MYSQL8_VERSION}'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.`,
    ),
  ];
}
