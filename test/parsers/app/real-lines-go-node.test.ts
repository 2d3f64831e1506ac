/**
 * Go and Node.js lines from public issues (each sample's page in \`src\`; docs/client-errors.md "Real lines
 * checked"): go-sql-driver's logger bare and in the journal, database/sql, mysqljs/mysql, mysql2 (knex, pino,
 * pino-pretty with colours), mozlog and MariaDB Connector/Node.js.
 */
import { test } from 'node:test';
import { checkSample, type RealSample } from './real-lines.js';

const SAMPLES: RealSample[] = [
  {
    src: 'https://github.com/go-sql-driver/mysql/issues/583',
    text: [
      '[mysql] 2017/05/02 16:48:51 packets.go:66: unexpected EOF',
      '[mysql] 2017/05/02 16:48:52 packets.go:412: busy buffer',
      'driver: bad connection',
      '[mysql] 2017/05/02 16:48:52 connection.go:319: invalid connection',
    ].join('\n'),
    errors: [
      { t: '2017-05-02T16:48:51.000Z', code: 'unexpected_eof', driver: 'go-sql-driver' },
      { code: 'bad_connection', driver: 'database/sql' },
      { t: '2017-05-02T16:48:52.000Z', code: 'invalid_connection' },
    ],
  },
  {
    src: 'https://github.com/bytestostring/nkn.ovh/issues/25',
    text: [
      'Apr 25 19:45:05 vmi861719 nknovh[4425]: [mysql] 2022/04/25 19:45:05 packets.go:73: unexpected EOF',
      'Apr 25 19:45:05 vmi861719 nknovh[4425]: [mysql] 2022/04/25 19:45:05 packets.go:428: busy buffer',
      'Apr 25 19:53:08 vmi861719 nknovh[4425]: [mysql] 2022/04/25 19:53:08 packets.go:73: unexpected EOF',
    ].join('\n'),
    errors: [
      { t: '2022-04-25T19:45:05.000Z', code: 'unexpected_eof', pid: 4425, host: 'vmi861719' },
      { t: '2022-04-25T19:53:08.000Z', code: 'unexpected_eof' },
    ],
  },
  {
    src: 'https://github.com/bxcodec/go-clean-arch/pull/102',
    text: [
      '[mysql] 2022/02/04 19:18:05 packets.go:37: unexpected EOF',
      '[mysql] 2022/02/04 19:18:05 packets.go:37: unexpected EOF',
      'panic: driver: bad connection',
    ].join('\n'),
    errors: [{ code: 'unexpected_eof' }, { code: 'unexpected_eof' }, { code: 'bad_connection' }],
  },
  {
    src: 'https://github.com/gogs/gogs/issues/2812',
    text: ['[mysql] 2016/03/11 14:33:10 packets.go:33: unexpected EOF'].join('\n'),
    errors: [{ t: '2016-03-11T14:33:10.000Z', code: 'unexpected_eof' }],
  },
  {
    src: 'https://github.com/go-sql-driver/mysql/issues/1186',
    text: [
      '[mysql] 2021/01/16 20:08:27 packets.go:122: closing bad idle connection: connection reset by peer',
      '[mysql] 2021/01/16 20:13:27 packets.go:122: closing bad idle connection: connection reset by peer',
    ].join('\n'),
    errors: [
      { code: 'bad_idle_connection', cls: 'reset' },
      { code: 'bad_idle_connection', cls: 'reset' },
    ],
  },
  // mozlog's layout is Monolog's; node_modules/mysql names the driver
  {
    src: 'https://github.com/mozilla/fxa-profile-server/issues/56',
    text: [
      '[2014-09-10 16:49:57.067] fxa.db.VERBOSE: proxied getSelectedAvatar ["263f03d340f447d2b0c7ded317b28f37"]',
      '[2014-09-10 16:49:57.068] fxa.db.ERROR: getSelectedAvatar: Error: Cannot enqueue Query after fatal error.',
      '    at Protocol._validateEnqueue (/data/fxa-profile-server/node_modules/mysql/lib/protocol/Protocol.js:192:16)',
      '    at Protocol._enqueue (/data/fxa-profile-server/node_modules/mysql/lib/protocol/Protocol.js:129:13)',
      '    at Connection.query (/data/fxa-profile-server/node_modules/mysql/lib/Connection.js:184:25)',
    ].join('\n'),
    errors: [
      { t: '2014-09-10T16:49:57.068Z', code: 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR', driver: 'mysqljs', lang: 'node' },
    ],
  },
  {
    src: 'https://github.com/mysqljs/mysql/issues/2519',
    text: [
      '2021-09-17T14:38:47.223Z [netcmdb-api] error undefined - Error: Connection lost: The server closed the connection.',
      '    at Protocol.end (node_modules/mysql/lib/protocol/Protocol.js:112:13)',
      '    at Socket.<anonymous> (node_modules/mysql/lib/Connection.js:94:28)',
      '    at Socket.<anonymous> (node_modules/mysql/lib/Connection.js:526:10)',
      '    at Socket.emit (events.js:412:35)',
      '    at endReadableNT (internal/streams/readable.js:1317:12)',
      '    at processTicksAndRejections (internal/process/task_queues.js:82:21)',
      '    --------------------',
      '    at Protocol._enqueue (node_modules/mysql/lib/protocol/Protocol.js:144:48)',
    ].join('\n'),
    errors: [{ t: '2021-09-17T14:38:47.223Z', code: 'PROTOCOL_CONNECTION_LOST', driver: 'mysqljs' }],
  },
  {
    src: 'https://github.com/mysqljs/mysql/issues/632',
    text: [
      ' at process._tickCallback (node.js:415:13)Error: Connection lost: The server closed the connection.',
      '    at Protocol.end (/var/www/ucloudWeb/node_modules/mysql/lib/protocol/Protocol.js:72:13)',
      '    at Socket.onend (_stream_readable.js:467:10)',
      '    at Socket.g (events.js:175:14)',
      '    at Socket.EventEmitter.emit (events.js:117:20)',
      '    at _stream_readable.js:895:16',
    ].join('\n'),
    errors: [{ code: 'PROTOCOL_CONNECTION_LOST', driver: 'mysqljs' }],
  },
  {
    src: 'https://github.com/nodejs/help/issues/443',
    text: [
      '{"line_number":975,"file_name":"_stream_readable.js"},{"line_number":80,"file_name":"internal/process/next_tick.js"},{"line_number":128,"file_name":"internal/process/next_tick.js"}],"code":"PROTOCOL_CONNECTION_LOST","fatal":true,"message":"Connection lost: The server closed the connection.","stack":"Error: Connection lost: The server closed the connection.\\n    at Protocol.end (/home/gambar/domains/api-qa.gambar.com.ar/public_html/node_modules/mysql/lib/protocol/Protocol.js:113:13)\\n    at Socket.<anonymous> (/home/gambar/domains/api-qa.gambar.com.ar/public_html/node_modules/mysql/lib/Connection.js:109:28)\\n    at emitNone (events.js:91:20)\\n    at Socket.emit (events.js:188:7)\\n"',
    ].join('\n'),
    errors: [{ code: 'PROTOCOL_CONNECTION_LOST', lang: 'node' }],
  },
  {
    src: 'https://github.com/nodejs/node/issues/10835',
    text: [
      "[Error: Connection lost: The server closed the connection.] fatal: true, code: 'PROTOCOL_CONNECTION_LOST']",
    ].join('\n'),
    errors: [
      { code: 'PROTOCOL_CONNECTION_LOST', lang: 'node', msg: 'Connection lost: The server closed the connection.' },
    ],
  },
  {
    src: 'https://github.com/knex/knex/issues/5520',
    text: [
      "error async Error: select * from `prolife_user` where `email` = 'my@gmail.com' and `password` = '1223' - ",
      "Can't add new command when connection is in closed state",
      '0|app  |     at Connection._addCommandClosedState (/root/prolife-server/node_modules/mysql2/lib/connection.js:148:17)',
      '0|app  |     at Connection.query (/root/prolife-server/node_modules/mysql2/lib/connection.js:546:17)',
    ].join('\n'),
    errors: [{ code: 'closed_state', driver: 'mysql2' }],
  },
  // the issue shows the colour escapes as `ESC[`; they are written back as the ESC byte here
  {
    src: 'https://github.com/kubevious/kubevious/issues/25',
    text: [
      '[2020-06-12 21:30:21.465 +0000] \u001b[31mERROR\u001b[39m (MySqlDriver/1 on kubevious-6f59b8958f-4cz2p): \u001b[36m[executeStatement] ERROR IN RULE_Q\u001b[36m    at Connection._addCommandClosedState (/app/node_modules/mysql2/lib/connection.js:137:17)\u001b[39m',
      '\u001b[36m    at PreparedStatementInfo.execute (/app/node_modules/mysql2/lib/commands/prepare.js:27:29)\u001b[39m',
    ].join('\n'),
    errors: [{ t: '2020-06-12T21:30:21.465Z', code: 'closed_state', driver: 'mysql2', level: 'error' }],
  },
  {
    src: 'https://github.com/cweijan/vscode-database-client/issues/699',
    text: [
      '2022-10-25 14:24:43 Execute sql fail : SELECT column_name "column_name",index_name "index_name",index_type "index_type",non_unique=0 "isUnique" FROM INFORMATION_SCHEMA.STATISTICS WHERE table_schema=\'xpto\' and table_name=\'example_table\';',
      "2022-10-25 14:24:43 Can't add new command when connection is in closed state",
      "2022-10-25 14:24:43 Execute sql fail : SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'xpto'  AND EVENT_OBJECT_TABLE='example_table' ORDER BY TRIGGER_NAME;",
      "2022-10-25 14:24:43 Can't add new command when connection is in closed state",
    ].join('\n'),
    errors: [{ code: 'closed_state' }, { code: 'closed_state' }],
  },
  {
    src: 'https://github.com/sidorares/node-mysql2/issues/939',
    text: [
      '{"type":"Error","message":"Can\'t add new command when connection is in closed state","stack":"Error: Can\'t add new command when connection is in closed state\\n    at PoolConnection._addCommandClosedState (/../mysql2/lib/connection.js:137:17)\\n    at PoolConnection.query (../mysql2/lib/connection.js:50"}',
    ].join('\n'),
    errors: [{ code: 'closed_state', driver: 'mysql2' }],
  },
  {
    src: 'https://github.com/mariadb-corporation/mariadb-connector-nodejs/issues/297',
    text: [
      'Application has thrown an uncaught exception and is terminated:',
      'Error: read ECONNRESET',
      '    at TCP.onStreamRead (node:internal/stream_base_commons:218:20)',
      'Application has thrown an uncaught exception and is terminated:',
      "SqlError: (conn:908, no: 1153, SQLState: 08S01) Got a packet bigger than 'max_allowed_packet' bytes",
      "sql: INSERT INTO country_ips (startAddress, endAddress, country) VALUES (INET6_ATON(?), INET6_ATON(?), ?) - parameters:[['2001:200::','2001:200:ffff:ffff:ffff:ffff:ffff:ffff','JP'],['2001:208::','2001:208:ffff:ffff:ffff:ffff:ffff:ffff','SG'],['2001:218::','2001...",
    ].join('\n'),
    errors: [{ code: '1153', cls: 'packet_too_large', driver: 'mariadb-connector-nodejs', lang: 'node', thread: 908 }],
  },
  {
    src: 'https://github.com/mariadb-corporation/mariadb-connector-nodejs/issues/256',
    text: [
      'ER_SOCKET_UNEXPECTED_CLOSE: SqlError: (conn=53, no: 45009, SQLState: 08S01) socket has unexpectedly been closed',
    ].join('\n'),
    errors: [{ code: 'ER_SOCKET_UNEXPECTED_CLOSE', cls: 'lost', driver: 'mariadb-connector-nodejs', thread: 53 }],
  },
  // (conn:-1, …): no thread id yet, the connect failed
  {
    src: 'https://github.com/dbcodeio/public/issues/332',
    text: [
      'Error connecting to Databases, error: (conn:-1, no: 45009, SQLState: 08S01) socket has unexpectedly been closed',
    ].join('\n'),
    errors: [],
  },
];

test('real Go and Node.js lines: driver logger lines and Node errors found with their driver; a connector that never got a thread id is a failed connect', () => {
  for (const s of SAMPLES) checkSample(s);
});
