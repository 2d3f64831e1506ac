/**
 * Generic first-line parsing for text app logs: the leading timestamp (hand parsers from time.ts, no
 * date-fns per line), then the usual `LEVEL [worker] logger: message` fields in whatever order the
 * common layouts put them (Python logging, logback/log4j/Spring Boot, Go log, plain), and the syslog
 * envelope when an app logs through rsyslog (`Nov 23 20:21:24 host app[123]: …`).
 */
import type { ParseContext } from '../types.js';
import { closestYear, d2, dn, monthNumber, parseHaproxyDate, parseIsoAt, parseSyslogDateAt } from '../time.js';
import { makeZone } from '../zones.js';
import { isDigit, isLevelWord, type Header } from './model.js';

export interface Stamp {
  t?: number;
  /** raw text of a timestamp-shaped token that did not parse */
  bad?: string;
  end: number;
}

const dig = (s: string, i: number) => isDigit(s.charCodeAt(i));

/** fraction `.123456` / `,198` at p → { ms, end } */
function fracAt(s: string, p: number): { ms: number; end: number } {
  const c = s.charCodeAt(p);
  if (c !== 46 && c !== 44) return { ms: 0, end: p };
  let q = p + 1,
    digits = 0,
    v = 0;
  while (q < s.length && dig(s, q)) {
    if (digits < 3) v = v * 10 + (s.charCodeAt(q) - 48);
    digits++;
    q++;
  }
  if (digits === 0) return { ms: 0, end: p };
  while (digits < 3) {
    v *= 10;
    digits++;
  }
  return { ms: v, end: q };
}

function badToken(s: string, i: number): Stamp {
  let e = s.indexOf(' ', i + 11);
  if (e < 0 || e - i > 40) e = Math.min(s.length, i + 32);
  return { bad: s.slice(i, e), end: e };
}

/**
 * A timestamp at index i: ISO-8601 (`2026-11-23 20:21:26,198`, `2026-11-23T20:21:26.198123+00:00`),
 * Go log `2024/06/04 19:12:35[.123456]`, `24-Nov-2026 10:00:00`, `23/Nov/2026:20:21:21[.257][ +0000]`,
 * or a time-only `20:21:26.198` (logback default; no date → t undefined). Zone-less → ctx.zone.
 */
