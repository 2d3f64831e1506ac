/**
 * socklog's line prefix (docs/haproxy-logs.md §1.1 "socklog"): socklog, runit's syslog daemon, replaces a
 * message's `<PRI>` with the names of its facility and level, `local0.notice: `, and in `inet` mode puts the
 * sender's IPv4 address before that, `10.1.4.1: local0.notice: Feb 28 10:08:54 haproxy[1]: …`
 * (socklog(8), https://manpages.org/socklog/8). The rest is the message as the sender wrote it.
 * socklog's output goes to svlogd, which may put its own UTC stamp before each line: `-tt` writes
 * `2024-01-09_10:06:46.12345 `, `-ttt` `2024-01-09T10:06:46.12345 ` (svlogd(8),
 * https://linuxcommandlibrary.com/man/svlogd); such a stamp is read when a socklog prefix follows it.
 * Pure; called by parsers/syslog.ts only when the line's first token ends in ':' or is such a stamp.
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
  /** svlogd's stamp (epoch ms, UTC), when the line has one */
  t: number | undefined;
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

/** The socklog prefix at index i of the line (after svlogd's stamp, if any), or undefined when there is none. */
export function socklogPrefixAt(line: string, i: number): SocklogPrefix | undefined {
  const st = SVLOGD.exec(line.slice(i, i + 40));
  if (st) {
    const p = senderAndLevelAt(line, i + st[0].length);
    if (!p) return undefined;
    const ms = Number(st[7]!.slice(0, 3).padEnd(3, '0'));
    p.t = Date.UTC(+st[1]!, +st[2]! - 1, +st[3]!, +st[4]!, +st[5]!, +st[6]!, ms);
    return p;
  }
  return senderAndLevelAt(line, i);
}

/** svlogd -tt / -ttt: `YYYY-MM-DD_HH:MM:SS.xxxxx ` or with `T`, UTC */
const SVLOGD = /^(\d{4})-(\d{2})-(\d{2})[_T](\d{2}):(\d{2}):(\d{2})\.(\d{1,9}) /;

/** `[a.b.c.d: ]facility.level: ` at i */
function senderAndLevelAt(line: string, i: number): SocklogPrefix | undefined {
  const own = facilityLevelAt(line, i);
  if (own) return { t: undefined, end: own.end, host: undefined, pri: own.pri };
  const sp = line.indexOf(': ', i);
  if (sp < 0 || sp - i > 15 || !IPV4.test(line.slice(i, sp))) return undefined;
  const fl = facilityLevelAt(line, sp + 2);
  return fl ? { t: undefined, end: fl.end, host: line.slice(i, sp), pri: fl.pri } : undefined;
}
