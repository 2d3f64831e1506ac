// Lab app (b): a Node 20 + mysql2 (callback API) worker driven by the lab orchestrator: one JSON command per
// stdin line, one JSON reply per stdout line, plus unsolicited {"event":"app_error"} lines for errors that
// arrive while idle (mysql2 emits 'error' at the closure instant: docs/lab-findings.md §3, scenario 01/04/06).
// It writes one pino-like JSON line per error to its log; the bookkeeping (offsets, ports, thread id)
// goes to stdout only. Usage: node worker-node.js <lane-name> <app-node.log>
import fs from 'node:fs';
import os from 'node:os';
import readline from 'node:readline';
import type { Socket } from 'node:net';
import mysql from 'mysql2';

const [lane, logArg] = process.argv.slice(2);
interface ConnInfo {
  seq: number;
  local_port?: number;
  thread_id?: number;
  mysql_port?: number;
  backend_port?: number;
}
interface Cmd {
  id?: number;
  op: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  sql?: string;
  bytes?: number;
}
type MysqlError = Error & { code?: string; errno?: number; sqlState?: string; fatal?: boolean };

const now = (): number => Date.now();
const out = (m: object): void => {
  process.stdout.write(JSON.stringify(m) + '\n');
};

function main(logFile: string): void {
  const fd = fs.openSync(logFile, 'a');
  let conn: mysql.Connection | undefined;
  let info: ConnInfo | undefined;
  let seq = 0;
  const logged = new WeakSet<object>();

  // O_APPEND writes land atomically at the end; /proc/self/fdinfo's pos after the write is the end of OUR
  // record, even when other lanes append to the same file concurrently.
  function append(line: string): { offset: number; length: number } {
    const buf = Buffer.from(line);
    let done = 0;
    while (done < buf.length) done += fs.writeSync(fd, buf, done);
    const pos = Number(/^pos:\s+(\d+)/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1]);
    return { offset: pos - buf.length, length: buf.length };
  }

  function logError(err: MysqlError, c: ConnInfo | undefined, sql: string | null): { code: string; message: string } {
    const t = now();
    const code = err.code ?? String(err.errno ?? 'UNKNOWN');
    if (!logged.has(err)) {
      logged.add(err);
      const rec = {
        level: 50,
        time: t,
        pid: process.pid,
        hostname: os.hostname(),
        worker: lane,
        msg: 'mysql connection error',
        err: {
          type: err.constructor?.name ?? 'Error',
          code: err.code,
          errno: err.errno,
          sqlState: err.sqlState,
          fatal: err.fatal,
          message: err.message,
        },
        db: { host: '127.0.0.1', port: 33306, localPort: c?.local_port, threadId: c?.thread_id },
        sql: sql ?? undefined,
      };
      const { offset, length } = append(JSON.stringify(rec) + '\n');
      out({
        event: 'app_error',
        lane,
        file: fs.realpathSync(logFile),
        offset,
        length,
        code,
        message: err.message,
        t_ms: t,
        sql,
        conn_seq: c?.seq ?? null,
        local_port: c?.local_port ?? null,
        thread_id: c?.thread_id ?? null,
      });
    }
    return { code, message: err.message };
  }

  const dead = (): boolean => !conn || conn.state === 'error' || conn.state === 'disconnected';

  function handle(cmd: Cmd, reply: (m: object) => void): void {
    const t0 = now();
    if (cmd.op === 'connect') {
      if (conn) conn.destroy();
      seq += 1;
      const myInfo: ConnInfo = { seq };
      info = myInfo;
      const c = mysql.createConnection({
        host: cmd.host,
        port: cmd.port,
        user: cmd.user,
        password: cmd.password,
        database: cmd.database,
        connectTimeout: 5000,
      });
      conn = c;
      // idle closures surface here (no command in flight): docs/lab-findings.md §3, scenario 01 "event at closure"
      c.on('error', (err: MysqlError) => {
        logError(err, myInfo, null);
      });
      c.query(
        'select connection_id() as id, @@port as port, (select host from information_schema.processlist where id = connection_id()) as host',
        (err: MysqlError | null, rows: unknown) => {
          if (err) {
            reply({ ok: false, t0, t1: now(), error: logError(err, myInfo, 'connect') });
            return;
          }
          const r = (rows as Array<{ id: number; port: number; host: string }>)[0]!;
          myInfo.local_port = (c as unknown as { stream: Socket }).stream.localPort;
          myInfo.thread_id = Number(r.id);
          myInfo.mysql_port = Number(r.port);
          myInfo.backend_port = Number(String(r.host).split(':').pop());
          reply({ ok: true, t0, t1: now(), conn: myInfo });
        },
      );
      return;
    }
    if (cmd.op === 'query' || cmd.op === 'big') {
      // a pool would silently drop a connection that already reported its loss: no second log line
      if (dead()) {
        reply({ ok: false, dead: true, t0, t1: now() });
        return;
      }
      const c = conn!;
      const myInfo = info;
      const sql = cmd.op === 'big' ? 'select length(?) as n' : cmd.sql!;
      const params = cmd.op === 'big' ? ['x'.repeat(cmd.bytes ?? 0)] : [];
      c.query(sql, params, (err: MysqlError | null, rows: unknown) => {
        if (err) {
          reply({ ok: false, t0, t1: now(), error: logError(err, myInfo, sql) });
          return;
        }
        reply({ ok: true, t0, t1: now(), rows: Array.isArray(rows) ? rows.length : 0 });
      });
      return;
    }
    if (cmd.op === 'close' || cmd.op === 'exit') {
      const c = conn;
      conn = undefined;
      info = undefined;
      const finish = (): void => {
        reply({ ok: true, t0, t1: now() });
        if (cmd.op === 'exit') setImmediate(() => process.exit(0));
      };
      if (!c || c.state === 'error' || c.state === 'disconnected') {
        c?.destroy();
        finish();
        return;
      }
      c.end(() => finish()); // COM_QUIT
      return;
    }
    reply({ ok: false, error: { code: 'BAD_OP', message: `unknown op ${cmd.op}` } });
  }

  // commands are processed one at a time, in order, like the PHP/Python workers
  const queue: Cmd[] = [];
  let busy = false;
  const pump = (): void => {
    if (busy) return;
    const cmd = queue.shift();
    if (!cmd) return;
    busy = true;
    handle(cmd, (m) => {
      out({ id: cmd.id, ...m });
      busy = false;
      pump();
    });
  };
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    if (!line.trim()) return;
    queue.push(JSON.parse(line) as Cmd);
    pump();
  });
}

// Without arguments (e.g. picked up by `node --test dist/test/`) this module does nothing.
if (lane && logArg) main(logArg);
