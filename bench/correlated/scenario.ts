/**
 * Correlated scenario: HAProxy tcplog for 2 replicas (+ primary traffic), MariaDB error/general
 * logs per replica (replica1 log_warnings=2, replica2 log_warnings=4, as in the lab), three app
 * logs, and truth.json naming the cause of every app error record (by file + byte offset).
 *
 * Drive: an accept clock advances by exponential gaps; each accepted session is planned whole
 * (session.ts) and its lines pushed into time-ordered sinks that flush what is older than the
 * clock minus HORIZON. Replica vs primary sessions are balanced so that the MariaDB logs reach
 * `mysqlLines` when the HAProxy log reaches `haproxyLines`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Rng, Weighted } from '../prng.js';
import { timeFormats } from '../timefmt.js';
import { mariadbGeneralHeader, MariadbGeneralStamp, MARIADB_VERSION } from '../mysql-lines.js';
import { mariadbShutdownLines, mariadbStartLines } from '../mysql-blocks.js';
import { serverDownMessage, serverUpMessage } from '../haproxy-lines.js';
import { TimedSink, EndHeap, type TruthEntry } from './sinks.js';
import {
  scheduleIncidents,
  serverProcessUp,
  checkFails,
  CHECK_INTER,
  HARD_STOP_AFTER,
  type GroupEvent,
} from './timeline.js';
import { ERROR_FATES, QUIET_FATES, type Fate } from './fates.js';
import { planReplicaSession, planPrimarySession } from './session.js';
import {
  FIRST_PID,
  LB_IP,
  TIMEOUT_CLIENT,
  TIMEOUT_SERVER,
  errLine,
  genLine,
  hapMessage,
  type App,
  type ServerInfo,
  type World,
} from './world.js';
import type { AppName } from './app-records.js';

export type { TruthEntry } from './sinks.js';

export interface CorrelatedOptions {
  haproxyLines: number;
  mysqlLines: number;
  appErrors: number;
  seed: number;
  dir: string;
}

export interface CorrelatedManifest {
  seed: number;
  options: Omit<CorrelatedOptions, 'dir'>;
  start: string;
  end: string;
  files: {
    haproxy: string;
    haproxyConfig: string;
    mysqlError: Record<string, string>;
    mysqlGeneral: Record<string, string>;
    app: string[];
    truth: string;
  };
  /** physical lines per file */
  lines: Record<string, number>;
  totals: { haproxy: number; mysql: number; app: number; all: number };
  appErrors: number;
  causes: Record<string, number>;
  incidents: Array<{ type: string; server: string; start: string; victims: number }>;
}

/** Lines older than clock − HORIZON are final (sessions plan at most ~3 min ahead, see fates.ts). */
const HORIZON = 400_000;
const START = Date.UTC(2026, 10, 23, 20, 0, 0);
const APP_MIX = new Weighted<App>([
  ['php', 45],
  ['node', 30],
  ['python', 15],
  ['cron', 10],
]);
const ERR_W = new Weighted<Fate>(ERROR_FATES);
const QUIET_W = new Weighted<Fate>(QUIET_FATES);

function haproxyCfg(): string {
  // the settings the generated logs obey (goneaway correlate --haproxy-config reads timeouts from it)
  return [
    'global',
    `    log 127.0.0.1:514 len 4096 local0 info`,
    `    log-send-hostname db-lb-01`,
    `    hard-stop-after ${HARD_STOP_AFTER / 1000}s`,
    '',
    'defaults',
    '    mode tcp',
    '    log global',
    '    option tcplog',
    '    option dontlognull',
    '    retries 2',
    '    option redispatch',
    '    timeout connect 5s',
    `    timeout client ${TIMEOUT_CLIENT / 1000}s`,
    `    timeout server ${TIMEOUT_SERVER / 1000}s`,
    '',
    'frontend mysql_ro',
    '    bind 10.0.0.5:33306',
    '    default_backend mariadb_replicas',
    '',
    'frontend mysql_rw',
    '    bind 10.0.0.5:33307',
    '    default_backend mariadb_primary',
    '',
    'backend mariadb_replicas',
    '    balance roundrobin',
    '    option mysql-check user haproxy_check post-41',
    `    default-server check inter ${CHECK_INTER / 1000}s fall 2 rise 2 on-marked-down shutdown-sessions`,
    '    server replica1 10.0.0.21:3312',
    '    server replica2 10.0.0.22:3313',
    '',
    'backend mariadb_primary',
    '    server primary 10.0.0.20:3311 check',
    '',
  ].join('\n');
}

