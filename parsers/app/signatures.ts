/**
 * The signatures of "the MySQL connection died under the app" (docs/client-errors.md §0–§7): the errnos that mean
 * a connection is gone, and the texts of the drivers, strong (specific to MySQL) and weak (generic socket texts
 * accepted only with MySQL context). detect.ts maps a record's text to one of them; what is deliberately not a
 * lost connection is listed there.
 */
import type { LostClass } from './model.js';

export interface ErrnoInfo {
  symbol: string;
  cls: LostClass;
  sqlstate: string;
}

/** MySQL/MariaDB errnos that mean "this connection is gone" (docs/client-errors.md §0; Rails/SQLAlchemy lists). */
export const LOST_ERRNO: ReadonlyMap<number, ErrnoInfo> = new Map<number, ErrnoInfo>([
  [2006, { symbol: 'CR_SERVER_GONE_ERROR', cls: 'gone_away', sqlstate: 'HY000' }],
  [2013, { symbol: 'CR_SERVER_LOST', cls: 'lost', sqlstate: 'HY000' }],
  [2055, { symbol: 'CR_SERVER_LOST_EXTENDED', cls: 'lost', sqlstate: 'HY000' }],
  [2020, { symbol: 'CR_NET_PACKET_TOO_LARGE', cls: 'packet_too_large', sqlstate: 'HY000' }],
  [4031, { symbol: 'ER_CLIENT_INTERACTION_TIMEOUT', cls: 'interaction_timeout', sqlstate: 'HY000' }],
  [1153, { symbol: 'ER_NET_PACKET_TOO_LARGE', cls: 'packet_too_large', sqlstate: '08S01' }],
  [1927, { symbol: 'ER_CONNECTION_KILLED', cls: 'killed', sqlstate: '70100' }],
  [1053, { symbol: 'ER_SERVER_SHUTDOWN', cls: 'shutdown', sqlstate: '08S01' }],
  [1080, { symbol: 'ER_FORCING_CLOSE', cls: 'shutdown', sqlstate: '08S01' }],
  [1152, { symbol: 'ER_ABORTING_CONNECTION', cls: 'other_lost', sqlstate: '08S01' }],
  [1154, { symbol: 'ER_NET_READ_ERROR_FROM_PIPE', cls: 'other_lost', sqlstate: '08S01' }],
  [1155, { symbol: 'ER_NET_FCNTL_ERROR', cls: 'other_lost', sqlstate: '08S01' }],
  [1156, { symbol: 'ER_NET_PACKETS_OUT_OF_ORDER', cls: 'other_lost', sqlstate: '08S01' }],
  [1157, { symbol: 'ER_NET_UNCOMPRESS_ERROR', cls: 'other_lost', sqlstate: '08S01' }],
  [1158, { symbol: 'ER_NET_READ_ERROR', cls: 'other_lost', sqlstate: '08S01' }],
  [1159, { symbol: 'ER_NET_READ_INTERRUPTED', cls: 'other_lost', sqlstate: '08S01' }],
  [1160, { symbol: 'ER_NET_ERROR_ON_WRITE', cls: 'other_lost', sqlstate: '08S01' }],
  [1161, { symbol: 'ER_NET_WRITE_INTERRUPTED', cls: 'other_lost', sqlstate: '08S01' }],
  [1184, { symbol: 'ER_NEW_ABORTING_CONNECTION', cls: 'other_lost', sqlstate: '08S01' }],
]);

export interface Sig {
  needle: string;
  /** MySQL errno the text stands for (code = String(errno)); else `code` */
  errno?: number;
  code?: string;
  cls?: LostClass;
  sqlstate?: string;
  symbol?: string;
  /** also raised by connect failures: rejected when CONNECT_FAIL matches the record */
  connectAmbiguous?: boolean;
  /** the record must also match this (the needle alone is too common); `example` is a record that does */
  line?: RegExp;
  example?: string;
  /** a weak needle that names a SQL connection itself: no MYSQL_CTX needed (OTHER_DB still vetoes) */
  sqlItself?: boolean;
}

