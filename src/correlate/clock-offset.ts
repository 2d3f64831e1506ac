/**
 * The clock-offset check, as a pure function: by how many whole quarter hours must a MySQL log's times move
 * to meet HAProxy's sessions of the same server? A zone-less MariaDB log read in the wrong zone is off by
 * the difference of two UTC offsets, and those are whole quarter hours (Asia/Kathmandu is +05:45, the
 * Chatham Islands +12:45: docs/time-zones.md), so only multiples of 15 minutes between -14 h and +14 h are
 * tried. A real clock error of a few seconds is `clock_skew`'s business, not this.
 *
 * Evidence, per MySQL event and per offset: a general-log `Connect` is written when HAProxy's connection to
 * the server is accepted, within a second of the session's accept date (+ Tw + Tc); an `Aborted connection`
 * line is written when the server sees the connection end, within a second of an abnormal session end
 * (HAProxy's termination state does not start with '-'). The support of an offset is the number of MySQL events that
 * find such a partner once moved by it.
 */

export const QUARTER_HOUR_MS = 900_000;
/** offsets tried: -14:00 … +14:00 (UTC-12 against UTC+14 would be 26 h, but no pair of hosts is that far) */
export const MAX_OFFSET_MS = 14 * 3_600_000;

/** the HAProxy side of one server: times sorted ascending */
export interface HaTimes {
  /** accept dates, epoch ms */
  accepts: number[];
  /** session ends (accept + Tt) of sessions whose termination state does not start with '-' (a normal close) */
  abnormalEnds: number[];
}

/** the MySQL side: zone-less times as the file's zone reads them */
export interface MysqlTimes {
  /** general-log `Connect` times */
  connects: number[];
  /** error-log `Aborted connection` times */
  aborted: number[];
}

export interface OffsetSupport {
  /** ms to add to the MySQL times */
  offsetMs: number;
  /** MySQL events that meet a HAProxy partner with it */
  support: number;
}

export interface ClockOffset {
  /** MySQL events looked at */
  samples: number;
  best: OffsetSupport;
  /** the next best offset (any other quarter hour), undefined when nothing was tried */
  runnerUp: OffsetSupport | undefined;
  /** the support of reading the times as they are */
  atZero: number;
  /** every offset whose support equals the best's (a busy server fits many alike), smallest shift first */
  tied: number[];
  /** see `isUnambiguous` */
  unambiguous: boolean;
}

/**
 * How far a MySQL stamp may be from its HAProxy partner: the MySQL stamp's 1 s resolution, HAProxy's
 * Tw + Tc before the server sees the connection, and `clock_skew` (1 s by default) between the hosts.
 */
export const MATCH_TOLERANCE_MS = 2_000;
/** fewer supporting events than this prove nothing */
export const MIN_SUPPORT = 5;

/** is there a value in sorted `xs` within [lo, hi]? */
function anyWithin(xs: readonly number[], lo: number, hi: number): boolean {
  let a = 0;
  let b = xs.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (xs[m]! < lo) a = m + 1;
    else b = m;
  }
  return a < xs.length && xs[a]! <= hi;
}

function supportAt(ha: HaTimes, my: MysqlTimes, offsetMs: number, tol: number): number {
  let n = 0;
  for (const t of my.connects) if (anyWithin(ha.accepts, t + offsetMs - tol, t + offsetMs + tol)) n++;
  for (const t of my.aborted) if (anyWithin(ha.abnormalEnds, t + offsetMs - tol, t + offsetMs + tol)) n++;
  return n;
}

/**
 * "Unambiguous" means the best offset is the only good explanation:
 * - it has at least MIN_SUPPORT supporting events (a handful of coincidences prove nothing);
 * - at least half of the sampled events support it (a wrong zone moves every zone-less stamp alike, so the
 *   right offset should fit most of them; the rest are Connects of clients that bypass HAProxy, probes, …);
 * - the runner-up has at most half its support. On a busy server every offset finds some partners by
 *   chance: the runner-up's support measures that chance level, and the best must stand well above it.
 */
export function isUnambiguous(samples: number, best: OffsetSupport, runnerUp: OffsetSupport | undefined): boolean {
  return (
    best.support >= MIN_SUPPORT &&
    best.support * 2 >= samples &&
    (runnerUp === undefined || runnerUp.support * 2 <= best.support)
  );
}

/** Scans every quarter-hour offset in ±MAX_OFFSET_MS; `ha` must be sorted. Ties go to the smaller shift. */
export function findClockOffset(ha: HaTimes, my: MysqlTimes, tol = MATCH_TOLERANCE_MS): ClockOffset {
  const tried: OffsetSupport[] = [];
  for (let q = -MAX_OFFSET_MS; q <= MAX_OFFSET_MS; q += QUARTER_HOUR_MS) {
    tried.push({ offsetMs: q, support: supportAt(ha, my, q, tol) });
  }
  tried.sort((a, b) => b.support - a.support || Math.abs(a.offsetMs) - Math.abs(b.offsetMs));
  const best = tried[0]!;
  const runnerUp = tried[1];
  const samples = my.connects.length + my.aborted.length;
  const atZero = tried.find((o) => o.offsetMs === 0)!.support;
  const tied = tried.filter((o) => o.support === best.support).map((o) => o.offsetMs);
  return { samples, best, runnerUp, atZero, tied, unambiguous: isUnambiguous(samples, best, runnerUp) };
}
