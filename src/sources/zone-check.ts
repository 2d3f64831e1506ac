/**
 * Does `--timezone` agree with the HAProxy host's clock? HAProxy's `[%t]` date has no zone, but an
 * RFC3339 syslog envelope (rsyslog's default file format on Debian 12, docs/lab-findings.md §1) has one, and
 * HAProxy writes a traffic line when the session ends (accept + Tt, within a second: docs/lab-findings.md §4.2).
 * So (envelope time − (accept + Tt)), read with the zone given, is the error of that zone. A wrong zone
 * shifts HAProxy against zoned sources (MySQL 8 writes UTC by default, JSON app logs carry `Z`) and
 * breaks the time joins without any other symptom: say so instead.
 * The same holds for a MariaDB error log in journald/rsyslog form: its own zone-less date and the
 * envelope's zoned stamp tell of the same moment.
 */
import type { ParseContext } from '../../parsers/types.js';
import { parseHaproxyLine } from '../../parsers/haproxy/index.js';
import { parseEnvelope } from '../../parsers/syslog.js';
import { TcpLogRecord } from '../../parsers/haproxy/tcp-record.js';
import { readLines } from './lines.js';
import { parseMysqlErrorRecord } from '../../parsers/mysql/error.js';

export interface ZoneCheck {
  /** lines that had both an offset-carrying envelope and a zone-less date of the same moment */
  samples: number;
  /** median of envelope − session end, ms (0 when the zone is right) */
  offsetMs: number;
}

const SAMPLE = 500;

type Kind = 'haproxy' | 'mysql_error';

/** envelope stamp − the moment the line tells of, as the zone reads its zone-less date; undefined = no sample */
function diffOf(kind: Kind, text: string, raw: ParseContext): number | undefined {
  const env = parseEnvelope(text);
  if (env.t === undefined || (env.format !== 'rfc3339' && env.format !== 'short-iso' && env.format !== 'rfc5424'))
    return undefined;
  if (kind === 'haproxy') {
    const r = parseHaproxyLine(text, raw);
    if (!r.ok) return undefined;
    if (r.value instanceof TcpLogRecord) return r.value.Tt >= 0 ? env.t - r.value.end : undefined;
    // httplog, custom and JSON formats: their session end, when the timers give one
    const end = (r.value.doc.haproxy as { session_end?: unknown } | undefined)?.session_end;
    return typeof end === 'string' ? env.t - Date.parse(end) : undefined;
  }
  const r = parseMysqlErrorRecord(text, raw);
  return r.ok && r.value.t !== undefined ? env.t - r.value.t : undefined;
}

export function checkStampZone(path: string, ctx: ParseContext, kind: Kind = 'haproxy'): ZoneCheck {
  const diffs: number[] = [];
  // measure the dates as the zone reads them, before any placement by the stamps (zones.ts stampZoneShift)
  const raw: ParseContext = { ...ctx, zoneGiven: true };
  let read = 0;
  for (const l of readLines(path)) {
    if (++read > SAMPLE * 4 || diffs.length >= SAMPLE) break;
    const d = diffOf(kind, l.text, raw);
    if (d !== undefined) diffs.push(d);
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

/**
 * A one-line notice when HAProxy's dates and the offsets of their syslog stamps disagree, else undefined.
 * With a zone the user gave, it is a warning (the dates keep that zone); without one, the parser placed
 * the dates with the stamps' offsets (parsers/zones.ts stampZoneShift), and this says so:
 * a time shift is never silent (issue #2).
 */
export function zoneWarning(
  path: string,
  ctx: ParseContext,
  shownAs = path,
  kind: Kind = 'haproxy',
): string | undefined {
  const c = checkStampZone(path, ctx, kind);
  const whose = kind === 'haproxy' ? 'HAProxy' : 'MySQL';
  // a few seconds are normal (logging delay, clock skew); a quarter hour or more is a zone error
  if (c.samples < 5 || Math.abs(c.offsetMs) < 900_000) return undefined;
  if (ctx.zoneGiven !== true) {
    return (
      `note: ${shownAs}: ${whose}'s zone-less dates placed with their syslog stamps' offset (${ctx.zone.name} ${offsetText(-c.offsetMs)}, ` +
      `median of ${c.samples} lines), not the machine's zone ${ctx.zone.name}; other zone-less logs are still read in ${ctx.zone.name}: ` +
      'pass --timezone to name the zone of all of them (--timezone FILE=ZONE for one file)'
    );
  }
  return (
    `warning: ${shownAs}: ${whose}'s dates read in ${ctx.zone.name} are ${offsetText(c.offsetMs)} off the offsets of their syslog stamps ` +
    `(median of ${c.samples} lines): the ${whose} host's zone is ${ctx.zone.name} ${offsetText(-c.offsetMs)}; pass --timezone ${shownAs}=ZONE (or --timezone for all files) with that zone or time joins will miss`
  );
}
