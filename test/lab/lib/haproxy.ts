// HAProxy for the lab: a generated haproxy.cfg per scenario (docs/lab-findings.md §1 settings), runtime API over the
// admin stats socket (show sess / shutdown session / shutdown sessions server / show stat), reload with -sf.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { waitFor, type Managed, type ProcessRegistry } from './proc.js';
import type { ReplicaSpec } from './mariadb.js';
import type { FrontendTimeouts, HaproxyJournalConfig } from './types.js';

export const FRONTEND_PORT = 33306;
export const CUSTOM_FRONTEND_PORT = 33307;
export const REPORTS_FRONTEND_PORT = 33308;
export const SYSLOG_PORT = 33514;
/** docs/lab-findings.md §3, scenario 13: custom format whose %bi:%bp joins HAProxy to MariaDB's processlist Host */
export const CUSTOM_LOG_FORMAT = '%ci:%cp [%t] %ft %b/%s %bi:%bp %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq';

export interface HaproxyOptions {
  timeoutClientMs: number;
  timeoutServerMs: number;
  onMarkedDown: boolean;
  hardStopAfterMs: number | null;
  /** add frontend mysql_ro_custom on CUSTOM_FRONTEND_PORT with CUSTOM_LOG_FORMAT */
  customFrontend: boolean;
  /** add frontend mysql_reports (REPORTS_FRONTEND_PORT) -> backend mariadb_reports with their own timeouts: the only
   *  way to have both an idle `timeout client` closure and a `timeout server` cut of a long query in one config */
  reports: { timeoutClientMs: number; timeoutServerMs: number } | null;
}

/** the journal's copy of the settings the ground truth depends on */
export function haproxyJournalConfig(o: HaproxyOptions): HaproxyJournalConfig {
  const main = {
    backend: 'mariadb_replicas',
    timeout_client_ms: o.timeoutClientMs,
    timeout_server_ms: o.timeoutServerMs,
  };
  const frontends: FrontendTimeouts[] = [{ port: FRONTEND_PORT, frontend: 'mysql_ro', ...main }];
  if (o.customFrontend) frontends.push({ port: CUSTOM_FRONTEND_PORT, frontend: 'mysql_ro_custom', ...main });
  if (o.reports)
    frontends.push({
      port: REPORTS_FRONTEND_PORT,
      frontend: 'mysql_reports',
      backend: 'mariadb_reports',
      timeout_client_ms: o.reports.timeoutClientMs,
      timeout_server_ms: o.reports.timeoutServerMs,
    });
  return {
    timeout_client_ms: o.timeoutClientMs,
    timeout_server_ms: o.timeoutServerMs,
    on_marked_down: o.onMarkedDown,
    hard_stop_after_ms: o.hardStopAfterMs,
    frontends,
  };
}

export function haproxyConfig(o: HaproxyOptions, replicas: ReplicaSpec[], statsSocket: string): string {
  const omd = o.onMarkedDown ? ' on-marked-down shutdown-sessions' : '';
  return [
    'global',
    `    log 127.0.0.1:${SYSLOG_PORT} len 4096 local0 info`,
    '    log-send-hostname db-lb-01',
    `    stats socket ${statsSocket} mode 600 level admin`,
    '    stats timeout 30s',
    '    maxconn 512',
    ...(o.hardStopAfterMs !== null ? [`    hard-stop-after ${o.hardStopAfterMs}ms`] : []),
    '',
    'defaults',
    '    log global',
    '    mode tcp',
    '    option tcplog',
    '    option dontlognull',
    '    retries 2',
    '    option redispatch',
    '    timeout connect 2s',
    `    timeout client ${o.timeoutClientMs}ms`,
    `    timeout server ${o.timeoutServerMs}ms`,
    '    timeout check 2s',
    '',
    'frontend mysql_ro',
    `    bind 127.0.0.1:${FRONTEND_PORT}`,
    '    default_backend mariadb_replicas',
    '',
    ...(o.customFrontend
      ? [
          'frontend mysql_ro_custom',
          `    bind 127.0.0.1:${CUSTOM_FRONTEND_PORT}`,
          `    log-format "${CUSTOM_LOG_FORMAT}"`,
          '    default_backend mariadb_replicas',
          '',
        ]
      : []),
    ...(o.reports
      ? [
          'frontend mysql_reports',
          `    bind 127.0.0.1:${REPORTS_FRONTEND_PORT}`,
          `    timeout client ${o.reports.timeoutClientMs}ms`,
          '    default_backend mariadb_reports',
          '',
        ]
      : []),
    'backend mariadb_replicas',
    '    balance roundrobin',
    '    option mysql-check user haproxy_check post-41',
    ...replicas.map((r) => `    server ${r.name} 127.0.0.1:${r.port} check inter 1s fall 2 rise 2${omd}`),
    '',
    ...(o.reports
      ? [
          'backend mariadb_reports',
          '    balance roundrobin',
          `    timeout server ${o.reports.timeoutServerMs}ms`,
          ...replicas.map((r) => `    server ${r.name} 127.0.0.1:${r.port} track mariadb_replicas/${r.name}${omd}`),
          '',
        ]
      : []),
  ].join('\n');
}

