/**
 * Custom `log-format` compiler (HAP-DOC §8.2.6, docs/parsing-pitfalls.md #7): the format string is tokenised the way
 * HAProxy's lf_expr_compile() does it (`%alias`, `%{flags}alias`, `%(name)alias`, `%[sample]`, `%%`,
 * spaces = merged separators) and turned into ONE anchored regex plus one setter per capture, so a
 * line costs one RegExp#exec — never a per-line walk over the format.
 *
 * Quirks reproduced from HAProxy's log builder (log.c sess_build_logline):
 * - an item that prints nothing (`%hr` without captures) also swallows its separator → `(?: +…)?`;
 * - `+Q` quotes string items but an absent value is a bare `-` → both alternatives accepted;
 * - a line cut at the syslog length limit loses the end of the quoted request (docs/parsing-pitfalls.md #5) → a
 *   second regex stops at the first quoted free-text item and takes the rest of the line.
 * `%{+json}o` formats produce JSON objects: they are read with JSON.parse, keys = the items' names.
 */
import type { CompiledLineParser, ParseContext, ParseResult } from '../types.js';
import { parseEnvelope, type Envelope } from '../syslog.js';
import { ALIASES } from './aliases.js';
import { resolveTimes } from './alias-dates.js';
import { unescapeLog, type Fill, type Kind } from './alias-values.js';
import { sampleSetter } from './sample-fetches.js';
import { buildTrafficDoc, trafficTime, PARSER } from './fields.js';
import type { TrafficRec } from './traffic-rec.js';
import { fillFromJson, parseJsonObject } from './json.js';
import { parseTrafficPayload } from './traffic.js';
import { BUILTIN_FORMATS, tokenizeLogFormat, unquoteFormat, type FmtNode } from './format-string.js';

export { BUILTIN_FORMATS, tokenizeLogFormat, unquoteFormat, type FmtNode } from './format-string.js';

/* ---------------------------------------------------------------- regex */

const ESC = /[.*+?^${}()|[\]\\/]/g;
const reEscape = (s: string) => s.replace(ESC, '\\$&');
const QUOTABLE: ReadonlySet<Kind> = new Set<Kind>(['ip', 'name', 'str', 'req', 'hdrl']);

function inner(kind: Kind, alias: string, hex: boolean, stop: string): string {
  const cls = (base: string) => `[^\\s${stop ? reEscape(stop) : ''}${base}]`;
  switch (kind) {
    case 'ip':
      return hex ? '[0-9A-Fa-f]+|-' : '[0-9A-Fa-f.:]+|-|unix';
    case 'port':
    case 'int':
    case 'ts':
      return hex ? '[0-9A-Fa-f]+|-' : '[+-]?\\d+|-';
    case 'ms':
      return '\\d{3}';
    case 'date':
      return '\\d{2}\\/[A-Za-z]{3}\\/\\d{4}:\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{3})?';
    case 'datetz':
      return '\\d{2}\\/[A-Za-z]{3}\\/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}';
    case 'state':
      return alias === 'tsc' ? '[A-Za-z-]{4}' : '[A-Za-z-]{2}';
    case 'name':
      return `${cls('\\/"')}+`;
    case 'str':
      return `${cls('"')}*`;
    case 'hdr':
      return '[^}]*';
    case 'hdrl':
    case 'req':
      return '.*?';
  }
}

interface Slot {
  set: (f: Fill, v: string) => void;
  groups: number;
}
interface Built {
  re: RegExp;
  slots: Slot[];
}

function itemSpec(node: Extract<FmtNode, { kind: 'item' }>): {
  kind: Kind;
  set: (f: Fill, v: string) => void;
  http: boolean;
} {
  if (node.alias === '[]') return { kind: 'str', set: sampleSetter(node.expr!, node.name), http: false };
  const spec = ALIASES[node.alias]!;
  const hex = node.flags.x;
  return { kind: spec.kind, set: (f, v) => spec.set(f, v, hex), http: !!spec.http };
}

function itemRe(node: Extract<FmtNode, { kind: 'item' }>, next: FmtNode | undefined, slots: Slot[]): string {
  const { kind, set } = itemSpec(node);
  const stop = next && next.kind === 'text' && kind !== 'ip' ? next.text.charAt(0) : '';
  const body = inner(kind, node.alias, node.flags.x, stop);
  if (kind === 'hdr') {
    slots.push({ set, groups: 1 });
    return `"?\\{(${body})\\}"?`;
  }
  if (node.flags.q && QUOTABLE.has(kind)) {
    const alt = kind === 'req' || kind === 'hdrl' ? '-' : body;
    slots.push({ set: (f, v) => set(f, unescapeLog(v)), groups: 2 });
    return `(?:"((?:[^"\\\\]|\\\\.)*)"|(${alt}))`;
  }
  slots.push({ set, groups: 1 });
  return `(${body})`;
}

