/**
 * A pushed record's kind of log and place in time: what the Correlator, the batch merge and the agent's merge
 * order records by.
 */
import type { LogKind } from '../sources/log-kind.js';
import { TcpLogRecord } from '../../parsers/haproxy/tcp-record.js';
import type { ParsedRecord } from '../pipeline/parse-file.js';
import { get, num } from './model.js';

/** One parsed record as pushed: which kind of log it comes from and, for a MySQL log, its server. */
export interface SourcedRecord {
  rec: ParsedRecord;
  kind: LogKind;
  /** the HAProxy `server` name of the MySQL instance that wrote it ('' for HAProxy and app logs) */
  server: string;
}

/**
 * A record's place in time: its own time, except that HAProxy writes a traffic line when the session
 * ends, so that line counts at its end (accept + Tt). Undefined for a record without a time.
 */
export function orderTime(r: SourcedRecord): number | undefined {
  return recordTime(r.rec, r.kind);
}

/** `orderTime` of a record from a log of `kind` */
export function recordTime(rec: ParsedRecord, kind: LogKind): number | undefined {
  if (rec.kind === 'unparsed' || rec.t === undefined) return undefined;
  if (kind !== 'haproxy') return rec.t;
  const p = rec.parsed;
  const tt =
    p instanceof TcpLogRecord
      ? p.Tt
      : (num(get(rec.doc, 'haproxy.total_time_ms')) ?? num(get(rec.doc, 'haproxy.active_time_ms')));
  return tt !== undefined && tt > 0 ? rec.t + tt : rec.t;
}
