/**
 * JSON log records (one object per line, or pretty-printed over several lines): pino (`time` epoch ms,
 * numeric `level`), bunyan / winston (ISO `time` / `timestamp`), Monolog JsonFormatter (`datetime`,
 * `channel`, `level_name`), python-json-logger, logstash-logback-encoder (`@timestamp`, `logger_name`,
 * `thread_name`), zap (`ts` epoch seconds). Connection keys from `db.localPort` / `db.threadId` (the lab's
 * Node app, docs/lab-findings.md §1/§5) and the other usual spellings.
 */
import type { ParseContext } from '../types.js';
import { parseStampAt } from './stamp.js';
import { zoneNamed } from './php.js';
import { errorValue, isObj, jsonLanguage, readError, type Obj } from './node.js';
import { normLevel, toInt, toPort, type DbInfo, type Extra, type Header } from './model.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** epoch number → ms: > 1e14 µs, > 1e11 ms, else seconds (zap's float seconds) */
function epochToMs(n: number): number | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  if (n > 1e14) return Math.round(n / 1000);
  if (n > 1e11) return Math.round(n);
  return Math.round(n * 1000);
}

function timeOf(v: unknown, ctx: ParseContext): { t?: number; bad?: string } {
  if (typeof v === 'number') {
    const t = epochToMs(v);
    return t === undefined ? { bad: String(v) } : { t };
  }
  if (typeof v === 'string') {
    if (/^\d{9,17}(?:\.\d+)?$/.test(v)) {
      const t = epochToMs(Number(v));
      return t === undefined ? { bad: v } : { t };
    }
    const st = parseStampAt(v, 0, ctx);
    if (st) return { t: st.t, bad: st.bad };
    return { bad: v.slice(0, 40) };
  }
  // PHP DateTime serialised by old Monolog: {date: '2026-11-23 20:21:26.198123', timezone: 'UTC'}
  if (isObj(v) && typeof v.date === 'string') {
    const z = typeof v.timezone === 'string' ? zoneNamed(v.timezone) : null;
    const st = parseStampAt(v.date, 0, z ? { ...ctx, zone: z } : ctx);
    if (st) return { t: st.t, bad: st.bad };
  }
  return {};
}

const TIME_KEYS = ['time', 'timestamp', '@timestamp', 'ts', 'datetime', 'date', 'asctime', 't'];
const LOCAL_KEYS = ['localPort', 'local_port', 'client_port', 'clientPort', 'localport'];
const THREAD_KEYS = ['threadId', 'thread_id', 'connectionId', 'connection_id', 'conn_id', 'connId'];

function first(o: Obj, keys: readonly string[]): unknown {
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) return o[k];
  return undefined;
}

/** app.db from the record's db-ish containers; host/port only from containers that name the database. */
function dbOf(o: Obj, err: unknown): DbInfo {
  const ctx = isObj(o.context) ? o.context : undefined;
  const dbish = [o.db, o.mysql, o.database, o.connection, o.conn, ctx?.db, ctx?.connection].filter(isObj);
  const any = [...dbish, ...[err, ctx, o.extra, o].filter(isObj)];
  const db: DbInfo = {};
  for (const c of any) {
    db.local_port ??= toPort(first(c, LOCAL_KEYS));
    const th = first(c, THREAD_KEYS);
    db.thread_id ??=
      typeof th === 'number' && Number.isInteger(th) && th >= 0 ? th : typeof th === 'string' ? toInt(th) : undefined;
  }
  // ECS: an app's outgoing connection is `source` (the app's side) -> `destination` (the database).
  // Not `client`: libraries log their database client's settings under it (`client.port` = 3306),
  // and a wrong local port is worse than none (it forbids the time-only join).
  if (isObj(o.source)) db.local_port ??= toPort(o.source.port);
  for (const c of dbish) {
    db.host ??= str(c.host) ?? str(c.address);
    db.port ??= toPort(c.port);
  }
  return db;
}

export interface JsonRecord {
  header: Header;
  extra: Extra;
  db: DbInfo;
  code?: string;
}

export function parseJsonRecord(text: string, ctx: ParseContext): JsonRecord | undefined {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    // a JSON line followed by non-JSON continuation (a raw stack printed after it)
    const nl = text.indexOf('\n');
    if (nl < 0) return undefined;
    try {
      o = JSON.parse(text.slice(0, nl));
    } catch {
      return undefined;
    }
  }
  if (!isObj(o)) return undefined;
  const log = isObj(o.log) ? o.log : undefined;
  const proc = isObj(o.process) ? o.process : undefined;
  const tv = first(o, TIME_KEYS);
  const { t, bad } = tv === undefined ? {} : timeOf(tv, ctx);
  const ev = errorValue(o);
  const err = readError(ev);
  const errText = typeof ev === 'string' ? ev : isObj(ev) ? String(ev.stack ?? '') : '';
  const pidv = o.pid ?? proc?.pid ?? (typeof o.process === 'number' ? o.process : undefined);
  const header: Header = {
    format: 'json',
    t,
    badTime: bad,
    level: normLevel(o.level_name ?? o.levelname ?? o.level ?? o.severity ?? log?.level),
    logger: str(o.logger) ?? str(o.logger_name) ?? str(o.channel) ?? str(o.name) ?? str(log?.logger),
    worker: str(o.worker) ?? str(o.thread_name) ?? str(o.threadName) ?? str(o.thread),
    pid: typeof pidv === 'number' && Number.isInteger(pidv) && pidv > 0 ? pidv : undefined,
    msg: str(o.msg) ?? str(o.message) ?? str(o['@message']) ?? '',
    lang: jsonLanguage(o, errText),
  };
  const extra: Extra = {
    type: err.type,
    message: err.message,
    sql: err.sql ?? str(o.sql) ?? str(o.query),
    symbol: err.symbol,
  };
  return { header, extra, db: dbOf(o, ev), code: err.code };
}
