/**
 * A traffic line as the window takes it: a tcplog record's fields as a row (session-table.ts), a document of
 * another format (httplog, JSON, custom log-format) as a `Session`; and the evidence a record leaves.
 */
import type { Doc } from '../../parsers/types.js';
import type { TcpLogRecord } from '../../parsers/haproxy/tcp-record.js';
import type { ParsedRecord } from '../pipeline/parse-file.js';
import type { SessionRow } from './session-table.js';
import { clip, get, num, str, type Evidence, type Session } from './model.js';

export function evidenceOf(r: ParsedRecord, kind: Evidence['kind']): Evidence {
  return { kind, file: r.path, offset: r.offset, text: clip(r.text), t: r.t };
}

/** a traffic line's session from its document (`t`: the record's time) */
export function sessionOfDoc(r: ParsedRecord, t: number): Session {
  // direct property access: this runs once per HAProxy line (the hot path of `correlate`)
  const d = r.doc as { source?: Doc; haproxy?: Doc; http?: { response?: Doc }; process?: Doc };
  const h = d.haproxy ?? {};
  const src = d.source ?? {};
  // httplog (≥ 1.7) has no Tt: the request ends at request date + Ta (active time)
  const tt = num(h.total_time_ms) ?? num(h.active_time_ms);
  const state = typeof h.termination_state === 'string' ? h.termination_state : '';
  const end = tt !== undefined && tt >= 0 ? t + tt : t;
  const port = num(src.port);
  const status = num(d.http?.response?.status_code);
  const bsrc = h.backend_source as Doc | undefined;
  const s: Session = {
    accept: t,
    end,
    state,
    clientIp: str(src.ip) ?? str(src.address) ?? '-',
    clientPort: port ?? -1,
    frontend: str(h.frontend_name) ?? '',
    backend: str(h.backend_name) ?? '',
    server: str(h.server_name) ?? '',
    mode: h.mode === 'http' || status !== undefined ? 'http' : 'tcp',
    pid: num(d.process?.pid),
    status,
    bytesRead: num(h.bytes_read),
    ev: evidenceOf(r, 'haproxy'),
    claimed: false,
    termination: h.termination,
    backendSource: bsrc,
    request: status !== undefined ? str(get(r.doc, 'haproxy.http.request.raw_request_line')) : undefined,
  };
  return s;
}

/** a TCP session's row, for one that came as a `Session` */
export function rowOfSession(s: Session): SessionRow {
  return {
    accept: s.accept,
    end: s.end,
    state: s.state,
    clientIp: s.clientIp,
    clientPort: s.clientPort,
    frontend: s.frontend,
    backend: s.backend,
    server: s.server,
    pid: s.pid,
    bytesRead: s.bytesRead,
    file: s.ev.file,
    offset: s.ev.offset,
    text: s.ev.text,
  };
}

/** tcplog lines: the flat record's fields, no document built (the hot path of `correlate`) */
export function rowOfTcp(r: ParsedRecord, p: TcpLogRecord): SessionRow {
  const c = p.client;
  // a unix socket's "port" is a socket id (haproxy.unix_socket_id), not a join key
  const port = c === 'unix' ? undefined : p.clientPort;
  return {
    accept: p.t,
    end: p.end,
    state: p.state,
    clientIp: c === '' ? '-' : c,
    clientPort: port ?? -1,
    frontend: p.frontend,
    backend: p.backend,
    server: p.server,
    pid: p.pid,
    bytesRead: p.bytesRead,
    file: r.path,
    offset: r.offset,
    text: clip(r.text),
  };
}
