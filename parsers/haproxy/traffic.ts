/**
 * Hand-written tokenizer for the built-in traffic formats (issue #2: tcplog ≥ 1M lines/s; a regex +
 * parseHaproxyDate tops out near 950k). It reads the common head
 *   `%ci:%cp [%t|%tr] %ft …`
 * then decides from the shape (docs/haproxy-logs.md §1.3–1.6, docs/parsing-pitfalls.md #1):
 *   `frt/bind: message`             → connection error log (§8.2.5)
 *   `b/s [extra…] Tw/Tc/Tt …`       → tcplog tail (tcplog.ts)
 *   `b/s [extra…] TR/Tw/Tc/Tr/Ta …` → httplog / httpslog tail (httplog.ts)
 * Client split on the LAST colon (IPv6), backend/server on the FIRST slash (names may hold ':').
 */
import type { Doc, ParseContext, ParseResult } from '../types.js';
import type { EnvFields } from '../syslog.js';
import { applyEnvelope, intAt, iso, isIp, PARSER } from './fields.js';
import { envelopeZoneShift, haproxyDateAt } from './dates.js';
import { parseTcpTail } from './tcplog.js';
import { parseHttpTail } from './httplog.js';
import { newHead, slashNums, type Head } from './tail.js';

/** Optional flag a caller may set: read httplog lines with pre-1.7 semantics (Tq/…/Tt, accept date). */
export interface HaproxyParseContext extends ParseContext {
  haproxyLegacyHttpTimers?: boolean;
}

/** The head handed to the tail parsers, rewritten per line (no per-line allocation: issue #2). */
const H: Head = newHead();

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
  const nums = H.nums;
  const count = slashNums(p, a, b, 5, nums);
  if (count !== 3 && count !== 5) return undefined;
  const v = nums.n;
  // Tt (tcplog) or Ta (httplog): the line is written at about accept + that
  if (envT !== undefined) date -= envelopeZoneShift(date, v[count - 1], envT, ctx);
  H.p = p;
  H.client = client;
  H.clientPort = Number.isNaN(port) ? undefined : port;
  H.date = date;
  H.frontend = frontend;
  H.backend = backend;
  H.server = server;
  H.destination = destination;
  H.t0 = v[0]!;
  H.t1 = v[1]!;
  H.t2 = v[2]!;
  H.t3 = v[3]!;
  H.t4 = v[4]!;
  H.plusMask = nums.plus;
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
