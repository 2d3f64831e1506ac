/**
 * Does `--timezone` agree with the HAProxy host's clock? HAProxy's `[%t]` date has no zone, but an
 * RFC3339 syslog envelope (rsyslog's default file format on Debian 12, LAB_FINDINGS §1) has one, and
 * HAProxy writes a traffic line when the session ends (accept + Tt, within a second: LAB_FINDINGS §4.2).
 * So (envelope time − (accept + Tt)), read with the zone given, is the error of that zone. A wrong zone
 * shifts HAProxy against zoned sources (MySQL 8 writes UTC by default, JSON app logs carry `Z`) and
 * breaks the time joins without any other symptom: say so instead.
 */
import type { ParseContext } from '../../parsers/types.js';
import { parseHaproxyLine } from '../../parsers/haproxy/index.js';
import { parseEnvelope } from '../../parsers/syslog.js';
import { TcpLogRecord } from '../../parsers/haproxy/tcp-record.js';
import { readLines } from './lines.js';

export interface ZoneCheck {
  /** lines that had both an offset-carrying envelope and a tcplog date */
  samples: number;
  /** median of envelope − session end, ms (0 when the zone is right) */
  offsetMs: number;
}

const SAMPLE = 500;

export function checkHaproxyZone(path: string, ctx: ParseContext): ZoneCheck {
  const diffs: number[] = [];
  let read = 0;
  for (const l of readLines(path)) {
    if (++read > SAMPLE * 4 || diffs.length >= SAMPLE) break;
    const env = parseEnvelope(l.text);
    if (env.t === undefined || (env.format !== 'rfc3339' && env.format !== 'short-iso' && env.format !== 'rfc5424')) continue;
    const r = parseHaproxyLine(l.text, ctx);
    if (!r.ok || !(r.value instanceof TcpLogRecord) || r.value.Tt < 0) continue;
    diffs.push(env.t - r.value.end);
  }
  diffs.sort((a, b) => a - b);
  return { samples: diffs.length, offsetMs: diffs.length ? diffs[diffs.length >> 1]! : 0 };
}

/** "+01:00" style text of an offset rounded to the quarter hour */
export function offsetText(ms: number): string {
  const q = Math.round(ms / 900_000) * 15;
  const sign = q < 0 ? '-' : '+';
  const a = Math.abs(q);
  return `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** A one-line warning when the zone given looks wrong for this HAProxy log, else undefined. */
export function zoneWarning(path: string, ctx: ParseContext, shownAs = path): string | undefined {
  const c = checkHaproxyZone(path, ctx);
  // a few seconds are normal (logging delay, clock skew); a quarter hour or more is a zone error
  if (c.samples < 5 || Math.abs(c.offsetMs) < 900_000) return undefined;
  return `${shownAs}: HAProxy's dates read in ${ctx.zone.name} are ${offsetText(c.offsetMs)} off the offsets of their syslog stamps `
    + `(median of ${c.samples} lines): the HAProxy host's zone is ${ctx.zone.name} ${offsetText(-c.offsetMs)}; pass --timezone with that zone or time joins will miss`;
}
