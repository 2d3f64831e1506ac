/**
 * `option httplog` / `option httpslog` tail after the timers (HAP-DOC §8.2.3–8.2.4, docs/haproxy-logs.md §1.4–1.5):
 *   `%ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq [{%hr}] [{%hs}] "%r" [httpslog fields | extras]`
 * - header blocks are optional (0, 1 or 2: beats#8301/#9463); a lone block is taken as the request
 *   captures, as logstash's HAPROXYHTTPBASE and Datadog do (HAProxy cannot tell them apart either);
 *   header values may contain spaces, `{|}` are `#XX`-encoded by HAProxy (HAP-DOC §8.6);
 * - the request may lack its closing quote (line cut at 1024 bytes, docs/parsing-pitfalls.md #5) → truncated: true;
 * - ≥1.7 (default): timers TR/Tw/Tc/Tr/Ta and the date is the REQUEST date; pre-1.7 (ctx flag): the
 *   same shape means Tq/Tw/Tc/Tr/Tt and the ACCEPT date.
 */
import type { ParseResult } from '../types.js';
import type { EnvFields } from '../syslog.js';
import { buildTrafficDoc, intAt } from './fields.js';
import { stateAt, type Head } from './tail.js';
import type { TrafficRec } from './traffic-rec.js';

/** httpslog: `fc_err/ssl_fc_err(hex)/ssl_c_err/ssl_c_ca_err/resumed sni/version/cipher` */
const HTTPS_TAIL = /^(\d+)\/([0-9A-Fa-f]+)\/(\d+)\/(\d+)\/([01]) ([^/\s]*)\/([^/\s]*)\/(\S*)$/;

export function parseHttpTail(h: Head, env: EnvFields | undefined, legacy: boolean): ParseResult | undefined {
  const p = h.p,
    n = p.length;
  let a = h.pos;
  let b = p.indexOf(' ', a);
  if (b < 0) return undefined;
  const status = intAt(p, a, b);
  if (Number.isNaN(status)) return undefined;
  a = b + 1;
  b = p.indexOf(' ', a);
  if (b < 0) return undefined;
  const bytes = intAt(p, a, b);
  if (Number.isNaN(bytes)) return undefined;
  const bytesPlus = p.charCodeAt(a) === 43; /* + */
  a = b + 1;
  b = p.indexOf(' ', a);
  if (b < 0) return undefined;
  const reqCookie = p.slice(a, b);
  a = b + 1;
  b = p.indexOf(' ', a);
  if (b < 0) return undefined;
  const resCookie = p.slice(a, b);
  b = stateAt(h, b + 1, 2);
  if (b < 0) return undefined;
  const { state, ac, fc, bc, sc, rc, redispatched, sq, bq } = h.tail;

  // optional capture blocks, then the quoted request
  const blocks: string[] = [];
  let truncated = false;
  a = b + 1;
  while (a < n && p.charCodeAt(a) === 123 /* { */ && blocks.length < 2) {
    const close = p.indexOf('}', a + 1);
    if (close < 0) {
      blocks.push(p.slice(a + 1));
      a = n;
      truncated = true;
      break;
    }
    blocks.push(p.slice(a + 1, close));
    a = close + 1;
    while (p.charCodeAt(a) === 32) a++;
  }
  let requestLine: string | undefined;
  let rest = '';
  if (a < n) {
    if (p.charCodeAt(a) !== 34 /* " */) return undefined;
    const q = p.indexOf('"', a + 1);
    if (q < 0) {
      requestLine = p.slice(a + 1);
      truncated = true;
    } else {
      requestLine = p.slice(a + 1, q);
      rest = p.slice(q + 1).trim();
    }
  } else if (!truncated) {
    return undefined; // httplog always ends with the quoted request
  }

  const rec: TrafficRec = {
    logFormat: 'httplog',
    mode: 'http',
    client: h.client,
    clientPort: h.clientPort,
    frontend: h.frontend,
    backend: h.backend,
    server: h.server,
    Tw: h.t1,
    Tc: h.t2,
    Tr: h.t3,
    logasap: bytesPlus || (h.plusMask & 16) !== 0,
    status,
    bytesRead: bytes,
    reqCookie,
    resCookie,
    state,
    ac,
    fc,
    bc,
    sc,
    rc,
    redispatched,
    sq,
    bq,
    requestLine,
    destination: h.destination,
  };
  if (legacy) {
    rec.legacyHttpTimers = true;
    rec.Tq = h.t0;
    rec.Tt = h.t4;
    rec.accept = h.date;
  } else {
    rec.TR = h.t0;
    rec.Ta = h.t4;
    rec.request = h.date;
  }
  if (blocks.length > 0) rec.reqHeaders = blocks[0];
  if (blocks.length > 1) rec.resHeaders = blocks[1];
  if (truncated) rec.truncated = true;
  if (rest) {
    const m = HTTPS_TAIL.exec(rest);
    if (m) {
      rec.logFormat = 'httpslog';
      rec.fcErr = Number(m[1]);
      rec.sslFcErr = parseInt(m[2]!, 16);
      rec.sslCErr = Number(m[3]);
      rec.sslCCaErr = Number(m[4]);
      rec.resumed = m[5] === '1';
      if (m[6] && m[6] !== '-') rec.sni = m[6];
      if (m[7] && m[7] !== '-') rec.sslVersion = m[7];
      if (m[8] && m[8] !== '-') rec.sslCipher = m[8];
    } else {
      rec.extra = rest;
    }
  }
  return { ok: true, value: { kind: 'haproxy', t: h.date, doc: buildTrafficDoc(rec, env) } };
}