/** Lines of an incident, written once every victim is known (clock past DOWN / the reload). */
function finalizeIncident(w: World, e: GroupEvent, pid: { current: number }): void {
  e.finalized = true;
  if (e.type === 'hard_stop') {
    const c = w.counts.cumulated;
    for (const fe of ['mysql_ro', 'mysql_rw'])
      hapMessage(w, e.start, e.oldPid, `Proxy ${fe} stopped (cumulated conns: FE: ${c[fe] ?? 0}, BE: 0).`);
    hapMessage(
      w,
      e.start,
      e.oldPid,
      `Proxy mariadb_replicas stopped (cumulated conns: FE: 0, BE: ${c.mysql_ro ?? 0}).`,
    );
    hapMessage(w, e.start, e.oldPid, `Proxy mariadb_primary stopped (cumulated conns: FE: 0, BE: ${c.mysql_rw ?? 0}).`);
    for (const p of ['mysql_ro', 'mysql_rw', 'mariadb_replicas', 'mariadb_primary'])
      hapMessage(w, e.start + 1, e.newPid, `Proxy ${p} started.`);
    hapMessage(w, e.start + HARD_STOP_AFTER, e.oldPid, 'soft-stop running for too long, performing a hard-stop.');
    for (const fe of ['mysql_ro', 'mysql_rw']) {
      hapMessage(
        w,
        e.start + HARD_STOP_AFTER,
        e.oldPid,
        `Proxy ${fe} hard-stopped (${e.victims.get(fe) ?? 0} remaining conns will be closed).`,
      );
    }
    w.counts.cumulated = {};
    pid.current = e.newPid;
    return;
  }
  const srv = w.servers[e.server]!;
  if (e.type === 'health_down') {
    hapMessage(
      w,
      e.down,
      pid.current,
      serverDownMessage(
        'mariadb_replicas',
        srv.name,
        'Layer7 wrong status, code: 1045',
        `#28000Access denied for user 'haproxy_check'@'${LB_IP}' (using password: NO)`,
        1,
        e.activeAtDown,
      ),
    );
  } else {
    if (e.type === 'shutdown')
      for (const [t, text] of mariadbShutdownLines(w.f, e.start)) {
        srv.err.push(t, text);
        w.counts.mysql++;
      }
    for (const [t, text] of mariadbStartLines(w.f, e.restart, srv.port, w.rng, e.type === 'crash')) {
      srv.err.push(t, text);
      w.counts.mysql++;
    }
    srv.gen.pushHeader(e.restart + 200, mariadbGeneralHeader(srv.port));
    w.counts.mysql += 3;
    srv.nextThread = 3; // ids restart after a restart (docs/lab-findings.md §3, scenario 11)
    hapMessage(
      w,
      e.down,
      pid.current,
      serverDownMessage(
        'mariadb_replicas',
        srv.name,
        'Layer4 connection problem',
        'Connection refused',
        1,
        e.activeAtDown,
      ),
    );
  }
  hapMessage(
    w,
    e.up,
    pid.current,
    serverUpMessage('mariadb_replicas', srv.name, 'Layer7 check passed, code: 0', 2, `5.5.5-${MARIADB_VERSION}`),
  );
}

/** `option mysql-check`: a Connect + Quit per check in general.log (§4.7), "Access denied" when the check user is
 * broken (07). */
function healthCheck(w: World, s: number, t: number): void {
  const srv = w.servers[s]!;
  if (!serverProcessUp(w.events, s, t)) return;
  const id = srv.nextThread++;
  if (checkFails(w.events, s, t)) {
    const msg = `Access denied for user 'haproxy_check'@'${LB_IP}' (using password: NO)`;
    errLine(w, srv, t, id, 'Warning', msg);
    genLine(w, srv, t, id, 'Connect', msg);
    return;
  }
  genLine(w, srv, t, id, 'Connect', `haproxy_check@${LB_IP} on  using TCP/IP`);
  genLine(w, srv, t + 1, id, 'Quit', '');
}

