/**
 * Go: go-sql-driver's own logger (`[mysql] 2024/06/04 19:12:35 packets.go:58 unexpected EOF`, ≥ v1.9;
 * `packets.go:36: unexpected EOF` before), the standard `log` package (`2024/06/04 19:12:35 main.go:42: …`,
 * header via header.ts) and logrus / go-kit logfmt (`time="…" level=error msg="…" error="invalid connection"`).
 * docs/client-errors.md §4.
 */
import type { ParseContext } from '../types.js';
import { parseStampAt } from './stamp.js';
import { isGoMysqlPrefix } from './start.js';
import type { Extra, Header } from './model.js';

/** `[mysql] 2024/06/04 19:12:35[.123456] packets.go:58[:] msg` (`[MySQL] ` before about 2016) */
export function parseGoMysqlHeader(line: string, ctx: ParseContext): Header | undefined {
  if (!isGoMysqlPrefix(line)) return undefined;
  const st = parseStampAt(line, 8, ctx);
  let p = st ? st.end : 8;
  while (line.charCodeAt(p) === 32) p++;
  const fl = /^[\w.-]+\.go:\d+:? /.exec(line.slice(p, p + 40));
  if (fl) p += fl[0].length;
  return { format: 'go_mysql', t: st?.t, badTime: st?.bad, logger: 'mysql', msg: line.slice(p).trim(), lang: 'go' };
}

const KV = /([\w.@-]+)=("(?:[^"\\]|\\.)*"|\S*)/g;

/** key=value pairs of a logfmt line (values unquoted, `\"` unescaped). */
export function logfmtPairs(line: string): Map<string, string> {
  const m = new Map<string, string>();
  KV.lastIndex = 0;
  let r: RegExpExecArray | null;
  while ((r = KV.exec(line)) !== null && m.size < 64) {
    let v = r[2]!;
    if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    if (!m.has(r[1]!)) m.set(r[1]!, v);
  }
  return m;
}

export function parseLogfmtHeader(line: string, ctx: ParseContext): Header | undefined {
  if (!/^(?:time|ts|level|t)=/.test(line)) return undefined;
  const kv = logfmtPairs(line);
  const ts = kv.get('time') ?? kv.get('ts') ?? kv.get('t');
  let t: number | undefined, badTime: string | undefined;
  if (ts !== undefined) {
    const st = parseStampAt(ts, 0, ctx);
    if (st) {
      t = st.t;
      badTime = st.bad;
    } else if (/^\d{9,10}(?:\.\d+)?$/.test(ts)) t = Math.round(Number(ts) * 1000);
    else badTime = ts;
  }
  const pid = kv.get('pid');
  return {
    format: 'logfmt',
    t,
    badTime,
    level: kv.get('level')?.toLowerCase(),
    logger: kv.get('logger') ?? kv.get('component'),
    pid: pid && /^\d{1,7}$/.test(pid) ? Number(pid) : undefined,
    msg: kv.get('msg') ?? kv.get('message') ?? '',
    lang: 'go',
  };
}

export function goExtra(first: string, h: Header): Extra {
  const x: Extra = {};
  if (h.format === 'logfmt') {
    const kv = logfmtPairs(first);
    const err = kv.get('error') ?? kv.get('err');
    x.message = err ?? h.msg;
    return x;
  }
  // std log with Lshortfile: "main.go:42: query failed: invalid connection"
  x.message = h.msg.replace(/^[\w.-]+\.go:\d+: /, '');
  return x;
}
