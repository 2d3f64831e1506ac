/**
 * Time zones: which zone specs are valid, the machine's zone, and the converter that turns a wall-clock time of a
 * zone into epoch ms (its offset cached per local hour: one Intl lookup per hour of log, not per line); and the
 * check that a zone-less time was read in the wrong zone, against the zoned stamp of the same line.
 */
import { parseFixedOffset } from './time.js';
import type { ParseContext, ZoneConverter } from './types.js';

/** True when `spec` names a zone this runtime knows (IANA) or a fixed offset. */
export function isValidZone(spec: string): boolean {
  if (parseFixedOffset(spec) !== undefined) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: spec });
    return true;
  } catch {
    return false;
  }
}

/** The machine's zone (what `--timezone` defaults to). */
export function machineZone(): string {
  return process.env.TZ && isValidZone(process.env.TZ)
    ? process.env.TZ
    : Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Offset (minutes east of UTC) of an IANA zone at a given UTC instant. */
function ianaOffsetAt(fmt: Intl.DateTimeFormat, utcMs: number): number {
  const parts = fmt.formatToParts(new Date(utcMs));
  let y = 0,
    mo = 0,
    d = 0,
    h = 0,
    mi = 0,
    s = 0;
  for (const p of parts) {
    switch (p.type) {
      case 'year':
        y = Number(p.value);
        break;
      case 'month':
        mo = Number(p.value);
        break;
      case 'day':
        d = Number(p.value);
        break;
      case 'hour':
        h = Number(p.value) % 24;
        break;
      case 'minute':
        mi = Number(p.value);
        break;
      case 'second':
        s = Number(p.value);
        break;
    }
  }
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60000);
}

export function makeZone(spec: string): ZoneConverter {
  const fixed = parseFixedOffset(spec);
  if (fixed !== undefined) {
    const off = fixed * 60000;
    return {
      name: spec,
      toEpoch: (y, mo, d, h, mi, s, ms) => Date.UTC(y, mo - 1, d, h, mi, s, ms) - off,
    };
  }
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: spec,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  // key: local hour as a number (UTC-epoch of the wall clock truncated to the hour) → offset ms
  const cache = new Map<number, number>();
  return {
    name: spec,
    toEpoch(y, mo, d, h, mi, s, ms) {
      const wallHour = Date.UTC(y, mo - 1, d, h);
      let off = cache.get(wallHour);
      if (off === undefined) {
        // Two passes resolve the offset around DST changes; an ambiguous wall time takes the first
        // (earlier) instant, a non-existent one is shifted forward, as most log shippers do.
        const guess = ianaOffsetAt(fmt, wallHour) * 60000;
        const second = ianaOffsetAt(fmt, wallHour - guess) * 60000;
        off = second;
        if (cache.size > 100_000) cache.clear();
        cache.set(wallHour, off);
      }
      return Date.UTC(y, mo - 1, d, h, mi, s, ms) - off;
    },
  };
}

const QUARTER_HOUR = 900_000;
/** how far a syslog stamp may be from the moment its line tells of: logging delay and 1 s stamps, not minutes */
const STAMP_SLACK = 120_000;

/**
 * A zone-less wall-clock time read in `ctx.zone`, against the zoned syslog stamp of the same line and
 * moment (HAProxy: accept + Tt; a MariaDB line in journald/rsyslog: its own date). When the zone was
 * not given (`ctx.zoneGiven`: it is only the machine's) and the stamp is whole quarter hours away, the
 * wall clock was read in the wrong zone: returns the ms to subtract, else 0. A zone the user gave is
 * kept (a remote rsyslog may tag the sender's wall clock with its own offset); correlate and parse
 * warn instead (src/sources/zone-check.ts). Never silent: the CLI prints a note.
 */
export function stampZoneShift(wall: number, stamp: number | undefined, ctx: ParseContext): number {
  if (stamp === undefined || ctx.zoneGiven === true) return 0;
  const d = wall - stamp;
  if (d < QUARTER_HOUR - STAMP_SLACK && d > STAMP_SLACK - QUARTER_HOUR) return 0;
  const q = Math.round(d / QUARTER_HOUR) * QUARTER_HOUR;
  // offsets range over -12:00 … +14:00; anything else is a wrong clock, not a zone
  return Math.abs(d - q) <= STAMP_SLACK && q >= -14 * 3_600_000 && q <= 14 * 3_600_000 ? q : 0;
}
