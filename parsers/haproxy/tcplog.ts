/**
 * `option tcplog` tail after the timers (HAP-DOC §8.2.2, docs/haproxy-logs.md §1.3):
 *   `%Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq`
 * `+` prefixes: Tt/B with `option logasap`, retries when redispatched. Tokens after the queues (a
 * custom format extending tcplog) are kept in haproxy.extra_fields rather than failing the line.
 */
import type { ParseResult } from '../types.js';
import type { EnvFields } from '../syslog.js';
import { intAt } from './fields.js';
import { TcpLogRecord } from './tcp-record.js';
import { stateAt, type Head } from './tail.js';

export function parseTcpTail(h: Head, env: EnvFields | undefined): ParseResult | undefined {
  const p = h.p,
    n = p.length;
  const a = h.pos;
  let b = p.indexOf(' ', a);
  if (b < 0) return undefined;
  const bytes = intAt(p, a, b);
  if (Number.isNaN(bytes)) return undefined;
  const bytesPlus = p.charCodeAt(a) === 43; /* + */
  b = stateAt(h, b + 1, 1);
  if (b < 0) return undefined;
  const t = h.tail;
  // A flat record (tcp-record.ts): the nested document is built only on demand (issue #2 budget).
  // The property test "fast path ≡ compiled log-format" holds its document to the generic builder's.
  let extra: string | undefined;
  if (b < n) {
    const e = p.slice(b + 1).trim();
    if (e) extra = e;
  }
  const rec = new TcpLogRecord(
    h.date,
    h.client,
    h.clientPort,
    h.frontend,
    h.backend,
    h.server,
    h.destination,
    h.t0,
    h.t1,
    h.t2,
    bytes,
    bytesPlus || (h.plusMask & 4) !== 0,
    t.state,
    t.ac,
    t.fc,
    t.bc,
    t.sc,
    t.rc,
    t.redispatched,
    t.sq,
    t.bq,
    extra,
    env?.host,
    env?.program,
    env?.pid,
  );
  return { ok: true, value: rec };
}
