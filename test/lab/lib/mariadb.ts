// MariaDB replicas for the lab: one datadir template made once per lab run (mariadb-install-db + users), copied
// per scenario so every scenario starts from the same state with its own error/general log files.
// Run as root with --user=root; never through systemctl (brief).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { sleep, waitFor, type Managed, type ProcessRegistry } from './proc.js';

export interface ReplicaSpec {
  name: 'replica1' | 'replica2';
  port: number;
  logWarnings: number;
  serverId: number;
}
export const REPLICAS: ReplicaSpec[] = [
  { name: 'replica1', port: 33312, logWarnings: 2, serverId: 12 }, // docs/lab-findings.md §1: replica1 lw2 (default)
  { name: 'replica2', port: 33313, logWarnings: 4, serverId: 13 }, // replica2 lw4
];
export const DBA = { user: 'dba', password: 'dba-pass' };

const SMALL = ['--innodb-buffer-pool-size=32M', '--innodb-log-file-size=8M'];

const SETUP_SQL = `
CREATE DATABASE shop;
CREATE TABLE shop.products (id INT PRIMARY KEY AUTO_INCREMENT, sku VARCHAR(32) NOT NULL, name VARCHAR(128) NOT NULL, price DECIMAL(10,2) NOT NULL, stock INT NOT NULL);
INSERT INTO shop.products (sku, name, price, stock) SELECT CONCAT('SKU-', seq), CONCAT('Product ', seq), 1 + (seq % 97) + 0.99, seq % 13 FROM shop.seq_1_to_200;
CREATE USER 'app'@'127.0.0.1' IDENTIFIED BY 'app-pass';
GRANT ALL PRIVILEGES ON shop.* TO 'app'@'127.0.0.1';
CREATE USER 'dba'@'127.0.0.1' IDENTIFIED BY 'dba-pass';
GRANT ALL PRIVILEGES ON *.* TO 'dba'@'127.0.0.1' WITH GRANT OPTION;
CREATE USER 'haproxy_check'@'127.0.0.1';
FLUSH PRIVILEGES;
`;

/** Creates the pristine datadir once: install-db, start on a socket only, create db + users, stop. */
export async function makeTemplate(reg: ProcessRegistry, stateDir: string): Promise<string> {
  const dir = path.join(stateDir, 'template');
  fs.mkdirSync(stateDir, { recursive: true });
  const inst = spawnSync(
    'mariadb-install-db',
    [
      '--no-defaults',
      `--datadir=${dir}`,
      '--user=root',
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      ...SMALL,
    ],
    { encoding: 'utf8' },
  );
  if (inst.status !== 0) throw new Error(`mariadb-install-db failed: ${inst.stderr || inst.stdout}`);
  const sock = path.join(stateDir, 'template.sock');
  const p = reg.spawn('mariadb-template', 'mariadbd', [
    '--no-defaults',
    `--datadir=${dir}`,
    '--user=root',
    '--skip-networking',
    `--socket=${sock}`,
    `--pid-file=${path.join(stateDir, 'template.pid')}`,
    `--log-error=${path.join(stateDir, 'template-error.log')}`,
    ...SMALL,
  ]);
  await waitFor('template mariadbd', () => fs.existsSync(sock), 20000);
  const r = spawnSync('mariadb', ['-uroot', `--socket=${sock}`], { input: SETUP_SQL, encoding: 'utf8' });
  await reg.stop(p, 'SIGTERM', 20000);
  if (r.status !== 0) throw new Error(`template setup failed: ${r.stderr}`);
  return dir;
}

export class Replica {
  proc: Managed | undefined;
  readonly datadir: string;
  readonly socket: string;
  readonly errorLog: string;
  readonly generalLog: string;

  constructor(
    readonly spec: ReplicaSpec,
    private readonly reg: ProcessRegistry,
    private readonly stateDir: string,
    outDir: string,
  ) {
    this.datadir = path.join(stateDir, spec.name);
    this.socket = path.join(stateDir, `${spec.name}.sock`);
    this.errorLog = path.join(outDir, `${spec.name}-error.log`);
    this.generalLog = path.join(outDir, `${spec.name}-general.log`);
  }

  get name(): string {
    return this.spec.name;
  }

  prepare(template: string): void {
    fs.rmSync(this.datadir, { recursive: true, force: true });
    fs.cpSync(template, this.datadir, { recursive: true });
  }

  /** Starts mariadbd and waits until root can run a statement over the socket. */
  async start(): Promise<Managed> {
    const s = this.spec;
    fs.rmSync(this.socket, { force: true });
    this.proc = this.reg.spawn(
      s.name,
      'mariadbd',
      [
        '--no-defaults',
        `--datadir=${this.datadir}`,
        '--user=root',
        `--port=${s.port}`,
        '--bind-address=127.0.0.1',
        `--socket=${this.socket}`,
        `--pid-file=${path.join(this.stateDir, `${s.name}.pid`)}`,
        `--server-id=${s.serverId}`,
        `--log-error=${this.errorLog}`,
        '--general-log=1',
        `--general-log-file=${this.generalLog}`,
        '--skip-name-resolve',
        `--log-warnings=${s.logWarnings}`,
        '--max-connections=200',
        ...SMALL,
      ],
      { stdout: path.join(this.stateDir, `${s.name}.stdio`), stderr: path.join(this.stateDir, `${s.name}.stdio`) },
    );
    const p = this.proc;
    await waitFor(
      `${s.name} socket`,
      () => {
        if (p.exit) throw new Error(`${s.name} exited during start`);
        return fs.existsSync(this.socket);
      },
      30000,
      20,
    );
    await waitFor(
      `${s.name} ready`,
      async () => {
        await this.sql('select 1');
        return true;
      },
      10000,
      50,
    );
    return p;
  }

  /** SIGTERM (graceful) or SIGKILL (crash); resolves when the process is gone. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    if (!this.proc || this.proc.exit) return;
    await this.reg.stop(this.proc, signal, 30000);
  }

  /** Admin statement as root over the unix socket (one short connection, like a DBA's CLI session). */
  async sql(q: string): Promise<unknown> {
    const c = await mysql.createConnection({ socketPath: this.socket, user: 'root', connectTimeout: 3000 });
    try {
      return (await c.query(q))[0];
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  /** `KILL <id>` from the dba user over TCP straight to the replica (docs/lab-findings.md §3, scenario 04). Returns
   * send/done times. */
  async kill(threadId: number): Promise<{ t: number; t_done: number; killer: number }> {
    const c = await mysql.createConnection({ host: '127.0.0.1', port: this.spec.port, ...DBA, connectTimeout: 3000 });
    try {
      const t = Date.now();
      await c.query(`KILL ${threadId}`);
      const t_done = Date.now();
      return { t, t_done, killer: c.threadId };
    } finally {
      await sleep(5);
      await c.end().catch(() => undefined);
    }
  }
}
