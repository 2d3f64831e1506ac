/**
 * The clock-offset pre-pass of `correlate`: samples the first records of each MySQL log and the HAProxy
 * sessions of the same server around them, runs findClockOffset (clock-offset.ts), and says per MySQL log
 * what to do. It runs before the correlation (src/correlate/engine.ts is not involved) so that a shifted
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
import type { ParseContext, ZoneConverter } from '../../parsers/types.js';
import { parseFixedOffset } from '../../parsers/time.js';
import { TcpLogRecord } from '../../parsers/haproxy/tcp-record.js';
import {
  newCounts,
  parseFile,
  parseHaproxyFileSkipping,
  placeRefTime,
  SkippedClose,
  type CloseSkipper,
  type FileCounts,
} from '../pipeline/parse-file.js';
import { parseMysqlErrorRecord } from '../../parsers/mysql/error.js';
import { newGeneralLogState, parseMysqlGeneralRecord } from '../../parsers/mysql/general.js';
import { displayPath } from '../sources/stream-copy.js';
import { checkStampZone, offsetText } from '../sources/zone-check.js';
import { findClockOffset, MATCH_TOLERANCE_MS, MAX_OFFSET_MS, type ClockOffset, type HaTimes } from './clock-offset.js';
import { get, num, str, type UserStats } from './model.js';
import { isProbeUser } from './ingest-mysql.js';

export interface MysqlLog {
  path: string;
  server: string;
  kind: 'mysql_error' | 'mysql_general';
  ctx: ParseContext;
  /** a zone was named for this very file (`--timezone FILE=ZONE`, `mysql.instances[].timezone`): keep it */
  pinned: boolean;
  /** how to name this file's zone in a fix: the config key or `--timezone FILE=…` */
  fixKey: string;
}

export interface HaLog {
  path: string;
  ctx: ParseContext;
}

export type ClockAction =
  | { path: string; action: 'shift'; zone: ZoneConverter; offset: ClockOffset; message: string }
  | { path: string; action: 'warn' | 'ambiguous'; offset: ClockOffset; message: string };

/** records sampled from the start of each MySQL log */
export const SAMPLE_RECORDS = 5_000;
/**
 * HAProxy lines read at most per file to find the sessions around the samples, and sessions kept at most:
 * the pre-pass costs a bounded share of a large correlate run (tcplog parses at ~1 M lines/s: README).
 */
const HA_LINES = 1_000_000;
const HA_KEPT = 200_000;
const HOUR = 3_600_000;

/** `zone` read `offsetMs` later: the zone a log was written in when `zone` reads it that far off */
export function shiftedZone(zone: ZoneConverter, offsetMs: number): ZoneConverter {
  const fixed = parseFixedOffset(zone.name);
  const name = fixed !== undefined ? offsetText(fixed * 60_000 - offsetMs) : `${zone.name} ${offsetText(-offsetMs)}`;
  return { name, toEpoch: (y, mo, d, h, mi, s, ms) => zone.toEpoch(y, mo, d, h, mi, s, ms) + offsetMs };
}

/**
 * A MySQL log's records read again in the zone an hour off, from the texts its read in its own zone assembles
 * (parse-file.ts `onRecordText`): the parser alone, with its own context and general-log state, as a second read of
 * the file in that zone would run it (its year anchor placed in that zone, then following that read's times).
 * `t` is the time of the record parsed last.
 */
class HourOff {
  private readonly ctx: ParseContext;
  private readonly state = newGeneralLogState();
  private placed = false;
  t: number | undefined = undefined;
  constructor(
    private readonly log: MysqlLog,
    private readonly counts: FileCounts,
  ) {
    this.ctx = { ...log.ctx, zone: shiftedZone(log.ctx.zone, HOUR) };
  }
  readonly parse = (text: string): void => {
    const ctx = this.ctx;
    // the file is open (its container prefix known) when its first record is assembled
    if (!this.placed) placeRefTime(this.log.path, this.log.kind, ctx, this.counts.prefix);
    this.placed = true;
    const c0 = text.charCodeAt(0);
    if (this.log.kind === 'mysql_general' && (c0 === 9 || c0 === 32)) {
      // a general-log record led by a blank has no time of its own: it takes the time of the stamped one before it,
      // and no zone plays a part in its parse (parsers/mysql/general.ts), so it parses alike in both zones: the time
      // it has an hour off is that record's (when it parses at all, which the read in the file's zone tells)
      this.t = this.state.lastT;
    } else {
      const r =
        this.log.kind === 'mysql_error'
          ? parseMysqlErrorRecord(text, ctx)
          : parseMysqlGeneralRecord(text, ctx, this.state);
      this.t = r.ok ? r.value.t : undefined;
    }
    if (this.t !== undefined) {
      ctx.refTime = this.t;
      ctx.refTimeIsUpperBound = false;
    }
  };
}

