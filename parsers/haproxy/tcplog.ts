/**
 * `option tcplog` tail after the timers (HAP-DOC §8.2.2, FORMATS.md §1.3):
 *   `%Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq`
 * `+` prefixes: Tt/B with `option logasap`, retries when redispatched. Tokens after the queues (a
 * custom format extending tcplog) are kept in haproxy.extra_fields rather than failing the line.
 */
import type { Doc, ParseResult } from '../types.js';
import type { EnvFields } from '../syslog.js';
import { applyEnvelope, intAt, iso, resetPlus, plusSeen, sourceDoc } from './fields.js';
import { decodeTermination } from './termination.js';
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
  // Built directly (not through TrafficRec + buildTrafficDoc): this is THE hot path (issue #2). The
  // property test "fast path ≡ compiled log-format" holds it to the generic builder's output.
  const date = h.date, Tt = h.t2;
  const at = iso(date);
  const conns: Doc = { active: ac, frontend: fc, backend: bc, server: sc, retries: rc };
  if (redispatched) conns.redispatched = true;
  const hap: Doc = {
    message_type: 'traffic', mode: 'tcp', log_format: 'tcplog',
    frontend_name: h.frontend, backend_name: h.backend, server_name: h.server,
    total_waiting_time_ms: h.t0, connection_wait_time_ms: h.t1, total_time_ms: Tt,
    bytes_read: bytes, termination_state: state, termination: decodeTermination(state),
    connections: conns, server_queue: sq, backend_queue: bq, accept_date: at,
  };
  const doc: Doc = { '@timestamp': at };
  const src = sourceDoc(h.client, h.clientPort, hap);
  if (src !== undefined) doc.source = src;
  if (env !== undefined) applyEnvelope(doc, hap, env);
  if (Tt >= 0) {
    hap.session_end = iso(date + Tt);
    doc.event = { duration: Tt * 1_000_000 };
  }
  if (bytesPlus || (h.plusMask & 4) !== 0) hap.logasap = true;
  if (h.destination !== undefined) doc.destination = { address: h.destination };
  if (b < n) {
    const extra = p.slice(b + 1).trim();
    if (extra) hap.extra_fields = extra;
  }
  doc.haproxy = hap;
  return { ok: true, value: { kind: 'haproxy', t: date, doc } };
}
