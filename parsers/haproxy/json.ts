/**
 * JSON HAProxy logs: a payload that is a JSON object, produced either by `%{+json}o` (HAProxy ≥ 3.0,
 * keys = the items' `%(name)` — docs/haproxy-logs.md §1.8) or by a hand-written `log-format '{"client":"%ci:%cp",…}'`
 * (docs/lab-findings.md §3, scenario 13: `{"client":"127.0.0.1:57192","accept_date":"23/Nov/2026:20:27:43.026",
 * "frontend":"mysql_ro_json",…,"backend_source":"127.0.0.1:60386","server_addr":"127.0.0.1:3312",…}`).
 *
 * Keys are matched first as alias names (`ci`, `Tt`: case matters, `%T` ≠ `%t`), then, normalised
 * (lower case, `-`/`.` → `_`), against the alias descriptions of HAP-DOC §8.2 and common hand-written
 * names. HAProxy writes logasap values as `+123` even in JSON ("encoded as-is") and does not escape
 * hand-written formats, so an object that JSON.parse rejects is read with a lenient key/value scan.
 */
import type { ParseContext, ParseResult } from '../types.js';
import type { Envelope } from '../syslog.js';
import { ALIASES } from './aliases.js';
import { isLocalDate, parseAnyDate, resolveTimes } from './alias-dates.js';
import type { Fill } from './alias-values.js';
import { buildTrafficDoc, splitHostPort, trafficTime, PARSER } from './fields.js';
import type { TrafficRec } from './traffic-rec.js';

/** Parse a JSON object payload; lenient scan when it is not valid JSON. undefined when not an object. */
export function parseJsonObject(payload: string): Record<string, unknown> | undefined {
  const a = payload.indexOf('{');
  if (a < 0) return undefined;
  const text = payload.slice(a).trimEnd();
  if (text.endsWith('}')) {
    try {
      const v: unknown = JSON.parse(text);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      /* fall through to the lenient scan */
    }
  }
  const out: Record<string, unknown> = {};
  const re = /"((?:[^"\\]|\\.)*)"\s*:\s*("(?:[^"\\]|\\.)*"|[^,}\s]+)/g;
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = re.exec(text)) !== null) {
    const raw = m[2]!;
    out[m[1]!] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    n++;
  }
  return n > 0 ? out : undefined;
}

type Setter = (f: Fill, v: string, ctx: ParseContext) => void;

const alias =
  (a: string): Setter =>
  (f, v) =>
    ALIASES[a]!.set(f, v, false);
const pair =
  (ipA: string, portA: string): Setter =>
  (f, v) => {
    const { host, port } = splitHostPort(v);
    if (port === undefined) {
      ALIASES[ipA]!.set(f, v, false);
      return;
    }
    ALIASES[ipA]!.set(f, host, false);
    ALIASES[portA]!.set(f, String(port), false);
  };
const slashList =
  (names: string[]): Setter =>
  (f, v) => {
    const parts = v.split('/');
    if (parts.length !== names.length) return;
    names.forEach((a, i) => ALIASES[a]!.set(f, parts[i]!, false));
  };
const timers: Setter = (f, v) => {
  const parts = v.split('/');
  const names =
    parts.length === 3 ? ['Tw', 'Tc', 'Tt'] : parts.length === 5 ? ['TR', 'Tw', 'Tc', 'Tr', 'Ta'] : undefined;
  if (names) names.forEach((a, i) => ALIASES[a]!.set(f, parts[i]!, false));
};
const date =
  (which: 'accept' | 'request'): Setter =>
  (f, v, ctx) => {
    // zone-less %t dates wait for resolveTimes, which may place them with the envelope's offset
    if (isLocalDate(v)) {
      if (which === 'accept') f.tp.acceptLocal = v;
      else f.tp.reqLocal = v;
      return;
    }
    const t = parseAnyDate(v, ctx);
    if (Number.isNaN(t)) {
      if (which === 'accept') f.tp.acceptLocal = v;
      else f.tp.reqLocal = v;
      return;
    }
    if (which === 'accept') f.rec.accept = t;
    else f.rec.request = t;
  };

