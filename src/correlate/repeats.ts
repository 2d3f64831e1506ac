/**
 * One dead connection, several app errors: the app uses a dead handle again, or logs what its
 * driver already logged. Such an error repeats the verdict of the first one (join method
 * `same_connection_repeat`, lower confidence, the reason in `why`) instead of claiming another
 * closure, which would then be missing for the error it belongs to.
 */
import { get, str, type AppError } from './model.js';
import type { Match } from './matcher.js';
import { isAmbiguous } from './likelihood.js';

/** errors that say the client already knew its connection was closed: a repeat, not a new closure */
const AFTER_CLOSE = new Set([
  '0',
  'closed_state',
  'connection_closed',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'connection_not_available',
  'not_connected',
]);
/** what a Go app logs after go-sql-driver logged the cause itself: ErrInvalidConn, database/sql's ErrBadConn */
const GO_RETURNED = new Set(['invalid_connection', 'bad_connection']);
/** how soon after a file's last joined error a repeat on the same dead handle is assumed */
const REPEAT_WINDOW = 1000;

interface Last {
  t: number;
  m: Match;
}

/** a repeat's rival when nothing else was joined: the error met another connection, one no log shows closing */
const ANOTHER = 'unknown: another connection, whose close is in no log read';

/**
 * The first error's verdict, less sure by `factor`. Below 0.5 `why` names the competing explanation
 * (docs/confidence.md): the first verdict's own when it was ambiguous already, else `rival`.
 */
function repeat(prev: Last, factor: number, reason: string, rival = ANOTHER): Match {
  const confidence = Math.round(prev.m.verdict.confidence * factor * 100) / 100;
  const named = isAmbiguous(confidence) && !isAmbiguous(prev.m.verdict.confidence);
  const v = {
    ...prev.m.verdict,
    confidence,
    evidence: [...prev.m.verdict.evidence],
    why: `${prev.m.verdict.why} (${reason}${named ? `; the competing explanation: ${rival}` : ''})`,
  };
  return { ...prev.m, verdict: v, method: 'same_connection_repeat' };
}

export class Repeats {
  /** the last verdict per app worker: an "already closed" error is the same dead connection used again */
  private readonly byWorker = new Map<string, Last>();
  /** the last joined verdict per app file (for files whose lines name no worker) */
  private readonly byFile = new Map<string, Last>();
  /** go-sql-driver's own last line per file: the app's "invalid connection" that follows is its echo */
  private readonly goDriver = new Map<string, Last>();

  constructor(
    private readonly maxLag: number,
    private readonly skew: number,
  ) {}

  /** the time of the oldest error remembered here at or after `since` (older ones can no longer be
   *  repeated: every window above is at most max_error_lag) — the Correlator's held positions */
  oldest(since: number): number | undefined {
    let t = Infinity;
    for (const m of [this.byWorker, this.byFile, this.goDriver])
      for (const l of m.values()) if (l.t >= since) t = Math.min(t, l.t);
    return t === Infinity ? undefined : t;
  }

  /** `join` runs the real matcher (matcher.ts) when the error is not a repeat */
  match(e: AppError, join: () => Match): Match {
    const goPrev = GO_RETURNED.has(e.code) ? this.goDriver.get(e.file) : undefined;
    if (goPrev && e.t >= goPrev.t && e.t - goPrev.t <= e.res + 1000) {
      // go-sql-driver logs the read error, then returns ErrInvalidConn (database/sql: ErrBadConn),
      // which the app logs: one dead connection, two lines (docs/client-errors.md §4)
      return repeat(
        goPrev,
        0.95,
        "the app's report of the error go-sql-driver logged just before: the same dead connection",
      );
    }
    const m = this.matchOne(e, join);
    if (get(e.doc, 'app.logger') === 'mysql' && get(e.doc, 'app.error.language') === 'go')
      this.goDriver.set(e.file, { t: e.t, m });
    return m;
  }

  private matchOne(e: AppError, join: () => Match): Match {
    const w = str(get(e.doc, 'app.worker')) ?? str(get(e.doc, 'process.pid'));
    const key = w === undefined ? undefined : `${e.file}|${w}`;
    const prev = key !== undefined ? this.byWorker.get(key) : undefined;
    if (prev && AFTER_CLOSE.has(e.code) && e.t - prev.t <= this.maxLag && e.localPort === undefined) {
      return repeat(prev, 0.95, 'the same worker used the dead connection again: "already closed" error');
    }
    const m = join();
    if (m.verdict.cause === 'unknown' && e.localPort === undefined) {
      // Nothing else fits, and this file's last error lost a connection moments ago: the same dead
      // handle used again. PDO reports 2006 on every later use of a dead handle (docs/lab-findings.md, PHP's
      // warnings; lab 05: the big query's 2006, then the next query's 2006 in the same second), and a
      // Laravel line names no worker. A fallback only: an unclaimed closure that fits always wins, and
      // only right after the first error (the same request going on, within a second beyond the stamp's
      // resolution): an error seconds later is as likely another worker's connection, left unknown.
      const last = this.byFile.get(e.file);
      if (
        last &&
        e.t - last.t < REPEAT_WINDOW + e.res &&
        last.m.session !== undefined &&
        last.m.session.end <= e.t + e.res + this.skew
      ) {
        return repeat(
          last,
          0.8,
          'no other closure fits this error: the app likely used the same dead connection again',
          `${m.verdict.cause}: ${m.verdict.why}`,
        );
      }
    }
    if (key !== undefined && m.verdict.cause !== 'unknown') this.byWorker.set(key, { t: e.t, m });
    if (m.verdict.cause !== 'unknown' && m.session !== undefined) this.byFile.set(e.file, { t: e.t, m });
    return m;
  }
}
