/**
 * HAProxy's accept / request dates (`[%t]`, `[%tr]`) read fast, with a memo of the hour consecutive lines share,
 * from the decoded line or straight from its UTF-8 bytes (the tcplog precheck), and the shift a zoned syslog
 * stamp on the same line says the zone-less date is off by.
 */
import type { ParseContext, ZoneConverter } from '../types.js';
import { d2, dn, parseHaproxyDate } from '../time.js';
import { stampZoneShift } from '../zones.js';

/**
 * HAProxy's `%t` accept date is its host's wall clock without a zone, but an RFC3339/RFC5424 syslog
 * stamp on the same line (rsyslog's default file format on Debian 12, HAProxy's own rfc5424 header)
 * carries an offset, and HAProxy writes a traffic line when the session ends (accept + Tt, within a
 * second: docs/lab-findings.md §4.2). Returns the ms to subtract from the accept date (zones.ts stampZoneShift).
 */
export function envelopeZoneShift(
  accept: number,
  tt: number | undefined,
  envT: number | undefined,
  ctx: ParseContext,
): number {
  return stampZoneShift(accept + (tt !== undefined && tt > 0 ? tt : 0), envT, ctx);
}

// Memo of the last `dd/Mmm/yyyy:HH` prefix (per zone): consecutive lines share the hour (accept dates
// of adjacent lines jump between minutes, so a per-minute memo missed often), and parseHaproxyDate
// (month-name lookup + zone conversion) runs once per hour of log, not per line. A zone's offset is
// constant within an hour except across a DST transition, which the memo checks for (the offset at the
// hour's last millisecond must equal the one at its start; otherwise the hour is not memoised).
let memoZone: ZoneConverter | undefined,
  memoKey = '',
  memoBase = 0;

// the memo key as char codes: comparing 14 codes beat String#startsWith on sliced line strings
const memoCodes = new Int32Array(14);
function sameHour(p: string, a: number): boolean {
  for (let k = 13; k >= 0; k--) if (p.charCodeAt(a + k) !== memoCodes[k]) return false;
  return true;
}

/** HAProxy `[%t]`/`[%tr]` date text at p[a, b) → epoch ms (NaN when invalid); parseHaproxyDate semantics. */
export function haproxyDateAt(p: string, a: number, b: number, zone: ZoneConverter): number {
  const len = b - a;
  const withMs = len === 24 && p.charCodeAt(a + 20) === 46;
  if (
    memoZone === zone &&
    (withMs || len === 20) &&
    sameHour(p, a) &&
    p.charCodeAt(a + 14) === 58 &&
    p.charCodeAt(a + 17) === 58
  ) {
    const mi = d2(p, a + 15);
    const sec = d2(p, a + 18);
    const ms = withMs ? dn(p, a + 21, 3) : 0;
    if (mi <= 59 && sec <= 60 && ms >= 0) return memoBase + mi * 60_000 + sec * 1000 + ms;
  }
  const text = p.slice(a, b);
  const t = parseHaproxyDate(text, zone);
  if (!Number.isNaN(t) && (withMs || len === 20)) {
    const base = t - d2(text, 15) * 60_000 - d2(text, 18) * 1000 - (withMs ? dn(text, 21, 3) : 0);
    const last = parseHaproxyDate(text.slice(0, 14) + ':59:59.999', zone);
    if (last - base === 3_599_999) {
      memoZone = zone;
      memoKey = text.slice(0, 14);
      for (let k = 0; k < 14; k++) memoCodes[k] = memoKey.charCodeAt(k);
      memoBase = base;
    } else {
      memoZone = undefined;
    }
  }
  return t;
}

/**
 * `haproxyDateAt` of the ASCII date b[a, e) (UTF-8 bytes), when the memo above answers it; NaN when it does
 * not (the caller then parses the decoded line, which updates the memo: the tcplog precheck, precheck.ts).
 * Same value as `haproxyDateAt` on the decoded text, which takes this branch first.
 */
export function haproxyDateOfBytes(b: Uint8Array, a: number, e: number, zone: ZoneConverter): number {
  const len = e - a;
  const withMs = len === 24 && b[a + 20] === 46;
  if (memoZone !== zone || !(withMs || len === 20) || b[a + 14] !== 58 || b[a + 17] !== 58) return NaN;
  for (let k = 13; k >= 0; k--) if (b[a + k] !== memoCodes[k] || memoCodes[k]! > 127) return NaN;
  const mi = digitsOf(b, a + 15, 2);
  const sec = digitsOf(b, a + 18, 2);
  const ms = withMs ? digitsOf(b, a + 21, 3) : 0;
  return mi <= 59 && sec <= 60 && ms >= 0 ? memoBase + mi * 60_000 + sec * 1000 + ms : NaN;
}

/** n ASCII digits at b[i] → number, or NaN (time.ts `dn` over bytes) */
function digitsOf(b: Uint8Array, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = b[i + k]! - 48;
    if (!(c >= 0 && c <= 9)) return NaN;
    v = v * 10 + c;
  }
  return v;
}