const OPTIONAL = new Set(['hr', 'hs', 'hrl', 'hsl']);
const isOptional = (n: FmtNode | undefined) => !!n && n.kind === 'item' && OPTIONAL.has(n.alias);
const isTruncatable = (n: FmtNode) =>
  n.kind === 'item' &&
  n.flags.q &&
  (n.alias === 'r' || n.alias === 'HU' || n.alias === 'HP' || n.alias === 'HPO' || n.alias === '[]');

/** Regex over nodes[0, end); `truncAt` ends it with `"(.*)$` for that node instead. */
function buildRegex(nodes: FmtNode[], truncAt = -1): Built {
  const slots: Slot[] = [];
  let re = '^';
  const end = truncAt >= 0 ? truncAt : nodes.length;
  let lastNonSep = end - 1;
  while (lastNonSep >= 0 && nodes[lastNonSep]!.kind === 'sep') lastNonSep--;
  for (let k = 0; k < end; k++) {
    const node = nodes[k]!;
    if (node.kind === 'text') {
      re += reEscape(node.text);
      continue;
    }
    if (node.kind === 'sep') {
      if (k === 0) continue; // HAProxy starts with last_isspace = 1: a leading separator prints nothing
      if (truncAt < 0 && k > lastNonSep) {
        re += ' *';
        break;
      }
      if (isOptional(nodes[k + 1]) && k + 1 < end) {
        const item = nodes[++k] as Extract<FmtNode, { kind: 'item' }>;
        re += `(?: +${itemRe(item, nodes[k + 1], slots)})?`;
      } else re += ' +';
      continue;
    }
    re += isOptional(node) ? `(?:${itemRe(node, nodes[k + 1], slots)})?` : itemRe(node, nodes[k + 1], slots);
  }
  if (truncAt >= 0) {
    const { set } = itemSpec(nodes[truncAt] as Extract<FmtNode, { kind: 'item' }>);
    slots.push({
      set: (f, v) => {
        set(f, unescapeLog(v));
        f.rec.truncated = true;
      },
      groups: 1,
    });
    re += '"(.*)$';
  } else re += ' *$';
  return { re: new RegExp(re), slots };
}

/* ---------------------------------------------------------------- compiled parsers */

const noMatch = (name: string): ParseResult => ({
  ok: false,
  issue: { code: 'no_match', parser: PARSER, message: `line does not match log-format '${name}'` },
});

function finish(f: Fill, env: Envelope | undefined, ctx: ParseContext): ParseResult {
  const bad = resolveTimes(f, ctx, env?.t);
  if (bad !== undefined) {
    return {
      ok: false,
      issue: { code: 'bad_timestamp', parser: PARSER, message: `unreadable HAProxy date '${bad}'`, value: bad },
    };
  }
  const rec: TrafficRec = f.rec;
  return { ok: true, value: { kind: 'haproxy', t: trafficTime(rec), doc: buildTrafficDoc(rec, env) } };
}

/** A compiled HAProxy format. `parsePayload` is used by parseHaproxyLine (envelope already stripped). */
export interface HaproxyFormatParser extends CompiledLineParser {
  parsePayload(payload: string, env: Envelope | undefined, ctx: ParseContext): ParseResult;
  /** set when the format is a built-in one handled by the hand-written tokenizer */
  readonly builtin?: 'tcplog' | 'httplog' | 'httpslog' | 'httplog-pre-1.7';
}

/** `parse()` accepts a bare payload or a whole syslog line (the envelope is stripped on a miss). */
function withEnvelope(
  name: string,
  parsePayload: HaproxyFormatParser['parsePayload'],
  builtin?: HaproxyFormatParser['builtin'],
): HaproxyFormatParser {
  return {
    name,
    ...(builtin ? { builtin } : {}),
    parsePayload,
    parse(text: string, ctx: ParseContext): ParseResult {
      try {
        const r = parsePayload(text, undefined, ctx);
        if (r.ok) return r;
        const env = parseEnvelope(text);
        return env.format === 'none' ? r : parsePayload(env.payload, env, ctx);
      } catch (e) {
        return {
          ok: false,
          issue: { code: 'no_match', parser: PARSER, message: `internal error: ${(e as Error).message}` },
        };
      }
    },
  };
}

