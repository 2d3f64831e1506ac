/**
 * Single-format HAProxy generators (tcplog, httplog): N lines, seeded, streamed.
 * Lines are written in syslog (= session end) order; the accept/request date inside the payload
 * is end − total time, as HAProxy logs a session when it ends (docs/haproxy-logs.md §1.3, docs/lab-findings.md §3,
 * scenario 01).
 */
import { Rng, Weighted } from './prng.js';
import { LineWriter } from './line-writer.js';
import { timeFormats, DEFAULT_START } from './timefmt.js';
import { tcplogLine, httplogLine, type TcpLogFields, type HttpLogFields } from './haproxy-lines.js';

export interface GenOptions {
  lines: number;
  seed: number;
  out: string;
  /** epoch ms of the first line (default DEFAULT_START) */
  start?: number;
}
export interface GenStats {
  lines: number;
  bytes: number;
  /** epoch ms of the first and last log line */
  first: number;
  last: number;
}

const HOST = 'db-lb-01';

/**
 * A log that starts with a (re)start of HAProxy begins with `Proxy X started.` lines (docs/haproxy-logs.md and
 * docs/mysql-logs.md
 * §1.7). Besides being realistic, a first line that lnav's haproxy_log regexes accept makes lnav
 * pick that format for the whole file (lnav detects a file's format on its first lines).
 */
async function startupLines(
  w: LineWriter,
  t: number,
  pid: number,
  proxies: readonly string[],
  max: number,
): Promise<void> {
  const f = timeFormats();
  for (const p of proxies.slice(0, max)) {
    const wait = w.line(`${f.syslog(t)} ${HOST} haproxy[${pid}]: Proxy ${p} started.`);
    if (wait) await wait;
  }
}

/** Mix of tcplog termination states (docs/haproxy-logs.md §1.10, the states the lab saw in docs/lab-findings.md §2). */
type TcpCase = '--' | 'cD' | 'sD' | 'SD' | 'CD' | 'K-' | 'D-' | 'SC' | 'NOSRV' | 'sC' | 'CC';
const TCP_CASES = new Weighted<TcpCase>([
  ['--', 76],
  ['cD', 6],
  ['sD', 2],
  ['SD', 4],
  ['CD', 5],
  ['K-', 0.5],
  ['D-', 0.5],
  ['SC', 2],
  ['NOSRV', 1],
  ['sC', 0.5],
  ['CC', 0.5],
]);

const TCP_ROUTES: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  ['mysql_ro', 'mariadb_replicas', ['replica1', 'replica2', 'replica3']],
  ['mysql_rw', 'mariadb_primary', ['primary']],
  ['mysql_tls~', 'mariadb_replicas', ['replica1', 'replica2', 'replica3']],
];
const ROUTE_W = new Weighted<number>([
  [0, 70],
  [1, 25],
  [2, 5],
]);

function clientIp(rng: Rng): string {
  return `10.0.${rng.int(1, 4)}.${rng.int(2, 250)}`;
}

export function tcpSessionFor(rng: Rng, logT: number, pid: number): TcpLogFields {
  const c = TCP_CASES.pick(rng);
  const [frontend, backend, servers] = TCP_ROUTES[ROUTE_W.pick(rng)]!;
  let server = rng.pick(servers);
  let tw = rng.chance(0.7) ? 0 : 1;
  let tc = rng.int(0, 3);
  let tt: number;
  let bytes = rng.logInt(80, 2_000_000);
  switch (c) {
    case 'cD':
      tt = 20_000 + rng.logInt(1, 600_000);
      break; // last byte + timeout client
    case 'sD':
      tt = 30_000 + rng.logInt(1, 300_000);
      break; // timeout server
    case 'SD':
      tt = rng.logInt(20, 3_600_000);
      break;
    case 'SC':
      tc = -1;
      tt = rng.int(0, 5);
      bytes = 0;
      break; // refused connect
    case 'sC':
      tc = -1;
      tt = 5000 + rng.int(0, 10);
      bytes = 0;
      break; // timeout connect
    case 'NOSRV':
      server = '<NOSRV>';
      tw = -1;
      tc = -1;
      tt = rng.int(0, 2);
      bytes = 0;
      break;
    case 'CC':
      tc = -1;
      tt = rng.int(0, 50);
      bytes = 0;
      break;
    default:
      tt = rng.logInt(2, 900_000);
  }
  const state = c === 'NOSRV' ? 'SC' : c;
  const sc = rng.int(0, 40);
  const bc = sc + rng.int(0, 60);
  const fc = bc + rng.int(0, 20);
  const ac = fc + rng.int(0, 30);
  return {
    logT,
    host: HOST,
    pid,
    clientIp: clientIp(rng),
    clientPort: rng.int(1024, 65535),
    accept: logT - tt,
    frontend,
    backend,
    server,
    tw,
    tc,
    tt,
    bytes,
    state,
    ac,
    fc,
    bc,
    sc: server === '<NOSRV>' ? 0 : sc,
    rc: c === 'SC' && rng.chance(0.3) ? '+1' : rng.chance(0.002) ? 1 : 0,
    sq: 0,
    bq: 0,
  };
}