export function parseStampAt(s: string, i: number, ctx: ParseContext): Stamp | undefined {
  if (!dig(s, i) || !dig(s, i + 1)) return undefined;
  const c2 = s.charCodeAt(i + 2),
    c4 = s.charCodeAt(i + 4);
  if (dig(s, i + 2) && c4 === 45) {
    const r = parseIsoAt(s, i, ctx.zone);
    if (!r) return badToken(s, i);
    return { t: r.t, end: r.end };
  }
  if (dig(s, i + 2) && c4 === 47) {
    // Go log.LstdFlags: 2024/06/04 19:12:35 (+ .123456 with Lmicroseconds)
    const y = dn(s, i, 4),
      mo = d2(s, i + 5),
      d = d2(s, i + 8);
    const h = d2(s, i + 11),
      mi = d2(s, i + 14),
      sec = d2(s, i + 17);
    if (
      s.charCodeAt(i + 7) !== 47 ||
      s.charCodeAt(i + 10) !== 32 ||
      s.charCodeAt(i + 13) !== 58 ||
      s.charCodeAt(i + 16) !== 58
    )
      return badToken(s, i);
    if (
      Number.isNaN(y + mo + d + h + mi + sec) ||
      mo < 1 ||
      mo > 12 ||
      d < 1 ||
      d > 31 ||
      h > 23 ||
      mi > 59 ||
      sec > 60
    )
      return badToken(s, i);
    const f = fracAt(s, i + 19);
    return { t: ctx.zone.toEpoch(y, mo, d, h, mi, sec, f.ms), end: f.end };
  }
  if (c2 === 45 && monthNumber(s.slice(i + 3, i + 6)) !== undefined) {
    // 24-Nov-2026 10:00:00 (PHP error_log; the zone name after it is read by php.ts)
    const d = d2(s, i),
      mo = monthNumber(s.slice(i + 3, i + 6))!,
      y = dn(s, i + 7, 4);
    const h = d2(s, i + 12),
      mi = d2(s, i + 15),
      sec = d2(s, i + 18);
    if (s.charCodeAt(i + 11) !== 32 || s.charCodeAt(i + 14) !== 58 || s.charCodeAt(i + 17) !== 58)
      return badToken(s, i);
    if (Number.isNaN(d + y + h + mi + sec) || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return badToken(s, i);
    return { t: ctx.zone.toEpoch(y, mo, d, h, mi, sec, 0), end: i + 20 };
  }
  if (c2 === 47 && monthNumber(s.slice(i + 3, i + 6)) !== undefined) {
    // 23/Nov/2026:20:21:21[.257] [+0000]
    let e = i + 20;
    if (s.charCodeAt(e) === 46) {
      e++;
      while (dig(s, e)) e++;
    }
    const off = /^ ([+-])(\d\d)(\d\d)/.exec(s.slice(e, e + 6));
    if (off) {
      const utc = parseHaproxyDate(s.slice(i, e), {
        name: 'UTC',
        toEpoch: (y, mo, d, h, mi, sec, ms) => Date.UTC(y, mo - 1, d, h, mi, sec, ms),
      });
      const sign = off[1] === '-' ? -1 : 1;
      if (Number.isNaN(utc)) return badToken(s, i);
      return { t: utc - sign * (Number(off[2]) * 60 + Number(off[3])) * 60000, end: e + 6 };
    }
    const t = parseHaproxyDate(s.slice(i, e), ctx.zone);
    return Number.isNaN(t) ? badToken(s, i) : { t, end: e };
  }
  if (c2 === 58 && dig(s, i + 3) && s.charCodeAt(i + 5) === 58) {
    // time only: no date → no instant (never guess the day)
    return { end: fracAt(s, i + 8).end };
  }
  return undefined;
}

const ERROR_IN_BRACKET = /^\w*Error: /;

/** `LEVEL [worker] pid --- logger : msg` etc. after the timestamp (index p). */
export function parseRest(
  line: string,
  p: number,
): Pick<Header, 'level' | 'logger' | 'worker' | 'pid' | 'msg' | 'lang'> {
  let level: string | undefined, logger: string | undefined, worker: string | undefined, pid: number | undefined;
  let lang: Header['lang'];
  const n = line.length;
  for (let k = 0; k < 8; k++) {
    while (p < n && line.charCodeAt(p) === 32) p++;
    if (p >= n) break;
    if (line.charCodeAt(p) === 91 /* [ */) {
      const e = line.indexOf(']', p);
      if (e < 0 || e - p > 100) break;
      const inner = line.slice(p + 1, e).trim();
      if (level === undefined && isLevelWord(inner)) level = inner;
      // Node's util.inspect of an error, `{ [Error: Connection lost: …] fatal: true, code: '…' }`: the message
      else if (ERROR_IN_BRACKET.test(inner)) break;
      else if (worker === undefined && inner.length > 0) worker = inner;
      else break;
      p = e + 1;
      if (line.charCodeAt(p) === 58) p++;
      continue;
    }
    let e = line.indexOf(' ', p);
    if (e < 0) e = n;
    const tok = line.slice(p, e);
    if (tok === '---') lang = 'java'; // Spring Boot's "%5p ${PID} --- [thread] logger : msg"
    if (tok === '-' || tok === '---' || tok === '|' || tok === ':') {
      p = e;
      continue;
    }
    const colon = tok.indexOf(':');
    if (colon > 0) {
      // `ERROR:root:message` (Python basicConfig) or `logger:` then the message
      const head = tok.slice(0, colon);
      if (level === undefined && isLevelWord(head)) {
        level = head;
        const c2 = tok.indexOf(':', colon + 1);
        if (c2 > colon + 1) {
          logger = tok.slice(colon + 1, c2);
          p += c2 + 1;
          break;
        }
        p += colon + 1;
        continue;
      }
      if (colon === tok.length - 1 && /^[\w.$<>\\/-]+$/.test(head)) {
        logger = head;
        p = e;
        break;
      }
      break;
    }
    if (level === undefined && isLevelWord(tok)) {
      level = tok;
      p = e;
      continue;
    }
    if (pid === undefined && tok.length <= 7 && /^\d+$/.test(tok)) {
      pid = Number(tok);
      p = e;
      continue;
    }
    // `logger - msg` / `logger   : msg` (Spring Boot pads the logger)
    let q = e;
    while (q < n && line.charCodeAt(q) === 32) q++;
    const sep = line.charCodeAt(q);
    if ((sep === 58 || sep === 45) && line.charCodeAt(q + 1) === 32 && /^[\w.$<>\\/[\]-]+$/.test(tok)) {
      logger = tok;
      p = q + 2;
      break;
    }
    break;
  }
  let msg = line.slice(p).trim();
  if (level === undefined) {
    const m = /^([A-Z]{3,9})(?: - |: )/.exec(msg);
    if (m && isLevelWord(m[1]!)) {
      level = m[1];
      msg = msg.slice(m[0].length);
    }
  }
  return { level, logger, worker, pid, msg, lang };
}

const BRACKET_OFFSET = /^ ([+-])(\d\d):?(\d\d)\]/;
const UTC = makeZone('UTC');

