/**
 * `option tcplog` tail after the timers (HAP-DOC §8.2.2, FORMATS.md §1.3):
 *   `%Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq`
 * `+` prefixes: Tt/B with `option logasap`, retries when redispatched. Tokens after the queues (a
 * custom format extending tcplog) are kept in haproxy.extra_fields rather than failing the line.
 */
import type { ParseResult } from '../types.js';
import type { EnvFields } from '../syslog.js';
import { intAt, resetPlus, plusSeen } from './fields.js';
import { TcpLogRecord } from './tcp-record.js';
import { slashNum, slashNums, slashPlus, type Head } from './traffic.js';

export function parseTcpTail(h: Head, env: EnvFields | undefined): ParseResult | undefined {
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
  // A flat record (tcp-record.ts): the nested document is built only on demand (issue #2 budget).
  // The property test "fast path ≡ compiled log-format" holds its document to the generic builder's.
  let extra: string | undefined;
  if (b < n) {
    const e = p.slice(b + 1).trim();
    if (e) extra = e;
  }
  const rec = new TcpLogRecord(h.date, h.client, h.clientPort, h.frontend, h.backend, h.server, h.destination,
    h.t0, h.t1, h.t2, bytes, bytesPlus || (h.plusMask & 4) !== 0, state, ac, fc, bc, sc, rc, redispatched, sq, bq,
    extra, env?.host, env?.program, env?.pid);
  return { ok: true, value: rec };
}
