/**
 * Why MySQL/MariaDB aborted a connection, as `mysql.aborted.reason_code` says it (docs/mysql-logs.md §2.4): the
 * server's reason text → its code (English here, the translations in localized.ts; the codes: reason-codes.ts).
 */
import { localizedReason } from './localized.js';
import type { ReasonCode } from './reason-codes.js';

/**
 * Server reason text → reason_code. Texts are errmsg entries 1153-1161 (docs/mysql-logs.md §2.4) plus
 * `KILLED` and the reasons of MariaDB's close_connection() (sql/mysqld.cc): the errmsg text of the
 * error it refuses the connection with (ER_CON_COUNT_ERROR `Too many connections`, ER_OUT_OF_RESOURCES
 * `Out of memory; …`), else `This connection closed normally[ without authentication]` (the second one
 * at log_warnings ≥ 2, docs/lab-findings.md §3, log_warnings matrix; the first, an authenticated client's clean
 * close, only at log_warnings ≥ 4). Prefix tests so that texts cut by `%-.64s` still classify.
 */
export function reasonCode(reason: string): ReasonCode {
  if (reason === 'KILLED') return 'killed';
  if (reason.startsWith('Got ')) {
    if (reason.startsWith('Got timeout reading')) return 'timeout_reading';
    if (reason.startsWith('Got an error reading')) return 'error_reading';
    if (reason.startsWith('Got an error writing')) return 'error_writing';
    if (reason.startsWith('Got timeout writing')) return 'timeout_writing';
    if (reason.startsWith('Got a packet bigger')) return 'packet_too_large';
  }
  if (reason.startsWith('This connection closed normally')) {
    return reason.startsWith(' without auth', 31) ? 'closed_unauthenticated' : 'closed_normally';
  }
  if (reason === 'Too many connections') return 'too_many_connections';
  // the binlog dump thread's own reasons: MySQL's Binlog_sender could not write to its reader (a replica, canal,
  // Debezium): `set_unknown_error("Failed on my_net_write()")`, `"failed on flush_net()"` (alibaba/canal#3730)
  if (/^[Ff]ailed on (?:my_net_write|flush_net)\(\)/.test(reason)) return 'error_writing';
  if (reason.startsWith('Out of memory')) return 'out_of_memory';
  return localizedReason(reason);
}
