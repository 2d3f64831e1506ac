/**
 * Hand-written tokenizer for the built-in traffic formats (issue #2: tcplog ≥ 1M lines/s; a regex +
 * parseHaproxyDate tops out near 950k). It reads the common head
 *   `%ci:%cp [%t|%tr] %ft …`
 * then decides from the shape (FORMATS.md §1.3–1.6, USER_PAIN #1):
 *   `frt/bind: message`             → connection error log (§8.2.5)
 *   `b/s [extra…] Tw/Tc/Tt …`       → tcplog tail (tcplog.ts)
 *   `b/s [extra…] TR/Tw/Tc/Tr/Ta …` → httplog / httpslog tail (httplog.ts)
 * Client split on the LAST colon (IPv6), backend/server on the FIRST slash (names may hold ':').
 */
import type { Doc, ParseContext, ParseResult } from '../types.js';
import type { EnvFields } from '../syslog.js';
import { applyEnvelope, envelopeZoneShift, haproxyDateAt, intAt, iso, isIp, PARSER } from './fields.js';
import { parseTcpTail } from './tcplog.js';
import { parseHttpTail } from './httplog.js';

/** Optional flag a caller may set: read httplog lines with pre-1.7 semantics (Tq/…/Tt, accept date). */
export interface HaproxyParseContext extends ParseContext {
  haproxyLegacyHttpTimers?: boolean;
}

/**
 * Shared head of the traffic line being parsed, handed to the tail parsers. One module-level object
 * rewritten per line (no per-line allocation: issue #2); parsing is synchronous, so no sharing hazard.
 */
export interface Head {
  p: string;
  client: string;
  clientPort: number | undefined;
  date: number;
  frontend: string;
  backend: string;
  server: string;
  destination: string | undefined;
  /** the numbers of the timer token (3 or 5), and which of them carried a '+' (logasap) */
  t0: number;
  t1: number;
  t2: number;
  t3: number;
  t4: number;
  plusMask: number;
  /** index just after the timer token */
  pos: number;
}
const H: Head = {
  p: '',
  client: '',
  clientPort: undefined,
  date: 0,
  frontend: '',
  backend: '',
  server: '',
  destination: undefined,
  t0: 0,
  t1: 0,
  t2: 0,
  t3: 0,
  t4: 0,
  plusMask: 0,
  pos: 0,
};

const nums: number[] = [0, 0, 0, 0, 0];
let plusMask = 0;

/** `a/b/c…` with optional sign per number in p[a, b) → count (≤ max) into `nums`, -1 if not that shape. */
export function slashNums(p: string, a: number, b: number, max: number): number {
  let count = 0,
    start = a;
  plusMask = 0;
  for (let i = a; i <= b; i++) {
    if (i !== b && p.charCodeAt(i) !== 47) continue;
    if (count >= max) return -1;
    let j = start,
      neg = false,
      v = 0;
    const c0 = p.charCodeAt(j);
    if (c0 === 43) {
      plusMask |= 1 << count;
      j++;
    } else if (c0 === 45) {
      neg = true;
      j++;
    }
    if (j >= i || i - j > 15) return -1;
    for (; j < i; j++) {
      const c = p.charCodeAt(j) - 48;
      if (c < 0 || c > 9) return -1;
      v = v * 10 + c;
    }
    nums[count++] = neg ? -v : v;
    start = i + 1;
  }
  return count;
}

/** The `%ts %ac/%fc/%bc/%sc/%rc %sq/%bq` run shared by tcplog and httplog, as read by stateAt(). */
export interface StateTail {
  state: string;
  ac: number;
  fc: number;
  bc: number;
  sc: number;
  rc: number;
  redispatched: boolean;
  sq: number;
  bq: number;
}
/** One module-level result (no per-line allocation); valid until the next call. */
export const TAIL: StateTail = { state: '', ac: 0, fc: 0, bc: 0, sc: 0, rc: 0, redispatched: false, sq: 0, bq: 0 };

/**
 * Reads `state conns queues` from p[a…] into TAIL; the state must be minState–4 chars. Returns the
 * index just after the queues (p.length when they end the line), or -1 when the run is not there.
 */
export function stateAt(p: string, a: number, minState: number): number {
  let b = p.indexOf(' ', a);
  if (b < 0 || b - a < minState || b - a > 4) return -1;
  TAIL.state = p.slice(a, b);
  a = b + 1;
  b = p.indexOf(' ', a);
  if (b < 0 || slashNums(p, a, b, 5) !== 5) return -1;
  TAIL.ac = nums[0]!;
  TAIL.fc = nums[1]!;
  TAIL.bc = nums[2]!;
  TAIL.sc = nums[3]!;
  TAIL.rc = nums[4]!;
  TAIL.redispatched = (plusMask & 16) !== 0;
  a = b + 1;
  b = p.indexOf(' ', a);
  if (b < 0) b = p.length;
  if (slashNums(p, a, b, 2) !== 2) return -1;
  TAIL.sq = nums[0]!;
  TAIL.bq = nums[1]!;
  return b;
}

