/**
 * Shared pieces of every HAProxy document: the one builder that turns the `TrafficRec` all traffic
 * parsers fill (fast tokenizer, compiled log-format, JSON; traffic-rec.ts) into the nested ECS
 * document, and the small scanners the traffic parsers share (their dates: dates.ts). Field names follow
 * Elastic's haproxy integration (ingest pipeline default.yml) so Kibana habits carry over; goneaway's additions
 * are listed in docs/documents.md.
 */
import type { Doc } from '../types.js';
import type { Envelope, EnvFields } from '../syslog.js';
import { isoUtc } from '../time.js';
import { decodeTermination } from './termination.js';
import { applyTls, buildHttp } from './http-fields.js';
import type { TrafficRec } from './traffic-rec.js';

export const PARSER = 'haproxy';

/* ------------------------------------------------------------------ small scanners */

/**
 * Signed decimal integer in s[a, b) with optional leading '+' (logasap; a caller that cares looks at
 * s[a] itself); NaN when not one.
 */
export function intAt(s: string, a: number, b: number): number {
  if (a >= b) return NaN;
  let i = a,
    neg = false;
  const c0 = s.charCodeAt(i);
  if (c0 === 43 /* + */) {
    i++;
  } else if (c0 === 45 /* - */) {
    neg = true;
    i++;
  }
  if (i >= b || b - i > 15) return NaN;
  let v = 0;
  for (; i < b; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return neg ? -v : v;
}

/** Quick IPv4 / IPv6 syntax check (what Elastic's `convert type: ip` accepts for source.ip). */
export function isIp(s: string): boolean {
  const n = s.length;
  if (n < 2 || n > 45) return false;
  if (s.indexOf(':') >= 0) {
    let colons = 0;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === 58) colons++;
      else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 46)) return false;
    }
    return colons >= 2 && colons <= 8; // 8 with a leading/trailing '::' and 7 groups
  }
  let parts = 0,
    v = 0,
    digits = 0;
  for (let i = 0; i <= n; i++) {
    const c = i === n ? 46 : s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || v > 255) return false;
      parts++;
      v = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      if (++digits > 3) return false;
    } else return false;
  }
  return parts === 4;
}

/** `ip:port` split on the LAST colon (IPv6 addresses contain colons: docs/parsing-pitfalls.md #4). */
export function splitHostPort(s: string): { host: string; port: number | undefined } {
  const k = s.lastIndexOf(':');
  if (k < 0) return { host: s, port: undefined };
  const p = intAt(s, k + 1, s.length);
  return { host: s.slice(0, k), port: Number.isNaN(p) || p < 0 ? undefined : p };
}

/* ------------------------------------------------------------------ ISO strings */

/** ISO-8601 UTC of epoch ms (parsers/time.ts isoUtc is fast enough to need no memo here). */
export const iso = isoUtc;

/* ------------------------------------------------------------------ envelope → document */

export { envelopeTime } from '../syslog.js';

/** process.*, host.hostname and Elastic's haproxy.source (the syslog host) from the envelope. */
export function applyEnvelope(doc: Doc, hap: Doc, env: EnvFields | undefined): void {
  if (!env) return;
  if (env.program !== undefined) {
    doc.process = env.pid !== undefined ? { name: env.program, pid: env.pid } : { name: env.program };
  } else if (env.pid !== undefined) {
    doc.process = { pid: env.pid };
  }
  if (env.host !== undefined && env.host !== '-') {
    doc.host = { hostname: env.host };
    hap.source = env.host;
  }
}

/* ------------------------------------------------------------------ the builder */
// Direct property stores only (no `o[k] = v` helper): keyed stores with variable keys went
// megamorphic and cost ~7% of the tcplog hot path.

function addrDoc(ip: string | undefined, port: number | undefined): Doc {
  const d: Doc = {};
  if (ip !== undefined && ip !== '-') d.ip = ip;
  if (port !== undefined) d.port = port;
  return d;
}

/** Parsed.t of a traffic record: accept date (tcp) / request date (http) — docs/documents.md. */
export function trafficTime(rec: TrafficRec): number | undefined {
  if (rec.mode === 'http' && rec.request !== undefined) return rec.request;
  return rec.accept ?? rec.request;
}

export function sourceDoc(c: string | undefined, port: number | undefined, hap: Doc | undefined): Doc | undefined {
  // '-' client (beats#25827) keeps only the port; 'unix' has a socket id, not a port (HAP-DOC §8.2.2)
  if (c === undefined || c === '-' || c === '') return port !== undefined ? { port } : undefined;
  if (c === 'unix') {
    if (port !== undefined && hap !== undefined) hap.unix_socket_id = port;
    return { address: 'unix' };
  }
  if (isIp(c)) return port !== undefined ? { address: c, ip: c, port } : { address: c, ip: c };
  return port !== undefined ? { address: c, port } : { address: c };
}

