// One app lane = one long-running app process (PHP, Node or Python worker) holding at most one MySQL
// connection, driven through JSON lines:
//   -> {"id":1,"op":"connect","host","port","user","password","database"} | {"id","op":"query","sql"}
//      | {"id","op":"big","bytes"} | {"id","op":"close"} | {"id","op":"exit"}
//   <- {"id":1,"ok":true,"t0","t1","conn":{seq,local_port,thread_id,mysql_port,backend_port}} |
// {"id","ok":false,"error":{code,message}}
//      | {"id","ok":false,"dead":true}  (mysql2 connection already reported lost: nothing sent)
//   <- {"event":"app_error","file","offset","length","code","message","t_ms","sql","conn_seq",...} for every logged
// error
// The lane turns these replies into ConnRecord/AppErrorRecord bookkeeping (types.ts).
import path from 'node:path';
import readline from 'node:readline';
import { childEnv, type Managed, type ProcessRegistry } from './proc.js';
import type { AppErrorRecord, AppKind, ConnRecord, OpRecord } from './types.js';

export interface LabPaths {
  repoRoot: string;
  scenarioOut: string;
  stateDir: string;
}
export interface Bookkeeping {
  conns: ConnRecord[];
  errors: AppErrorRecord[];
}

export const APP_DB = { user: 'app', password: 'app-pass', database: 'shop' };
export const APP_LOG: Record<AppKind, string> = { php: 'app-php.log', node: 'app-node.log', python: 'app-python.log' };
export const PORT_TO_INSTANCE: Record<number, string> = { 33312: 'replica1', 33313: 'replica2' };

interface Reply {
  id?: number;
  ok: boolean;
  t0?: number;
  t1?: number;
  dead?: boolean;
  error?: { code: string; message: string };
  conn?: { seq: number; local_port: number | null; thread_id: number; mysql_port: number; backend_port: number };
  rows?: number;
}
interface ErrorEvent {
  event: 'app_error';
  file: string;
  offset: number;
  length: number;
  code: string;
  message: string;
  t_ms: number;
  sql: string | null;
  conn_seq: number | null;
}

export class Lane {
  proc!: Managed;
  conn: ConnRecord | undefined;
  /** the app has logged an error for the current connection (or mysql2 says it is lost) */
  broken = false;
  private nextId = 1;
  private pending = new Map<number, (r: Reply) => void>();
  private connsBySeq = new Map<number, ConnRecord>();

  constructor(
    readonly name: string,
    readonly app: AppKind,
    private readonly reg: ProcessRegistry,
    private readonly paths: LabPaths,
    private readonly book: Bookkeeping,
  ) {}

  start(): void {
    const logFile = path.join(this.paths.scenarioOut, APP_LOG[this.app]);
    const stderr = path.join(this.paths.stateDir, `${this.name}.stderr`);
    const appDir = path.join(this.paths.repoRoot, 'test/lab/apps');
    const [cmd, args] =
      this.app === 'php'
        ? ['php', [path.join(appDir, 'worker.php'), this.name, logFile]]
        : this.app === 'python'
          ? ['/usr/bin/python3', [path.join(appDir, 'worker.py'), this.name, logFile]]
          : [
              process.execPath,
              [path.join(this.paths.repoRoot, 'dist/test/lab/apps/worker-node.js'), this.name, logFile],
            ];
    this.proc = this.reg.spawn(this.name, cmd as string, args as string[], {
      stdin: 'pipe',
      stdout: 'pipe',
      stderr,
      env: childEnv(),
    });
    readline.createInterface({ input: this.proc.child.stdout! }).on('line', (line) => this.onLine(line));
    this.proc.exited.then(() => {
      for (const [, resolve] of this.pending)
        resolve({ ok: false, error: { code: 'LANE_EXITED', message: `${this.name} exited` } });
      this.pending.clear();
    });
  }

