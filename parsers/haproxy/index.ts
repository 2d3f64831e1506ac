/**
 * HAProxy log lines → documents. Entry point of the HAProxy parsers (docs/documents.md):
 *   parseHaproxyLine(line, ctx)      one physical line, any envelope (parsers/syslog.ts)
 *   compileLogFormat(format, name)   custom `log-format` → CompiledLineParser (ctx.haproxyFormats)
 *   logFormatsFromConfig(cfgText)    per-frontend effective format from haproxy.cfg
 *   readHaproxySettings(cfgText)     timeouts, servers, hard-stop-after from haproxy.cfg (settings.ts)
 *   decodeTermination(state)         §8.5 termination state
 *
 * Dispatch on the payload: user formats first (ctx.haproxyFormats; compiled built-ins are skipped there,
 * the tokenizer handles them), then JSON (`{`), the built-in traffic shapes (hand-written tokenizer,
 * run in place on the line when there are no user formats: the ≥ 1M lines/s path), CLF
 * (`ip - - [`), the default `Connect from` format, then the non-traffic messages. A line from a
 * syslog program named haproxy that matches none of them is still a record (message_type 'other');
 * anything else is `no_match` with the reason (e.g. "syslog program 'sshd' is not haproxy …").
 */
import type { CompiledLineParser, Doc, ParseContext, ParseResult } from '../types.js';
import { envelopeFromScan, scanEnvelope, type Envelope } from '../syslog.js';
import { applyEnvelope, envelopeTime, PARSER } from './fields.js';
import { parseTrafficPayload, type HaproxyParseContext } from './traffic.js';
import { parseJsonPayload } from './json.js';
import { parseDefaultFormat } from './default-format.js';
import { otherMessage, parseMessage } from './messages.js';
import { BUILTIN_FORMATS, compileWithLabel, type HaproxyFormatParser } from './log-format.js';

export { compileLogFormat, BUILTIN_FORMATS, unquoteFormat } from './log-format.js';
export { logFormatsFromConfig, type FrontendLogFormat } from './frontend-formats.js';
export { decodeTermination } from './termination.js';
export { normalCloseOfBytes, newNormalClose, ServerNames, type NormalClose } from './precheck.js';
export type { HaproxyParseContext } from './traffic.js';
export type { HaproxyFormatParser } from './log-format.js';

/** HAProxy's largest `len` is 65535; anything far beyond is not one log line. */
const MAX_LINE = 256 * 1024;

let clf: HaproxyFormatParser[] | undefined;
function clfParsers(): HaproxyFormatParser[] {
  if (!clf) {
    clf = [];
    // tcplog clf first: its literal `"TCP " 000` and `%ts--` only fit its own lines, while httplog clf's
    // `%r %ST` would also read `"TCP " 000` as a request and a status (docs/haproxy-logs.md §1.3)
    for (const f of [BUILTIN_FORMATS.tcpClf, BUILTIN_FORMATS.httpClf]) {
      const c = compileWithLabel(f, 'clf', 'clf');
      if (!('error' in c)) clf.push(c);
    }
  }
  return clf;
}

const fail = (code: 'no_match' | 'empty' | 'too_long', message: string, bytes = 0): ParseResult =>
  code === 'too_long'
    ? { ok: false, issue: { code, parser: PARSER, message, bytes } }
    : { ok: false, issue: { code, parser: PARSER, message } };

/** Run a user-compiled format; foreign CompiledLineParsers get the envelope merged afterwards. */
function runCustom(fmt: CompiledLineParser, payload: string, env: Envelope, ctx: ParseContext): ParseResult {
  const own = fmt as Partial<HaproxyFormatParser>;
  if (typeof own.parsePayload === 'function') return own.parsePayload(payload, env, ctx);
  const r = fmt.parse(payload, ctx);
  if (r.ok) {
    const doc = r.value.doc;
    const hap = (doc.haproxy as Doc | undefined) ?? (doc.haproxy = {});
    if (doc.process === undefined && doc.host === undefined) applyEnvelope(doc, hap, env);
    if (r.value.t === undefined) {
      const t = envelopeTime(env, ctx);
      if (t !== undefined) return { ok: true, value: { ...r.value, t } };
    }
  }
  return r;
}

