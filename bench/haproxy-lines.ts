/**
 * Rendering of HAProxy log lines (shared by the single-format generators and the correlated
 * scenario). Field order from docs/haproxy-logs.md §1.3 (tcplog) and §1.4 (httplog), envelope §1.1
 * (RSYSLOG_TraditionalFileFormat: `Nov 23 20:21:24 db-lb-01 haproxy[3968]: `).
 */
import type { TimeFormats } from './timefmt.js';

/** `%ac/%fc/%bc/%sc/%rc %sq/%bq`, common to tcplog and httplog */
export interface ConnFields {
  ac: number;
  fc: number;
  bc: number;
  sc: number;
  /** retries; `+1` = redispatched */
  rc: number | string;
  sq: number;
  bq: number;
}

const conns = (s: ConnFields): string => `${s.ac}/${s.fc}/${s.bc}/${s.sc}/${s.rc} ${s.sq}/${s.bq}`;

export interface TcpLogFields extends ConnFields {
  /** syslog stamp (HAProxy logs a tcplog line at session end) */
  logT: number;
  host: string;
  pid: number;
  clientIp: string;
  clientPort: number;
  accept: number;
  frontend: string;
  backend: string;
  /** `<NOSRV>` when no server was selected */
  server: string;
  tw: number;
  tc: number;
  /** total time; a string such as `+123` with logasap */
  tt: number | string;
  bytes: number | string;
  state: string;
}

export function syslogPrefix(f: TimeFormats, t: number, host: string, pid: number): string {
  return `${f.syslog(t)} ${host} haproxy[${pid}]: `;
}

export function tcplogLine(f: TimeFormats, s: TcpLogFields): string {
  return (
    `${syslogPrefix(f, s.logT, s.host, s.pid)}${s.clientIp}:${s.clientPort} [${f.haproxy(s.accept)}] ` +
    `${s.frontend} ${s.backend}/${s.server} ${s.tw}/${s.tc}/${s.tt} ${s.bytes} ${s.state} ` +
    `${conns(s)}`
  );
}

export interface HttpLogFields extends ConnFields {
  logT: number;
  host: string;
  pid: number;
  clientIp: string;
  clientPort: number;
  /** %tr: request date */
  requestT: number;
  frontend: string;
  backend: string;
  server: string;
  tR: number;
  tw: number;
  tc: number;
  tr: number;
  /** `+N` with logasap */
  ta: number | string;
  status: number;
  bytes: number | string;
  cookieReq: string;
  cookieResp: string;
  /** 4 chars (%tsc) */
  tsc: string;
  /** header capture blocks, already braced, e.g. ['{www.example.com|curl/8.5}', '{}'] (may be empty) */
  captures: readonly string[];
  /** request line without quotes, or `<BADREQ>` */
  request: string;
}

export function httplogLine(f: TimeFormats, s: HttpLogFields): string {
  const caps = s.captures.length ? ' ' + s.captures.join(' ') : '';
  return (
    `${syslogPrefix(f, s.logT, s.host, s.pid)}${s.clientIp}:${s.clientPort} [${f.haproxy(s.requestT)}] ` +
    `${s.frontend} ${s.backend}/${s.server} ${s.tR}/${s.tw}/${s.tc}/${s.tr}/${s.ta} ${s.status} ${s.bytes} ` +
    `${s.cookieReq} ${s.cookieResp} ${s.tsc} ${conns(s)}${caps} "${s.request}"`
  );
}

/** `Server mariadb_replicas/replica1 is DOWN, reason: …` (docs/haproxy-logs.md §1.7, docs/lab-findings.md §3, scenario
 * 06/07). */
export function serverDownMessage(
  backend: string,
  server: string,
  reason: string,
  info: string,
  left: number,
  active: number,
): string {
  return (
    `Server ${backend}/${server} is DOWN, reason: ${reason}, info: "${info}", check duration: 0ms. ` +
    `${left} active and 0 backup servers left. ${active} sessions active, 0 requeued, 0 remaining in queue.`
  );
}

export function serverUpMessage(
  backend: string,
  server: string,
  reason: string,
  online: number,
  info?: string,
): string {
  return (
    `Server ${backend}/${server} is UP, reason: ${reason}${info ? `, info: "${info}"` : ''}, check duration: 0ms. ` +
    `${online} active and 0 backup servers online. 0 sessions requeued, 0 total in queue.`
  );
}
