/**
 * The dated envelope forms of parsers/syslog.ts: RFC5424's header, the RFC3164 `Mmm dd HH:MM:SS` date (with
 * the memo of its last minute) and journalctl's `short-full` (docs/haproxy-logs.md §1.1). Fill the scan
 * record of parsers/syslog-state.ts.
 */
import { d2, parseIsoAt, parseSyslogDateAt } from './time.js';
import { CAPTURE, S, sameAsciiBytes, sameCodes, skipSpaces, tokenEnd } from './syslog-state.js';
import { afterDate } from './syslog-tag.js';

/** RFC5424 after `<PRI>1 `: TIMESTAMP HOST APP PROCID MSGID SD [MSG] ('-' = nil). */
export function rfc5424(line: string, i: number): void {
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
export function syslogDateAt(line: string, i: number): number {
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

/** Whether the ASCII bytes b[s, e) start with the memoised `Mmm dd HH:MM` of the last date read. */
export function memoDateBytes(b: Uint8Array, s: number, e: number): boolean {
  return memoKey !== '' && sameAsciiBytes(b, s, e, dateCodes, 12);
}

/**
 * journalctl `-o short-full`: `Wed 2026-11-25 01:25:02 UTC host prog[pid]: …` (local time and the
 * zone's abbreviation; `short-full` with `--utc` prints UTC). Only UTC/GMT and numeric offsets
 * say which instant it is; other abbreviations (CET, EST…) are ambiguous, so the wall clock is
 * kept and placed with `--timezone`, like a zone-less ISO date.
 */
export function shortFull(line: string, i: number): boolean {
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
export function localMonthShape(line: string, i: number): boolean {
  return line.charCodeAt(i + 3) === 32 || line.charCodeAt(i + 4) === 32 || line.charCodeAt(i + 5) === 32;
}
