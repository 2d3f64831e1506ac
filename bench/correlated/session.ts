/**
 * One proxied session, planned whole at accept time: its general-log lines, its end (fates.ts or
 * an incident from timeline.ts), the HAProxy tcplog line, MariaDB evidence and the app record.
 */
import { REASON, abortedMessage, sampleSql } from '../mysql-lines.js';
import { Weighted, type Rng } from '../prng.js';
import { appErrorRecord, appNoiseRecord, type AppName } from './app-records.js';
import { planFate, readLines, userOf, nextUseLag, type Fate, type Outcome, type Query } from './fates.js';
import { incidentFor, laterLogger, pidAt, serverUnavailable, type GroupEvent } from './timeline.js';
import {
  FIRST_PID,
  LB_HOST,
  LB_IP,
  TIMEOUT_CLIENT,
  TIMEOUT_SERVER,
  appRecord,
  errLine,
  genLine,
  hapSession,
  nextPort,
  type App,
  type World,
} from './world.js';

export const APP_IP: Record<App, string> = {
  php: '10.0.1.11',
  node: '10.0.1.12',
  python: '10.0.1.13',
  cron: '10.0.1.14',
};

/** the HAProxy frontend of the replicas' traffic (the apps' sessions) */
export const REPLICA_FRONTEND = 'mysql_ro';

/** What an operator knows of an app log (`app.files[]` keys of the config): the MySQL user the app logs in
 *  as and the frontend it connects through. `file` is the scenario's `app-<name>.log`. */
export function appKeysOf(file: string): { mysql_user: string; frontends: string[] } {
  const app = file.replace(/^app-|\.log$/g, '') as App;
  return { mysql_user: userOf(app), frontends: [REPLICA_FRONTEND] };
}

/** Idle gaps between a worker's queries; capped below the timeout that would end the session. */
function gap(rng: Rng, max: number): number {
  const x = rng.next();
  const g = x < 0.6 ? rng.int(1, 50) : x < 0.9 ? rng.int(50, 2000) : rng.int(2000, 15000);
  return Math.min(g, max);
}

function counters(w: World, a: number, idx: number): { ac: number; fc: number; bc: number; sc: number } {
  for (const h of w.ends) h.popUntil(a);
  const [r1, r2, p] = w.ends.map((h) => h.size) as [number, number, number];
  const mine = idx === 2 ? p : r1 + r2;
  return { ac: r1 + r2 + p + 1, fc: mine + 1, bc: mine + 1, sc: (idx === 0 ? r1 : idx === 1 ? r2 : p) + 1 };
}

/** An incident closes the session first: rewrite its ending (docs/lab-findings.md §3, scenario 06/06b/06c/07/09). */
function incidentOutcome(
  w: World,
  e: GroupEvent,
  app: App,
  srvIdx: number,
  thread: number,
  queries: Query[],
  planned: Outcome,
): Outcome {
  const rng = w.rng;
  const srv = w.servers[srvIdx]!;
  const user = userOf(app);
  const after = queries.find((q) => q.t >= e.hit);
  const kept = queries.filter((q) => q.t < e.hit);
  queries.length = 0;
  queries.push(...kept);
  const runQ = planned.running && planned.running.t < e.hit ? planned.running : undefined;
  const inFlight = runQ ?? kept.find((q) => q.end > e.hit);
  const o: Outcome = { closed: e.hit + rng.int(0, 5), hapT: 0, state: '--', halfOpen: false, err: [], general: [] };
  if (runQ) o.running = runQ;
  const cause =
    e.type === 'shutdown'
      ? 'mysql_shutdown'
      : e.type === 'crash'
        ? 'mysql_crash'
        : e.type === 'health_down'
          ? 'haproxy_server_down'
          : 'haproxy_hard_stop';
  const by = e.type === 'shutdown' || e.type === 'crash' ? 'mysql' : 'haproxy';
  // when does the app notice? mysql2 at once; PHP/Python on the running query or on their next
  // query; a worker whose next step was to disconnect closes silently (PDO destructor, §4.6)
  let appT: number | undefined;
  let idle = false;
  if (inFlight || app === 'node') {
    appT = o.closed + rng.int(0, 3);
    idle = !inFlight;
  } else if (after) appT = Math.max(after.t, o.closed + 1);
  else if (planned.app) appT = o.closed + nextUseLag(rng);
  const halfOpenUntil = appT ?? planned.quit ?? o.closed + TIMEOUT_CLIENT;
  if (e.type === 'shutdown' || e.type === 'crash') {
    if (e.type === 'shutdown' && srv.lw >= 4) {
      // lw4 only: per-client (KILLED) at shutdown (06)
      o.err.push([o.closed, 0, 'Warning', abortedMessage(thread, 'shop', user, LB_IP, REASON.killed)]);
      o.err.push(
        [o.closed, thread, 'ERROR', 'mariadbd: Connection was killed'],
        [o.closed, thread, 'ERROR', 'mariadbd: Connection was killed'],
      );
    }
    if (app === 'node' || inFlight) o.hapT = o.closed + rng.int(1, 5);
    else if (halfOpenUntil < e.down) o.hapT = halfOpenUntil + rng.int(0, 2);
    else {
      o.hapT = e.down + rng.int(0, 10);
      o.state = 'D-';
      e.activeAtDown++;
    } // half-open until DOWN (06c)
  } else {
    o.hapT = o.closed;
    o.state = e.type === 'health_down' ? 'D-' : 'K-';
    if (e.type === 'health_down') e.activeAtDown++;
    readLines(o, srv, rng, o.closed + rng.int(0, 2), thread, user, REASON.errorReading, 11);
  }
  if (app !== 'cron' && appT !== undefined) {
    o.app = {
      t: appT,
      sql: inFlight?.sql ?? sampleSql(rng.next),
      flavor: 'gone',
      idleEvent: idle,
      cause,
      terminatedBy: by,
    };
  }
  return o;
}

