/**
 * Syslog envelope stripping: what precedes the HAProxy payload (FORMATS.md §1.1, USER_PAIN #2).
 *
 * Accepted shapes (each optionally preceded by `<PRI>`):
 *   rfc3164   `Feb  6 12:14:14 localhost haproxy[14389]: …` (host optional, day space-padded or not,
 *             journald `short-precise` fraction tolerated)
 *   rfc3339   `2026-11-23T20:21:24.123456+00:00 db-lb-01 haproxy[3968]: …` (rsyslog RSYSLOG_FileFormat,
 *             the Debian 12 default — LAB_FINDINGS §1), also HAProxy's own `iso`/`timed` formats
 *   short-iso `2026-11-23T20:21:24+0000 host haproxy[1]: …` (journalctl -o short-iso: offset without colon)
 *   rfc5424   `<134>1 2020-06-15T02:58:18+00:00 host haproxy 40 - - …`
 *   program   `haproxy[14387]: …` (no date, no host: journald cat / pre-stripped)
 *   none      the payload itself (`log stdout format raw`)
 *
 * Pure and total: never throws, a line that has no envelope is returned as format 'none'.
 */
import type { ZoneConverter } from './types.js';
import { d2, parseIsoAt, parseSyslogDateAt } from './time.js';

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

// parseIsoAt() asks a ZoneConverter for zone-less times; this one records the wall clock instead of
// converting it, so a zone-less ISO envelope date can be handed back as parts (the caller owns the zone).
let capY = 0, capMo = 0, capD = 0, capH = 0, capMi = 0, capS = 0, capMs = 0;
const CAPTURE: ZoneConverter = {
  name: 'capture',
  toEpoch(y, mo, d, h, mi, s, ms) {
    capY = y; capMo = mo; capD = d; capH = h; capMi = mi; capS = s; capMs = ms;
    return NaN;
  },
};

/** Characters allowed in a syslog TAG's program part (rsyslog accepts more, but not space, ':' or '['). */
function isTagChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) ||
    c === 45 /* - */ || c === 95 /* _ */ || c === 46 /* . */ || c === 47 /* / */ || c === 64 /* @ */;
}

interface Tag { program: string; pid: number | undefined; end: number }

/**
 * A syslog TAG at [a, b): `prog:` or `prog[pid]:`. Returns where the payload starts (after the
 * colon and one optional space), or undefined when the token is not a tag.
 */
function tagAt(s: string, a: number, b: number): Tag | undefined {
  if (b - a < 2 || b - a > 80 || s.charCodeAt(b - 1) !== 58 /* : */) return undefined;
  let i = a;
  while (i < b - 1 && isTagChar(s.charCodeAt(i))) i++;
  if (i === a) return undefined;
  const program = s.slice(a, i);
  let pid: number | undefined;
  if (s.charCodeAt(i) === 91 /* [ */) {
    let j = i + 1, v = 0;
    while (j < b) {
      const c = s.charCodeAt(j) - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c; j++;
    }
    if (j === i + 1 || s.charCodeAt(j) !== 93 /* ] */ || j + 1 !== b - 1) return undefined;
    pid = v;
  } else if (i !== b - 1) {
    return undefined;
  }
  const end = s.charCodeAt(b) === 32 ? b + 1 : b;
  return { program, pid, end };
}

/** end (exclusive) of the space-free token starting at i */
function tokenEnd(s: string, i: number): number {
  const j = s.indexOf(' ', i);
  return j < 0 ? s.length : j;
}

function skipSpaces(s: string, i: number): number {
  while (s.charCodeAt(i) === 32) i++;
  return i;
}

// Memo of the last `Mmm dd HH:MM` prefix: a log file repeats it for a whole minute, so the month-name
// lookup of parseSyslogDateAt runs once per minute of log instead of once per line (issue #2 budget).
let memoKey = '', memoMonth = 0, memoDay = 0, memoH = 0, memoMi = 0;

let dateEnd = 0;
/** rfc3164 date at i → the envelope's date parts (end index in `dateEnd`), via the memo or parseSyslogDateAt. */
function syslogDateAt(line: string, i: number): EnvelopeDate | undefined {
  if (memoKey !== '' && line.startsWith(memoKey, i) && line.charCodeAt(i + 12) === 58) {
    const s = d2(line, i + 13);
    if (s <= 60) { dateEnd = i + 15; return { month: memoMonth, day: memoDay, h: memoH, mi: memoMi, s }; }
  }
  const d = parseSyslogDateAt(line, i);
  if (!d) return undefined;
  if (d.end === i + 15) {
    memoKey = line.slice(i, i + 12);
    memoMonth = d.month; memoDay = d.day; memoH = d.h; memoMi = d.mi;
  }
  dateEnd = d.end;
  return { month: d.month, day: d.day, h: d.h, mi: d.mi, s: d.s };
}

function none(line: string, pri?: number): Envelope {
  if (pri === undefined) return { format: 'none', payload: line, payloadStart: 0 };
  const start = line.indexOf('>') + 1;
  return { format: 'none', payload: line.slice(start), payloadStart: start, pri };
}

/**
 * After a date: `[host] tag: payload`, or (HAProxy `iso`/`timed` formats, tag-less daemons) the payload.
 * A host is only recognised when a tag follows it, so a tag-less `<date> 10.0.1.2:33313 [..]` keeps its
 * first payload token.
 */
function afterDate(line: string, i: number, base: Envelope): Envelope {
  i = skipSpaces(line, i);
  const e1 = tokenEnd(line, i);
  const tag1 = tagAt(line, i, e1);
  if (tag1) return finish(line, base, undefined, tag1);
  if (e1 < line.length) {
    const i2 = skipSpaces(line, e1);
    const e2 = tokenEnd(line, i2);
    const tag2 = tagAt(line, i2, e2);
    if (tag2) return finish(line, base, line.slice(i, e1), tag2);
  }
  base.payloadStart = i;
  base.payload = line.slice(i);
  return base;
}

