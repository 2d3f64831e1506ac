/**
 * The record of one `option tcplog` line: every field parsed into a flat object, the nested ECS
 * document built only when somebody asks for it (`doc`), and a direct NDJSON writer (`toNdjson`).
 *
 * Why (issue #2 targets): building the ~20-object nested document cost as much as parsing the line,
 * and `JSON.stringify` of the finished ~1 KB document (2.3 µs) cost more than both. `goneaway parse`
 * writes the JSON from the flat fields, the correlator reads the flat fields, and only the records
 * that end up in a report build a document. The property test `tcplog-record-json.test.ts` holds
 * `toNdjson()` to `JSON.stringify` of the document the pipeline would have written, key order included.
 */
import type { Doc, Parsed } from '../types.js';
import { isoUtc } from '../time.js';
import { decodeTermination } from './termination.js';
import { isIp } from './fields.js';

/** Strings that need no escaping in JSON are quoted as they are; the rest go through JSON.stringify. */
const NOT_PLAIN = /["\\\u0000-\u001f\ud800-\udfff]/;
function jsonStr(s: string): string {
  return NOT_PLAIN.test(s) ? JSON.stringify(s) : `"${s}"`;
}

const termJson = new Map<string, string>();
function terminationJson(state: string): string {
  let j = termJson.get(state);
  if (j === undefined) {
    j = JSON.stringify(decodeTermination(state));
    if (termJson.size < 4096) termJson.set(state, j);
  }
  return j;
}

export class TcpLogRecord implements Parsed {
  readonly kind = 'haproxy' as const;
  /** accept date, epoch ms */
  t: number;
  client: string;
  clientPort: number | undefined;
  frontend: string;
  backend: string;
  server: string;
  destination: string | undefined;
  Tw: number;
  Tc: number;
  Tt: number;
  bytesRead: number;
  logasap: boolean;
  state: string;
  ac: number;
  fc: number;
  bc: number;
  sc: number;
  rc: number;
  redispatched: boolean;
  sq: number;
  bq: number;
  extra: string | undefined;
  /** from the syslog envelope */
  host: string | undefined;
  program: string | undefined;
  pid: number | undefined;
  private built: Doc | undefined = undefined;

  constructor(
    t: number,
    client: string,
    clientPort: number | undefined,
    frontend: string,
    backend: string,
    server: string,
    destination: string | undefined,
    Tw: number,
    Tc: number,
    Tt: number,
    bytesRead: number,
    logasap: boolean,
    state: string,
    ac: number,
    fc: number,
    bc: number,
    sc: number,
    rc: number,
    redispatched: boolean,
    sq: number,
    bq: number,
    extra: string | undefined,
    host: string | undefined,
    program: string | undefined,
    pid: number | undefined,
  ) {
    this.t = t;
    this.client = client;
    this.clientPort = clientPort;
    this.frontend = frontend;
    this.backend = backend;
    this.server = server;
    this.destination = destination;
    this.Tw = Tw;
    this.Tc = Tc;
    this.Tt = Tt;
    this.bytesRead = bytesRead;
    this.logasap = logasap;
    this.state = state;
    this.ac = ac;
    this.fc = fc;
    this.bc = bc;
    this.sc = sc;
    this.rc = rc;
    this.redispatched = redispatched;
    this.sq = sq;
    this.bq = bq;
    this.extra = extra;
    this.host = host;
    this.program = program;
    this.pid = pid;
  }

  /** session end: accept + Tt (HAProxy manual §8.4: Tt is the total session duration) */
  get end(): number {
    return this.Tt >= 0 ? this.t + this.Tt : this.t;
  }

  /** The nested document (Parsed.doc), built on first use and kept (callers may add to it). */
  get doc(): Doc {
    if (this.built === undefined) this.built = this.buildDoc();
    return this.built;
  }
  set doc(d: Doc) {
    this.built = d;
  }

  buildDoc(): Doc {
    const at = isoUtc(this.t);
    const conns: Doc = { active: this.ac, frontend: this.fc, backend: this.bc, server: this.sc, retries: this.rc };
    if (this.redispatched) conns.redispatched = true;
    const hap: Doc = {
      message_type: 'traffic',
      mode: 'tcp',
      log_format: 'tcplog',
      frontend_name: this.frontend,
      backend_name: this.backend,
      server_name: this.server,
      total_waiting_time_ms: this.Tw,
      connection_wait_time_ms: this.Tc,
      total_time_ms: this.Tt,
      bytes_read: this.bytesRead,
      termination_state: this.state,
      termination: decodeTermination(this.state),
      connections: conns,
      server_queue: this.sq,
      backend_queue: this.bq,
      accept_date: at,
    };
    const doc: Doc = { '@timestamp': at };
    // '-' client (beats#25827) keeps only the port; 'unix' has a socket id, not a port (HAP-DOC §8.2.2)
    const c = this.client,
      port = this.clientPort;
    if (c === '-' || c === '') {
      if (port !== undefined) doc.source = { port };
    } else if (c === 'unix') {
      if (port !== undefined) hap.unix_socket_id = port;
      doc.source = { address: 'unix' };
    } else if (isIp(c)) doc.source = port !== undefined ? { address: c, ip: c, port } : { address: c, ip: c };
    else doc.source = port !== undefined ? { address: c, port } : { address: c };
    if (this.program !== undefined)
      doc.process = this.pid !== undefined ? { name: this.program, pid: this.pid } : { name: this.program };
    else if (this.pid !== undefined) doc.process = { pid: this.pid };
    if (this.host !== undefined && this.host !== '-') {
      doc.host = { hostname: this.host };
      hap.source = this.host;
    }
    if (this.Tt >= 0) {
      hap.session_end = isoUtc(this.t + this.Tt);
      doc.event = { duration: this.Tt * 1_000_000 };
    }
    if (this.logasap) hap.logasap = true;
    if (this.destination !== undefined) doc.destination = { address: this.destination };
    if (this.extra !== undefined) hap.extra_fields = this.extra;
    doc.haproxy = hap;
    return doc;
  }

  /**
   * The NDJSON line `goneaway parse` writes for this record (without the newline): exactly
   * `JSON.stringify` of buildDoc() plus event.original, log.file.path, log.offset and goneaway.kind,
   * in the same key order. Only valid while `doc` was never built or modified (the caller checks).
   */
  toNdjson(original: string, pathJson: string, offset: number): string {
    const at = isoUtc(this.t);
    const c = this.client,
      port = this.clientPort;
    let unix = '';
    let src = '';
    if (c === '-' || c === '') {
      if (port !== undefined) src = `"source":{"port":${port}},`;
    } else if (c === 'unix') {
      if (port !== undefined) unix = `,"unix_socket_id":${port}`;
      src = '"source":{"address":"unix"},';
    } else {
      const q = jsonStr(c);
      const p = port !== undefined ? `,"port":${port}` : '';
      src = isIp(c) ? `"source":{"address":${q},"ip":${q}${p}},` : `"source":{"address":${q}${p}},`;
    }
    let proc = '';
    if (this.program !== undefined)
      proc =
        this.pid !== undefined
          ? `"process":{"name":${jsonStr(this.program)},"pid":${this.pid}},`
          : `"process":{"name":${jsonStr(this.program)}},`;
    else if (this.pid !== undefined) proc = `"process":{"pid":${this.pid}},`;
    let host = '',
      hapSource = '';
    if (this.host !== undefined && this.host !== '-') {
      const h = jsonStr(this.host);
      host = `"host":{"hostname":${h}},`;
      hapSource = `,"source":${h}`;
    }
    const orig = jsonStr(original);
    let evBefore = '',
      evAfter = '',
      end = '';
    if (this.Tt >= 0) {
      evBefore = `"event":{"duration":${this.Tt * 1_000_000},"original":${orig}},`;
      end = `,"session_end":"${isoUtc(this.t + this.Tt)}"`;
    } else {
      evAfter = `"event":{"original":${orig}},`;
    }
    const dest = this.destination !== undefined ? `"destination":{"address":${jsonStr(this.destination)}},` : '';
    const tail =
      (this.logasap ? ',"logasap":true' : '') +
      (this.extra !== undefined ? `,"extra_fields":${jsonStr(this.extra)}` : '');
    return (
      `{"@timestamp":"${at}",${src}${proc}${host}${evBefore}${dest}"haproxy":{"message_type":"traffic","mode":"tcp","log_format":"tcplog",` +
      `"frontend_name":${jsonStr(this.frontend)},"backend_name":${jsonStr(this.backend)},"server_name":${jsonStr(this.server)},` +
      `"total_waiting_time_ms":${this.Tw},"connection_wait_time_ms":${this.Tc},"total_time_ms":${this.Tt},"bytes_read":${this.bytesRead},` +
      `"termination_state":${jsonStr(this.state)},"termination":${terminationJson(this.state)},` +
      `"connections":{"active":${this.ac},"frontend":${this.fc},"backend":${this.bc},"server":${this.sc},"retries":${this.rc}${this.redispatched ? ',"redispatched":true' : ''}},` +
      `"server_queue":${this.sq},"backend_queue":${this.bq},"accept_date":"${at}"${unix}${hapSource}${end}${tail}},` +
      `${evAfter}"log":{"file":{"path":${pathJson}},"offset":${offset}},"goneaway":{"kind":"haproxy"}}`
    );
  }

  /** true while the document was never built: toNdjson() then describes it exactly */
  get pristine(): boolean {
    return this.built === undefined;
  }
}