const NOISE_P = 0.25;

export function planReplicaSession(w: World, a: number, app: App, fate: Fate): void {
  const rng = w.rng;
  const avail = [0, 1].filter((s) => !serverUnavailable(w.events, s, a));
  const srvIdx = avail.length ? avail[w.rr++ % avail.length]! : 0;
  const srv = w.servers[srvIdx]!;
  const cnt = counters(w, a, srvIdx);
  const port = nextPort(w, APP_IP[app]);
  const tw = rng.chance(0.7) ? 0 : 1,
    tc = rng.int(0, 2);
  const thread = srv.nextThread++;
  const connT = a + tw + tc + rng.int(1, 3);
  const queries: Query[] = [];
  let t = connT + rng.int(1, 5);
  let bytes = rng.int(80, 120);
  const addQ = (sql: string, g: number) => {
    t += g;
    const dur = rng.int(1, 25);
    queries.push({ t, sql, end: t + dur });
    bytes += rng.logInt(20, 20000);
    t += dur;
  };
  if (app === 'php') addQ("set names 'utf8mb4' collate 'utf8mb4_unicode_ci'", rng.int(0, 2)); // lab caveat §6
  if (fate === 'wait_timeout') addQ(`SET SESSION wait_timeout=${8}`, rng.int(0, 3));
  const maxGap = fate === 'wait_timeout' ? 7000 : 15000;
  for (let i = rng.int(1, 5); i > 0; i--) addQ(sampleSql(rng.next), gap(rng, maxGap));
  const ctx = { rng, app, srv, thread, lastByte: t, sampleSql: () => sampleSql(rng.next) };
  let o = planFate(fate, ctx);
  const e = incidentFor(w.events, srvIdx, a, o.closed);
  if (e) {
    e.victims.set('mysql_ro', (e.victims.get('mysql_ro') ?? 0) + 1);
    o = incidentOutcome(w, e, app, srvIdx, thread, queries, o);
  } else if (o.halfOpen) {
    const later = laterLogger(w.events, srvIdx, a, o.closed, o.hapT);
    if (later) {
      o.hapT = later.type === 'hard_stop' ? later.hit + rng.int(0, 5) : later.down + rng.int(0, 10);
      o.state = later.type === 'hard_stop' ? 'K-' : 'D-';
    }
  }
  // general log: Connect, the statements that reached the server, Quit only on a clean close (§4.4)
  genLine(w, srv, connT, thread, 'Connect', `${userOf(app)}@${LB_IP} on shop using TCP/IP`);
  for (const q of queries) genLine(w, srv, q.t, thread, 'Query', q.sql);
  if (o.running) genLine(w, srv, o.running.t, thread, 'Query', o.running.sql);
  if (o.quit !== undefined) genLine(w, srv, o.quit, thread, 'Quit', '');
  for (const g of o.general) genLine(w, srv, ...g);
  for (const x of o.err) errLine(w, srv, ...x);
  hapSession(w, {
    logT: o.hapT,
    host: LB_HOST,
    pid: pidAt(w.events, FIRST_PID, a),
    clientIp: APP_IP[app],
    clientPort: port,
    accept: a,
    frontend: REPLICA_FRONTEND,
    backend: 'mariadb_replicas',
    server: srv.name,
    tw,
    tc,
    tt: o.hapT - a,
    bytes,
    state: o.state,
    ...cnt,
    rc: 0,
    sq: 0,
    bq: 0,
  });
  w.ends[srvIdx]!.push(o.hapT);
  if (app === 'cron') return;
  if (o.app) {
    const rec = appErrorRecord(app, w.f, {
      t: o.app.t,
      sql: o.app.sql,
      flavor: o.app.flavor,
      idleEvent: o.app.idleEvent,
      localPort: port,
      threadId: thread,
      worker: 1 + (port % 4),
    });
    appRecord(w, app, o.app.t, rec, {
      cause: o.app.cause,
      terminated_by: o.app.terminatedBy,
      app,
      server: srv.name,
      client_port: port,
      thread_id: thread,
      t: new Date(o.app.t).toISOString(),
    });
    w.counts.appErrors++;
    w.counts.causes[o.app.cause] = (w.counts.causes[o.app.cause] ?? 0) + 1;
  }
  if (rng.chance(NOISE_P))
    appRecord(w, app as AppName, connT + rng.int(0, 500), appNoiseRecord(app as AppName, w.f, connT, rng));
}