/**
 * The zone-less times of the Connect / Aborted records among the first `limit` records of a log: a record whose time
 * moves by the hour when the log is read an hour off carried no zone of its own (MySQL 8's `…Z` stamps do not move,
 * and no zone error can be in them). Connects that never came through HAProxy are left out: over a Unix socket, or
 * of a user whose threads send no query (HAProxy's own mysql-check probe: ingest-mysql.ts isProbeUser; its checks
 * are not logged as sessions). One read of the file: each record is parsed in both zones (`HourOff`), where two
 * reads each parsed it in one (docs/performance.md "2026-12-07: batch lines read back from their files").
 */
function zoneLessTimes(log: MysqlLog, limit: number): number[] {
  const out: number[] = [];
  const connects: Array<{ t: number; user: string | undefined }> = [];
  const users = new Map<string, UserStats>();
  const userOf = new Map<number, string>();
  const counts = newCounts(log.path, log.kind);
  const off = new HourOff(log, counts);
  let n = 0;
  for (const r of parseFile(log.path, log.kind, log.ctx, counts, { onRecordText: off.parse })) {
    if (++n > limit) break;
    if (r.t === undefined || !r.parsed) continue;
    const moved = off.t === r.t + HOUR;
    const d = r.parsed.doc;
    if (log.kind === 'mysql_error') {
      if (moved && str(get(d, 'mysql.error_type')) === 'aborted_connection') out.push(r.t);
      continue;
    }
    const cmd = str(get(d, 'mysql.general.command'));
    const id = num(get(d, 'mysql.thread_id'));
    if (cmd === 'Connect') {
      if (str(get(d, 'mysql.general.connect.transport')) === 'Socket') continue;
      const user = str(get(d, 'mysql.general.connect.user'));
      if (user !== undefined) {
        const u = users.get(user) ?? { threads: 0, queries: 0 };
        u.threads++;
        users.set(user, u);
        if (id !== undefined) userOf.set(id, user);
      }
      if (moved) connects.push({ t: r.t, user });
    } else if (cmd !== 'Quit' && cmd !== 'header' && id !== undefined) {
      const u = users.get(userOf.get(id) ?? '');
      if (u) u.queries++;
    }
  }
  for (const c of connects) if (c.user === undefined || !isProbeUser(users.get(c.user))) out.push(c.t);
  return out;
}

const ALL_SERVERS: CloseSkipper = { skips: () => true };

/** accept dates and abnormal session ends per server, for sessions accepted in [lo, hi] */
function haTimes(logs: readonly HaLog[], lo: number, hi: number): Map<string, HaTimes> {
  const by = new Map<string, HaTimes>();
  const add = (server: string, accept: number, end: number, state: string): void => {
    let h = by.get(server);
    if (!h) by.set(server, (h = { accepts: [], abnormalEnds: [] }));
    h.accepts.push(accept);
    kept++;
    // a normal close's state starts with '-' (`--`), as the engine reads it (session-table.ts)
    if (state !== '' && state[0] !== '-') h.abnormalEnds.push(end);
  };
  let kept = 0;
  for (const log of logs) {
    let n = 0;
    // a normal close is read without parsing its line (parse-file.ts parseHaproxyFileSkipping: the tcplog precheck);
    // ~0.1 CPU-s less on 200k lines, 0.49 → 0.38 (docs/performance.md "Batch correlate outside the join")
    for (const r of parseHaproxyFileSkipping(log.path, log.ctx, newCounts(log.path, 'haproxy'), ALL_SERVERS)) {
      if (++n > HA_LINES || kept >= HA_KEPT) break;
      if (r instanceof SkippedClose) {
        if (r.t > hi + HOUR) break;
        if (r.t >= lo && r.t <= hi) add(r.server, r.t, r.t + Math.max(r.tt, 0), '--');
        continue;
      }
      const p = r.parsed;
      if (r.t === undefined || !p) continue;
      // HAProxy logs are in session-end order, about: an hour past the range ends the search
      if (r.t > hi + HOUR) break;
      if (r.t < lo || r.t > hi) continue;
      if (p instanceof TcpLogRecord) {
        add(p.server, p.t, p.t + Math.max(p.Tt, 0), p.state);
        continue;
      }
      if (get(p.doc, 'haproxy.message_type') !== 'traffic') continue;
      const tt = num(get(p.doc, 'haproxy.total_time_ms')) ?? num(get(p.doc, 'haproxy.active_time_ms')) ?? 0;
      add(
        str(get(p.doc, 'haproxy.server_name')) ?? '',
        r.t,
        r.t + Math.max(tt, 0),
        str(get(p.doc, 'haproxy.termination_state')) ?? '',
      );
    }
  }
  for (const h of by.values()) {
    h.accepts.sort((x, y) => x - y);
    h.abnormalEnds.sort((x, y) => x - y);
  }
  return by;
}

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
