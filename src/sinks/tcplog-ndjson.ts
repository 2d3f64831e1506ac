/**
 * `goneaway parse --format ndjson` for tcplog records, written byte by byte into the output buffer.
 *
 * Why: the output is ~1 KB per line (2 GB for the 2M-line bench). Building it as a string and then
 * encoding it cost ~2.4 µs per line (rope flattening, a copy per record, GC); the issue #2 target
 * (at least as fast as lnav, which writes nothing) leaves ~0.8 µs. Constant parts are pre-encoded,
 * numbers and timestamps are written as digits, and plain ASCII strings are copied char by char;
 * anything that needs escaping or is not ASCII goes through JSON.stringify + UTF-8.
 * The output is byte-identical to TcpLogRecord.toNdjson() (= JSON.stringify of the document):
 * test/sinks/tcplog-ndjson-bytes.test.ts holds it to that.
 */
import { isoUtc } from '../../parsers/time.js';
import { decodeTermination } from '../../parsers/haproxy/termination.js';
import { isIp } from '../../parsers/haproxy/fields.js';
import type { TcpLogRecord } from '../../parsers/haproxy/tcp-record.js';
import type { BufferedOutput } from './output.js';

const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

const K = {
  ts: enc('{"@timestamp":"'),
  srcPort: enc('","source":{"port":'),
  srcUnix: enc('","source":{"address":"unix"'),
  srcAddr: enc('","source":{"address":'),
  ip: enc(',"ip":'),
  port: enc(',"port":'),
  noSrc: enc('"'),
  procName: enc(',"process":{"name":'),
  pid: enc(',"pid":'),
  procPid: enc(',"process":{"pid":'),
  host: enc(',"host":{"hostname":'),
  evDur: enc(',"event":{"duration":'),
  orig: enc(',"original":'),
  dest: enc(',"destination":{"address":'),
  hap: enc(',"haproxy":{"message_type":"traffic","mode":"tcp","log_format":"tcplog","frontend_name":'),
  be: enc(',"backend_name":'),
  srv: enc(',"server_name":'),
  tw: enc(',"total_waiting_time_ms":'),
  tc: enc(',"connection_wait_time_ms":'),
  tt: enc(',"total_time_ms":'),
  bytes: enc(',"bytes_read":'),
  state: enc(',"termination_state":'),
  term: enc(',"termination":'),
  conns: enc(',"connections":{"active":'),
  fc: enc(',"frontend":'),
  bc: enc(',"backend":'),
  sc: enc(',"server":'),
  rc: enc(',"retries":'),
  redisp: enc(',"redispatched":true'),
  sq: enc('},"server_queue":'),
  bq: enc(',"backend_queue":'),
  accept: enc(',"accept_date":"'),
  unix: enc('","unix_socket_id":'),
  quote: enc('"'),
  hapSource: enc(',"source":'),
  end: enc(',"session_end":"'),
  asap: enc(',"logasap":true'),
  extra: enc(',"extra_fields":'),
  evOrig: enc(',"event":{"original":'),
  log: enc(',"log":{"file":{"path":'),
  offset: enc('},"offset":'),
  tail: enc('},"goneaway":{"kind":"haproxy"}}\n'),
  close: enc('}'),
};

const termBytes = new Map<string, Uint8Array>();
function termination(state: string): Uint8Array {
  let b = termBytes.get(state);
  if (b === undefined) {
    b = enc(JSON.stringify(decodeTermination(state)));
    if (termBytes.size < 4096) termBytes.set(state, b);
  }
  return b;
}

// Every helper takes the buffer and position and returns the new position: locals stay in
// registers (module-level `let`s cost a context load and store per byte).
type Buf = Buffer & { latin1Write(s: string, off: number): number };

function seg(b: Buf, p: number, s: Uint8Array): number {
  const n = s.length;
  if (n > 8) { b.set(s, p); return p + n; }
  for (let i = 0; i < n; i++) b[p + i] = s[i]!;
  return p + n;
}

/** "00".."99" as byte pairs */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) { PAIRS[2 * i] = 48 + Math.floor(i / 10); PAIRS[2 * i + 1] = 48 + (i % 10); }

