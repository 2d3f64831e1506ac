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
 * Any of them may follow socklog's `[10.1.4.1: ]local0.notice: ` (parsers/socklog.ts) in place of `<PRI>`.
 *
 * `scanEnvelope` fills one reusable record (no per-line objects: the tcplog hot path budget is ~1 µs,
 * issue #2); `parseEnvelope` is the allocating, public form. Pure and total: never throws.
 */
import type { ParseContext, ZoneConverter } from './types.js';
import { closestYear, d2, parseIsoAt, parseSyslogDateAt } from './time.js';
import { socklogPrefixAt } from './socklog.js';

export type EnvelopeFormat = 'rfc3164' | 'rfc3339' | 'rfc5424' | 'short-iso' | 'program' | 'none';

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

/** The reusable result of scanEnvelope(); valid until the next call. */
export interface EnvelopeScan {
  format: EnvelopeFormat;
  payloadStart: number;
  pri: number | undefined;
  host: string | undefined;
  program: string | undefined;
  pid: number | undefined;
  t: number | undefined;
  /** 0 = no date parts, 1 = year-less, 2 = with year (zone-less ISO) */
  dateKind: 0 | 1 | 2;
  year: number;
  month: number;
  day: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
  hasMs: boolean;
}

const S: EnvelopeScan = {
  format: 'none',
  payloadStart: 0,
  pri: undefined,
  host: undefined,
  program: undefined,
  pid: undefined,
  t: undefined,
  dateKind: 0,
  year: 0,
  month: 0,
  day: 0,
  h: 0,
  mi: 0,
  s: 0,
  ms: 0,
  hasMs: false,
};

// parseIsoAt() asks a ZoneConverter for zone-less times; this one records the wall clock instead of
// converting it, so a zone-less ISO envelope date can be handed back as parts (the caller owns the zone).
const CAPTURE: ZoneConverter = {
  name: 'capture',
  toEpoch(y, mo, d, h, mi, s, ms) {
    S.year = y;
    S.month = mo;
    S.day = d;
    S.h = h;
    S.mi = mi;
    S.s = s;
    S.ms = ms;
    S.hasMs = true;
    return NaN;
  },
};

/** Characters allowed in a syslog TAG's program part (rsyslog accepts more, but not space, ':' or '['). */
function isTagChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 45 /* - */ ||
    c === 95 /* _ */ ||
    c === 46 /* . */ ||
    c === 47 /* / */ ||
    c === 64
  ); /* @ */
}

/** Where tagAt() found a TAG's parts: the program's end, the pid, the payload's start. */
interface Tag {
  progEnd: number;
  pid: number | undefined;
  payload: number;
}
// one object handed to tagAt() and takeTag() on every line (no object per call: issue #2)
const TAG: Tag = { progEnd: 0, pid: undefined, payload: 0 };

/** Is s[a, b) a syslog TAG `prog:` / `prog[pid]:`? Its parts go into `tag`. */
function tagAt(s: string, a: number, b: number, tag: Tag): boolean {
  if (b - a < 2 || b - a > 80 || s.charCodeAt(b - 1) !== 58 /* : */) return false;
  let i = a;
  while (i < b - 1 && isTagChar(s.charCodeAt(i))) i++;
  if (i === a) return false;
  tag.progEnd = i;
  tag.pid = undefined;
  if (s.charCodeAt(i) === 91 /* [ */) {
    let j = i + 1,
      v = 0;
    while (j < b) {
      const c = s.charCodeAt(j) - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
      j++;
    }
    if (j === i + 1 || s.charCodeAt(j) !== 93 /* ] */ || j + 1 !== b - 1) return false;
    tag.pid = v;
  } else if (i !== b - 1) {
    return false;
  }
  tag.payload = s.charCodeAt(b) === 32 ? b + 1 : b;
  return true;
}

function tokenEnd(s: string, i: number): number {
  const j = s.indexOf(' ', i);
  return j < 0 ? s.length : j;
}

function skipSpaces(s: string, i: number): number {
  while (s.charCodeAt(i) === 32) i++;
  return i;
}

// last program / host strings: a log file repeats them on every line; reusing the string saves an
// allocation per line (issue #2 budget)
let lastProgram = '',
  lastHost = '';

function takeTag(line: string, a: number, tag: Tag): void {
  const n = tag.progEnd - a;
  S.program =
    n === lastProgram.length && line.startsWith(lastProgram, a)
      ? lastProgram
      : (lastProgram = line.slice(a, tag.progEnd));
  S.pid = tag.pid;
  S.payloadStart = tag.payload;
}

