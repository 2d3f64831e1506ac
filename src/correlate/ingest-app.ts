/**
 * An app log's lost-connection record → the correlator's compact `AppError`: the few fields the join
 * and the rules read (time and its resolution, code, local port, thread id, the driver's timing).
 */
import type { ParsedRecord } from '../pipeline/parse-file.js';
import { get, num, stampResolution, str, type AppError } from './model.js';

export function toAppError(r: ParsedRecord, skew: number): AppError | undefined {
  if (r.t === undefined) return undefined;
  const d = r.doc;
  const original = r.text;
  // whole-second stamps (Laravel, MariaDB) mean the event is anywhere in that second; a millisecond one that fell
  // on the second (`,000`) does not
  const res = stampResolution(r.t, original);
  // Connector/J: "the last packet successfully received from the server was N ms ago": a relative
  // time on the app's own clock, so only skew and the stamp's resolution blur it (docs/client-errors.md §3)
  const idle = num(get(d, 'app.db.last_received_ms'));
  return {
    alive: idle === undefined ? undefined : { lo: r.t - idle - skew, hi: r.t + res - idle + skew },
    t: r.t,
    res,
    code: str(get(d, 'error.code')) ?? 'unknown',
    message: str(get(d, 'error.message')) ?? original.slice(0, 300),
    cls: str(get(d, 'app.error.class')),
    localPort: num(get(d, 'app.db.local_port')),
    threadId: num(get(d, 'app.db.thread_id')),
    sql: str(get(d, 'app.sql')),
    file: str(get(d, 'log.file.path')) ?? '',
    offset: r.offset,
    doc: d,
    ev: {
      kind: 'app',
      file: str(get(d, 'log.file.path')) ?? '',
      offset: r.offset,
      text: original.length > 2000 ? original.slice(0, 2000) + '…' : original,
      t: r.t,
    },
  };
}