  private onLine(line: string): void {
    let m: Reply & Partial<ErrorEvent>;
    try {
      m = JSON.parse(line) as Reply & Partial<ErrorEvent>;
    } catch {
      return;
    }
    if (m.event === 'app_error') {
      const ev = m as unknown as ErrorEvent;
      const conn = ev.conn_seq !== null ? this.connsBySeq.get(ev.conn_seq) : undefined;
      if (conn && conn === this.conn) this.broken = true;
      this.book.errors.push({
        lane: this.name,
        app: this.app,
        file: path.relative(this.paths.scenarioOut, ev.file) || ev.file,
        offset: ev.offset,
        length: ev.length,
        code: ev.code,
        message: ev.message,
        t_ms: ev.t_ms,
        sql: ev.sql,
        conn_key: conn?.key ?? null,
      });
      return;
    }
    if (typeof m.id === 'number') {
      const r = this.pending.get(m.id);
      this.pending.delete(m.id);
      r?.(m);
    }
  }

  private send(cmd: Record<string, unknown>): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.proc.exit) {
        resolve({ ok: false, error: { code: 'LANE_EXITED', message: 'exited' } });
        return;
      }
      // a hung worker must fail the scenario, not hang the lab
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: no reply to ${String(cmd.op)} within 60 s`));
      }, 60_000);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.proc.child.stdin!.write(JSON.stringify({ id, ...cmd }) + '\n');
    });
  }

  private record(op: OpRecord['op'], r: Reply, extra: Partial<OpRecord> = {}): OpRecord {
    const rec: OpRecord = { op, t0: r.t0 ?? Date.now(), t1: r.t1 ?? Date.now(), ok: r.ok, ...extra };
    if (r.dead) rec.dead = true;
    if (r.error) rec.error = r.error;
    if (!r.ok) this.broken = true;
    this.conn?.ops.push(rec);
    return rec;
  }

  /** Opens a new connection through HAProxy (closing the previous one first, as an app would). */
  async connect(frontendPort = 33306): Promise<ConnRecord | undefined> {
    if (this.conn) await this.close();
    const r = await this.send({ op: 'connect', host: '127.0.0.1', port: frontendPort, ...APP_DB });
    if (!r.ok || !r.conn) return undefined;
    const c: ConnRecord = {
      key: `${this.name}#${r.conn.seq}`,
      lane: this.name,
      app: this.app,
      seq: r.conn.seq,
      frontend_port: frontendPort,
      local_port: r.conn.local_port,
      thread_id: r.conn.thread_id,
      instance: PORT_TO_INSTANCE[r.conn.mysql_port] ?? `port${r.conn.mysql_port}`,
      mysql_port: r.conn.mysql_port,
      backend_port: r.conn.backend_port,
      opened_ms: r.t0!,
      ops: [{ op: 'connect', t0: r.t0!, t1: r.t1!, ok: true }],
    };
    this.connsBySeq.set(c.seq, c);
    this.book.conns.push(c);
    this.conn = c;
    this.broken = false;
    return c;
  }

  async query(sql: string, sleepMs?: number): Promise<OpRecord> {
    const r = await this.send({ op: 'query', sql });
    return this.record('query', r, sleepMs !== undefined ? { sql, sleep_ms: sleepMs } : { sql });
  }

  /** `select sleep(s)`: a long statement, its intended duration recorded for the timeout model. */
  sleepQuery(seconds: number): Promise<OpRecord> {
    return this.query(`select sleep(${seconds}) as report_wait`, seconds * 1000);
  }

  async big(bytes: number): Promise<OpRecord> {
    const r = await this.send({ op: 'big', bytes });
    return this.record('big', r, { bytes, sql: 'select length(?) as n' });
  }

  async close(): Promise<void> {
    if (!this.conn) return;
    const r = await this.send({ op: 'close' });
    this.record('close', r);
    this.conn.end = { how: 'close', t: r.t0 ?? Date.now() };
    this.conn = undefined;
  }

  async exit(): Promise<void> {
    if (this.proc.exit) return;
    const r = await this.send({ op: 'exit' });
    if (this.conn) {
      this.record('exit', r);
      this.conn.end = { how: 'exit', t: r.t0 ?? Date.now() };
      this.conn = undefined;
    }
    await Promise.race([this.proc.exited, new Promise((res) => setTimeout(res, 3000))]);
  }

  /** SIGKILL while the connection is open: the kernel closes the socket, the app logs nothing (cause app_closed). */
  async sigkill(t: number): Promise<void> {
    process.kill(this.proc.pid, 'SIGKILL');
    if (this.conn) {
      this.conn.end = { how: 'sigkill', t };
      this.conn = undefined;
    }
    await this.proc.exited;
  }
}