/** `node dist/bench/generate.js --kind tcplog` */
export async function generateTcplog(o: GenOptions): Promise<GenStats> {
  const rng = new Rng(o.seed);
  const f = timeFormats();
  const w = new LineWriter(o.out);
  let t = o.start ?? DEFAULT_START;
  const first = t;
  let pid = 3968;
  await startupLines(
    w,
    t - 1000,
    pid,
    ['mysql_ro', 'mysql_rw', 'mysql_tls', 'mariadb_replicas', 'mariadb_primary'],
    o.lines,
  );
  for (let i = w.lines; i < o.lines; i++) {
    t += Math.round(rng.exp(1)); // ~1000 lines/s of log time
    if (rng.chance(1 / 500_000)) pid += rng.int(10, 500); // a reload now and then
    const p = w.line(tcplogLine(f, tcpSessionFor(rng, t, pid)));
    if (p) await p;
  }
  await w.close();
  return { lines: w.lines, bytes: w.bytes, first, last: t };
}

/** HTTP cases: status, 4-char termination state prefix (docs/haproxy-logs.md §1.4 / §1.10). */
type HttpCase = '200' | '304' | '404' | '500' | '502' | '503' | 'NOSRV503' | '504' | 'BADREQ' | '408' | 'STATS';
const HTTP_CASES = new Weighted<HttpCase>([
  ['200', 78],
  ['304', 6],
  ['404', 5],
  ['500', 3],
  ['502', 2],
  ['503', 1],
  ['NOSRV503', 1],
  ['504', 1.5],
  ['BADREQ', 0.5],
  ['408', 0.5],
  ['STATS', 0.5],
]);

interface HttpFrontend {
  name: string;
  backend: string;
  servers: string[];
  captures: boolean;
  cookie: boolean;
  logasap: boolean;
}
const HTTP_FRONTENDS: HttpFrontend[] = [
  { name: 'www', backend: 'php_app', servers: ['web1', 'web2', 'web3'], captures: false, cookie: true, logasap: false },
  { name: 'api', backend: 'api_be', servers: ['api1', 'api2'], captures: true, cookie: false, logasap: false },
  { name: 'static', backend: 'static_be', servers: ['s1'], captures: false, cookie: false, logasap: true },
];
const FE_W = new Weighted<number>([
  [0, 60],
  [1, 30],
  [2, 10],
]);
const PATHS = [
  '/index.php',
  '/product.php?id=',
  '/cart',
  '/api/v1/orders/',
  '/api/v1/users/',
  '/static/app.js',
  '/img/logo.png',
  '/search?q=shoes+red&page=',
];
const UAS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'curl/8.5.0',
  'okhttp/4.12.0',
  'Go-http-client/1.1',
];
const COOKIE_TSC = ['NI', 'VN', 'VU', 'NN', 'II', '--'];