function finish(line: string, base: Envelope, host: string | undefined, tag: Tag): Envelope {
  if (host !== undefined) base.host = host;
  base.program = tag.program;
  if (tag.pid !== undefined) base.pid = tag.pid;
  base.payloadStart = tag.end;
  base.payload = line.slice(tag.end);
  return base;
}

/** RFC5424 after `<PRI>1 `: TIMESTAMP HOST APP PROCID MSGID SD [MSG] ('-' = nil). */
function rfc5424(line: string, i: number, pri: number): Envelope {
  const env: Envelope = { format: 'rfc5424', payload: '', payloadStart: line.length, pri };
  const fields: string[] = [];
  for (let k = 0; k < 5; k++) {
    i = skipSpaces(line, i);
    const e = tokenEnd(line, i);
    fields.push(line.slice(i, e));
    i = e;
  }
  const [ts, host, app, procid] = fields as [string, string, string, string, string];
  if (ts !== '-' && ts !== '') {
    const r = parseIsoAt(ts, 0, CAPTURE);
    if (r) {
      if (!Number.isNaN(r.t)) env.t = r.t;
      else env.date = { year: capY, month: capMo, day: capD, h: capH, mi: capMi, s: capS, ms: capMs };
    }
  }
  if (host && host !== '-') env.host = host;
  if (app && app !== '-') env.program = app;
  if (procid && /^\d+$/.test(procid)) env.pid = Number(procid);
  i = skipSpaces(line, i);
  // STRUCTURED-DATA: '-' or one or more [id k="v" …] elements (']' may be escaped inside values)
  if (line.charCodeAt(i) === 45 /* - */) {
    i++;
  } else {
    while (line.charCodeAt(i) === 91 /* [ */) {
      let j = i + 1, inQuote = false;
      while (j < line.length) {
        const c = line.charCodeAt(j);
        if (c === 92 /* \ */) { j += 2; continue; }
        if (c === 34) inQuote = !inQuote;
        else if (c === 93 && !inQuote) break;
        j++;
      }
      i = j + 1;
    }
  }
  if (line.charCodeAt(i) === 32) i++;
  if (line.charCodeAt(i) === 0xfeff) i++; // BOM before a UTF-8 MSG
  env.payloadStart = Math.min(i, line.length);
  env.payload = line.slice(env.payloadStart);
  return env;
}

/** Strip the syslog envelope of one line. Never throws. */
export function parseEnvelope(line: string): Envelope {
  if (typeof line !== 'string' || line.length === 0) return { format: 'none', payload: '', payloadStart: 0 };
  let i = 0;
  let pri: number | undefined;
  if (line.charCodeAt(0) === 60 /* < */) {
    let j = 1, v = 0;
    while (j < 5) {
      const c = line.charCodeAt(j) - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c; j++;
    }
    if (j > 1 && line.charCodeAt(j) === 62 /* > */ && v <= 191) {
      pri = v;
      i = j + 1;
      if (line.charCodeAt(i) === 49 /* 1 */ && line.charCodeAt(i + 1) === 32) return rfc5424(line, i + 2, pri);
    }
  }
  const c = line.charCodeAt(i);
  if (c >= 48 && c <= 57) {
    // ISO date (rsyslog RFC3339, journald short-iso, HAProxy iso/timed)
    if (line.charCodeAt(i + 4) === 45 /* - */) {
      const r = parseIsoAt(line, i, CAPTURE);
      if (r && (line.charCodeAt(r.end) === 32 || r.end === line.length)) {
        const tzColon = line.charCodeAt(r.end - 3) === 58;
        const hasOffset = !Number.isNaN(r.t);
        const env: Envelope = {
          format: hasOffset && !tzColon && line.charCodeAt(r.end - 1) !== 90 /* Z */ ? 'short-iso' : 'rfc3339',
          payload: '', payloadStart: 0,
        };
        if (pri !== undefined) env.pri = pri;
        if (hasOffset) env.t = r.t;
        else env.date = { year: capY, month: capMo, day: capD, h: capH, mi: capMi, s: capS, ms: capMs };
        return afterDate(line, r.end, env);
      }
    }
  } else if (c >= 65 && c <= 90) {
    const d = syslogDateAt(line, i);
    if (d) {
      let end = dateEnd;
      let ms: number | undefined;
      if (line.charCodeAt(end) === 46 /* . */) { // journald short-precise: `Nov 23 20:21:24.123456`
        let j = end + 1, frac = 0, n = 0;
        while (j < line.length) {
          const k = line.charCodeAt(j) - 48;
          if (k < 0 || k > 9) break;
          if (n < 3) frac = frac * 10 + k;
          n++; j++;
        }
        if (n > 0) { while (n < 3) { frac *= 10; n++; } ms = frac; end = j; }
      }
      if (line.charCodeAt(end) === 32 || end === line.length) {
        if (ms !== undefined) d.ms = ms;
        const env: Envelope = { format: 'rfc3164', payload: '', payloadStart: 0, date: d };
        if (pri !== undefined) env.pri = pri;
        return afterDate(line, end, env);
      }
    }
  }
  // bare `prog[pid]: payload` (journald without date, HAProxy `short`/`priority` minus the date)
  const e = tokenEnd(line, i);
  const tag = tagAt(line, i, e);
  if (tag) {
    const env: Envelope = { format: 'program', payload: '', payloadStart: 0 };
    if (pri !== undefined) env.pri = pri;
    return finish(line, env, undefined, tag);
  }
  return none(line, pri);
}
