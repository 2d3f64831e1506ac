/**
 * Syslog envelope stripping: what precedes the HAProxy payload (docs/haproxy-logs.md §1.1, docs/parsing-pitfalls.md
 * #2).
 *
 * Accepted shapes (each optionally preceded by `<PRI>`):
 *   rfc3164   `Feb  6 12:14:14 localhost haproxy[14389]: …` (host optional, day space-padded or not,
 *             journald `short-precise` fraction tolerated)
 *   rfc3339   `2026-11-23T20:21:24.123456+00:00 db-lb-01 haproxy[3968]: …` (rsyslog RSYSLOG_FileFormat,
 *             the Debian 12 default — docs/lab-findings.md §1), also HAProxy's own `iso`/`timed` formats
 *   short-iso `2026-11-23T20:21:24+0000 host haproxy[1]: …` (journalctl -o short-iso: offset without colon)
 *   rfc5424   `<134>1 2020-06-15T02:58:18+00:00 host haproxy 40 - - …`
 *   program   `haproxy[14387]: …` (no date, no host: journald cat / pre-stripped)
 *   none      the payload itself (`log stdout format raw`)
 * Any of them may follow socklog's `[10.1.4.1: ]local0.notice: ` (parsers/socklog.ts) in place of `<PRI>`, itself
 * maybe after svlogd's UTC stamp.
 *
 * Its parts: the scan record (syslog-state.ts), the TAG and its memo (syslog-tag.ts), the dated forms
 * (syslog-dates.ts), socklog's prefix (socklog.ts).
 *
 * `scanEnvelope` fills one reusable record (no per-line objects: the tcplog hot path budget is ~1 µs,
 * issue #2); `parseEnvelope` is the allocating, public form. Pure and total: never throws.
 */
import type { ParseContext } from './types.js';
import { closestYear, parseIsoAt } from './time.js';
import { socklogPrefixAt } from './socklog.js';
import { CAPTURE, S, tokenEnd, type EnvelopeFormat, type EnvelopeScan } from './syslog-state.js';
import { TAG, afterDate, memoTagBytes, tagAt, takeTag } from './syslog-tag.js';
import { localMonthShape, memoDateBytes, rfc5424, shortFull, syslogDateAt } from './syslog-dates.js';

export type { EnvelopeFormat, EnvelopeScan } from './syslog-state.js';

/** Wall-clock parts of an envelope date that cannot be placed on the time line by itself. */
export interface EnvelopeDate {
  /** present only for zone-less ISO dates (`2019-10-16 17:24:15 host …`); absent for year-less rfc3164 */
  year?: number;
  month: number;
  day: number;
  h: number;
  mi: number;
  s: number;
  ms?: number;
}

export interface Envelope {
  format: EnvelopeFormat;
  payload: string;
  /** index of the payload in the line */
  payloadStart: number;
  pri?: number;
  host?: string;
  program?: string;
  pid?: number;
  /** epoch ms, only when the envelope date is complete (year + zone) */
  t?: number;
  /** year-less (rfc3164) or zone-less (ISO without offset) date: the caller places it with its zone/refTime */
  date?: EnvelopeDate;
}

/** What a document takes from the envelope (an Envelope or the scan record). */
export interface EnvFields {
  host?: string | undefined;
  program?: string | undefined;
  pid?: number | undefined;
  /** the envelope's instant, when its date has a year and an offset */
  t?: number | undefined;
}

/**
 * Where `scanEnvelope` puts the payload of the line b[s, e) (UTF-8 bytes), found without decoding it and
 * only where the answer is known without parsing anything new: an rfc3164 date of the memoised minute
 * followed by the memoised `host prog[pid]: ` run (both memos above), or no envelope before a payload that
 * starts with a digit (`log stdout format raw`: an IPv4 client, whose first token is ASCII and no tag). The
 * scan then finds no syslog time (`t` undefined) and the bytes before the payload are ASCII. -1 otherwise:
 * the caller decodes and parses the line (the tcplog precheck, parsers/haproxy/precheck.ts), which keeps
 * the memos current.
 */
