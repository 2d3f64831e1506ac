/**
 * Error objects inside JSON log records, as Node loggers serialise them (pino's `err` serializer:
 * {type, message, stack, code, errno, sqlState, fatal, sql…}; winston/bunyan `error`/`err`), plus the
 * string forms other ecosystems put there (zap `"error":"invalid connection"`, python-json-logger
 * `exc_info` traceback text, logstash-logback-encoder `stack_trace`, Monolog's normalised
 * `context.exception` {class, message, code, file}). mysqljs/mysql2 field names: docs/client-errors.md §5.
 */
import { exceptionLines, lineAt, splitClass } from './drivers.js';
import type { Extra, Header } from './model.js';
import { isNodePosition } from './start.js';

export type Obj = { [k: string]: unknown };
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** The error value of a JSON record (first of the usual keys that holds something). */
export function errorValue(o: Obj): unknown {
  const ctx = isObj(o.context) ? o.context : undefined;
  for (const v of [o.err, o.error, o.exception, ctx?.exception, o.exc_info, o.stack_trace, o.exc_text]) {
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

/** Type + message from a stack / traceback string: Python's last exception line, else the first line. */
function fromTraceText(s: string): Extra {
  if (s.indexOf('Traceback (most recent call last):') >= 0) {
    const exc = exceptionLines(s).filter(
      (e) => !/^(?:Traceback|During handling|The above exception)/.test(s.slice(e.at, e.at + 30)),
    );
    const last = exc[exc.length - 1];
    if (last) {
      const sc = splitClass(lineAt(s, last.at).line);
      return { type: last.type, message: sc.message };
    }
  }
  const nl = s.indexOf('\n');
  const sc = splitClass(nl < 0 ? s : s.slice(0, nl));
  return { type: sc.type, message: sc.message };
}

/** Type / message / code / SQL of the error value. */
export function readError(v: unknown): Extra & { code?: string } {
  if (typeof v === 'string') return fromTraceText(v);
  if (!isObj(v)) return {};
  const x: Extra & { code?: string } = {};
  x.type = str(v.type) ?? str(v.name) ?? str(v.class) ?? str(v.exception_class) ?? str(v.kind);
  x.message = str(v.message) ?? str(v.msg) ?? str(v.sqlMessage);
  if (typeof v.code === 'string' && v.code.length > 0) x.code = v.code;
  else if (typeof v.code === 'number') x.code = String(v.code);
  if (typeof v.code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(v.code)) x.symbol = v.code;
  x.sql = str(v.sql);
  if (x.type === undefined || x.message === undefined) {
    const st = str(v.stack) ?? str(v.stack_trace) ?? str(v.trace);
    if (st) {
      const t = fromTraceText(st);
      x.type ??= t.type;
      x.message ??= t.message;
    }
  }
  if (x.type !== undefined) x.type = x.type.replace(/\\\\/g, '\\');
  return x;
}

/** Does the JSON shape say which runtime wrote it? (pino/bunyan/winston vs Monolog vs python-json-logger …) */
export function jsonLanguage(o: Obj, errText: string): 'node' | 'php' | 'python' | 'java' | 'go' | undefined {
  if ('channel' in o && ('level_name' in o || 'datetime' in o)) return 'php';
  if ('levelname' in o || 'exc_info' in o || 'funcName' in o) return 'python';
  if ('logger_name' in o || 'thread_name' in o || 'stack_trace' in o) return 'java';
  if ('caller' in o && 'ts' in o) return 'go';
  if (typeof o.level === 'number' && ('time' in o || 'pid' in o)) return 'node'; // pino / bunyan
  if ('v' in o && 'hostname' in o && 'name' in o) return 'node'; // bunyan
  if (/\n\s+at .*\.(?:js|mjs|cjs|ts):\d+/.test(errText) || /node_modules/.test(errText)) return 'node';
  return undefined;
}

/**
 * Node's uncaught-exception report starts with the throw's position (`/app/db.js:41`, `node:events:491`),
 * then the source line and a caret; the `Error: …` line below says what failed, so it is the message.
 * Nothing in the report carries a time (docs/formats/node-crash.md).
 */
export function nodeCrashHeader(text: string, first: string): Header | undefined {
  if (!isNodePosition(first)) return undefined;
  const m = /^((?:[A-Z]\w*)?Error(?: \[[A-Z0-9_]+\])?: .*)$/m.exec(text);
  return { format: 'node_crash', msg: m ? m[1]!.trim() : first, lang: 'node' };
}

/** `Error: msg` / `TypeError [ERR_X]: msg` → type + message (splitClass wants a prefix before `Error`). */
export function nodeCrashExtra(h: Header): Extra {
  const m = /^((?:[A-Z]\w*)?Error)(?: \[[A-Z0-9_]+\])?: (.*)$/.exec(h.msg);
  return m ? { type: m[1], message: m[2]!.trim() } : {};
}