/**
 * After a date: `[host] tag: payload`, or (HAProxy `iso`/`timed` formats, tag-less daemons) the payload.
 * A host is only recognised when a tag follows it, so a tag-less `<date> 10.0.1.2:33313 [..]` keeps its
 * first payload token.
 */
function afterDate(line: string, i: number): void {
  const from = i;
  // Memo: a file repeats `host prog[pid]: ` on every line; the same characters scan the same way,
  // so a match of the last one (ending in the space before the payload) skips the token scan.
  if (adLen > 0 && sameCodes(line, from, adCodes, adLen)) {
    if (adHost !== undefined) S.host = adHost; // else keep a host found before the date (socklog)
    S.program = adProgram;
    S.pid = adPid;
    S.payloadStart = from + adLen;
    return;
  }
  i = skipSpaces(line, i);
  const e1 = tokenEnd(line, i);
  if (tagAt(line, i, e1, TAG)) {
    takeTag(line, i, TAG);
    remember(line, from, undefined);
    return;
  }
  if (e1 < line.length) {
    const i2 = skipSpaces(line, e1);
    const e2 = tokenEnd(line, i2);
    if (tagAt(line, i2, e2, TAG)) {
      S.host = e1 - i === lastHost.length && line.startsWith(lastHost, i) ? lastHost : (lastHost = line.slice(i, e1));
      takeTag(line, i2, TAG);
      remember(line, from, S.host);
      return;
    }
  }
  S.payloadStart = i;
}

let adLen = 0,
  adHost: string | undefined,
  adProgram: string | undefined,
  adPid: number | undefined;
const adCodes = new Int32Array(128);
function sameCodes(line: string, a: number, codes: Int32Array, n: number): boolean {
  if (a + n > line.length) return false;
  for (let k = n - 1; k >= 0; k--) if (line.charCodeAt(a + k) !== codes[k]) return false;
  return true;
}
/** `host`: the host read after the date (not one found before it, by socklog's prefix). */
function remember(line: string, from: number, host: string | undefined): void {
  const n = S.payloadStart - from;
  if (n > 128 || n < 2 || line.charCodeAt(S.payloadStart - 1) !== 32) {
    adLen = 0;
    return;
  }
  for (let k = 0; k < n; k++) adCodes[k] = line.charCodeAt(from + k);
  adLen = n;
  adHost = host;
  adProgram = S.program;
  adPid = S.pid;
}

/** RFC5424 after `<PRI>1 `: TIMESTAMP HOST APP PROCID MSGID SD [MSG] ('-' = nil). */
function rfc5424(line: string, i: number): void {
  S.format = 'rfc5424';
  const f: string[] = [];
  for (let k = 0; k < 5; k++) {
    i = skipSpaces(line, i);
    const e = tokenEnd(line, i);
    f.push(line.slice(i, e));
    i = e;
  }
  const ts = f[0]!,
    host = f[1]!,
    app = f[2]!,
    procid = f[3]!;
  if (ts !== '-' && ts !== '') {
    const r = parseIsoAt(ts, 0, CAPTURE);
    if (r) {
      if (!Number.isNaN(r.t)) S.t = r.t;
      else S.dateKind = 2;
    }
  }
  if (host && host !== '-') S.host = host;
  if (app && app !== '-') S.program = app;
  if (procid && /^\d+$/.test(procid)) S.pid = Number(procid);
  i = skipSpaces(line, i);
  // STRUCTURED-DATA: '-' or one or more [id k="v" …] elements (']' may be escaped inside values)
  if (line.charCodeAt(i) === 45 /* - */) {
    i++;
  } else {
    while (line.charCodeAt(i) === 91 /* [ */) {
      let j = i + 1,
        inQuote = false;
      while (j < line.length) {
        const c = line.charCodeAt(j);
        if (c === 92 /* \ */) {
          j += 2;
          continue;
        }
        if (c === 34) inQuote = !inQuote;
        else if (c === 93 && !inQuote) break;
        j++;
      }
      i = j + 1;
    }
  }
  if (line.charCodeAt(i) === 32) i++;
  if (line.charCodeAt(i) === 0xfeff) i++; // BOM before a UTF-8 MSG
  S.payloadStart = Math.min(i, line.length);
}

