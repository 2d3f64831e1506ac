/**
 * The record of one `option tcplog` line: every field parsed into a flat object, the nested ECS
 * document built only when somebody asks for it (`doc`).
 *
 * Why (issue #2 targets): building the ~20-object nested document cost as much as parsing the line,
 * and `JSON.stringify` of the finished ~1 KB document (2.3 µs) cost more than both. `goneaway parse`
 * writes the JSON from the flat fields (src/sinks/tcplog-ndjson.ts, held to `JSON.stringify` of the
 * document by test/sinks/tcplog-ndjson-bytes.test.ts), the correlator reads the flat fields, and only
 * the records that end up in a report build a document.
 */
import type { Doc, Parsed } from '../types.js';
import { isoUtc } from '../time.js';
import { decodeTermination } from './termination.js';
import { isIp } from './fields.js';

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

  /** true while the document was never built: src/sinks/tcplog-ndjson.ts then writes it from the fields */
  get pristine(): boolean {
    return this.built === undefined;
  }
}