/** a JSON number: integers below 2^31 as digits (two at a time), anything else as JSON.stringify prints it */
function num(b: Buf, p: number, v: number): number {
  if ((v | 0) !== v || v < 0) {
    if (v < 0 && v > -2147483648 && (v | 0) === v) { b[p] = 45; return num(b, p + 1, -v); }
    return p + b.latin1Write(JSON.stringify(v), p);
  }
  if (v < 10) { b[p] = 48 + v; return p + 1; }
  if (v < 100) { b[p] = PAIRS[2 * v]!; b[p + 1] = PAIRS[2 * v + 1]!; return p + 2; }
  const k = v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
  let i = p + k;
  while (v >= 100) {
    const q = (v / 100) | 0;
    const r = v - q * 100;
    b[--i] = PAIRS[2 * r + 1]!; b[--i] = PAIRS[2 * r]!;
    v = q;
  }
  if (v >= 10) { b[--i] = PAIRS[2 * v + 1]!; b[--i] = PAIRS[2 * v]!; } else b[--i] = 48 + v;
  return p + k;
}

/** plain = ASCII with nothing to escape in JSON */
const NOT_PLAIN = /["\\\u0000-\u001f\u007f-\uffff]/;

/** a JSON string: plain ASCII copied between quotes (natively when long); anything else JSON.stringify + UTF-8 */
function str(b: Buf, p: number, s: string): number {
  const n = s.length;
  if (n > 32) {
    if (NOT_PLAIN.test(s)) return p + b.write(JSON.stringify(s), p, 'utf8');
    b[p] = 34;
    const w = b.latin1Write(s, p + 1);
    b[p + 1 + w] = 34;
    return p + 2 + w;
  }
  b[p] = 34;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c > 126 || c === 34 || c === 92) return p + b.write(JSON.stringify(s), p, 'utf8');
    b[p + 1 + i] = c;
  }
  b[p + 1 + n] = 34;
  return p + 2 + n;
}

// ISO timestamps: the `YYYY-MM-DDT` prefix per UTC day is memoised, the rest written as digits
let dayKey = NaN;
const dayBytes = new Uint8Array(11);
function iso(b: Buf, p: number, t: number): number {
  if (!Number.isInteger(t) || t < 0 || t >= 253402300800000) return p + b.latin1Write(isoUtc(t), p);
  const day = Math.floor(t / 86_400_000);
  let rem = t - day * 86_400_000;
  if (day !== dayKey) {
    const s = isoUtc(day * 86_400_000);
    for (let i = 0; i < 11; i++) dayBytes[i] = s.charCodeAt(i);
    dayKey = day;
  }
  for (let i = 0; i < 11; i++) b[p + i] = dayBytes[i]!;
  const h = Math.floor(rem / 3_600_000);
  rem -= h * 3_600_000;
  const mi = Math.floor(rem / 60_000);
  rem -= mi * 60_000;
  const sec = Math.floor(rem / 1000);
  const ms = rem - sec * 1000;
  const h1 = Math.floor(h / 10), m1 = Math.floor(mi / 10), s1 = Math.floor(sec / 10);
  const hu = Math.floor(ms / 100), te = Math.floor((ms - hu * 100) / 10);
  b[p + 11] = 48 + h1; b[p + 12] = 48 + h - h1 * 10; b[p + 13] = 58;
  b[p + 14] = 48 + m1; b[p + 15] = 48 + mi - m1 * 10; b[p + 16] = 58;
  b[p + 17] = 48 + s1; b[p + 18] = 48 + sec - s1 * 10; b[p + 19] = 46;
  b[p + 20] = 48 + hu; b[p + 21] = 48 + te; b[p + 22] = 48 + ms - hu * 100 - te * 10; b[p + 23] = 90;
  return p + 24;
}