export function payloadStartOfBytes(b: Uint8Array, s: number, e: number): number {
  const c = b[s]!;
  if (c >= 48 && c <= 57) {
    // scanCore: no ISO date (4th byte '-'), no bare tag (first token ending in ':'), no journalctl short-full
    let sp = s;
    while (sp < e && b[sp] !== 32) if (b[sp++]! > 127) return -1;
    if (b[s + 4] === 45 || b[sp - 1] === 58 || sp - s < 9 || b[s + 8] === 45) return -1;
    return s;
  }
  if (c < 65 || c > 90 || s + 16 > e || !memoDateBytes(b, s, e) || b[s + 12] !== 58) return -1;
  const t = b[s + 13]! - 48,
    u = b[s + 14]! - 48;
  if (!(t >= 0 && t <= 9 && u >= 0 && u <= 9 && t * 10 + u <= 60) || b[s + 15] !== 32) return -1;
  const n = memoTagBytes(b, s + 15, e);
  return n < 0 ? -1 : s + 15 + n;
}

/** Scan the envelope of one line into a reusable record (overwritten by the next call). Never throws. */
export function scanEnvelope(line: string): EnvelopeScan {
  scanCore(line);
  // journalctl short-full starts like a tag-less line ("Wed 2026-…"): tried only when nothing else fit
  if (S.format === 'none' && S.pri === undefined && line.charCodeAt(8) === 45) shortFull(line, 0);
  return S;
}

function scanCore(line: string): EnvelopeScan {
  S.format = 'none';
  S.payloadStart = 0;
  S.pri = undefined;
  S.host = undefined;
  S.program = undefined;
  S.pid = undefined;
  S.t = undefined;
  S.dateKind = 0;
  S.hasMs = false;
  if (typeof line !== 'string' || line.length === 0) return S;
  let i = 0;
  if (line.charCodeAt(0) === 60 /* < */) {
    let j = 1,
      v = 0;
    while (j < 5) {
      const c = line.charCodeAt(j) - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
      j++;
    }
    if (j > 1 && line.charCodeAt(j) === 62 /* > */ && v <= 191) {
      S.pri = v;
      i = j + 1;
      S.payloadStart = i;
      if (line.charCodeAt(i) === 49 /* 1 */ && line.charCodeAt(i + 1) === 32) {
        rfc5424(line, i + 2);
        return S;
      }
    }
  }
  let c = line.charCodeAt(i);
  if (
    ((c >= 48 && c <= 57) || (c >= 97 && c <= 122)) &&
    (line.charCodeAt(tokenEnd(line, i) - 1) === 58 /* : */ ||
      line.charCodeAt(i + 10) === 95 /* _ svlogd -tt */ ||
      // svlogd -ttt: `YYYY-MM-DDTHH:MM:SS.xxxxx ` (rsyslog's RFC3339 has its offset where this has the space)
      (line.charCodeAt(i + 10) === 84 /* T */ && line.charCodeAt(i + 19) === 46 && line.charCodeAt(i + 25) === 32))
  ) {
    // socklog: `[10.1.4.1: ]local0.notice: ` in place of the <PRI>, maybe after svlogd's stamp (parsers/socklog.ts)
    const sl = socklogPrefixAt(line, i);
    if (sl) {
      S.pri = sl.pri;
      S.host = sl.host;
      S.t = sl.t;
      i = sl.end;
      S.payloadStart = i;
      c = line.charCodeAt(i);
    }
  }
  if (c >= 48 && c <= 57) {
    // ISO date (rsyslog RFC3339, journald short-iso, HAProxy iso/timed)
    if (line.charCodeAt(i + 4) === 45 /* - */) {
      const r = parseIsoAt(line, i, CAPTURE);
      if (r && (line.charCodeAt(r.end) === 32 || r.end === line.length)) {
        const hasOffset = !Number.isNaN(r.t);
        S.format =
          hasOffset && line.charCodeAt(r.end - 3) !== 58 && line.charCodeAt(r.end - 1) !== 90 /* Z */
            ? 'short-iso'
            : 'rfc3339';
        if (hasOffset) S.t = r.t;
        else S.dateKind = 2;
        afterDate(line, r.end);
        return S;
      }
    }
  } else if ((c >= 65 && c <= 90) || ((c >= 97 && c <= 122) || c >= 0xc0 ? localMonthShape(line, i) : false)) {
    // a lower-case or non-ASCII first letter: a month in the machine's locale (`сен 01 …`, time.ts)
    let end = syslogDateAt(line, i);
    if (end >= 0) {
      let hasMs = false,
        ms = 0;
      if (line.charCodeAt(end) === 46 /* . */) {
        // journald short-precise: `Nov 23 20:21:24.123456`
        let j = end + 1,
          frac = 0,
          n = 0;
        while (j < line.length) {
          const k = line.charCodeAt(j) - 48;
          if (k < 0 || k > 9) break;
          if (n < 3) frac = frac * 10 + k;
          n++;
          j++;
        }
        if (n > 0) {
          while (n < 3) {
            frac *= 10;
            n++;
          }
          ms = frac;
          hasMs = true;
          end = j;
        }
      }
      if (line.charCodeAt(end) === 32 || end === line.length) {
        S.format = 'rfc3164';
        S.dateKind = 1;
        S.hasMs = hasMs;
        S.ms = ms;
        afterDate(line, end);
        return S;
      }
    }
  }
  // bare `prog[pid]: payload` (journald without date, HAProxy `short`/`priority` minus the date)
  if (tagAt(line, i, tokenEnd(line, i), TAG)) {
    S.format = 'program';
    takeTag(line, i, TAG);
  }
  return S;
}

