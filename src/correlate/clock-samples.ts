/**
 * What the clock-offset check (clock-check.ts) compares, read from the files before the correlation: the zone-less
 * times of the first records of each MySQL log (those that move when the log is read an hour off: Connects that
 * came through HAProxy, Aborted connection lines) and the accept dates and abnormal ends of HAProxy's sessions of
 * the same server around them.
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
import { offsetText } from '../sources/zone-check.js';
import type { HaTimes } from './clock-offset.js';
import { get, num, str, type UserStats } from './model.js';
import { isProbeUser } from './ingest-mysql.js';

/** a MySQL log to check, with the server it belongs to and its context as the run would read it */
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

/** an HAProxy log and its context */
export interface HaLog {
  path: string;
  ctx: ParseContext;
}

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
export function zoneLessTimes(log: MysqlLog, limit: number): number[] {
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
export function haTimes(logs: readonly HaLog[], lo: number, hi: number): Map<string, HaTimes> {
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
