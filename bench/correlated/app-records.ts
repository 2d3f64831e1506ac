/**
 * Application error records of the three lab apps (docs/lab-findings.md §1 apps, §3 verbatim lines;
 * docs/client-errors.md §1 PDO/Laravel, §2 PyMySQL, §5 mysql2):
 *  - PHP: Laravel/Monolog line + JSON-ish context with a multi-line [stacktrace]; mysqlnd → 2006.
 *  - Node: one pino JSON line; mysql2 → PROTOCOL_CONNECTION_LOST (no errno) with db.localPort/threadId.
 *  - Python: `logger.exception` record: header line + traceback; PyMySQL → 2013.
 * Plus unrelated records (INFO lines, non-DB errors) so parsers must skip them.
 */
import type { Rng } from '../prng.js';
import type { TimeFormats } from '../timefmt.js';

export type AppName = 'php' | 'node' | 'python';
/** how the failure surfaced to the client */
export type Flavor =
  | 'gone' // connection found dead (PHP 2006, PyMySQL 2013, mysql2 PROTOCOL_CONNECTION_LOST)
  | 'packet' // server's 1153 error packet won the race (docs/lab-findings.md §3, scenario 05)
  | 'packet_pipe'; // the client's write hit the closed socket first (PHP 2006, PyMySQL 2006 BrokenPipe, mysql2 EPIPE)

export interface AppErrorInput {
  t: number;
  sql: string;
  flavor: Flavor;
  /** Node only: the connection died while idle (mysql2 'error' event) rather than during a query */
  idleEvent: boolean;
  localPort: number;
  threadId: number;
  worker: number;
}

const PHP_TRACE = [
  "#0 /var/www/shop/vendor/laravel/framework/src/Illuminate/Database/Connection.php(779): Illuminate\\Database\\Connection->runQueryCallback('%Q', Array, Object(Closure))",
  "#1 /var/www/shop/vendor/laravel/framework/src/Illuminate/Database/Connection.php(398): Illuminate\\Database\\Connection->run('%Q', Array, Object(Closure))",
  "#2 /var/www/shop/app/Jobs/SyncOrder.php(41): Illuminate\\Database\\Connection->select('%Q')",
  '#3 /var/www/shop/vendor/laravel/framework/src/Illuminate/Queue/Worker.php(442): App\\Jobs\\SyncOrder->handle()',
  '#4 {main}',
];