const CELERY_TAIL = /^: ([A-Z]+)\/([^\]\s]+)\] /;

/**
 * JavaScript's `Date.prototype.toString()` at 0: `Tue Jul 21 2020 10:15:42 GMT+0000 (Coordinated Universal
 * Time)`; the offset is the instant's, the parenthesised zone name (implementation-defined) is skipped
 * (docs/formats/app-timestamps.md).
 */
const JS_DATE =
  /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d\d) (\d{4}) (\d\d):(\d\d):(\d\d) GMT([+-])(\d\d)(\d\d)(?: \([^)]{1,64}\))?/;

/** Is there a `Date.toString()` stamp at the start of the line? (cheap checks first: runs per line) */
export function looksLikeJsDate(s: string): boolean {
  return (
    s.charCodeAt(3) === 32 && s.charCodeAt(7) === 32 && monthNumber(s.slice(4, 7)) !== undefined && JS_DATE.test(s)
  );
}

function parseJsDate(s: string): Stamp | undefined {
  const m = JS_DATE.exec(s);
  if (!m) return undefined;
  const mo = monthNumber(m[1]!)!;
  const [d, y, h, mi, sec] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  if (d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return { bad: m[0], end: m[0].length };
  const off = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  return { t: Date.UTC(y, mo - 1, d, h, mi, sec) - off * 60_000, end: m[0].length };
}

/**
 * Matomo / Piwik's file logger: `WARNING [2019-04-09 11:40:15] 31996  message` (Matomo 3+: level, bracketed
 * date, pid) and `WARNING UsersManager[2015-02-19 14:52:10] message` (Piwik 2: the plugin before the date).
 */
const MATOMO_HEAD = /^([A-Z]{3,9}) ([A-Za-z][\w\\]{0,60})?\[(?=\d{4}-)/;

/**
 * The level (and logger) inside the stamp's bracket: log4j2 `[%d{HH:mm:ss} %level]: %msg` (Paper/Bukkit servers:
 * `[13:23:43 WARN]: [….hikari.pool.PoolBase] HikariPool-1 - Failed to validate connection …`).
 */
function bracketedLevel(line: string, p: number, st: Stamp): Header | undefined {
  const close = line.indexOf(']', p);
  if (close < 0 || close - p > 120) return undefined;
  const inner = parseRest(line.slice(0, close), p);
  if (inner.level === undefined) return undefined;
  const r = parseRest(line, line.charCodeAt(close + 1) === 58 ? close + 2 : close + 1);
  const logger = r.logger ?? (/^[\w.$]+$/.test(inner.msg) ? inner.msg : undefined);
  return { format: 'generic', t: st.t, badTime: st.bad, ...r, level: inner.level, logger };
}

/** Timestamp (possibly bracketed) + rest: Python logging, Java, Go log, plain `2026-… ERROR …`. */
export function parseGenericHeader(line: string, ctx: ParseContext): Header | undefined {
  let i = 0;
  if (line.charCodeAt(0) === 91) i = 1;
  if (i === 0 && looksLikeJsDate(line)) {
    const js = parseJsDate(line)!;
    return { format: 'generic', t: js.t, badTime: js.bad, ...parseRest(line, js.end) };
  }
  const mh = i === 0 ? MATOMO_HEAD.exec(line) : null;
  if (mh && isLevelWord(mh[1]!)) {
    const st3 = parseStampAt(line, mh[0].length, ctx);
    if (st3 && line.charCodeAt(st3.end) === 93 /* ] */) {
      const r = parseRest(line, st3.end + 1);
      return { format: 'generic', t: st3.t, badTime: st3.bad, ...r, level: mh[1], logger: mh[2] ?? r.logger };
    }
  }
  const st = parseStampAt(line, i, ctx);
  if (!st) {
    // level first: `ERROR 2026-11-23 …` / `[ERROR] …` / `ERROR:root:…`
    const r = parseRest(line, 0);
    if (r.level === undefined) return undefined;
    const m = /^(\S+ \S+)/.exec(r.msg);
    const st2 = m ? parseStampAt(r.msg, 0, ctx) : undefined;
    if (st2) return { format: 'generic', t: st2.t, badTime: st2.bad, ...parseRest(r.msg, st2.end), level: r.level };
    return { format: 'generic', ...r };
  }
  let p = st.end;
  if (i === 1 && line.charCodeAt(p) === 93) p++;
  else if (i === 1 && line.charCodeAt(p) === 32) {
    const z = BRACKET_OFFSET.exec(line.slice(p, p + 8));
    if (z && st.t !== undefined) {
      // pino-pretty's `[2020-06-12 21:30:21.465 +0000]` (translateTime `yyyy-mm-dd HH:MM:ss.l o`): the offset is
      // the stamp's, whatever --timezone says
      const utc = parseStampAt(line, 1, { ...ctx, zone: UTC })!;
      const off = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
      return { format: 'generic', t: utc.t! - off * 60_000, ...parseRest(line, p + z[0].length) };
    }
    const h = bracketedLevel(line, p, st);
    if (h) return h;
  } else if (i === 1 && line.charCodeAt(p) === 58) {
    // Celery: `[2026-11-24 03:12:02,456: ERROR/ForkPoolWorker-1] Task … raised unexpected: …`
    const m = CELERY_TAIL.exec(line.slice(p, p + 120));
    if (m && isLevelWord(m[1]!)) {
      const r = parseRest(line, p + m[0].length);
      return { format: 'generic', t: st.t, badTime: st.bad, ...r, level: m[1], worker: m[2], lang: r.lang ?? 'python' };
    }
  }
  return { format: 'generic', t: st.t, badTime: st.bad, ...parseRest(line, p) };
}

const SYSLOG_TAIL = /^(\S+) ([\w./@-]+)(?:\[(\d+)\])?: /;

/**
 * rsyslog envelopes around an app line: RFC3164 `Nov 23 20:21:24 host app[123]: ` (year from
 * ctx.refTime, else no time: docs/parsing-pitfalls.md #3) and RFC3339 `2026-11-23T20:21:24.123+00:00 host app[123]: `.
 */
export function parseSyslogEnvelope(
  line: string,
  ctx: ParseContext,
): { t?: number; host: string; program: string; pid?: number; payloadStart: number } | undefined {
  let i = 0;
  const pri = /^<\d{1,3}>/.exec(line);
  if (pri) i = pri[0].length;
  let t: number | undefined, end: number;
  const c = line.charCodeAt(i);
  if (c >= 65 && c <= 90) {
    const d = parseSyslogDateAt(line, i);
    if (!d) return undefined;
    end = d.end;
    if (ctx.refTime !== undefined) {
      const y = closestYear(d.month, d.day, d.h, d.mi, d.s, ctx.refTime, ctx.zone, ctx.refTimeIsUpperBound === true);
      t = ctx.zone.toEpoch(y, d.month, d.day, d.h, d.mi, d.s, 0);
    }
  } else if (isDigit(c) && line.charCodeAt(i + 10) === 84) {
    const r = parseIsoAt(line, i, ctx.zone);
    if (!r) return undefined;
    const z = line.charCodeAt(r.end - 1);
    if (z !== 90 && line.charCodeAt(r.end - 3) !== 58 && !/[+-]\d{4}$/.test(line.slice(i, r.end))) return undefined;
    t = r.t;
    end = r.end;
  } else return undefined;
  if (line.charCodeAt(end) !== 32) return undefined;
  const m = SYSLOG_TAIL.exec(line.slice(end + 1, end + 200));
  if (!m || isLevelWord(m[1]!)) return undefined;
  return { t, host: m[1]!, program: m[2]!, pid: m[3] ? Number(m[3]) : undefined, payloadStart: end + 1 + m[0].length };
}