function regexParser(nodes: FmtNode[], name: string, label: string): HaproxyFormatParser {
  const main = buildRegex(nodes);
  const k = nodes.findIndex(isTruncatable);
  const trunc = k >= 0 ? buildRegex(nodes, k) : undefined;
  const mode: 'tcp' | 'http' = nodes.some((n) => n.kind === 'item' && n.alias !== '[]' && ALIASES[n.alias]!.http)
    ? 'http'
    : 'tcp';
  return withEnvelope(name, (payload, env, ctx) => {
    let b: Built = main;
    let m = main.re.exec(payload);
    if (!m && trunc) {
      b = trunc;
      m = trunc.re.exec(payload);
    }
    if (!m) return noMatch(name);
    const f: Fill = { rec: { logFormat: label, mode }, tp: {} };
    let g = 1;
    for (const slot of b.slots) {
      let v: string | undefined;
      for (let i = 0; i < slot.groups && v === undefined; i++) v = m[g + i];
      g += slot.groups;
      if (v !== undefined) slot.set(f, v);
    }
    return finish(f, env, ctx);
  });
}

function jsonParser(nodes: FmtNode[], name: string, label: string): HaproxyFormatParser {
  const keyMap = new Map<string, (f: Fill, v: string) => void>();
  let http = false;
  for (const n of nodes) {
    if (n.kind !== 'item' || !n.name) continue; // HAProxy only encodes named items (HAP-DOC §8.2.6)
    const spec = itemSpec(n);
    keyMap.set(n.name, spec.set);
    http ||= spec.http;
  }
  return withEnvelope(name, (payload, env, ctx) => {
    const obj = parseJsonObject(payload);
    if (!obj) return noMatch(name);
    const f: Fill = { rec: { logFormat: label, mode: http ? 'http' : 'tcp' }, tp: {} };
    if (fillFromJson(obj, f, ctx, keyMap) === 0) return noMatch(name);
    return finish(f, env, ctx);
  });
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
const BUILTIN_FAST: Array<[string, NonNullable<HaproxyFormatParser['builtin']>]> = [
  [norm(BUILTIN_FORMATS.tcplog), 'tcplog'],
  [norm(BUILTIN_FORMATS.httplog), 'httplog'],
  [norm(BUILTIN_FORMATS.httpslog), 'httpslog'],
  [norm(BUILTIN_FORMATS.httplogLegacy), 'httplog-pre-1.7'],
];

/**
 * Compile with an explicit haproxy.log_format label (built-in CLF formats use 'clf'). `regexOnly`
 * skips the hand-written tokenizer for built-in shapes (tests compare both paths).
 */
export function compileWithLabel(
  format: string,
  name: string,
  label: string,
  regexOnly = false,
): HaproxyFormatParser | { error: string } {
  if (typeof format !== 'string') return { error: 'log-format must be a string' };
  const fmt = unquoteFormat(format);
  if (!fmt) return { error: 'empty log-format' };
  const fast = regexOnly ? undefined : BUILTIN_FAST.find(([f]) => f === norm(fmt));
  if (fast) {
    // the built-in shapes go through the hand-written tokenizer (issue #2: ≥ 1M lines/s)
    const legacy = fast[1] === 'httplog-pre-1.7';
    return withEnvelope(
      name,
      (payload, env, ctx) =>
        parseTrafficPayload(payload, 0, env, legacy ? { ...ctx, haproxyLegacyHttpTimers: true } : ctx) ?? noMatch(name),
      fast[1],
    );
  }
  const nodes = tokenizeLogFormat(fmt);
  if ('error' in nodes) return nodes;
  if (!nodes.some((n) => n.kind === 'item')) return { error: 'log-format has no %-items' };
  try {
    if (nodes.some((n) => n.kind === 'item' && n.flags.json)) return jsonParser(nodes, name, label);
    return regexParser(nodes, name, label);
  } catch (e) {
    return { error: `cannot compile log-format: ${(e as Error).message}` };
  }
}

/** Compile a HAProxy `log-format` string (as written in haproxy.cfg, quoted or not) into a line parser. */
export function compileLogFormat(format: string, name: string): CompiledLineParser | { error: string } {
  const nm = typeof name === 'string' && name ? name : 'custom';
  return compileWithLabel(format, nm, `custom:${nm}`);
}
