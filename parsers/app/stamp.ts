/**
 * The timestamps that lead a text app-log line, read by hand (time.ts helpers, no date-fns per line): ISO-8601,
 * Go log, PHP's `24-Nov-2026 10:00:00`, HAProxy-style `23/Nov/2026:20:21:21`, time-only stamps, and JavaScript's
 * `Date.prototype.toString()`. A timestamp-shaped token that does not parse is kept as `bad` text.
 */
import type { ParseContext } from '../types.js';
import { dn, d2, monthNumber, parseHaproxyDate, parseIsoAt } from '../time.js';
import { isDigit } from './model.js';

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

/** the instant of a `Date.toString()` stamp at 0 (`bad` when its fields are out of range) */
export function parseJsDate(s: string): Stamp | undefined {
  const m = JS_DATE.exec(s);
  if (!m) return undefined;
  const mo = monthNumber(m[1]!)!;
  const [d, y, h, mi, sec] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  if (d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return { bad: m[0], end: m[0].length };
  const off = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  return { t: Date.UTC(y, mo - 1, d, h, mi, sec) - off * 60_000, end: m[0].length };
}