/** The Envelope object for a line that was just scanned. */
export function envelopeFromScan(line: string, s: EnvelopeScan): Envelope {
  const text = typeof line === 'string' ? line : '';
  const env: Envelope = {
    format: s.format,
    payload: s.payloadStart === 0 ? text : text.slice(s.payloadStart),
    payloadStart: s.payloadStart,
  };
  if (s.pri !== undefined) env.pri = s.pri;
  if (s.host !== undefined) env.host = s.host;
  if (s.program !== undefined) env.program = s.program;
  if (s.pid !== undefined) env.pid = s.pid;
  if (s.t !== undefined) env.t = s.t;
  if (s.dateKind === 1) {
    env.date = { month: s.month, day: s.day, h: s.h, mi: s.mi, s: s.s };
    if (s.hasMs) env.date.ms = s.ms;
  } else if (s.dateKind === 2) {
    env.date = { year: s.year, month: s.month, day: s.day, h: s.h, mi: s.mi, s: s.s, ms: s.ms };
  }
  return env;
}

/** Strip the syslog envelope of one line. Never throws. */
export function parseEnvelope(line: string): Envelope {
  return envelopeFromScan(line, scanEnvelope(line));
}

/** Year/zone placement of an envelope date for lines that carry no date of their own (docs/parsing-pitfalls.md #3). */
export function envelopeTime(env: Envelope, ctx: ParseContext): number | undefined {
  if (env.t !== undefined) return env.t;
  const d = env.date;
  if (!d) return undefined;
  if (d.year !== undefined) return ctx.zone.toEpoch(d.year, d.month, d.day, d.h, d.mi, d.s, d.ms ?? 0);
  if (ctx.refTime === undefined || !Number.isFinite(ctx.refTime)) return undefined;
  const y = closestYear(d.month, d.day, d.h, d.mi, d.s, ctx.refTime, ctx.zone, ctx.refTimeIsUpperBound === true);
  return ctx.zone.toEpoch(y, d.month, d.day, d.h, d.mi, d.s, d.ms ?? 0);
}
