/**
 * Timestamp and number helpers shared by the MySQL/MariaDB error and general-log parsers.
 *
 * Hand-written char-code scanning (no regex, no date-fns) because both logs must parse at
 * ≥ 500k lines/s on one core (issue requirement 4; parsers/time.ts explains the measurement).
 */
import type { ZoneConverter } from '../types.js';
import { d2, isoUtc } from '../time.js';

/** true for ASCII '0'..'9' */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * `YYMMDD %2d:MM:SS` at index i — MySQL ≤5.6 / MariaDB general log and MySQL ≤5.5 error log
 * (docs/mysql-logs.md §2.1, §3: `"%02d%02d%02d %2d:%02d:%02d"`). The hour is space-padded (`191015  9:46:45`);
 * Elastic's pipeline also accepts one space before a 1-digit hour (`yyMMdd H:m:s`), so do we.
 * 2-digit years are 20YY (the format was introduced long after 2000). The time is LOCAL → `zone`,
 * unless `utc` (crash headers say `UTC`). Returns epoch ms and the index after the seconds.
 */
export function parseYymmddAt(
  s: string,
  i: number,
  zone: ZoneConverter,
  utc = false,
): { t: number; end: number } | undefined {
  const yy = d2(s, i),
    mo = d2(s, i + 2),
    d = d2(s, i + 4);
  if (s.charCodeAt(i + 6) !== 32) return undefined;
  let p = i + 7;
  if (s.charCodeAt(p) === 32) p++;
  let h: number;
  if (s.charCodeAt(p + 1) === 58) {
    h = isDigit(s.charCodeAt(p)) ? s.charCodeAt(p) - 48 : NaN;
    p += 1;
  } else {
    h = d2(s, p);
    p += 2;
  }
  if (s.charCodeAt(p) !== 58 || s.charCodeAt(p + 3) !== 58) return undefined;
  const mi = d2(s, p + 1),
    sec = d2(s, p + 4);
  if (Number.isNaN(yy + mo + d + h + mi + sec) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
    return undefined;
  const y = 2000 + yy;
  const t = utc ? Date.UTC(y, mo - 1, d, h, mi, sec) : zone.toEpoch(y, mo, d, h, mi, sec, 0);
  if (!Number.isFinite(t)) return undefined;
  return { t, end: p + 6 };
}

/** True when `YYMMDD [ H]H:MM:SS` starts at i (shape only, used by the record-start checks). */
export function looksYymmdd(s: string, i: number): boolean {
  for (let k = 0; k < 6; k++) if (!isDigit(s.charCodeAt(i + k))) return false;
  if (s.charCodeAt(i + 6) !== 32) return false;
  let p = i + 7;
  if (s.charCodeAt(p) === 32) p++;
  if (!isDigit(s.charCodeAt(p))) return false;
  if (isDigit(s.charCodeAt(p + 1))) p++;
  return (
    s.charCodeAt(p + 1) === 58 &&
    isDigit(s.charCodeAt(p + 2)) &&
    isDigit(s.charCodeAt(p + 3)) &&
    s.charCodeAt(p + 4) === 58 &&
    isDigit(s.charCodeAt(p + 5)) &&
    isDigit(s.charCodeAt(p + 6))
  );
}

/** True when `YYYY-MM-DD` followed by `T` or a space starts at i (shape only). */
export function looksIsoDate(s: string, i: number): boolean {
  return (
    isDigit(s.charCodeAt(i)) &&
    isDigit(s.charCodeAt(i + 1)) &&
    isDigit(s.charCodeAt(i + 2)) &&
    isDigit(s.charCodeAt(i + 3)) &&
    s.charCodeAt(i + 4) === 45 &&
    isDigit(s.charCodeAt(i + 5)) &&
    isDigit(s.charCodeAt(i + 6)) &&
    s.charCodeAt(i + 7) === 45 &&
    isDigit(s.charCodeAt(i + 8)) &&
    isDigit(s.charCodeAt(i + 9)) &&
    (s.charCodeAt(i + 10) === 84 || s.charCodeAt(i + 10) === 32)
  );
}

/** True when `HH:MM:SS` starts at i. */
export function looksClock(s: string, i: number): boolean {
  return (
    isDigit(s.charCodeAt(i)) &&
    isDigit(s.charCodeAt(i + 1)) &&
    s.charCodeAt(i + 2) === 58 &&
    isDigit(s.charCodeAt(i + 3)) &&
    isDigit(s.charCodeAt(i + 4)) &&
    s.charCodeAt(i + 5) === 58 &&
    isDigit(s.charCodeAt(i + 6)) &&
    isDigit(s.charCodeAt(i + 7))
  );
}

/** Unsigned decimal at i → { value, end }; undefined when no digit. Long runs (OS thread ids) go through Number(). */
export function readUint(s: string, i: number): { value: number; end: number } | undefined {
  let p = i,
    v = 0;
  while (p < s.length) {
    const c = s.charCodeAt(p) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    p++;
  }
  if (p === i) return undefined;
  if (p - i > 15) v = Number(s.slice(i, p));
  return { value: v, end: p };
}

/** index of the first char at or after i that is neither space nor tab */
export function skipBlanks(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9) break;
    i++;
  }
  return i;
}

/** isoUtc under its former name (it was a memoised wrapper before isoUtc itself became fast) */
export const isoCached = isoUtc;