/** Normalised hand-written / documented names → setter. */
const NAMED: Record<string, Setter> = {};
function add(names: string, s: Setter): void {
  for (const k of names.split(' ')) NAMED[k] = s;
}
add('client_ip clientip src src_ip source_ip remote_addr remote_ip', alias('ci'));
add('client_port clientport src_port source_port remote_port', alias('cp'));
add('client client_addr client_address source src_addr', pair('ci', 'cp'));
add('frontend_ip fe_ip dst dst_ip', alias('fi'));
add('frontend_port fe_port dst_port', alias('fp'));
add('frontend_addr frontend_address dst_addr', pair('fi', 'fp'));
add('backend_source_ip bc_src backend_src_ip', alias('bi'));
add('backend_source_port bc_src_port backend_src_port', alias('bp'));
add('backend_source backend_src backend_source_addr', pair('bi', 'bp'));
add('server_ip server_addr_ip bc_dst', alias('si'));
add('server_port bc_dst_port', alias('sp'));
add('server_addr server_address srv_addr', pair('si', 'sp'));
add('accept_date accept_time date time timestamp start_time', date('accept'));
add('request_date request_time', date('request'));
add('frontend frontend_name fe fe_name', alias('f'));
add('frontend_name_transport frontend_transport', alias('ft'));
add('backend backend_name be be_name', alias('b'));
add('server server_name srv srv_name', alias('s'));
add('time_queue queue_time tw time_waiting total_waiting_time_ms', alias('Tw'));
add('time_connect connect_time tc connection_wait_time_ms', alias('Tc'));
add('time_total total_time tt session_duration duration total_time_ms', alias('Tt'));
add('time_handshake handshake_time th', alias('Th'));
add('time_idle idle_time ti', alias('Ti'));
add('time_request time_to_receive request_time_ms', alias('TR'));
add('time_response response_time time_backend_response', alias('Tr'));
add('time_active active_time ta', alias('Ta'));
add('time_data data_time td', alias('Td'));
add('bytes_read bytes bytes_out bytes_sent', alias('B'));
add('bytes_uploaded bytes_in bytes_received', alias('U'));
// only a value shaped like a state (§8.5: 2 chars, 4 in HTTP): MySQL's JSON sink has a numeric `ts`
const STATE = /^[A-Za-z-]{2}(?:[A-Za-z-]{2})?$/;
const setState = alias('ts');
const state: Setter = (f, v, ctx) => {
  if (STATE.test(v)) setState(f, v, ctx);
};
add('termination_state term_state session_state state termination_state_cookie tsc ts', state);
add('actconn active_connections act_conn', alias('ac'));
add('feconn frontend_connections fe_conn', alias('fc'));
add('beconn backend_connections be_conn', alias('bc'));
add('srv_conn srvconn server_connections', alias('sc'));
add('retries', alias('rc'));
add('srv_queue server_queue', alias('sq'));
add('backend_queue be_queue', alias('bq'));
add('status status_code http_status', alias('ST'));
add('request http_request request_line', alias('r'));
add('method http_method', alias('HM'));
add('uri http_uri url path', alias('HU'));
add('http_version version', alias('HV'));
add('captured_request_cookie request_cookie', alias('CC'));
add('captured_response_cookie response_cookie', alias('CS'));
add('captured_request_headers request_headers', alias('hr'));
add('captured_response_headers response_headers', alias('hs'));
add('unique_id request_id', alias('ID'));
add('pid', alias('pid'));
add('hostname', alias('H'));
add('ssl_version sslv tls_version', alias('sslv'));
add('ssl_cipher ssl_ciphers sslc tls_cipher', alias('sslc'));
add('timers', timers);
add('connections conns conn_counts', slashList(['ac', 'fc', 'bc', 'sc', 'rc']));
add('queues queue', slashList(['sq', 'bq']));

function setterFor(key: string): Setter | undefined {
  if (key === 'ts' || key === 'tsc') return state;
  if (ALIASES[key] && key !== 'o') return alias(key);
  return NAMED[key.toLowerCase().replace(/[-.\s]/g, '_')];
}

const HTTP_KEYS = new Set(['r', 'HM', 'HU', 'HV', 'tr', 'TR', 'Ta', 'Tr', 'ST', 'CC', 'CS', 'tsc']);

/**
 * Fill a record from a JSON object. `keyMap` (from a compiled `%{+json}o` format) maps item names to
 * setters; without it the key table above is used. Returns the number of keys understood.
 */
export function fillFromJson(
  obj: Record<string, unknown>,
  f: Fill,
  ctx: ParseContext,
  keyMap?: ReadonlyMap<string, (f: Fill, v: string) => void>,
): number {
  let used = 0;
  for (const key of Object.keys(obj)) {
    const raw = obj[key];
    if (raw === null || raw === undefined || typeof raw === 'object') continue;
    const v = String(raw);
    const set = keyMap ? keyMap.get(key) : setterFor(key);
    if (!set) continue;
    set(f, v, ctx);
    used++;
    if (!keyMap && (HTTP_KEYS.has(key) || /^(status|status_code|request|http_request|method)$/i.test(key)))
      f.rec.mode = 'http';
  }
  return used;
}

/** A generic JSON payload (no compiled format): needs at least one field that makes it HAProxy traffic. */
export function parseJsonPayload(
  payload: string,
  env: Envelope | undefined,
  ctx: ParseContext,
): ParseResult | undefined {
  const obj = parseJsonObject(payload);
  if (!obj) return undefined;
  const f: Fill = { rec: { logFormat: 'json', mode: 'tcp' }, tp: {} };
  fillFromJson(obj, f, ctx);
  const r: TrafficRec = f.rec;
  // a date alone is not HAProxy: pino/bunyan app logs carry `time`, `pid` and `hostname` too
  if (
    r.client === undefined &&
    r.clientPort === undefined &&
    r.frontend === undefined &&
    r.state === undefined &&
    r.backend === undefined &&
    r.server === undefined
  ) {
    return {
      ok: false,
      issue: {
        code: 'no_match',
        parser: PARSER,
        message: 'JSON payload has no HAProxy fields (client, frontend, accept_date, termination_state …)',
      },
    };
  }
  const bad = resolveTimes(f, ctx, env?.t);
  if (bad !== undefined)
    return {
      ok: false,
      issue: {
        code: 'bad_timestamp',
        parser: PARSER,
        message: `unreadable date '${bad}' in JSON HAProxy log`,
        value: bad,
      },
    };
  return { ok: true, value: { kind: 'haproxy', t: trafficTime(r), doc: buildTrafficDoc(r, env) } };
}