function jsonStr(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

function phpError(f: TimeFormats, e: AppErrorInput): string {
  const pdo =
    e.flavor === 'packet'
      ? "SQLSTATE[08S01]: Communication link failure: 1153 Got a packet bigger than 'max_allowed_packet' bytes"
      : 'SQLSTATE[HY000]: General error: 2006 MySQL server has gone away';
  const state = e.flavor === 'packet' ? '08S01' : 'HY000';
  const sql = e.sql.replace(/\n\s*/g, ' ');
  const msg = `${pdo} (Connection: mysql, SQL: ${sql})`;
  const short = sql.length > 15 ? sql.slice(0, 15) + '...' : sql;
  // the context is JSON: backslashes of class names appear doubled in the file, as in real Laravel logs
  const trace = PHP_TRACE.map((l) => jsonStr(l.replace('%Q', short)));
  return (
    `[${f.laravel(e.t)}] production.ERROR: ${msg} {"exception":"[object] (Illuminate\\\\Database\\\\QueryException(code: ${state}): ` +
    `${jsonStr(msg)} at /var/www/shop/vendor/laravel/framework/src/Illuminate/Database/Connection.php:825)\n` +
    `[stacktrace]\n${trace.join('\n')}\n\n[previous exception] [object] (PDOException(code: ${state}): ${jsonStr(pdo)} at ` +
    `/var/www/shop/vendor/laravel/framework/src/Illuminate/Database/Connection.php:414)\n[stacktrace]\n#0 {main}\n"} `
  );
}

function nodeError(e: AppErrorInput): string {
  let err: Record<string, unknown>;
  if (e.flavor === 'packet') {
    err = {
      type: 'Error',
      code: 'ER_NET_PACKET_TOO_LARGE',
      errno: 1153,
      sqlState: '08S01',
      fatal: true,
      message: "Got a packet bigger than 'max_allowed_packet' bytes",
    };
  } else if (e.flavor === 'packet_pipe') {
    err = { type: 'Error', code: 'EPIPE', errno: -32, syscall: 'write', fatal: true, message: 'write EPIPE' };
  } else {
    err = {
      type: 'Error',
      code: 'PROTOCOL_CONNECTION_LOST',
      fatal: true,
      message: 'Connection lost: The server closed the connection.',
    };
  }
  const rec: Record<string, unknown> = {
    level: 50,
    time: e.t,
    pid: 4200 + e.worker,
    hostname: 'app-node-1',
    msg: e.idleEvent ? 'mysql connection error' : 'query failed',
  };
  if (!e.idleEvent) rec.sql = e.sql;
  rec.err = err;
  rec.db = { host: 'db-lb-01', port: 33306, localPort: e.localPort, threadId: e.threadId };
  return JSON.stringify(rec);
}

const PY_FRAMES = [
  ['/opt/reports/worker.py', 41, 'run_job', 'cur.execute(sql)'],
  ['/usr/lib/python3/dist-packages/pymysql/cursors.py', 153, 'execute', 'result = self._query(query)'],
  ['/usr/lib/python3/dist-packages/pymysql/cursors.py', 322, '_query', 'conn.query(q)'],
  [
    '/usr/lib/python3/dist-packages/pymysql/connections.py',
    558,
    'query',
    'self._affected_rows = self._read_query_result(unbuffered=unbuffered)',
  ],
  ['/usr/lib/python3/dist-packages/pymysql/connections.py', 822, '_read_query_result', 'result.read()'],
  [
    '/usr/lib/python3/dist-packages/pymysql/connections.py',
    1200,
    'read',
    'first_packet = self.connection._read_packet()',
  ],
  ['/usr/lib/python3/dist-packages/pymysql/connections.py', 739, '_read_packet', 'packet_header = self._read_bytes(4)'],
  ['/usr/lib/python3/dist-packages/pymysql/connections.py', 787, '_read_bytes', 'raise err.OperationalError('],
] as const;

function pythonError(f: TimeFormats, e: AppErrorInput): string {
  const last =
    e.flavor === 'packet'
      ? `pymysql.err.OperationalError: (1153, "Got a packet bigger than 'max_allowed_packet' bytes")`
      : e.flavor === 'packet_pipe'
        ? `pymysql.err.OperationalError: (2006, "MySQL server has gone away (BrokenPipeError(32, 'Broken pipe'))")`
        : "pymysql.err.OperationalError: (2013, 'Lost connection to MySQL server during query')";
  const frames = PY_FRAMES.flatMap(([file, line, fn, code]) => [
    `  File "${file}", line ${line}, in ${fn}`,
    `    ${code}`,
  ]);
  return [
    `${f.python(e.t)} ERROR [py-reports-p${e.worker}] reports.db: report query failed: ${e.sql.replace(/\n\s*/g, ' ')}`,
    'Traceback (most recent call last):',
    ...frames,
    last,
  ].join('\n');
}

export function appErrorRecord(app: AppName, f: TimeFormats, e: AppErrorInput): string {
  switch (app) {
    case 'php':
      return phpError(f, e);
    case 'node':
      return nodeError(e);
    case 'python':
      return pythonError(f, e);
  }
}

/** Records the app parsers must pass over (no DB error). */
export function appNoiseRecord(app: AppName, f: TimeFormats, t: number, rng: Rng): string {
  const n = rng.int(1, 99999);
  switch (app) {
    case 'php':
      if (rng.chance(0.1)) {
        return `[${f.laravel(t)}] production.ERROR: Undefined array key "sku" {"exception":"[object] (ErrorException(code: 0): Undefined array key \\"sku\\" at /var/www/shop/app/Jobs/SyncOrder.php:57)\n[stacktrace]\n#0 /var/www/shop/app/Jobs/SyncOrder.php(57): Illuminate\\\\Foundation\\\\Bootstrap\\\\HandleExceptions->handleError(2, 'Undefined array...', '/var/www/shop/a...', 57)\n#1 {main}\n"} `;
      }
      return `[${f.laravel(t)}] production.INFO: Job processed {"job":"App\\\\Jobs\\\\SyncOrder","order":${n},"ms":${rng.int(2, 900)}} `;
    case 'node':
      if (rng.chance(0.1)) {
        return JSON.stringify({
          level: 50,
          time: t,
          pid: 4201,
          hostname: 'app-node-1',
          msg: 'upstream failed',
          err: { type: 'Error', code: 'ECONNREFUSED', errno: -111, message: 'connect ECONNREFUSED 10.0.4.7:6379' },
        });
      }
      return JSON.stringify({
        level: 30,
        time: t,
        pid: 4201,
        hostname: 'app-node-1',
        msg: 'request completed',
        req: { method: 'GET', url: `/api/v1/orders/${n}` },
        responseTime: rng.int(1, 400),
      });
    case 'python':
      if (rng.chance(0.1))
        return `${f.python(t)} WARNING [py-reports-p${rng.int(1, 4)}] reports.jobs: report ${n} slow: ${rng.int(5, 60)}s`;
      return `${f.python(t)} INFO [py-reports-p${rng.int(1, 4)}] reports.jobs: report ${n} done in ${(rng.int(1, 9000) / 1000).toFixed(3)}s`;
  }
}
