/**
 * The clock-offset pre-pass of `correlate`: samples the first records of each MySQL log and the HAProxy
 * sessions of the same server around them (clock-samples.ts), runs findClockOffset (clock-offset.ts), and says
 * per MySQL log what to do. It runs before the correlation (src/correlate/engine.ts is not involved) so that a shifted
 * log is read shifted from its first line.
 *
 * - offset 0 is the best: the log is right, nothing is said;
 * - offset 0 is one of several that fit alike (sessions close together, as on a busy server, meet a MySQL event
 *   whatever the offset): the check cannot tell. The log is read as written, and when its zone is only the
 *   machine's (no zone named for it or for all files) a note says the check could not confirm it, with the fix;
 * - an unambiguous whole-quarter-hour offset, HAProxy anchored by zoned syslog stamps (its dates are
 *   absolute: src/sources/zone-check.ts) and no zone given for that very file: `shift`, as if the file
 *   had been written in the zone its offset implies, with a note;
 * - otherwise a warning naming the offset and the fix (`--timezone FILE=ZONE` or the config key).
 */
import type { ZoneConverter } from '../../parsers/types.js';
import { displayPath } from '../sources/stream-copy.js';
import { checkStampZone, offsetText } from '../sources/zone-check.js';
import { findClockOffset, MATCH_TOLERANCE_MS, MAX_OFFSET_MS, type ClockOffset } from './clock-offset.js';
import { haTimes, shiftedZone, zoneLessTimes, type HaLog, type MysqlLog } from './clock-samples.js';

export type ClockAction =
  | { path: string; action: 'shift'; zone: ZoneConverter; offset: ClockOffset; message: string }
  | { path: string; action: 'warn' | 'ambiguous'; offset: ClockOffset; message: string };

/** records sampled from the start of each MySQL log */
export const SAMPLE_RECORDS = 5_000;

/**
 * HAProxy's dates are absolute when its lines carry zoned syslog stamps (RFC3339, RFC5424) that agree with
 * the dates as read: placed by them (no zone given) or given a zone they confirm (zone-check.ts).
 */
export function haproxyAnchored(logs: readonly HaLog[]): boolean {
  if (logs.length === 0) return false;
  return logs.every((l) => {
    const c = checkStampZone(l.path, l.ctx);
    return c.samples >= 5 && (l.ctx.zoneGiven !== true || Math.abs(c.offsetMs) < 900_000);
  });
}

/** the offsets that fit alike, named all (not the one the tie-break happened to pick): `any of -01:00, +01:00 (2 fit
 *  alike)`; the best one alone when it is the only one */
function fitAlike(o: ClockOffset): string {
  if (o.tied.length < 2) return offsetText(o.best.offsetMs);
  const some = o.tied.slice(0, 4).map(offsetText).join(', ');
  return `any of ${some}${o.tied.length > 4 ? ', …' : ''} (${o.tied.length} fit alike)`;
}

function describe(o: ClockOffset): string {
  const r = o.runnerUp ? `; next best ${offsetText(o.runnerUp.offsetMs)}: ${o.runnerUp.support}` : '';
  return `${o.best.support} of ${o.samples} sampled events meet one so, ${o.atZero} as read${r}`;
}

export function checkClockOffsets(
  mysql: readonly MysqlLog[],
  haproxy: readonly HaLog[],
  anchored: boolean,
  limit = SAMPLE_RECORDS,
): ClockAction[] {
  if (mysql.length === 0 || haproxy.length === 0) return [];
  const samples = mysql.map((m) => zoneLessTimes(m, limit));
  const all = samples.flat();
  if (all.length === 0) return [];
  const margin = MAX_OFFSET_MS + MATCH_TOLERANCE_MS + 60_000;
  const ha = haTimes(haproxy, Math.min(...all) - margin, Math.max(...all) + margin);
  const out: ClockAction[] = [];
  mysql.forEach((m, i) => {
    const h = ha.get(m.server);
    const times = samples[i]!;
    if (!h || times.length === 0) return;
    const o = findClockOffset(
      h,
      m.kind === 'mysql_general' ? { connects: times, aborted: [] } : { connects: [], aborted: times },
    );
    if (o.best.support === 0) return;
    const shown = displayPath(m.path);
    if (o.best.offsetMs === 0) {
      // as read fits, but maybe not alone: then the reading is unconfirmed, which matters when it is a guess
      if (o.tied.length > 1 && !m.pinned && m.ctx.zoneGiven !== true)
        out.push({
          path: m.path,
          action: 'ambiguous',
          offset: o,
          message:
            `note: ${shown}: the clock-offset check cannot tell MySQL's zone: its zone-less dates meet HAProxy's sessions ` +
            `of server '${m.server}' moved by ${fitAlike(o)} (${describe(o)}; sessions this close together meet any ` +
            `offset); read in ${m.ctx.zone.name}, the machine's zone. If the MySQL host's clock reads another, pass ${m.fixKey}`,
        });
      return;
    }
    const zone = shiftedZone(m.ctx.zone, o.best.offsetMs);
    if (o.unambiguous && anchored && !m.pinned) {
      out.push({
        path: m.path,
        action: 'shift',
        zone,
        offset: o,
        message:
          `note: ${shown}: MySQL's zone-less dates read in ${m.ctx.zone.name} meet HAProxy's sessions of server '${m.server}' ` +
          `only moved by ${offsetText(o.best.offsetMs)} (${describe(o)}): read as written in ${zone.name}; pass ${m.fixKey} to say otherwise`,
      });
      return;
    }
    const moved = fitAlike(o);
    const hint =
      o.tied.length > 1
        ? `Name the MySQL host's zone with ${m.fixKey}`
        : `If the MySQL host's clock reads ${zone.name}, pass ${m.fixKey} with that zone`;
    const why = !o.unambiguous
      ? 'the offset is not clear-cut'
      : !anchored
        ? "HAProxy's dates carry no zoned syslog stamps to anchor them"
        : 'a zone was given for this file';
    out.push({
      path: m.path,
      action: 'warn',
      offset: o,
      message:
        `warning: ${shown}: MySQL's zone-less dates read in ${m.ctx.zone.name} best meet HAProxy's sessions of server '${m.server}' ` +
        `moved by ${moved} (${describe(o)}); not moved: ${why}. ${hint} or time joins will miss`,
    });
  });
  return out;
}
