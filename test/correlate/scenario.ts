/**
 * Builds small synthetic incidents in the shapes real HAProxy 2.6 / MariaDB 10.11 / apps wrote in
 * docs/lab-findings.md, parses their lines in memory and pushes the records into the correlator in-process.
 */
import { newStats } from '../../src/correlate/engine.js';
import { correlateSources, type RecordSources } from '../../src/correlate/correlate-batch.js';
import type { SourcedRecord } from '../../src/correlate/record-time.js';
import type { LogKind } from '../../src/sources/log-kind.js';
import { newCounts, parseLines } from '../../src/pipeline/parse-file.js';
import type { Line } from '../../src/sources/lines.js';
import { makeZone } from '../../parsers/zones.js';
import type { Doc } from '../../parsers/types.js';
import type { AppError } from '../../src/correlate/model.js';

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');
const p3 = (n: number) => String(n).padStart(3, '0');

/** base instant: 2026-11-23 20:21:00 UTC; offsets in ms */
export const T0 = Date.UTC(2026, 10, 23, 20, 21, 0);

export function syslogDate(t: number): string {
  const d = new Date(t);
  return `${MON[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}
export function hapDate(t: number): string {
  const d = new Date(t);
  return `${p2(d.getUTCDate())}/${MON[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${p3(d.getUTCMilliseconds())}`;
}
function mariaDate(t: number): string {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}
function generalDate(t: number): string {
  const d = new Date(t);
  return `${p2(d.getUTCFullYear() % 100)}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())} ${String(d.getUTCHours()).padStart(2, ' ')}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

export interface SessionSpec {
  port: number;
  accept: number;
  tt: number;
  state: string;
  server?: string;
  pid?: number;
  ip?: string;
  /** the HAProxy frontend (default `mysql_ro`) */
  frontend?: string;
}

export class Incident {
  haproxy: Array<{ t: number; line: string }> = [];
  errors: Record<string, Array<{ t: number; line: string }>> = {};
  general: Record<string, Array<{ t: number; line: string }>> = {};
  php: Array<{ t: number; line: string }> = [];
  node: Array<{ t: number; line: string }> = [];
  py: Array<{ t: number; line: string }> = [];
  go: Array<{ t: number; line: string }> = [];
  java: Array<{ t: number; line: string }> = [];

  session(s: SessionSpec): this {
    const end = s.accept + s.tt;
    this.haproxy.push({
      t: end,
      line: `${syslogDate(end)} db-lb-01 haproxy[${s.pid ?? 3968}]: ${s.ip ?? '127.0.0.1'}:${s.port} [${hapDate(s.accept)}] ${s.frontend ?? 'mysql_ro'} mariadb_replicas/${s.server ?? 'replica1'} 1/0/${s.tt} 710 ${s.state} 8/8/7/4/0 0/0`,
    });
    return this;
  }
  /** an HTTP-mode request line (HAProxy also fronting the app, docs/lab-findings.md §3, scenario 12) */
  http(accept: number, ta: number, status: number, request: string, port = 55272): this {
    const end = accept + ta;
    this.haproxy.push({
      t: end,
      line: `${syslogDate(end)} db-lb-01 haproxy[3968]: 127.0.0.1:${port} [${hapDate(accept)}] www php_app/web1 0/0/0/${ta}/${ta} ${status} 176 - - ---- 1/1/0/0/0 0/0 "${request}"`,
    });
    return this;
  }
  haproxyLine(t: number, payload: string, pid = 3968): this {
    this.haproxy.push({ t, line: `${syslogDate(t)} db-lb-01 haproxy[${pid}]: ${payload}` });
    return this;
  }
  mysqlError(server: string, t: number, thread: number, level: string, msg: string): this {
    (this.errors[server] ??= []).push({ t, line: `${mariaDate(t)} ${thread} [${level}] ${msg}` });
    return this;
  }
  /** an error-log line written as is (e.g. a journal export with its syslog envelope) */
  mysqlErrorRaw(server: string, t: number, line: string): this {
    (this.errors[server] ??= []).push({ t, line });
    return this;
  }
  aborted(server: string, t: number, id: number, reason: string, threadCol = id): this {
    return this.mysqlError(
      server,
      t,
      threadCol,
      'Warning',
      `Aborted connection ${id} to db: 'shop' user: 'app' host: '127.0.0.1' (${reason})`,
    );
  }
  gen(server: string, t: number, id: number, cmd: string, arg: string): this {
    (this.general[server] ??= []).push({ t, line: `${generalDate(t)}\t${String(id).padStart(6, ' ')} ${cmd}\t${arg}` });
    return this;
  }
  connect(server: string, t: number, id: number, user = 'app'): this {
    return this.gen(server, t, id, 'Connect', `${user}@127.0.0.1 on shop using TCP/IP`);
  }
  php2006(t: number, sql = 'select * from orders where id = 7'): this {
    const d = new Date(t);
    const stamp = `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
    this.php.push({
      t,
      line: `[${stamp}] production.ERROR: SQLSTATE[HY000]: General error: 2006 MySQL server has gone away (SQL: ${sql}) {"exception":"[object] (Illuminate\\\\Database\\\\QueryException(code: HY000): SQLSTATE[HY000]: General error: 2006 MySQL server has gone away (SQL: ${sql}) at /app/src/Worker.php:42)"} []`,
    });
    return this;
  }
  php1153(t: number): this {
    const d = new Date(t);
    const stamp = `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
    this.php.push({
      t,
      line: `[${stamp}] production.ERROR: SQLSTATE[08S01]: Communication link failure: 1153 Got a packet bigger than 'max_allowed_packet' bytes (SQL: insert into blobs values (?)) []`,
    });
    return this;
  }
  /** PyMySQL through logger.exception: the worker name is in brackets, the traceback follows */
  python(t: number, worker: string, last: string): this {
    const d = new Date(t);
    const stamp = `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())},${p3(d.getUTCMilliseconds())}`;
    (this.py ??= []).push({
      t,
      line: `${stamp} ERROR [${worker}] shop.reports: report query failed: select 1\nTraceback (most recent call last):\n  File "/app/worker.py", line 82, in run_query\n    cur.execute(sql, args)\n${last}`,
    });
    return this;
  }
  /** a Go app's stderr: go-sql-driver's own `[mysql]` logger and the app's std `log` lines */
  goLine(t: number, text: string, driver = true): this {
    const d = new Date(t);
    const stamp = `${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
    this.go.push({ t, line: driver ? `[mysql] ${stamp} packets.go:58 ${text}` : `${stamp} main.go:42: ${text}` });
    return this;
  }
  /** Spring Boot + Connector/J: the driver's timing sentence says when the connection last heard from the server */
  javaLinkFailure(t: number, lastReceivedMs?: number): this {
    const d = new Date(t);
    const stamp = `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${p3(d.getUTCMilliseconds())}`;
    const timing =
      lastReceivedMs === undefined
        ? ''
        : `\n\nThe last packet successfully received from the server was ${lastReceivedMs.toLocaleString('en-US')} milliseconds ago. The last packet sent successfully to the server was ${lastReceivedMs.toLocaleString('en-US')} milliseconds ago.`;
    this.java.push({
      t,
      line: `${stamp} ERROR 4321 --- [nio-8080-exec-3] o.h.engine.jdbc.spi.SqlExceptionHelper   : Communications link failure${timing}`,
    });
    return this;
  }
  nodeLost(t: number, localPort: number, threadId: number): this {
    this.node.push({
      t,
      line: JSON.stringify({
        level: 50,
        time: t,
        pid: 4242,
        msg: 'mysql connection error',
        err: {
          type: 'Error',
          code: 'PROTOCOL_CONNECTION_LOST',
          fatal: true,
          message: 'Connection lost: The server closed the connection.',
        },
        db: { localPort, threadId },
      }),
    });
    return this;
  }

  /** The records of each log (each sorted by time, as the components would write it), as the correlator gets them. */
  sources(): RecordSources {
    const log = (name: string, kind: LogKind, l: Array<{ t: number; line: string }>, server = '') => {
      const text = [...l].sort((a, b) => a.t - b.t).map((x) => x.line);
      const lines: Line[] = [];
      let offset = 0;
      for (const t of text.join('\n').split('\n')) {
        if (!text.length) break;
        lines.push({ text: t, offset, lineNo: lines.length + 1 });
        offset += Buffer.byteLength(t) + 1;
      }
      const ctx = { zone: makeZone('UTC'), refTime: T0 };
      const records: SourcedRecord[] = [];
      for (const rec of parseLines(lines, `incident/${name}`, kind, ctx, newCounts(name, kind)))
        records.push({ rec, kind, server });
      return records;
    };
    const servers = new Set([...Object.keys(this.errors), ...Object.keys(this.general), 'replica1']);
    return {
      haproxy: [log('haproxy.log', 'haproxy', this.haproxy)],
      mysqlGeneral: [...servers].map((s) => log(`${s}-general.log`, 'mysql_general', this.general[s] ?? [], s)),
      mysqlError: [...servers].map((s) => log(`${s}-error.log`, 'mysql_error', this.errors[s] ?? [], s)),
      app: [
        log('app-php.log', 'app', this.php),
        log('app-node.log', 'app', this.node),
        log('app-python.log', 'app', this.py),
        ...(this.go.length ? [log('app-go.log', 'app', this.go)] : []),
        ...(this.java.length ? [log('app-java.log', 'app', this.java)] : []),
      ],
    };
  }

  /** Correlates the incident's records. */
  run(
    opts: {
      skew?: number;
      maxLag?: number;
      settle?: number;
      phpClients?: string[];
      /** per app log name (`app-php.log`): the MySQL users it connects as (`app.files[].mysql_user`) */
      users?: Record<string, string[]>;
      /** per app log name: the HAProxy frontends it connects through (`app.files[].frontends`) */
      frontends?: Record<string, string[]>;
      /** settings.ts appLogs (the incident's app logs must then be empty) */
      appLogs?: boolean;
    } = {},
  ): {
    events: Doc[];
    appErrors: Doc[];
    connections: Doc[];
  } {
    const events = [
      ...correlateSources(
        this.sources(),
        {
          appClients: opts.phpClients ? new Map([['incident/app-php.log', new Set(opts.phpClients)]]) : undefined,
          appUsers: opts.users
            ? new Map(Object.entries(opts.users).map(([f, u]) => [`incident/${f}`, new Set(u)]))
            : undefined,
          appFrontends: opts.frontends
            ? new Map(Object.entries(opts.frontends).map(([f, l]) => [`incident/${f}`, new Set(l)]))
            : undefined,
          skew: opts.skew ?? 2000,
          maxLag: opts.maxLag ?? 900_000,
          settle: opts.settle ?? 5000,
          appLogs: opts.appLogs,
        },
        newStats(),
      ),
    ];
    const kind = (k: string) => events.filter((e) => (e.goneaway as Doc).kind === k);
    return { events, appErrors: kind('app_error'), connections: kind('connection') };
  }
}

export const ga = (e: Doc): Doc => e.goneaway as Doc;

/** a PHP 2006 error of the incident's app log at `t`, whole-second stamp, no local port */
export const errorAt = (t: number): AppError => ({
  t,
  res: 1000,
  code: '2006',
  message: 'SQLSTATE[HY000]: General error: 2006 MySQL server has gone away',
  cls: 'gone_away',
  localPort: undefined,
  threadId: undefined,
  file: 'incident/app-php.log',
  offset: 0,
  doc: {},
  ev: { kind: 'app', file: 'incident/app-php.log', offset: 0, text: '', t },
});
