// The injections a scenario can perform. Each one is journaled with the orchestrator's clock at the moment it
// acts (and, when it matters, when it completed); the ground truth (truth.ts) is computed from this journal
// and the apps' bookkeeping only.
import { spawnSync } from 'node:child_process';
import { haproxyJournalConfig, type Haproxy, type HaproxyOptions } from './haproxy.js';
import type { Lane } from './lane.js';
import type { Replica } from './mariadb.js';
import { sleep, type ProcessRegistry } from './proc.js';
import type { ConnRecord, JournalEntry } from './types.js';

export class Injector {
  private gate: Promise<void> = Promise.resolve();
  private releaseGate: (() => void) | undefined;
  private watching = false;
  private watcher: Promise<void> | undefined;

  constructor(
    protected readonly reg: ProcessRegistry,
    readonly journal: JournalEntry[],
    readonly haproxy: Haproxy,
    readonly replicas: Replica[],
    readonly hopts: HaproxyOptions,
  ) {}

  protected j(e: JournalEntry): void {
    this.journal.push(e);
  }
  note(text: string): void {
    this.j({ t: Date.now(), kind: 'note', text });
  }
  replica(name: string): Replica {
    const r = this.replicas.find((x) => x.name === name);
    if (!r) throw new Error(`no replica ${name}`);
    return r;
  }

  // --- connect gate: no app connects while a global injection makes the connection's owner unknowable
  closeGate(): void {
    if (!this.releaseGate)
      this.gate = new Promise((r) => {
        this.releaseGate = r;
      });
  }
  openGate(): void {
    this.releaseGate?.();
    this.releaseGate = undefined;
  }
  gateOpen(): Promise<void> {
    return this.gate;
  }

  async startReplica(name: string): Promise<void> {
    const r = this.replica(name);
    const p = await r.start();
    this.j({
      t: p.startedAt,
      kind: 'mysql_start',
      instance: name,
      pid: p.pid,
      port: r.spec.port,
      log_warnings: r.spec.logWarnings,
    });
    this.j({ t: Date.now(), kind: 'mysql_ready', instance: name });
  }

  /** SET GLOBAL on one or all replicas; sessions opened afterwards inherit it (truth.ts globalAt). */
  async setGlobal(
    instance: string | 'all',
    variable: 'wait_timeout' | 'max_allowed_packet',
    value: number,
  ): Promise<void> {
    for (const r of this.replicas.filter((x) => instance === 'all' || x.name === instance)) {
      await r.sql(`SET GLOBAL ${variable} = ${value}`);
      this.j({ t: Date.now(), kind: 'mysql_set_global', instance: r.name, variable, value });
    }
  }

  /** DBA `KILL <thread>` straight to the victim's replica (docs/lab-findings.md §3, scenario 04). */
  async kill(c: ConnRecord, runningQuery: boolean): Promise<void> {
    const k = await this.replica(c.instance).kill(c.thread_id);
    this.j({
      t: k.t,
      kind: 'mysql_kill',
      instance: c.instance,
      thread_id: c.thread_id,
      t_done: k.t_done,
      target: c.key,
      running_query: runningQuery,
    });
  }

  /** Graceful restart (SIGTERM) or crash (SIGKILL) of a replica, then start it again and wait for HAProxy's UP. */
  async stopReplica(name: string, signal: 'SIGTERM' | 'SIGKILL', restart = true): Promise<void> {
    const r = this.replica(name);
    const pid = r.proc!.pid;
    this.closeGate();
    await sleep(150); // let in-flight connects finish before the replica goes away
    this.j({ t: Date.now(), kind: signal === 'SIGTERM' ? 'mysql_shutdown' : 'mysql_crash', instance: name, pid });
    await r.stop(signal);
    this.j({ t: r.proc!.exit!.t, kind: 'mysql_exited', instance: name, pid });
    if (restart) {
      // stay down until HAProxy's checks notice (docs/lab-findings.md §3, scenario 06: `Server ... is DOWN, reason:
      // Layer4 connection
      // problem`)
      await this.haproxy.waitServer(name, 'DOWN', 10000);
      await sleep(300);
      await this.startReplica(name);
      await this.haproxy.waitServer(name, 'UP', 20000);
    }
    this.openGate();
  }

  /** Makes HAProxy's mysql-check fail: the check user disappears (docs/lab-findings.md §3, scenario 07: Layer7 wrong
   * status, 1045). */
  async breakHealthCheck(name: string): Promise<void> {
    await this.replica(name).sql("DROP USER 'haproxy_check'@'127.0.0.1'");
    this.j({
      t: Date.now(),
      kind: 'health_check_broken',
      instance: name,
      how: "DROP USER 'haproxy_check'@'127.0.0.1'",
    });
  }

