import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectLost, mayBeLost, signatureTable, LOST_ERRNO } from '../../../parsers/app/index.js';

test('every signature of the table passes the prefilter and maps to its own code/class', () => {
  const rows = signatureTable();
  assert.ok(rows.length > 40);
  for (const r of rows) {
    // a needle that counts only on a certain line shape comes with an example of that line
    const text = r.example ?? `mysql query failed: ${r.needle}`;
    assert.ok(mayBeLost(text), `prefilter misses ${r.needle}`);
    const d = detectLost(text);
    assert.ok(d, `no detection for ${r.needle}`);
    assert.equal(d!.code, r.code, r.needle);
    assert.equal(d!.cls, r.cls, r.needle);
  }
});

// docs/client-errors.md §0–§7 and docs/lab-findings.md verbatim shapes → [code, class]
const POSITIVE: Array<[string, string, string]> = [
  ['SQLSTATE[HY000]: General error: 2006 MySQL server has gone away', '2006', 'gone_away'],
  ['SQLSTATE[HY000]: General error: 2013 Lost connection to MySQL server during query', '2013', 'lost'],
  [
    "SQLSTATE[08S01]: Communication link failure: 1153 Got a packet bigger than 'max_allowed_packet' bytes",
    '1153',
    'packet_too_large',
  ],
  ['SQLSTATE[08S01]: Communication link failure', '08S01', 'other_lost'],
  [
    "pymysql.err.OperationalError: (2013, 'Lost connection to MySQL server during query ([Errno 104] Connection reset by peer)')",
    '2013',
    'reset',
  ],
  [
    'pymysql.err.OperationalError: (2006, "MySQL server has gone away (BrokenPipeError(32, \'Broken pipe\'))")',
    '2006',
    'broken_pipe',
  ],
  ["MySQLdb.OperationalError: (2013, 'Lost connection to server during query')", '2013', 'lost'],
  [
    "mysql.connector.errors.OperationalError: 2055: Lost connection to MySQL server at 'db:3306', system error: 32 Broken pipe",
    '2055',
    'broken_pipe',
  ],
  ['mysql.connector.errors.InterfaceError: 2013: Lost connection to MySQL server during query', '2013', 'lost'],
  [
    'mysql.connector.errors.OperationalError: MySQL Connection not available.',
    'connection_not_available',
    'other_lost',
  ],
  [
    'Error 4031 (HY000): The client was disconnected by the server because of inactivity. See wait_timeout and interactive_timeout for configuring this behavior.',
    '4031',
    'interaction_timeout',
  ],
  ['ERROR 2013 (HY000) at line 1: Lost connection to MySQL server during query', '2013', 'lost'],
  ['Error: Connection lost: The server closed the connection.', 'PROTOCOL_CONNECTION_LOST', 'lost'],
  ['Error: Cannot enqueue Query after fatal error.', 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR', 'other_lost'],
  [
    '{"code":"ER_CONNECTION_KILLED","errno":1927,"sqlState":"70100","message":"Connection was killed"}',
    '1927',
    'killed',
  ],
  ['{"code":"ER_SERVER_SHUTDOWN","errno":1053,"message":"Server shutdown in progress"}', '1053', 'shutdown'],
  [
    'com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure',
    'CommunicationsException',
    'lost',
  ],
  [
    'java.sql.SQLNonTransientConnectionException: No operations allowed after connection closed.',
    'connection_closed',
    'other_lost',
  ],
  [
    'PHP Warning:  Packets out of order. Expected 1 received 0. Packet size=145 in /app/src/Foo.php on line 42',
    'packets_out_of_order',
    'other_lost',
  ],
  [
    'PHP Warning:  PDOStatement::execute(): Error while sending QUERY packet. PID=1234 in /a.php on line 1',
    'send_failed',
    'broken_pipe',
  ],
  ['Mysql2::Error::ConnectionError: Lost connection to server during query', '2013', 'lost'],
  ['ActiveRecord::ConnectionFailed: Mysql2::Error::ConnectionError: Server has gone away', '2006', 'gone_away'],
  ['[mysql] 2024/06/04 19:12:35 packets.go:58 unexpected EOF', 'unexpected_eof', 'lost'],
  [
    '[mysql] 2019/01/10 12:00:00 packets.go:122: closing bad idle connection: unexpected read from socket',
    'bad_idle_connection',
    'other_lost',
  ],
  ['sql: query failed: driver: bad connection', 'bad_connection', 'other_lost'],
  ['Doctrine\\DBAL\\Exception\\ConnectionLost: An exception occurred in the driver', 'ConnectionLost', 'lost'],
];

test('verbatim driver shapes → error.code and class', () => {
  for (const [text, code, cls] of POSITIVE) {
    const d = detectLost(text);
    assert.ok(d, `not detected: ${text}`);
    assert.equal(d!.code, code, text);
    assert.equal(d!.cls, cls, text);
    if (/^\d{4}$/.test(code)) assert.equal(d!.errno, Number(code));
  }
});

// Not a dead established connection: connect failures, SQL errors, client-side size checks, unrelated sockets
const NEGATIVE = [
  'SQLSTATE[HY000] [2002] Connection refused',
  // pdo_mysql brackets the number only while the handle is being built (pdo_throw_exception): a failed connect,
  // whatever the errno (docs/client-errors.md §1)
  'SQLSTATE[08S01] [1159] Got timeout reading communication packets',
  "SQLSTATE[HY000] [1045] Access denied for user 'app'@'10.0.0.1' (using password: YES)",
  "SQLSTATE[23000]: Integrity constraint violation: 1062 Duplicate entry 'MySQL server has gone away' for key 'msg'",
  'SQLSTATE[40001]: Serialization failure: 1213 Deadlock found when trying to get lock; try restarting transaction',
  "SQLSTATE[42000]: Syntax error or access violation: 1064 You have an error in your SQL syntax near 'form'",
  "pymysql.err.OperationalError: (2003, \"Can't connect to MySQL server on 'db' ([Errno 111] Connection refused)\")",
  "pymysql.err.OperationalError: (1205, 'Lock wait timeout exceeded; try restarting transaction')",
  "Lost connection to MySQL server at 'reading initial communication packet', system error: 0",
  'com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure\n\nThe last packet sent successfully to the server was 0 milliseconds ago. The driver has not received any packets from the server.\nCaused by: java.net.ConnectException: Connection refused',
  "Mysql2::Error::ConnectionError: Can't connect to MySQL server on 'db' (111 \"Connection refused\")",
  'com.mysql.cj.jdbc.exceptions.PacketTooBigException: Packet for query is too large (4,194,304 > 1,048,576).',
  'packet for query is too large. Try adjusting the `Config.MaxAllowedPacket`',
  'Error: connect ECONNREFUSED 10.0.0.5:3306',
  'Error: Handshake inactivity timeout',
  'GET https://api.example.com/v1 failed: read ECONNRESET',
  'redis: connection pool: read tcp 10.0.0.1:5000->10.0.0.9:6379: read: connection reset by peer',
  'pq: unexpected EOF while talking to postgres database',
  '2026-11-23 20:21:26,198 INFO [w1] reports.db: report done in 12 ms',
  'Error 1317 (70100): Query execution was interrupted',
];

test('connect failures, ordinary SQL errors and unrelated socket errors are not lost connections', () => {
  for (const text of NEGATIVE) assert.equal(detectLost(text), null, text);
});

test('the errno table holds the issue list (2006, 2013, 2055, 4031, 1153, 1927, 1053) and nothing connect-time', () => {
  for (const n of [2006, 2013, 2055, 4031, 1153, 1927, 1053]) assert.ok(LOST_ERRNO.has(n), String(n));
  for (const n of [2002, 2003, 1045, 1040, 1062, 1064, 1205, 1213, 2014, 1317])
    assert.ok(!LOST_ERRNO.has(n), String(n));
});