/** Strong signatures, in priority order (most specific first). docs/client-errors.md section in the comment. */
export const STRONG: readonly Sig[] = [
  { needle: 'disconnected by the server because of inactivity', errno: 4031 }, // §0, §5 mysql2
  { needle: 'ER_CLIENT_INTERACTION_TIMEOUT', errno: 4031 },
  { needle: "Got a packet bigger than 'max_allowed_packet'", errno: 1153 }, // lab scenario 05, docs/lab-findings.md
  { needle: 'ER_NET_PACKET_TOO_LARGE', errno: 1153 },
  { needle: "Got packet bigger than 'max_allowed_packet'", errno: 2020 },
  { needle: 'Connection was killed', errno: 1927 },
  { needle: 'ER_CONNECTION_KILLED', errno: 1927 },
  { needle: 'Server shutdown in progress', errno: 1053 },
  { needle: 'ER_SERVER_SHUTDOWN', errno: 1053 },
  { needle: 'Forcing close of thread', errno: 1080 },
  { needle: 'Lost connection to MySQL server at ', errno: 2055 }, // §0 / mysql-connector-python §2
  { needle: 'Lost connection to server at ', errno: 2055 },
  { needle: 'Lost connection to MySQL server', errno: 2013 },
  { needle: 'Lost connection to server during query', errno: 2013 }, // MariaDB Connector/C
  { needle: 'MySQL server has gone away', errno: 2006 },
  { needle: 'Server has gone away', errno: 2006 }, // MariaDB Connector/C
  { needle: 'CR_SERVER_GONE_ERROR', errno: 2006 },
  { needle: 'CR_SERVER_LOST', errno: 2013 },
  { needle: 'Got an error reading communication packets', errno: 1158 },
  { needle: 'Got timeout reading communication packets', errno: 1159 },
  { needle: 'Got an error writing communication packets', errno: 1160 },
  { needle: 'Got timeout writing communication packets', errno: 1161 },
  { needle: 'Got a read error from the connection pipe', errno: 1154 },
  { needle: 'Got packets out of order', errno: 1156 },
  { needle: "Couldn't uncompress communication packet", errno: 1157 },
  // Node mysqljs / mysql2 (§5)
  { needle: 'PROTOCOL_CONNECTION_LOST', code: 'PROTOCOL_CONNECTION_LOST', cls: 'lost' },
  { needle: 'Connection lost: The server closed the connection', code: 'PROTOCOL_CONNECTION_LOST', cls: 'lost' },
  { needle: 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR', code: 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR', cls: 'other_lost' },
  { needle: 'after fatal error', code: 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR', cls: 'other_lost' },
  // the app's own query timeout destroyed the connection (fatal); kept so the correlator can say "app_closed"
  { needle: 'PROTOCOL_SEQUENCE_TIMEOUT', code: 'PROTOCOL_SEQUENCE_TIMEOUT', cls: 'other_lost' },
  { needle: "Can't add new command when connection is in closed state", code: 'closed_state', cls: 'other_lost' },
  { needle: "Can't write in closed state", code: 'closed_state', cls: 'other_lost' },
  // Java Connector/J (§3)
  {
    needle: 'Communications link failure',
    code: 'CommunicationsException',
    cls: 'lost',
    sqlstate: '08S01',
    connectAmbiguous: true,
  },
  {
    needle: 'CommunicationsException',
    code: 'CommunicationsException',
    cls: 'lost',
    sqlstate: '08S01',
    connectAmbiguous: true,
  },
  {
    needle: 'No operations allowed after connection closed',
    code: 'connection_closed',
    cls: 'other_lost',
    sqlstate: '08003',
  },
  // PHP mysqlnd warnings (§1): no errno of their own
  { needle: 'Error while sending ', code: 'send_failed', cls: 'broken_pipe' },
  { needle: 'Packets out of order', code: 'packets_out_of_order', cls: 'other_lost' },
  { needle: 'Premature end of data', code: 'premature_eof', cls: 'lost' },
  { needle: 'Lost connection and no reconnector available', code: 'LostConnectionException', cls: 'other_lost' }, // Laravel
  { needle: 'ConnectionLost', code: 'ConnectionLost', cls: 'lost' }, // Doctrine\DBAL\Exception\ConnectionLost
  // Python mysql-connector-python (§2)
  { needle: 'MySQL Connection not available', code: 'connection_not_available', cls: 'other_lost' },
  { needle: 'Connection to MySQL is not available', code: 'connection_not_available', cls: 'other_lost' },
  // PyMySQL on a handle it already knows is closed (SQLAlchemy's is_disconnect lists "(0, '')"):
  // the second use of a dead connection (seen in the lab after a 2013)
  { needle: "InterfaceError: (0, '')", code: '0', cls: 'other_lost' },
  { needle: "InterfaceError) (0, '')", code: '0', cls: 'other_lost' },
  // Ruby (§6)
  { needle: 'MySQL client is not connected', code: 'not_connected', cls: 'other_lost' },
  {
    needle: 'Mysql2::Error::ConnectionError',
    code: 'Mysql2::Error::ConnectionError',
    cls: 'other_lost',
    connectAmbiguous: true,
  },
  {
    needle: 'ActiveRecord::ConnectionFailed',
    code: 'ActiveRecord::ConnectionFailed',
    cls: 'other_lost',
    connectAmbiguous: true,
  },
  // Go go-sql-driver (§4): only this driver prints it
  { needle: 'closing bad idle connection', code: 'bad_idle_connection', cls: 'other_lost' },
  // MariaDB Connector/J (§3): EOF on a packet header, `unexpected end of stream, read 0 bytes from 4 (socket was
  // closed by server)`; Connector/Node.js (§5) ER_SOCKET_UNEXPECTED_CLOSE (45009). Before the handshake (`Could not
  // connect to address=…`, `(conn:-1, …)`: no thread id yet) they are connect failures (CONNECT_FAIL).
  {
    needle: 'socket was closed by server',
    code: 'unexpected_end_of_stream',
    cls: 'lost',
    connectAmbiguous: true,
  },
  {
    needle: 'socket has unexpectedly been closed',
    code: 'ER_SOCKET_UNEXPECTED_CLOSE',
    cls: 'lost',
    sqlstate: '08S01',
    connectAmbiguous: true,
  },
  {
    needle: 'ER_SOCKET_UNEXPECTED_CLOSE',
    code: 'ER_SOCKET_UNEXPECTED_CLOSE',
    cls: 'lost',
    sqlstate: '08S01',
    connectAmbiguous: true,
  },
  // mysql2 (§5): the only function that throws "Can't add new command when connection is in closed state"; a
  // logger that drops the message keeps the frame
  { needle: '_addCommandClosedState', code: 'closed_state', cls: 'other_lost' },
];

/**
 * Weak signatures: generic socket / database/sql texts that other clients (HTTP, Redis, Postgres) print
 * too. Accepted only when the record also names MySQL/SQL/db (MYSQL_CTX) and nothing else (OTHER_DB).
 */
export const WEAK: readonly Sig[] = [
  { needle: 'invalid connection', code: 'invalid_connection', cls: 'lost' }, // go ErrInvalidConn
  // database/sql's ErrBadConn: SQL context by itself (a Go app prints it bare, `panic: driver: bad connection`)
  { needle: 'driver: bad connection', code: 'bad_connection', cls: 'other_lost', sqlItself: true },
  { needle: 'unexpected EOF', code: 'unexpected_eof', cls: 'lost' }, // `[mysql] … packets.go:58 unexpected EOF`
  // go-sql-driver before about 2016 (docs/formats/go-sql-driver.md): ErrInvalidConn's old text, and a bare
  // io.EOF reading a packet, which only counts as the whole message of the driver's packets.go line
  { needle: 'Invalid Connection', code: 'invalid_connection', cls: 'lost' },
  {
    needle: ': EOF',
    code: 'eof',
    cls: 'lost',
    line: /^\[mysql\] .*\bpackets\.go:\d+:? EOF$/im,
    example: '[MySQL] 2013/12/05 22:17:19 packets.go:30: EOF',
  },
  // MariaDB Connector/J 3.x (§3): an IOException while sending (`Socket error`, SQLState 08000) and a connection
  // already closed (`Connection is closed`); generic words, so only behind the driver's `(conn=<thread id>) ` prefix
  {
    needle: 'Socket error',
    code: 'socket_error',
    cls: 'other_lost',
    sqlstate: '08000',
    sqlItself: true,
    line: /\(conn=\d+\) Socket error\b/,
    example: 'java.sql.SQLNonTransientConnectionException: (conn=325034) Socket error',
  },
  {
    needle: 'Connection is closed',
    code: 'connection_closed',
    cls: 'other_lost',
    sqlItself: true,
    line: /\(conn=\d+\) Connection is closed\b/,
    example: 'Caused by: java.sql.SQLNonTransientConnectionException: (conn=12581339) Connection is closed',
  },
  { needle: 'use of closed network connection', code: 'closed_network_connection', cls: 'other_lost' },
  { needle: 'i/o timeout', code: 'io_timeout', cls: 'other_lost' },
  { needle: 'ECONNRESET', code: 'ECONNRESET', cls: 'reset' },
  { needle: 'EPIPE', code: 'EPIPE', cls: 'broken_pipe' },
  { needle: 'read ETIMEDOUT', code: 'ETIMEDOUT', cls: 'other_lost' },
  { needle: 'onnection reset', code: 'ECONNRESET', cls: 'reset' },
  { needle: 'roken pipe', code: 'EPIPE', cls: 'broken_pipe' },
];

/** The signature table, for the report / docs (error.code → class). */
export function signatureTable(): Array<{
  needle: string;
  code: string;
  cls: LostClass;
  weak: boolean;
  example?: string;
}> {
  const row = (s: Sig, weak: boolean) => {
    const e = s.errno !== undefined ? LOST_ERRNO.get(s.errno) : undefined;
    const code = s.errno !== undefined ? String(s.errno) : s.code!;
    return { needle: s.needle, code, cls: e ? e.cls : s.cls!, weak, ...(s.example ? { example: s.example } : {}) };
  };
  return [...STRONG.map((s) => row(s, false)), ...WEAK.map((s) => row(s, true))];
}