function isTimerToken(p: string, a: number, b: number): boolean {
  let slash = false;
  for (let i = a; i < b; i++) {
    const c = p.charCodeAt(i);
    if (c === 47) slash = true;
    else if (!((c >= 48 && c <= 57) || c === 43 || c === 45)) return false;
  }
  return slash;
}

const bad = (value: string): ParseResult => ({
  ok: false,
  issue: { code: 'bad_timestamp', parser: PARSER, message: `unreadable HAProxy date '${value}'`, value },
});

/**
 * Parse the payload p[start…] in one of the built-in traffic shapes. undefined = not this shape (let other parsers
 * try); an issue = it is a traffic line but unusable (bad date).
 */
export function parseTrafficPayload(
  p: string,
  start: number,
  env: EnvFields | undefined,
  ctx: HaproxyParseContext,
): ParseResult | undefined {
  const n = p.length;
  const sp = p.indexOf(' ', start);
  if (sp < start + 2 || p.charCodeAt(sp + 1) !== 91 /* [ */) return undefined;
  const colon = p.lastIndexOf(':', sp - 1);
  if (colon < start + 1) return undefined;
  const dEnd = p.indexOf(']', sp + 2);
  if (dEnd < 0 || dEnd - sp > 40 || p.charCodeAt(dEnd + 1) !== 32) return undefined;
  const port = intAt(p, colon + 1, sp);
  const client = p.slice(start, colon);
  let date = haproxyDateAt(p, sp + 2, dEnd, ctx.zone);
  if (Number.isNaN(date)) return bad(p.slice(sp + 2, dEnd));
  const envT = env?.t;

  let a = dEnd + 2;
  let b = p.indexOf(' ', a);
  if (b < 0) b = n;
  // error log: `frontend/bind: message` (the only shape whose 3rd token ends with ':')
  if (p.charCodeAt(b - 1) === 58) {
    const sl = p.indexOf('/', a);
    if (sl > a && sl < b - 1)
      return errorLog(
        p,
        client,
        port,
        date - envelopeZoneShift(date, 0, envT, ctx),
        p.slice(a, sl),
        p.slice(sl + 1, b - 1),
        b,
        env,
      );
  }
  const frontend = p.slice(a, b);
  a = b + 1;
  b = p.indexOf(' ', a);
  if (b < 0) return undefined;
  const sl = p.indexOf('/', a);
  if (sl < 0 || sl >= b) return undefined;
  const backend = p.slice(a, sl);
  const server = p.slice(sl + 1, b);

  // tokens between server and timers (a Host header in a custom format: beats#25827 → destination.address)
  let destination: string | undefined;
  a = b + 1;
  b = p.indexOf(' ', a);
  for (let extra = 0; ; extra++) {
    if (b < 0) b = n;
    if (isTimerToken(p, a, b)) break;
    if (extra >= 2 || b >= n) return undefined;
    const tok = p.slice(a, b);
    destination = destination === undefined ? tok : `${destination} ${tok}`;
    a = b + 1;
    b = p.indexOf(' ', a);
  }
  const count = slashNums(p, a, b, 5);
  if (count !== 3 && count !== 5) return undefined;
  // Tt (tcplog) or Ta (httplog): the line is written at about accept + that
  if (envT !== undefined) date -= envelopeZoneShift(date, nums[count - 1], envT, ctx);
  H.p = p;
  H.client = client;
  H.clientPort = Number.isNaN(port) ? undefined : port;
  H.date = date;
  H.frontend = frontend;
  H.backend = backend;
  H.server = server;
  H.destination = destination;
  H.t0 = nums[0]!;
  H.t1 = nums[1]!;
  H.t2 = nums[2]!;
  H.t3 = nums[3]!;
  H.t4 = nums[4]!;
  H.plusMask = plusMask;
  H.pos = b + 1;
  return count === 3 ? parseTcpTail(H, env) : parseHttpTail(H, env, ctx.haproxyLegacyHttpTimers === true);
}

/** `127.0.0.1:56059 [03/Dec/2012:17:35:10.380] frt/f1: Connection error during SSL handshake` (§8.2.5) */
function errorLog(
  p: string,
  client: string,
  port: number,
  date: number,
  frontend: string,
  bind: string,
  b: number,
  env: EnvFields | undefined,
): ParseResult {
  const hap: Doc = { message_type: 'connection_error', log_format: 'error', frontend_name: frontend, bind_name: bind };
  const doc: Doc = {};
  const at = iso(date);
  doc['@timestamp'] = at;
  const src: Doc = {};
  if (client !== '-' && client !== '') {
    src.address = client;
    if (isIp(client)) src.ip = client;
  }
  if (!Number.isNaN(port)) src.port = port;
  doc.source = src;
  applyEnvelope(doc, hap, env);
  hap.error_message = b < p.length ? p.slice(b + 1) : '';
  hap.accept_date = at;
  doc.haproxy = hap;
  return { ok: true, value: { kind: 'haproxy', t: date, doc } };
}