  async restoreHealthCheck(name: string): Promise<void> {
    await this.replica(name).sql("CREATE USER 'haproxy_check'@'127.0.0.1'");
    this.j({
      t: Date.now(),
      kind: 'health_check_restored',
      instance: name,
      how: "CREATE USER 'haproxy_check'@'127.0.0.1'",
    });
  }

  /** Polls the runtime API every 10 ms and journals server state transitions (DOWN time for on-marked-down). */
  watchServers(): void {
    this.watching = true;
    const last: Record<string, string> = {};
    this.watcher = (async () => {
      while (this.watching) {
        try {
          const pid = this.haproxy.current?.pid ?? 0;
          const st = await this.haproxy.serverStatus();
          const t = Date.now();
          for (const [srv, s] of Object.entries(st)) {
            const state = s.split(' ')[0]!;
            if (last[srv] !== undefined && last[srv] !== state && (state === 'UP' || state === 'DOWN'))
              this.j({ t, kind: 'server_state', pid, server: srv, state });
            if (state === 'UP' || state === 'DOWN') last[srv] = state;
          }
        } catch {
          /* socket briefly gone during a reload */
        }
        await sleep(10);
      }
    })();
  }

  async stopWatching(): Promise<void> {
    this.watching = false;
    await this.watcher;
  }

  /** `shutdown session <id>` for the session whose client port is the connection's local port (docs/lab-findings.md §3,
   * scenario 08). */
  async shutdownSession(c: ConnRecord): Promise<void> {
    const s = (await this.haproxy.sessions()).find((x) => x.src_port === c.local_port);
    if (!s) throw new Error(`no HAProxy session for ${c.key} (port ${c.local_port})`);
    const t = Date.now();
    await this.haproxy.cmd(`shutdown session ${s.id}`);
    this.j({
      t,
      kind: 'haproxy_shutdown_session',
      pid: this.haproxy.current!.pid,
      session: s.id,
      client_port: c.local_port ?? 0,
      target: c.key,
    });
  }

  async shutdownSessionsServer(server: string, backend = 'mariadb_replicas'): Promise<void> {
    const t = Date.now();
    await this.haproxy.cmd(`shutdown sessions server ${backend}/${server}`);
    this.j({ t, kind: 'haproxy_shutdown_sessions_server', pid: this.haproxy.current!.pid, backend, server });
  }

  /** Reload with -sf; with hard-stop-after the old process closes what it still holds and exits (docs/lab-findings.md
   * §3, scenario 09). */
  async reload(): Promise<void> {
    this.closeGate();
    await sleep(100);
    const { old, fresh, t } = await this.haproxy.reload();
    this.j({ t, kind: 'haproxy_reload', old_pid: old.pid, new_pid: fresh.pid, ...haproxyJournalConfig(this.hopts) });
    void old.exited.then((x) => this.j({ t: x.t, kind: 'haproxy_exited', pid: old.pid }));
    await sleep(200);
    this.openGate();
  }

  /** TCP reset of the HAProxy<->MariaDB socket pair of a connection with `ss -K` (needs CONFIG_INET_DIAG_DESTROY). */
  networkReset(c: ConnRecord): void {
    const sp = this.replica(c.instance).spec.port;
    const bp = c.backend_port;
    const filter = `( sport = :${bp} and dport = :${sp} ) or ( sport = :${sp} and dport = :${bp} )`;
    const t = Date.now();
    const r = spawnSync('ss', ['-K', '-tn', 'state', 'established', filter], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ss -K failed: ${r.stderr}`);
    const sockets = r.stdout.split('\n').filter((l) => /\d+\.\d+\.\d+\.\d+:\d+/.test(l)).length;
    if (sockets === 0) throw new Error(`ss -K found no socket for ${c.key} (${filter})`);
    const left = spawnSync('ss', ['-H', '-tn', 'state', 'established', filter], { encoding: 'utf8' }).stdout.trim();
    if (left)
      throw new Error(
        `ss -K could not destroy the sockets (kernel without CONFIG_INET_DIAG_DESTROY, or no CAP_NET_ADMIN): ${r.stderr.trim()}`,
      );
    this.j({ t, kind: 'network_reset', target: c.key, backend_port: bp, instance: c.instance, sockets });
  }

  async sigkill(l: Lane): Promise<void> {
    const t = Date.now();
    this.j({ t, kind: 'app_sigkill', lane: l.name, pid: l.proc.pid });
    await l.sigkill(t);
  }
}
