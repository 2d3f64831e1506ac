/**
 * Generic first-line parsing for text app logs: after the leading timestamp (stamp.ts), the usual
 * `LEVEL [worker] logger: message` fields in whatever order the common layouts put them (Python logging,
 * logback/log4j/Spring Boot, Go log, plain), and the syslog envelope when an app logs through rsyslog
 * (`Nov 23 20:21:24 host app[123]: …`).
 */
import type { ParseContext } from '../types.js';
import { closestYear, parseIsoAt, parseSyslogDateAt } from '../time.js';
import { makeZone } from '../zones.js';
import { isDigit, isLevelWord, type Header } from './model.js';
import { looksLikeJsDate, parseJsDate, parseStampAt, type Stamp } from './stamp.js';

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
