/**
 * socklog's line prefix (docs/haproxy-logs.md §1.1 "socklog"): socklog, runit's syslog daemon, replaces a
 * message's `<PRI>` with the names of its facility and level, `local0.notice: `, and in `inet` mode puts the
 * sender's IPv4 address before that, `10.1.4.1: local0.notice: Feb 28 10:08:54 haproxy[1]: …`
 * (socklog(8), https://manpages.org/socklog/8). The rest is the message as the sender wrote it.
 * Pure; called by parsers/syslog.ts only when the line's first token ends in ':'.
 */

/** syslog.h facility names and codes (socklog prints these). */
const FACILITY: Record<string, number> = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
};
/** syslog.h level names and codes. */
const LEVEL: Record<string, number> = { emerg: 0, alert: 1, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7 };

export interface SocklogPrefix {
  /** index of the message after the prefix */
  end: number;
  /** the sender's address (`inet` mode) */
  host: string | undefined;
  /** facility * 8 + level, as the `<PRI>` it replaced */
  pri: number;
}

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** `facility.level: ` at i → the PRI and the index after it, or undefined. */
function facilityLevelAt(line: string, i: number): { pri: number; end: number } | undefined {
  const colon = line.indexOf(': ', i);
  if (colon < 0 || colon - i > 16) return undefined;
  const dot = line.indexOf('.', i);
  if (dot < 0 || dot > colon) return undefined;
  const f = FACILITY[line.slice(i, dot)];
  const l = LEVEL[line.slice(dot + 1, colon)];
  if (f === undefined || l === undefined) return undefined;
  return { pri: f * 8 + l, end: colon + 2 };
}

/** The socklog prefix at index i of the line, or undefined when there is none. Never throws. */
export function socklogPrefixAt(line: string, i: number): SocklogPrefix | undefined {
  const own = facilityLevelAt(line, i);
  if (own) return { end: own.end, host: undefined, pri: own.pri };
  const sp = line.indexOf(': ', i);
  if (sp < 0 || sp - i > 15 || !IPV4.test(line.slice(i, sp))) return undefined;
  const fl = facilityLevelAt(line, sp + 2);
  return fl ? { end: fl.end, host: line.slice(i, sp), pri: fl.pri } : undefined;
}
