/**
 * The reusable scan record of parsers/syslog.ts and the small scanning helpers its parts share
 * (parsers/syslog-tag.ts, parsers/syslog-dates.ts). One record for all lines: no per-line objects on the
 * tcplog hot path (issue #2).
 */
import type { ZoneConverter } from './types.js';

export type EnvelopeFormat = 'rfc3164' | 'rfc3339' | 'rfc5424' | 'short-iso' | 'program' | 'none';

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

export const S: EnvelopeScan = {
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
export const CAPTURE: ZoneConverter = {
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

export function tokenEnd(s: string, i: number): number {
  const j = s.indexOf(' ', i);
  return j < 0 ? s.length : j;
}

export function skipSpaces(s: string, i: number): number {
  while (s.charCodeAt(i) === 32) i++;
  return i;
}

/** line[a, a+n) equals the char codes */
export function sameCodes(line: string, a: number, codes: Int32Array, n: number): boolean {
  if (a + n > line.length) return false;
  for (let k = n - 1; k >= 0; k--) if (line.charCodeAt(a + k) !== codes[k]) return false;
  return true;
}

/** b[a, a+n) equals the char codes, all ASCII (so that a byte index is the decoded line's char index) */
export function sameAsciiBytes(b: Uint8Array, a: number, e: number, codes: Int32Array, n: number): boolean {
  if (a + n > e) return false;
  for (let k = n - 1; k >= 0; k--) if (b[a + k] !== codes[k] || codes[k]! > 127) return false;
  return true;
}