/** Writes the NDJSON line (with its newline) of a pristine tcplog record. */
export function writeTcplogNdjson(out: BufferedOutput, r: TcpLogRecord, original: string, pathJson: Uint8Array, offset: number): void {
  const strings = original.length + r.client.length + r.frontend.length + r.backend.length + r.server.length + r.state.length
    + (r.host?.length ?? 0) + (r.program?.length ?? 0) + (r.destination?.length ?? 0) + (r.extra?.length ?? 0);
  out.reserve(1200 + pathJson.length + 12 * strings);
  const b = out.buf as Buf;
  let p = out.pos;
  p = seg(b, p, K.ts); p = iso(b, p, r.t);
  const c = r.client, port = r.clientPort;
  let unixId: number | undefined;
  if (c === '-' || c === '') {
    if (port !== undefined) { p = seg(b, p, K.srcPort); p = num(b, p, port); p = seg(b, p, K.close); } else p = seg(b, p, K.noSrc);
  } else if (c === 'unix') {
    unixId = port;
    p = seg(b, p, K.srcUnix); p = seg(b, p, K.close);
  } else {
    p = seg(b, p, K.srcAddr); p = str(b, p, c);
    if (isIp(c)) { p = seg(b, p, K.ip); p = str(b, p, c); }
    if (port !== undefined) { p = seg(b, p, K.port); p = num(b, p, port); }
    p = seg(b, p, K.close);
  }
  if (r.program !== undefined) {
    p = seg(b, p, K.procName); p = str(b, p, r.program);
    if (r.pid !== undefined) { p = seg(b, p, K.pid); p = num(b, p, r.pid); }
    p = seg(b, p, K.close);
  } else if (r.pid !== undefined) { p = seg(b, p, K.procPid); p = num(b, p, r.pid); p = seg(b, p, K.close); }
  const host = r.host !== undefined && r.host !== '-' ? r.host : undefined;
  if (host !== undefined) { p = seg(b, p, K.host); p = str(b, p, host); p = seg(b, p, K.close); }
  const tt = r.Tt;
  if (tt >= 0) { p = seg(b, p, K.evDur); p = num(b, p, tt * 1_000_000); p = seg(b, p, K.orig); p = str(b, p, original); p = seg(b, p, K.close); }
  if (r.destination !== undefined) { p = seg(b, p, K.dest); p = str(b, p, r.destination); p = seg(b, p, K.close); }
  p = seg(b, p, K.hap); p = str(b, p, r.frontend); p = seg(b, p, K.be); p = str(b, p, r.backend); p = seg(b, p, K.srv); p = str(b, p, r.server);
  p = seg(b, p, K.tw); p = num(b, p, r.Tw); p = seg(b, p, K.tc); p = num(b, p, r.Tc); p = seg(b, p, K.tt); p = num(b, p, tt);
  p = seg(b, p, K.bytes); p = num(b, p, r.bytesRead);
  p = seg(b, p, K.state); p = str(b, p, r.state); p = seg(b, p, K.term); p = seg(b, p, termination(r.state));
  p = seg(b, p, K.conns); p = num(b, p, r.ac); p = seg(b, p, K.fc); p = num(b, p, r.fc); p = seg(b, p, K.bc); p = num(b, p, r.bc);
  p = seg(b, p, K.sc); p = num(b, p, r.sc); p = seg(b, p, K.rc); p = num(b, p, r.rc);
  if (r.redispatched) p = seg(b, p, K.redisp);
  p = seg(b, p, K.sq); p = num(b, p, r.sq); p = seg(b, p, K.bq); p = num(b, p, r.bq);
  p = seg(b, p, K.accept); p = iso(b, p, r.t);
  if (unixId !== undefined) { p = seg(b, p, K.unix); p = num(b, p, unixId); } else p = seg(b, p, K.quote);
  if (host !== undefined) { p = seg(b, p, K.hapSource); p = str(b, p, host); }
  if (tt >= 0) { p = seg(b, p, K.end); p = iso(b, p, r.t + tt); p = seg(b, p, K.quote); }
  if (r.logasap) p = seg(b, p, K.asap);
  if (r.extra !== undefined) { p = seg(b, p, K.extra); p = str(b, p, r.extra); }
  p = seg(b, p, K.close);
  if (tt < 0) { p = seg(b, p, K.evOrig); p = str(b, p, original); p = seg(b, p, K.close); }
  p = seg(b, p, K.log); p = seg(b, p, pathJson); p = seg(b, p, K.offset); p = num(b, p, offset); p = seg(b, p, K.tail);
  out.pos = p;
}