function looksLikeTraffic(p: string, i = 0): boolean {
  const c = p.charCodeAt(i);
  return (
    (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 58 || c === 45 || c === 117
  ); /* u */
}

/** no user log-format is tried before the built-in tokenizer (a file's lines may go through precheck.ts) */
export const onlyBuiltinFormats = (ctx: ParseContext): boolean => !hasCustom(ctx.haproxyFormats);

function hasCustom(custom: ReadonlyArray<CompiledLineParser> | undefined): boolean {
  if (!custom) return false;
  for (const f of custom) {
    const b = (f as Partial<HaproxyFormatParser>).builtin;
    if (b === undefined || b === 'httplog-pre-1.7') return true;
  }
  return false;
}

function parseInner(line: string, ctx: HaproxyParseContext): ParseResult {
  if (line.charCodeAt(line.length - 1) === 13 /* \r */) line = line.slice(0, -1); // CRLF files
  // rsyslog's `%msg%` keeps the space RFC3164 puts after the tag (rsyslog docs: mmrm1stspace,
  // pmrfc3164 remove.msgFirstSpace), so a haproxy.log written with `$template …,"%msg%\n"` has
  // every line start with one; no envelope starts with a space
  if (line.charCodeAt(0) === 32) line = line.trimStart();
  if (line.length > MAX_LINE)
    return fail('too_long', `line of ${line.length} characters is longer than any HAProxy log line`, line.length);
  const scan = scanEnvelope(line);
  const ps = scan.payloadStart;
  const custom = ctx.haproxyFormats;
  // hot path: no user formats, a traffic-looking payload → the tokenizer reads the line in place,
  // taking host/program/pid from the scan record (no Envelope object, no payload copy: issue #2)
  if (!hasCustom(custom) && looksLikeTraffic(line, ps)) {
    const r = parseTrafficPayload(line, ps, scan, ctx);
    if (r) return r;
  }
  const env = envelopeFromScan(line, scan);
  const payload = env.payload;
  if (payload.trim() === '')
    return fail('empty', env.format === 'none' ? 'empty line' : 'syslog envelope without a message');

  if (custom) {
    for (const fmt of custom) {
      // built-in shapes (option tcplog/httplog from the config) are handled below by the same tokenizer;
      // trying them here would let its leniency (extra tokens) steal lines from stricter custom formats
      const b = (fmt as Partial<HaproxyFormatParser>).builtin;
      if (b !== undefined && b !== 'httplog-pre-1.7') continue;
      const r = runCustom(fmt, payload, env, ctx);
      if (r.ok) return r;
    }
  }
  const c = payload.charCodeAt(0);
  if (c === 123 /* { */) {
    const r = parseJsonPayload(payload, env, ctx);
    if (r && r.ok) return r;
  }
  if (looksLikeTraffic(payload)) {
    const r = hasCustom(custom) ? parseTrafficPayload(payload, 0, env, ctx) : undefined;
    if (r) return r;
    // CLF: `10.0.1.2 - - [06/Feb/2009:…` (option tcplog clf / httplog clf)
    const sp = payload.indexOf(' ');
    if (sp > 0 && payload.startsWith(' - - [', sp)) {
      for (const p of clfParsers()) {
        const r2 = p.parsePayload(payload, env, ctx);
        if (r2.ok) return r2;
      }
    }
  }
  const d = parseDefaultFormat(payload, env, ctx);
  if (d) return d;
  const m = parseMessage(payload, env, ctx);
  if (m) return m;

  const program = env.program;
  const isHaproxy = program !== undefined && /haproxy/i.test(program);
  if (looksLikeTraffic(payload) && / \[\d{2}\/[A-Za-z]{3}\/\d{4}/.test(payload)) {
    return fail(
      'no_match',
      `HAProxy traffic line in an unknown shape (not tcplog/httplog/httpslog/error/clf${custom?.length ? ' nor the configured log-formats' : ''}): pass its log-format`,
    );
  }
  if (isHaproxy) return otherMessage(payload, env, ctx);
  if (program !== undefined)
    return fail('no_match', `syslog program '${program}' is not haproxy and the message is not an HAProxy log`);
  return fail('no_match', `not an HAProxy log line: '${payload.slice(0, 60)}'`);
}

/** Parse one HAProxy log line (with or without syslog envelope). Never throws. */
export function parseHaproxyLine(line: string, ctx: ParseContext): ParseResult {
  try {
    if (typeof line !== 'string') return fail('no_match', 'not a string');
    return parseInner(line, ctx as HaproxyParseContext);
  } catch (e) {
    return fail('no_match', `internal error while parsing: ${(e as Error)?.message ?? String(e)}`);
  }
}
