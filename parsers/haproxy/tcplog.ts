/**
 * `option tcplog` tail after the timers (HAP-DOC §8.2.2, FORMATS.md §1.3):
 *   `%Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq`
 * `+` prefixes: Tt/B with `option logasap`, retries when redispatched. Tokens after the queues (a
 * custom format extending tcplog) are kept in haproxy.extra_fields rather than failing the line.
 */
import type { ParseResult } from '../types.js';
import type { Envelope } from '../syslog.js';
import { buildTrafficDoc, intAt, resetPlus, plusSeen, type TrafficRec } from './fields.js';
import { slashNum, slashNums, slashPlus, type Head } from './traffic.js';

export function parseTcpTail(h: Head, env: Envelope | undefined): ParseResult | undefined {
  const p = h.p, n = p.length;
  let a = h.pos;
  let b = p.indexOf(' ', a);
  if (b < 0) return undefined;
  resetPlus();
  const bytes = intAt(p, a, b);
  if (Number.isNaN(bytes)) return undefined;
  const bytesPlus = plusSeen;
  a = b + 1;
  b = p.indexOf(' ', a);
  if (b < 0 || b - a < 1 || b - a > 4) return undefined;
  const state = p.slice(a, b);
  a = b + 1;
  b = p.indexOf(' ', a);
  if (b < 0) return undefined;
  if (slashNums(p, a, b, 5) !== 5) return undefined;
  const ac = slashNum(0), fc = slashNum(1), bc = slashNum(2), sc = slashNum(3), rc = slashNum(4);
  const redispatched = (slashPlus() & 16) !== 0;
  a = b + 1;
  b = p.indexOf(' ', a);
  if (b < 0) b = n;
  if (slashNums(p, a, b, 2) !== 2) return undefined;
  const sq = slashNum(0), bq = slashNum(1);
  const rec: TrafficRec = {
    logFormat: 'tcplog', mode: 'tcp',
    client: h.client, clientPort: h.clientPort, accept: h.date,
    frontend: h.frontend, backend: h.backend, server: h.server,
    Tw: h.t0, Tc: h.t1, Tt: h.t2,
    logasap: bytesPlus || (h.plusMask & 4) !== 0,
    bytesRead: bytes, state, ac, fc, bc, sc, rc, redispatched, sq, bq,
    destination: h.destination,
  };
  if (b < n) {
    const extra = p.slice(b + 1).trim();
    if (extra) rec.extra = extra;
  }
  return { ok: true, value: { kind: 'haproxy', t: h.date, doc: buildTrafficDoc(rec, env) } };
}