export function httpSessionFor(rng: Rng, logT: number, pid: number): HttpLogFields {
  const c = HTTP_CASES.pick(rng);
  const fe = HTTP_FRONTENDS[FE_W.pick(rng)]!;
  let backend = fe.backend;
  let server = rng.pick(fe.servers);
  let tR = rng.chance(0.8) ? 0 : rng.int(1, 30),
    tw = 0,
    tc = rng.int(0, 2),
    tr = rng.logInt(1, 800);
  let status = Number(c.slice(-3)) || 200,
    bytes = rng.logInt(150, 400_000),
    term = '--';
  const p = rng.pick(PATHS);
  let request = `${rng.pick(['GET', 'GET', 'GET', 'POST', 'HEAD'])} ${p}${/[=/]$/.test(p) ? rng.int(1, 99999) : ''} HTTP/1.1`;
  switch (c) {
    case '304':
      bytes = rng.int(120, 240);
      break;
    case '404':
      bytes = rng.int(200, 600);
      break;
    case '500':
      tr = rng.logInt(100, 30_000);
      bytes = rng.int(150, 300);
      break;
    case '502':
      tr = -1;
      term = rng.chance(0.7) ? 'SH' : 'PH';
      bytes = 0;
      break;
    case '503':
      tc = -1;
      tr = -1;
      term = 'SC';
      bytes = 217;
      break;
    case 'NOSRV503':
      server = '<NOSRV>';
      tw = -1;
      tc = -1;
      tr = -1;
      term = 'SC';
      bytes = 217;
      status = 503;
      break;
    case '504':
      tr = -1;
      term = 'sH';
      bytes = 198;
      break;
    case 'BADREQ':
      tR = -1;
      tw = -1;
      tc = -1;
      tr = -1;
      server = '<NOSRV>';
      status = 400;
      bytes = 0;
      term = rng.chance(0.5) ? 'CR' : 'PR';
      request = '<BADREQ>';
      break;
    case '408':
      tR = -1;
      tw = -1;
      tc = -1;
      tr = -1;
      server = '<NOSRV>';
      bytes = 0;
      term = 'cR';
      request = '<BADREQ>';
      break;
    case 'STATS':
      backend = 'stats';
      server = '<STATS>';
      tc = -1;
      tr = 0;
      term = 'LR';
      break;
  }
  const taNum =
    c === '504'
      ? 30_000 + rng.int(0, 5)
      : Math.max(0, tR) + Math.max(0, tw) + Math.max(0, tc) + Math.max(0, tr) + rng.int(0, 3);
  const asap = fe.logasap && c === '200' && rng.chance(0.6);
  const sc = rng.int(0, 80),
    bc = sc + rng.int(0, 80),
    fc = bc + rng.int(0, 40),
    ac = fc + rng.int(0, 40);
  return {
    logT,
    host: HOST,
    pid,
    clientIp: clientIp(rng),
    clientPort: rng.int(1024, 65535),
    requestT: logT - taNum,
    frontend: fe.name,
    backend,
    server,
    tR,
    tw,
    tc,
    tr,
    ta: asap ? `+${taNum}` : taNum,
    status,
    bytes: asap ? `+${bytes}` : bytes,
    cookieReq: '-',
    cookieResp: '-',
    tsc: term + (fe.cookie ? rng.pick(COOKIE_TSC) : '--'),
    ac,
    fc,
    bc,
    sc: server.startsWith('<') ? 0 : sc,
    rc: 0,
    sq: 0,
    bq: 0,
    // header captures keep the frontend's configured shape: {req} {resp}, spaces allowed (§1.4, §1.8)
    captures: fe.captures
      ? [`{api.example.com|${rng.pick(UAS)}}`, `{${rng.chance(0.9) ? 'application/json' : ''}}`]
      : [],
    request,
  };
}

/** `node dist/bench/generate.js --kind httplog` */
export async function generateHttplog(o: GenOptions): Promise<GenStats> {
  const rng = new Rng(o.seed);
  const f = timeFormats();
  const w = new LineWriter(o.out);
  let t = o.start ?? DEFAULT_START;
  const first = t;
  const pid = 6497;
  await startupLines(w, t - 1000, pid, ['www', 'api', 'static', 'php_app', 'api_be', 'static_be', 'stats'], o.lines);
  for (let i = w.lines; i < o.lines; i++) {
    t += Math.round(rng.exp(1));
    const p = w.line(httplogLine(f, httpSessionFor(rng, t, pid)));
    if (p) await p;
  }
  await w.close();
  return { lines: w.lines, bytes: w.bytes, first, last: t };
}