export function buildTrafficDoc(rec: TrafficRec, env: EnvFields | undefined): Doc {
  const hap: Doc = { message_type: 'traffic', mode: rec.mode, log_format: rec.logFormat };
  const doc: Doc = {};
  const t = trafficTime(rec);
  const at = t !== undefined ? iso(t) : undefined;
  if (at !== undefined) doc['@timestamp'] = at;
  const src = sourceDoc(rec.client, rec.clientPort, hap);
  if (src !== undefined) doc.source = src;
  if (env !== undefined) applyEnvelope(doc, hap, env);

  if (rec.frontend !== undefined) hap.frontend_name = rec.frontend;
  if (rec.bind !== undefined) hap.bind_name = rec.bind;
  if (rec.backend !== undefined) hap.backend_name = rec.backend;
  if (rec.server !== undefined) hap.server_name = rec.server;

  // timers — Elastic names: Tw → total_waiting_time_ms, Tc → connection_wait_time_ms
  if (rec.Tw !== undefined) hap.total_waiting_time_ms = rec.Tw;
  if (rec.Tc !== undefined) hap.connection_wait_time_ms = rec.Tc;
  const Tt = rec.Tt;
  if (Tt !== undefined) hap.total_time_ms = Tt;
  if (rec.Ta !== undefined) hap.active_time_ms = rec.Ta;
  if (
    rec.Th !== undefined ||
    rec.Ti !== undefined ||
    rec.Td !== undefined ||
    rec.Tu !== undefined ||
    (rec.Tq !== undefined && !rec.legacyHttpTimers)
  ) {
    const timers: Doc = {};
    if (rec.Th !== undefined) timers.Th = rec.Th;
    if (rec.Ti !== undefined) timers.Ti = rec.Ti;
    if (rec.Tq !== undefined) timers.Tq = rec.Tq;
    if (rec.Td !== undefined) timers.Td = rec.Td;
    if (rec.Tu !== undefined) timers.Tu = rec.Tu;
    hap.timers = timers;
  }
  if (rec.logasap) hap.logasap = true;
  if (rec.bytesRead !== undefined) hap.bytes_read = rec.bytesRead;
  if (rec.bytesUploaded !== undefined) hap.bytes_uploaded = rec.bytesUploaded;
  if (rec.state !== undefined) {
    hap.termination_state = rec.state;
    hap.termination = decodeTermination(rec.state);
  }
  if (
    rec.ac !== undefined ||
    rec.fc !== undefined ||
    rec.bc !== undefined ||
    rec.sc !== undefined ||
    rec.rc !== undefined ||
    rec.fcErr !== undefined
  ) {
    const conns: Doc = {};
    if (rec.ac !== undefined) conns.active = rec.ac;
    if (rec.fc !== undefined) conns.frontend = rec.fc;
    if (rec.bc !== undefined) conns.backend = rec.bc;
    if (rec.sc !== undefined) conns.server = rec.sc;
    if (rec.rc !== undefined) conns.retries = rec.rc;
    if (rec.redispatched) conns.redispatched = true;
    if (rec.fcErr !== undefined) conns.fc_err = rec.fcErr;
    if (rec.sslFcErr !== undefined) conns.ssl_fc_err = rec.sslFcErr;
    if (rec.sslCErr !== undefined) conns.ssl_c_err = rec.sslCErr;
    if (rec.sslCCaErr !== undefined) conns.ssl_c_ca_err = rec.sslCCaErr;
    hap.connections = conns;
  }
  if (rec.sq !== undefined) hap.server_queue = rec.sq;
  if (rec.bq !== undefined) hap.backend_queue = rec.bq;

  // session boundaries (goneaway): accept + Tt; for ≥1.7 httplog the request date + Ta
  if (rec.accept !== undefined) hap.accept_date = t === rec.accept ? at : iso(rec.accept);
  if (rec.request !== undefined && rec.mode === 'http') hap.request_date = t === rec.request ? at : iso(rec.request);
  if (rec.accept !== undefined && Tt !== undefined && Tt >= 0) hap.session_end = iso(rec.accept + Tt);
  else if (rec.request !== undefined && rec.Ta !== undefined && rec.Ta >= 0)
    hap.session_end = iso(rec.request + rec.Ta);

  const dur = Tt !== undefined ? Tt : rec.Ta;
  if (dur !== undefined && dur >= 0) doc.event = { duration: dur * 1_000_000 };

  if (rec.bsIp !== undefined || rec.bsPort !== undefined) hap.backend_source = addrDoc(rec.bsIp, rec.bsPort);
  if (rec.srvIp !== undefined || rec.srvPort !== undefined) hap.server_address = addrDoc(rec.srvIp, rec.srvPort);
  if (rec.feIp !== undefined || rec.fePort !== undefined) hap.frontend_address = addrDoc(rec.feIp, rec.fePort);
  if (rec.destination !== undefined) doc.destination = { address: rec.destination };
  if (rec.extra !== undefined) hap.extra_fields = rec.extra;
  if (rec.uniqueId !== undefined) hap.unique_id = rec.uniqueId;
  if (rec.origin !== undefined) hap.log_origin = rec.origin;
  if (rec.requestCounter !== undefined) hap.request_counter = rec.requestCounter;
  if (rec.hostname !== undefined) hap.hostname = rec.hostname;
  if (rec.pid !== undefined) {
    const p = (doc.process as Doc | undefined) ?? (doc.process = {});
    p.pid = rec.pid;
  }
  if (rec.samples !== undefined) hap.samples = rec.samples;
  if (rec.truncated) hap.truncated = true;

  if (rec.mode === 'http') buildHttp(doc, hap, rec);
  else if (rec.sslVersion !== undefined || rec.sni !== undefined) applyTls(doc, rec);
  doc.haproxy = hap;
  return doc;
}

/** Document for a non-traffic HAProxy message (server/proxy state, alerts, …). */
export function messageDoc(
  messageType: string,
  payload: string,
  env: Envelope | undefined,
  t: number | undefined,
  extra: Doc,
): Doc {
  const hap: Doc = { message_type: messageType, ...extra };
  const doc: Doc = {};
  if (t !== undefined) doc['@timestamp'] = iso(t);
  applyEnvelope(doc, hap, env);
  doc.message = payload;
  doc.haproxy = hap;
  return doc;
}
