/**
 * Shared state of one correlated-scenario run and the small emit helpers that count lines
 * (the scenario balances HAProxy vs MariaDB line budgets on those counts).
 */
import type { Rng } from '../prng.js';
import type { TimeFormats } from '../timefmt.js';
import { tcplogLine, syslogPrefix, type TcpLogFields } from '../haproxy-lines.js';
import { mariadbErrorLine } from '../mysql-lines.js';
import type { TimedSink, TruthMeta, EndHeap } from './sinks.js';
import type { GroupEvent } from './timeline.js';
import type { AppName } from './app-records.js';

/** HAProxy settings of the scenario (also written to haproxy.cfg; docs/lab-findings.md §1 / 11_mixed). */
export const TIMEOUT_CLIENT = 20_000;
export const TIMEOUT_SERVER = 30_000;
export const SESSION_WAIT_TIMEOUT = 8_000;
export const LB_HOST = 'db-lb-01';
/** address MariaDB sees for every proxied session (skip-name-resolve: `host: '10.0.0.5'`) */
export const LB_IP = '10.0.0.5';
export const DBA_IP = '10.0.0.9';
export const FIRST_PID = 3968;

export type App = AppName | 'cron';

export interface ServerInfo {
  name: string;
  /** log_warnings level: replica1 = 2 (default), replica2 = 4, as in the lab */
  lw: 2 | 4;
  port: number;
  nextThread: number;
  err: TimedSink;
  gen: TimedSink;
}

export interface Counts {
  hap: number;
  mysql: number;
  appErrors: number;
  sessions: number;
  loggingReplicaSessions: number;
  causes: Record<string, number>;
  /** sessions accepted per proxy by the current HAProxy process ("cumulated conns") */
  cumulated: Record<string, number>;
}

export interface World {
  rng: Rng;
  f: TimeFormats;
  hap: TimedSink;
  servers: ServerInfo[];
  apps: Record<AppName, TimedSink>;
  events: GroupEvent[];
  /** concurrent sessions per server: 0/1 replicas, 2 primary */
  ends: EndHeap[];
  counts: Counts;
  /** next ephemeral port per client host */
  ports: Record<string, number>;
  rr: number;
}

export function hapMessage(w: World, t: number, pid: number, msg: string): void {
  w.hap.push(t, syslogPrefix(w.f, t, LB_HOST, pid) + msg);
  w.counts.hap++;
}

export function hapSession(w: World, s: TcpLogFields): void {
  w.hap.push(s.logT, tcplogLine(w.f, s));
  w.counts.hap++;
}

export function errLine(
  w: World,
  srv: ServerInfo,
  t: number,
  thread: number,
  level: 'Note' | 'Warning' | 'ERROR',
  msg: string,
): void {
  srv.err.push(t, mariadbErrorLine(w.f, t, thread, level, msg));
  w.counts.mysql++;
}

export function genLine(w: World, srv: ServerInfo, t: number, thread: number, command: string, arg: string): void {
  srv.gen.pushGeneral(t, thread, command, arg);
  w.counts.mysql += 1 + (arg.split('\n').length - 1);
}

export function appRecord(w: World, app: AppName, t: number, text: string, truth?: TruthMeta): void {
  w.apps[app].push(t, text, truth);
}

/** next client port of a host: sequential through the Linux ephemeral range, as connect() does */
export function nextPort(w: World, host: string): number {
  const p = w.ports[host] ?? 32768 + ((host.length * 7919) % 20000);
  w.ports[host] = p >= 60999 ? 32768 : p + 1;
  return p;
}
