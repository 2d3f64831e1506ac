/**
 * HAProxy log-format strings: the built-in formats (verbatim from HAProxy log.c), config quoting
 * removal, and the tokenizer that mirrors lf_expr_compile() (HAP-DOC §8.2.6, docs/haproxy-logs.md §1.8):
 * `%alias`, `%{±flags}alias`, `%(name[:type])alias`, `%[sample]`, `%%`, spaces = merged separators,
 * `%o` setting the default flags of the following items.
 */
import { ALIASES } from './aliases.js';

/** The built-in formats, verbatim from HAProxy log.c (the manual prints the tcplog CLF one as `%{Q}o`). */
export const BUILTIN_FORMATS = {
  tcplog: '%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq',
  httplog: '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r',
  httpslog:
    '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r %[fc_err]/%[ssl_fc_err,hex]/%[ssl_c_err]/%[ssl_c_ca_err]/%[ssl_fc_is_resumed] %[ssl_fc_sni]/%sslv/%sslc',
  httplogLegacy:
    '%ci:%cp [%t] %ft %b/%s %Tq/%Tw/%Tc/%Tr/%Tt %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r',
  tcpClf:
    '%{+Q}o %{-Q}ci - - [%T] "TCP " 000 %B "" "" %cp %ms %ft %b %s %Th %Tw %Tc %Tt %U %ts-- %ac %fc %bc %sc %rc %sq %bq "" "" ',
  httpClf:
    '%{+Q}o %{-Q}ci - - [%trg] %r %ST %B "" "" %cp %ms %ft %b %s %TR %Tw %Tc %Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl',
} as const;

/** The `${HAPROXY_*_LOG_FMT}` variables HAProxy (≥ 2.8) defines for the built-in formats. */
export const ENV_FORMATS: Record<string, string> = {
  HAPROXY_TCP_LOG_FMT: BUILTIN_FORMATS.tcplog,
  HAPROXY_HTTP_LOG_FMT: BUILTIN_FORMATS.httplog,
  HAPROXY_HTTPS_LOG_FMT: BUILTIN_FORMATS.httpslog,
  HAPROXY_TCP_CLF_LOG_FMT: BUILTIN_FORMATS.tcpClf,
  HAPROXY_HTTP_CLF_LOG_FMT: BUILTIN_FORMATS.httpClf,
};

/**
 * The format as HAProxy compiles it: config quoting removed (`"…"` with `\"` escapes, `'…'`, or an
 * unquoted argument with `\ ` escapes) and the documented `${HAPROXY_*_LOG_FMT}` variables expanded.
 */
export function unquoteFormat(raw: string): string {
  let s = raw.trim();
  // Only a real config token is unquoted: `"…"` whose inner quotes are all escaped. An already
  // unquoted format such as `"%ci" "%t"` (starts and ends with a literal quote) is left alone.
  const inner = s.slice(1, -1);
  if (s.length >= 2 && s.startsWith("'") && s.endsWith("'") && inner.indexOf("'") < 0) s = inner;
  else {
    const quoted = s.length >= 2 && s.startsWith('"') && s.endsWith('"') && !/(^|[^\\])(\\\\)*"/.test(inner);
    if (quoted) s = inner;
    if (quoted || /\\[ "]/.test(s)) {
      s = s.replace(/\\(.)/g, (_m, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c));
    }
  }
  return s.replace(/\$\{(HAPROXY_[A-Z_]+_LOG_FMT)\}/g, (m, v: string) => ENV_FORMATS[v] ?? m);
}

/* ---------------------------------------------------------------- tokenizer */

interface Flags {
  q: boolean;
  x: boolean;
  e: boolean;
  json: boolean;
}
export type FmtNode =
  | { kind: 'text'; text: string }
  | { kind: 'sep' }
  | { kind: 'item'; alias: string; expr?: string; name?: string; flags: Flags };

function applyArgs(base: Flags, args: string | undefined): Flags {
  const f = { ...base };
  if (!args) return f;
  for (const a of args.split(',')) {
    // HAProxy ignores a flag without +/- (parse_logformat_node_args): `%{Q}o` is a no-op
    const sign = a.charAt(0),
      flag = a.slice(1);
    if (sign !== '+' && sign !== '-') continue;
    const on = sign === '+';
    if (flag === 'Q') f.q = on;
    else if (flag === 'X') f.x = on;
    else if (flag === 'E') f.e = on;
    else if (flag === 'json') f.json = on;
  }
  return f;
}

const isAlpha = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isAlnum = (c: string) => isAlpha(c) || (c >= '0' && c <= '9');

export function tokenizeLogFormat(fmt: string): FmtNode[] | { error: string } {
  const nodes: FmtNode[] = [];
  let text = '';
  let defaults: Flags = { q: false, x: false, e: false, json: false };
  const flush = () => {
    if (text) {
      nodes.push({ kind: 'text', text });
      text = '';
    }
  };
  let i = 0;
  const n = fmt.length;
  while (i < n) {
    const c = fmt[i]!;
    if (c === ' ' || c === '\t') {
      flush();
      if (nodes.length === 0 || nodes[nodes.length - 1]!.kind !== 'sep') nodes.push({ kind: 'sep' });
      i++;
      continue;
    }
    if (c !== '%') {
      text += c;
      i++;
      continue;
    }
    if (fmt[i + 1] === '%') {
      text += '%';
      i += 2;
      continue;
    }
    flush();
    i++;
    let name: string | undefined;
    if (fmt[i] === '(') {
      const j = fmt.indexOf(')', i);
      if (j < 0) return { error: `unterminated '%(' name at position ${i}` };
      name = fmt.slice(i + 1, j).split(':')[0];
      i = j + 1;
    }
    let args: string | undefined;
    if (fmt[i] === '{') {
      const j = fmt.indexOf('}', i);
      if (j < 0) return { error: `unterminated '%{' arguments at position ${i}` };
      args = fmt.slice(i + 1, j);
      i = j + 1;
    }
    if (fmt[i] === '[') {
      let j = i + 1,
        depth = 0,
        quote = '';
      for (; j < n; j++) {
        const d = fmt[j]!;
        if (quote) {
          if (d === quote) quote = '';
          else if (d === '\\') j++;
          continue;
        }
        if (d === '"' || d === "'") quote = d;
        else if (d === '(') depth++;
        else if (d === ')') depth--;
        else if (d === ']' && depth <= 0) break;
      }
      if (j >= n) return { error: `missing ']' after '%[${fmt.slice(i + 1, i + 30)}'` };
      nodes.push({
        kind: 'item',
        alias: '[]',
        expr: fmt.slice(i + 1, j).trim(),
        name,
        flags: applyArgs(defaults, args),
      });
      i = j + 1;
      continue;
    }
    let j = i;
    if (j < n && isAlpha(fmt[j]!)) {
      j++;
      while (j < n && isAlnum(fmt[j]!)) j++;
    }
    const alias = fmt.slice(i, j);
    if (!alias) return { error: `unexpected character after '%' at position ${i} (write '%%' for a literal '%')` };
    i = j;
    if (alias === 'o') {
      defaults = applyArgs(defaults, args);
      continue;
    }
    if (!ALIASES[alias]) return { error: `no such format alias '%${alias}' (HAProxy manual §8.2.6)` };
    nodes.push({ kind: 'item', alias, name, flags: applyArgs(defaults, args) });
  }
  flush();
  return nodes;
}
