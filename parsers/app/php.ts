/**
 * PHP app logs: Laravel/Monolog LineFormatter (`[2026-11-23 20:21:26] production.ERROR: msg {context} [extra]`,
 * docs/lab-findings.md §3, scenario 01), PHP's own error_log (`[24-Nov-2026 10:00:00 UTC] PHP Warning:  …`, zone name
 * honoured)
 * and the PDO / mysqli / mysqlnd / Doctrine message shapes of docs/client-errors.md §1.
 */
import type { ParseContext, ZoneConverter } from '../types.js';
import { isValidZone, makeZone } from '../zones.js';
import { parseStampAt } from './stamp.js';
import { splitClass, stripPhpLocation } from './drivers.js';
import type { Detection, Extra, Header } from './model.js';

/** `channel.LEVEL: ` right after the bracketed stamp (Monolog LineFormatter "%channel%.%level_name%: ") */
const CHANNEL_LEVEL = /^ ([\w-]+(?:\.[\w-]+)*)\.([A-Z]+): /;

export function parseLaravelHeader(line: string, ctx: ParseContext): Header | undefined {
  if (line.charCodeAt(0) !== 91) return undefined;
  const st = parseStampAt(line, 1, ctx);
  if (!st) return undefined;
  let p = st.end;
  if (line.charCodeAt(p) !== 93) return undefined;
  const m = CHANNEL_LEVEL.exec(line.slice(p + 1, p + 80));
  if (!m) return undefined;
  p += 1 + m[0].length;
  return {
    format: 'laravel',
    t: st.t,
    badTime: st.bad,
    logger: m[1],
    level: m[2]!.toLowerCase(),
    msg: laravelMessage(line.slice(p)),
    lang: 'php',
  };
}

/** The Monolog message without its trailing context / extra (` {"exception":…}`, ` [] []`). */
function laravelMessage(rest: string): string {
  const c = rest.indexOf(' {"');
  let msg = c >= 0 ? rest.slice(0, c) : rest;
  msg = msg.replace(/(?: \[\])+\s*$/, '');
  return msg.trimEnd();
}

const zoneCache = new Map<string, ZoneConverter | null>();
export function zoneNamed(name: string): ZoneConverter | null {
  let z = zoneCache.get(name);
  if (z === undefined) {
    z = isValidZone(name) ? makeZone(name) : null;
    if (zoneCache.size > 256) zoneCache.clear();
    zoneCache.set(name, z);
  }
  return z;
}

const PHP_LEVEL: Record<string, string> = {
  Warning: 'warning',
  'Fatal error': 'fatal',
  Notice: 'notice',
  'Parse error': 'error',
  Deprecated: 'deprecated',
  'Recoverable fatal error': 'error',
  Error: 'error',
};
const PHP_PREFIX = /^PHP (Warning|Fatal error|Notice|Parse error|Deprecated|Recoverable fatal error|Error):\s+/;

/**
 * PHP error_log: `[24-Nov-2026 10:00:00 UTC] PHP Warning:  msg` (php_log_err: "d-M-Y H:i:s e", the zone
 * identifier is date.timezone, so it is honoured here, not ctx.zone), or a bare `PHP Warning:  …` (CLI stderr).
 */
export function parsePhpErrorLogHeader(line: string, ctx: ParseContext): Header | undefined {
  let t: number | undefined,
    badTime: string | undefined,
    p = 0;
  if (line.charCodeAt(0) === 91) {
    const close = line.indexOf('] ', 21);
    if (close < 0 || close > 64) return undefined;
    const zname = line.slice(22, close);
    const zone = zname.length > 0 ? zoneNamed(zname) : null;
    const st = parseStampAt(line, 1, zone ? { ...ctx, zone } : ctx);
    if (!st || st.end !== 21) return undefined;
    t = st.t;
    badTime = st.bad;
    if (zname.length > 0 && !zone) {
      t = undefined;
      badTime = line.slice(1, close);
    }
    p = close + 2;
  }
  const rest = line.slice(p);
  const m = PHP_PREFIX.exec(rest);
  if (!m && p === 0) return undefined;
  return {
    format: 'php_error_log',
    t,
    badTime,
    level: m ? PHP_LEVEL[m[1]!] : undefined,
    msg: m ? rest.slice(m[0].length).trimEnd() : rest.trimEnd(),
    lang: 'php',
  };
}

/** `[object] (Illuminate\\Database\\QueryException(code: HY000): msg at /app/…/Connection.php:760)` in Laravel's
 * context */
const OBJECT_CLASS = /\[object\] \(([\w\\]+)\(code: \w*\): (.*?)(?: at \/\S+:\d+\)|$)/m;

export function phpExtra(text: string, h: Header, det: Detection): Extra {
  const x: Extra = {};
  let msg = h.msg;
  // evidence inside the log message itself, or only in the context / stack below it?
  let eol = text.indexOf('\n');
  if (eol < 0) eol = text.length;
  const ctxStart = text.indexOf(' {"');
  const msgEnd = ctxStart > 0 && ctxStart < eol ? ctxStart : eol;
  const oc = OBJECT_CLASS.exec(text);
  if (oc) {
    x.type = oc[1]!.replace(/\\\\/g, '\\');
    if (det.at >= msgEnd) msg = oc[2]!;
  }
  const unc = /^Uncaught ([\w\\]+): /.exec(msg);
  if (unc) {
    x.type ??= unc[1];
    msg = msg.slice(unc[0].length);
  }
  if (!x.type) {
    const sc = splitClass(msg);
    if (sc.type && /Exception|Error|ConnectionLost/.test(sc.type)) {
      x.type = sc.type;
      msg = sc.message;
    }
  }
  if (!x.type) {
    const pe = /\b(PDOException|mysqli_sql_exception|Doctrine\\DBAL\\Exception\\ConnectionLost)\b/.exec(text);
    if (pe) x.type = pe[1];
  }
  // error.message: the driver's message without Laravel's "(SQL: …)" / "(Connection: …)" and PHP's location
  const cut = msg.search(/ \((?:SQL|Connection): /);
  if (cut > 0) msg = msg.slice(0, cut);
  x.message = stripPhpLocation(msg).trim();
  const pid = /\bPID=(\d{1,7})\b/.exec(text); // mysqlnd "Error while sending QUERY packet. PID=1234"
  if (pid) x.pid = Number(pid[1]);
  return x;
}