export async function generateCorrelated(o: CorrelatedOptions): Promise<CorrelatedManifest> {
  await mkdir(o.dir, { recursive: true });
  const rng = new Rng(o.seed);
  const f = timeFormats();
  const span = Math.max(o.haproxyLines * 10, 1_200_000); // ~100 sessions/s, at least 20 min
  const meanGap = span / Math.max(1, o.haproxyLines);
  const events = scheduleIncidents(rng.fork(1), START + 60_000, START + span, FIRST_PID);
  const sink = (name: string, general = false) =>
    new TimedSink(name, path.join(o.dir, name), general ? new MariadbGeneralStamp(timeFormats()) : undefined);
  const servers: ServerInfo[] = [
    {
      name: 'replica1',
      lw: 2,
      port: 3312,
      nextThread: 8,
      err: sink('replica1-error.log'),
      gen: sink('replica1-general.log', true),
    },
    {
      name: 'replica2',
      lw: 4,
      port: 3313,
      nextThread: 8,
      err: sink('replica2-error.log'),
      gen: sink('replica2-general.log', true),
    },
  ];
  const apps: Record<AppName, TimedSink> = {
    php: sink('app-php.log'),
    node: sink('app-node.log'),
    python: sink('app-python.log'),
  };
  const w: World = {
    rng,
    f,
    hap: sink('haproxy.log'),
    servers,
    apps,
    events,
    ends: [new EndHeap(), new EndHeap(), new EndHeap()],
    counts: { hap: 0, mysql: 0, appErrors: 0, sessions: 0, loggingReplicaSessions: 0, causes: {}, cumulated: {} },
    ports: {},
    rr: 0,
  };
  for (const srv of servers) {
    // each server log starts with the server's start-up
    for (const [t, text] of mariadbStartLines(f, START - 5000, srv.port, rng, false)) {
      srv.err.push(t, text);
      w.counts.mysql++;
    }
    srv.gen.pushHeader(START - 4800, mariadbGeneralHeader(srv.port));
    w.counts.mysql += 3;
  }
  for (const p of ['mysql_ro', 'mysql_rw', 'mariadb_replicas', 'mariadb_primary'])
    hapMessage(w, START - 2000, FIRST_PID, `Proxy ${p} started.`);
  const sinks = [w.hap, ...servers.flatMap((s) => [s.err, s.gen]), ...Object.values(apps)];
  const pid = { current: FIRST_PID };
  const nextCheck = [START + 300, START + 1300];
  let clock = START;
  while (w.counts.hap < o.haproxyLines) {
    clock += Math.max(1, Math.round(rng.exp(meanGap)));
    for (let s = 0; s < 2; s++) {
      while (nextCheck[s]! <= clock) {
        healthCheck(w, s, nextCheck[s]!);
        nextCheck[s]! += CHECK_INTER + rng.int(0, 3);
      }
    }
    for (const e of events)
      if (!e.finalized && clock >= Math.max(e.acceptBefore, Number.isFinite(e.down) ? e.down : 0))
        finalizeIncident(w, e, pid);
    w.counts.sessions++;
    // replica session when the MariaDB logs are behind the HAProxy log in their budgets
    if (o.mysqlLines > 0 && w.counts.mysql / o.mysqlLines <= w.counts.hap / o.haproxyLines) {
      const app = APP_MIX.pick(rng);
      let fate: Fate;
      if (app === 'cron') fate = rng.chance(0.05) ? ERR_W.pick(rng) : QUIET_W.pick(rng);
      else {
        w.counts.loggingReplicaSessions++;
        // adaptive error rate: errors still wanted / logging sessions still expected
        const share = w.counts.sessions > 2000 ? w.counts.loggingReplicaSessions / w.counts.sessions : 0.1;
        const left = Math.max(1, (o.haproxyLines - w.counts.hap) * share);
        const p = Math.min(0.9, Math.max(0, (o.appErrors - w.counts.appErrors) / left) * 0.97);
        fate = rng.chance(p) ? ERR_W.pick(rng) : QUIET_W.pick(rng);
      }
      planReplicaSession(w, clock, app, fate);
      w.counts.cumulated.mysql_ro = (w.counts.cumulated.mysql_ro ?? 0) + 1;
    } else {
      planPrimarySession(w, clock);
      w.counts.cumulated.mysql_rw = (w.counts.cumulated.mysql_rw ?? 0) + 1;
    }
    if (w.counts.sessions % 256 === 0) for (const s of sinks) await s.flushUntil(clock - HORIZON);
  }
  for (const e of events) if (!e.finalized && e.start <= clock + HORIZON) finalizeIncident(w, e, pid);
  for (const s of sinks) await s.close();

  const truth: TruthEntry[] = Object.values(apps).flatMap((s) => s.truth);
  const lines: Record<string, number> = {};
  for (const s of sinks) lines[s.file] = s.lines;
  const mysql = servers.reduce((n, s) => n + s.err.lines + s.gen.lines, 0);
  const app = Object.values(apps).reduce((n, s) => n + s.lines, 0);
  const causes: Record<string, number> = {};
  for (const t of truth) causes[t.cause] = (causes[t.cause] ?? 0) + 1;
  const manifest: CorrelatedManifest = {
    seed: o.seed,
    options: { haproxyLines: o.haproxyLines, mysqlLines: o.mysqlLines, appErrors: o.appErrors, seed: o.seed },
    start: new Date(START).toISOString(),
    end: new Date(clock).toISOString(),
    files: {
      haproxy: 'haproxy.log',
      haproxyConfig: 'haproxy.cfg',
      mysqlError: { replica1: 'replica1-error.log', replica2: 'replica2-error.log' },
      mysqlGeneral: { replica1: 'replica1-general.log', replica2: 'replica2-general.log' },
      app: ['app-php.log', 'app-node.log', 'app-python.log'],
      truth: 'truth.json',
    },
    lines,
    totals: { haproxy: w.hap.lines, mysql, app, all: w.hap.lines + mysql + app },
    appErrors: truth.length,
    causes,
    incidents: events
      .filter((e) => e.finalized)
      .map((e) => ({
        type: e.type,
        server: e.server < 0 ? '*' : servers[e.server]!.name,
        start: new Date(e.start).toISOString(),
        victims: [...e.victims.values()].reduce((a, b) => a + b, 0),
      })),
  };
  await writeFile(path.join(o.dir, 'haproxy.cfg'), haproxyCfg());
  await writeFile(path.join(o.dir, 'truth.json'), JSON.stringify(truth) + '\n');
  await writeFile(path.join(o.dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}