type RwCase = '--' | 'CD' | 'cD' | 'SD' | 'sD' | 'SC' | 'NOSRV';
const RW_CASES = new Weighted<RwCase>([
  ['--', 93],
  ['CD', 3],
  ['cD', 1.5],
  ['SD', 1],
  ['sD', 0.5],
  ['SC', 0.5],
  ['NOSRV', 0.3],
]);

/** Traffic to the primary (frontend mysql_rw): HAProxy lines only, no MySQL logs supplied for it. */
export function planPrimarySession(w: World, a: number): void {
  const rng = w.rng;
  const c = RW_CASES.pick(rng);
  const cnt = counters(w, a, 2);
  let tw = rng.chance(0.7) ? 0 : 1,
    tc = rng.int(0, 2),
    bytes = rng.logInt(100, 500_000);
  let server = 'primary';
  let tt: number;
  switch (c) {
    case 'cD':
      tt = TIMEOUT_CLIENT + rng.logInt(5, 60_000);
      break;
    case 'sD':
      tt = TIMEOUT_SERVER + rng.logInt(5, 30_000);
      break;
    case 'SC':
      tc = -1;
      tt = rng.int(0, 5);
      bytes = 0;
      break;
    case 'NOSRV':
      server = '<NOSRV>';
      tw = -1;
      tc = -1;
      tt = rng.int(0, 2);
      bytes = 0;
      break;
    default:
      tt = rng.logInt(3, 90_000);
  }
  let state: string = c === 'NOSRV' ? 'SC' : c;
  let logT = a + tt;
  const e = incidentFor(w.events, 'primary', a, logT);
  if (e) {
    e.victims.set('mysql_rw', (e.victims.get('mysql_rw') ?? 0) + 1);
    logT = e.hit + rng.int(0, 5);
    state = 'K-';
  }
  hapSession(w, {
    logT,
    host: LB_HOST,
    pid: pidAt(w.events, FIRST_PID, a),
    clientIp: `10.0.2.${rng.int(2, 60)}`,
    clientPort: nextPort(w, 'rw'),
    accept: a,
    frontend: 'mysql_rw',
    backend: 'mariadb_primary',
    server,
    tw,
    tc,
    tt: logT - a,
    bytes,
    state,
    ...cnt,
    sc: server === '<NOSRV>' ? 0 : cnt.sc,
    rc: 0,
    sq: 0,
    bq: 0,
  });
  w.ends[2]!.push(logT);
}