export interface SessionInfo {
  id: string;
  src_port: number;
  fe: string;
  srv: string;
}

export class Haproxy {
  current: Managed | undefined;
  readonly cfgPath: string;
  readonly sockPath: string;

  constructor(
    private readonly reg: ProcessRegistry,
    private readonly stateDir: string,
    outDir: string,
    private readonly replicas: ReplicaSpec[],
  ) {
    // the cfg is kept with the logs: `goneaway correlate --haproxy-config` can read the custom log-format from it
    this.cfgPath = path.join(outDir, 'haproxy.cfg');
    this.sockPath = path.join(stateDir, 'haproxy.sock');
  }

  writeConfig(o: HaproxyOptions): void {
    fs.writeFileSync(this.cfgPath, haproxyConfig(o, this.replicas, this.sockPath));
  }

  private spawnOne(extra: string[]): Managed {
    const stdio = path.join(this.stateDir, 'haproxy.stdio');
    return this.reg.spawn('haproxy', 'haproxy', ['-f', this.cfgPath, '-db', ...extra], {
      stdout: stdio,
      stderr: stdio,
    });
  }

  async start(): Promise<Managed> {
    fs.rmSync(this.sockPath, { force: true });
    const p = this.spawnOne([]);
    this.current = p;
    // what HAProxy said goes into the error (a bind failure, a config error): the state dir is removed after the run
    const said = () => {
      try {
        return fs
          .readFileSync(path.join(this.stateDir, 'haproxy.stdio'), 'utf8')
          .trim()
          .split('\n')
          .slice(-3)
          .join(' | ');
      } catch {
        return '';
      }
    };
    await waitFor(
      'haproxy stats socket',
      async () => {
        if (p.exit) throw new Error(`haproxy exited at start: ${said()}`);
        return (await this.pidOfSocket()) === p.pid;
      },
      10000,
      20,
    );
    return p;
  }

  /** Graceful reload: a new process with `-sf <old>` (the new one SIGUSR1s the old once it listens). */
  async reload(): Promise<{ old: Managed; fresh: Managed; t: number }> {
    const old = this.current!;
    const t = Date.now();
    const fresh = this.spawnOne(['-sf', String(old.pid)]);
    this.current = fresh;
    await waitFor(
      'reloaded haproxy',
      async () => {
        if (fresh.exit) throw new Error('new haproxy exited');
        return (await this.pidOfSocket()) === fresh.pid;
      },
      10000,
      10,
    );
    return { old, fresh, t };
  }

  async stop(): Promise<void> {
    for (const p of this.reg.alive().filter((m) => m.name === 'haproxy')) await this.reg.stop(p, 'SIGUSR1', 3000);
  }

  /** One runtime API command (non-interactive: the socket answers and closes). */
  cmd(command: string, timeoutMs = 3000): Promise<string> {
    return new Promise((resolve, reject) => {
      const s = net.createConnection(this.sockPath);
      let buf = '';
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`stats socket timeout: ${command}`));
      }, timeoutMs);
      s.on('connect', () => s.write(command + '\n'));
      s.on('data', (d) => {
        buf += d.toString();
      });
      s.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      s.on('close', () => {
        clearTimeout(timer);
        resolve(buf);
      });
    });
  }

  async pidOfSocket(): Promise<number | undefined> {
    const info = await this.cmd('show info');
    const m = /^Pid:\s*(\d+)/m.exec(info);
    return m ? Number(m[1]) : undefined;
  }

  /** Server operational status from `show stat` (UP, DOWN, "UP 1/2", ...). */
  async serverStatus(): Promise<Record<string, string>> {
    const csv = await this.cmd('show stat');
    const lines = csv.split('\n');
    const head = (lines[0] ?? '').replace(/^# /, '').split(',');
    const ix = (k: string): number => head.indexOf(k);
    const out: Record<string, string> = {};
    for (const l of lines.slice(1)) {
      const f = l.split(',');
      if (f[ix('pxname')] === 'mariadb_replicas' && f[ix('svname')] !== 'BACKEND' && f[ix('svname')])
        out[f[ix('svname')]!] = f[ix('status')] ?? '';
    }
    return out;
  }

  async waitServer(server: string, state: 'UP' | 'DOWN', timeoutMs = 15000, everyMs = 10): Promise<number> {
    return waitFor(
      `${server} ${state}`,
      async () => ((await this.serverStatus())[server] === state ? Date.now() : undefined),
      timeoutMs,
      everyMs,
    );
  }

  async sessions(): Promise<SessionInfo[]> {
    const txt = await this.cmd('show sess');
    const out: SessionInfo[] = [];
    for (const l of txt.split('\n')) {
      const m = /^(0x[0-9a-f]+): proto=\S+ src=[\d.]+:(\d+) fe=(\S+) be=\S+ srv=(\S+)/.exec(l);
      if (m) out.push({ id: m[1]!, src_port: Number(m[2]), fe: m[3]!, srv: m[4]! });
    }
    return out;
  }
}