// Memo of the last `Mmm dd HH:MM` prefix: a log file repeats it for a whole minute, so the month-name
// lookup of parseSyslogDateAt runs once per minute of log instead of once per line (issue #2 budget).
const dateCodes = new Int32Array(12);
let memoKey = '',
  memoMonth = 0,
  memoDay = 0,
  memoH = 0,
  memoMi = 0;

/** rfc3164 date at i → S date parts; returns its end index or -1. */
function syslogDateAt(line: string, i: number): number {
  if (memoKey !== '' && sameCodes(line, i, dateCodes, 12) && line.charCodeAt(i + 12) === 58) {
    const s = d2(line, i + 13);
    if (s <= 60) {
      S.month = memoMonth;
      S.day = memoDay;
      S.h = memoH;
      S.mi = memoMi;
      S.s = s;
      return i + 15;
    }
  }
  const d = parseSyslogDateAt(line, i);
  if (!d) return -1;
  if (d.end === i + 15) {
    memoKey = line.slice(i, i + 12);
    for (let k = 0; k < 12; k++) dateCodes[k] = memoKey.charCodeAt(k);
    memoMonth = d.month;
    memoDay = d.day;
    memoH = d.h;
    memoMi = d.mi;
  }
  S.month = d.month;
  S.day = d.day;
  S.h = d.h;
  S.mi = d.mi;
  S.s = d.s;
  return d.end;
}

/**
 * journalctl `-o short-full`: `Wed 2026-11-25 01:25:02 UTC host prog[pid]: …` (local time and the
 * zone's abbreviation; `short-full` with `--utc` prints UTC). Only UTC/GMT and numeric offsets
 * say which instant it is; other abbreviations (CET, EST…) are ambiguous, so the wall clock is
 * kept and placed with `--timezone`, like a zone-less ISO date.
 */
function shortFull(line: string, i: number): boolean {
  const r = parseIsoAt(line, i + 4, CAPTURE);
  if (!r || line.charCodeAt(r.end) !== 32) return false;
  const z = r.end + 1;
  const ze = tokenEnd(line, z);
  const zone = line.slice(z, ze);
  if (!/^(?:[A-Z]{2,5}|[+-]\d{4})$/.test(zone) || ze >= line.length) return false;
  S.format = 'short-iso';
  if (zone === 'UTC' || zone === 'GMT') S.t = Date.UTC(S.year, S.month - 1, S.day, S.h, S.mi, S.s, S.ms);
  else if (zone[0] === '+' || zone[0] === '-') {
    const off = (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * (zone[0] === '-' ? -1 : 1);
    S.t = Date.UTC(S.year, S.month - 1, S.day, S.h, S.mi, S.s, S.ms) - off * 60_000;
  } else S.dateKind = 2;
  afterDate(line, ze);
  return true;
}

/** A 3-5 character word then a space: the only shape a localized `%b` has (keeps `haproxy[1]:` lines cheap). */
function localMonthShape(line: string, i: number): boolean {
  return line.charCodeAt(i + 3) === 32 || line.charCodeAt(i + 4) === 32 || line.charCodeAt(i + 5) === 32;
}

/** b[a, a+n) equals the char codes, all ASCII (so that a byte index is the decoded line's char index) */
function sameAsciiBytes(b: Uint8Array, a: number, e: number, codes: Int32Array, n: number): boolean {
  if (a + n > e) return false;
  for (let k = n - 1; k >= 0; k--) if (b[a + k] !== codes[k] || codes[k]! > 127) return false;
  return true;
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
  if (c < 65 || c > 90 || s + 16 > e || memoKey === '' || !sameAsciiBytes(b, s, e, dateCodes, 12) || b[s + 12] !== 58)
    return -1;
  const t = b[s + 13]! - 48,
    u = b[s + 14]! - 48;
  if (!(t >= 0 && t <= 9 && u >= 0 && u <= 9 && t * 10 + u <= 60) || b[s + 15] !== 32) return -1;
  return adLen > 0 && sameAsciiBytes(b, s + 15, e, adCodes, adLen) ? s + 15 + adLen : -1;
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
  if (((c >= 48 && c <= 57) || (c >= 97 && c <= 122)) && line.charCodeAt(tokenEnd(line, i) - 1) === 58 /* : */) {
    // socklog: `[10.1.4.1: ]local0.notice: ` in place of the <PRI> (parsers/socklog.ts)
    const sl = socklogPrefixAt(line, i);
    if (sl) {
      S.pri = sl.pri;
      S.host = sl.host;
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
