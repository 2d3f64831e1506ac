/**
 * `goneaway parse --format ndjson` for tcplog records, written byte by byte into the output buffer.
 *
 * Why: the output is ~1 KB per line (2 GB for the 2M-line bench). Building it as a string and then
 * encoding it cost ~2.4 µs per line (rope flattening, a copy per record, GC); the issue #2 target
 * (at least as fast as lnav, which writes nothing) leaves ~0.8 µs. Constant parts are pre-encoded,
 * numbers and timestamps are written as digits, and plain ASCII strings are copied char by char;
 * anything that needs escaping or is not ASCII goes through JSON.stringify + UTF-8.
 * The output is byte-identical to JSON.stringify of the document (ParsedRecord.doc):
 * test/sinks/tcplog-ndjson-bytes.test.ts holds it to that.
 */
import { decodeTermination } from '../../parsers/haproxy/termination.js';
import { isIp } from '../../parsers/haproxy/fields.js';
import type { TcpLogRecord } from '../../parsers/haproxy/tcp-record.js';
import { Block, enc, iso, num, seg, str, type Buf, type ByteOut } from './json-pieces.js';

const K = {
  ts: enc('{"@timestamp":"'),
  srcPort: enc('","source":{"port":'),
  srcUnix: enc('","source":{"address":"unix"'),
  srcAddr: enc('","source":{"address":'),
  ip: enc(',"ip":'),
  port: enc(',"port":'),
  noSrc: enc('"'),
  evDur: enc(',"event":{"duration":'),
  orig: enc(',"original":'),
  dest: enc(',"destination":{"address":'),
  tc: enc(',"connection_wait_time_ms":'),
  tt: enc(',"total_time_ms":'),
  bytes: enc(',"bytes_read":'),
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
  asap: enc(',"logasap":true'),
  extra: enc(',"extra_fields":'),
  evOrig: enc(',"event":{"original":'),
  tail: enc('},"goneaway":{"kind":"haproxy"}}\n'),
  close: enc('}'),
};

const procHost = new Block(),
  names = new Block(),
  stateBlock = new Block(),
  hostTail = new Block(),
  pathBlock = new Block();
const q = (s: string) => JSON.stringify(s);

/** Writes the NDJSON line (with its newline) of a pristine tcplog record. */
export function writeTcplogNdjson(
  out: ByteOut,
  r: TcpLogRecord,
  original: string,
  pathJson: string,
  offset: number,
): void {
  const strings =
    original.length +
    r.client.length +
    r.frontend.length +
    r.backend.length +
    r.server.length +
    r.state.length +
    (r.host?.length ?? 0) +
    (r.program?.length ?? 0) +
    (r.destination?.length ?? 0) +
    (r.extra?.length ?? 0) +
    pathJson.length;
  out.reserve(1200 + 12 * strings);
  const b = out.buf as Buf;
  let p = out.pos;
  p = seg(b, p, K.ts);
  p = iso(b, p, r.t);
  const c = r.client,
    port = r.clientPort;
  let unixId: number | undefined;
  if (c === '-' || c === '') {
    if (port !== undefined) {
      p = seg(b, p, K.srcPort);
      p = num(b, p, port);
      p = seg(b, p, K.close);
    } else p = seg(b, p, K.noSrc);
  } else if (c === 'unix') {
    unixId = port;
    p = seg(b, p, K.srcUnix);
    p = seg(b, p, K.close);
  } else {
    p = seg(b, p, K.srcAddr);
    p = str(b, p, c);
    if (isIp(c)) {
      p = seg(b, p, K.ip);
      p = str(b, p, c);
    }
    if (port !== undefined) {
      p = seg(b, p, K.port);
      p = num(b, p, port);
    }
    p = seg(b, p, K.close);
  }
  const host = r.host !== undefined && r.host !== '-' ? r.host : undefined;
  const tt = r.Tt;
  // `,"process":{…},"host":{…},"event":{"duration":` (or without the event when Tt < 0)
  p = seg(
    b,
    p,
    procHost.get(r.program, r.pid, host, () => {
      let t = '';
      if (r.program !== undefined)
        t +=
          r.pid !== undefined
            ? `,"process":{"name":${q(r.program)},"pid":${r.pid}}`
            : `,"process":{"name":${q(r.program)}}`;
      else if (r.pid !== undefined) t += `,"process":{"pid":${r.pid}}`;
      if (host !== undefined) t += `,"host":{"hostname":${q(host)}}`;
      return t;
    }),
  );
  if (tt >= 0) {
    p = seg(b, p, K.evDur);
    p = num(b, p, tt * 1_000_000);
    p = seg(b, p, K.orig);
    p = str(b, p, original);
    p = seg(b, p, K.close);
  }
  if (r.destination !== undefined) {
    p = seg(b, p, K.dest);
    p = str(b, p, r.destination);
    p = seg(b, p, K.close);
  }
  p = seg(
    b,
    p,
    names.get(
      r.frontend,
      r.backend,
      r.server,
      () =>
        `,"haproxy":{"message_type":"traffic","mode":"tcp","log_format":"tcplog","frontend_name":${q(r.frontend)},"backend_name":${q(r.backend)},"server_name":${q(r.server)},"total_waiting_time_ms":`,
    ),
  );
  p = num(b, p, r.Tw);
  p = seg(b, p, K.tc);
  p = num(b, p, r.Tc);
  p = seg(b, p, K.tt);
  p = num(b, p, tt);
  p = seg(b, p, K.bytes);
  p = num(b, p, r.bytesRead);
  p = seg(
    b,
    p,
    stateBlock.get(
      r.state,
      0,
      0,
      () =>
        `,"termination_state":${q(r.state)},"termination":${JSON.stringify(decodeTermination(r.state))},"connections":{"active":`,
    ),
  );
  p = num(b, p, r.ac);
  p = seg(b, p, K.fc);
  p = num(b, p, r.fc);
  p = seg(b, p, K.bc);
  p = num(b, p, r.bc);
  p = seg(b, p, K.sc);
  p = num(b, p, r.sc);
  p = seg(b, p, K.rc);
  p = num(b, p, r.rc);
  if (r.redispatched) p = seg(b, p, K.redisp);
  p = seg(b, p, K.sq);
  p = num(b, p, r.sq);
  p = seg(b, p, K.bq);
  p = num(b, p, r.bq);
  p = seg(b, p, K.accept);
  p = iso(b, p, r.t);
  if (unixId !== undefined) {
    p = seg(b, p, K.unix);
    p = num(b, p, unixId);
  } else p = seg(b, p, K.quote);
  if (tt >= 0) {
    // `,"source":"host","session_end":"`
    p = seg(
      b,
      p,
      hostTail.get(host, 0, 0, () => (host !== undefined ? `,"source":${q(host)}` : '') + ',"session_end":"'),
    );
    p = iso(b, p, r.t + tt);
    p = seg(b, p, K.quote);
  } else if (host !== undefined) {
    p = seg(b, p, K.hapSource);
    p = str(b, p, host);
  }
  if (r.logasap) p = seg(b, p, K.asap);
  if (r.extra !== undefined) {
    p = seg(b, p, K.extra);
    p = str(b, p, r.extra);
  }
  p = seg(b, p, K.close);
  if (tt < 0) {
    p = seg(b, p, K.evOrig);
    p = str(b, p, original);
    p = seg(b, p, K.close);
  }
  p = seg(
    b,
    p,
    pathBlock.get(pathJson, 0, 0, () => `,"log":{"file":{"path":${pathJson}},"offset":`),
  );
  p = num(b, p, offset);
  p = seg(b, p, K.tail);
  out.pos = p;
}
