/**
 * HAProxy log-format aliases (HAP-DOC §8.2.6 table, docs/haproxy-logs.md §1.8): for each alias, the shape of its
 * value (→ regex in log-format.ts, → value coercion in json.ts) and where it lands in a TrafficRec.
 * Also the sample fetches that are documented "alternatives" of an alias (`%[bc_src]` = `%bi`, …) and
 * the httpslog fetches, so `%[…]` items map to the same fields.
 */
import type { ParseContext } from '../types.js';
import { monthNumber, d2, dn, parseHaproxyDate, parseIsoAt } from '../time.js';
import { envelopeZoneShift, intAt } from './fields.js';
import type { TrafficRec } from './traffic-rec.js';

export type Kind =
  'ip' | 'port' | 'int' | 'date' | 'datetz' | 'ts' | 'ms' | 'name' | 'str' | 'state' | 'hdr' | 'hdrl' | 'req';

/** Raw date texts collected while filling a record; resolved once all items are read. */
export interface TimeParts {
  acceptLocal?: string;
  acceptTz?: string;
  acceptTs?: string;
  acceptMs?: string;
  reqLocal?: string;
  reqTz?: string;
}

export interface Fill {
  rec: TrafficRec;
  tp: TimeParts;
}

export interface AliasSpec {
  kind: Kind;
  /** HTTP-only alias (the "H" column): a format using one is an HTTP format */
  http?: boolean;
  set(f: Fill, v: string, hex: boolean): void;
}

/* ---------------------------------------------------------------- value coercion */

function isAbsent(v: string): boolean {
  return v === '' || v === '-';
}

/** Decimal (or hex with the X flag); sets rec.logasap on a '+' prefix when `asap`. */
function int(f: Fill, v: string, hex: boolean, asap = false): number | undefined {
  if (isAbsent(v)) return undefined;
  if (hex) {
    const n = /^[0-9A-Fa-f]{1,12}$/.test(v) ? parseInt(v, 16) : NaN;
    return Number.isNaN(n) ? undefined : n;
  }
  const n = intAt(v, 0, v.length);
  if (Number.isNaN(n)) return undefined;
  if (asap && v.charCodeAt(0) === 43 /* + */) f.rec.logasap = true;
  return n;
}

/** `%{+X}ci` prints the address in hex: 8 digits IPv4, 32 digits IPv6. */
function ip(v: string, hex: boolean): string | undefined {
  if (isAbsent(v)) return undefined;
  if (!hex) return v;
  if (/^[0-9A-Fa-f]{8}$/.test(v)) {
    return [0, 2, 4, 6].map((i) => parseInt(v.slice(i, i + 2), 16)).join('.');
  }
  if (/^[0-9A-Fa-f]{32}$/.test(v)) {
    const g: string[] = [];
    for (let i = 0; i < 32; i += 4) g.push(parseInt(v.slice(i, i + 4), 16).toString(16));
    return g.join(':');
  }
  return v;
}

/** HAProxy's `#XX` encoding of non-printables and of `"`/`#` (HAP-DOC §8.6), plus syslog-ng's `\"`. */
export function unescapeLog(v: string): string {
  if (v.indexOf('\\') >= 0) v = v.replace(/\\(["\\\]])/g, '$1');
  return v;
}

/* ---------------------------------------------------------------- the table */

const T = (
  k: keyof TrafficRec & ('Th' | 'Ti' | 'TR' | 'Tq' | 'Tw' | 'Tc' | 'Tr' | 'Td' | 'Ta' | 'Tt' | 'Tu'),
  http = false,
): AliasSpec => ({
  kind: 'int',
  http,
  set: (f, v, x) => {
    const n = int(f, v, x, true);
    if (n !== undefined) f.rec[k] = n;
  },
});
const N = (k: 'ac' | 'fc' | 'bc' | 'sc' | 'sq' | 'bq' | 'status' | 'bytesUploaded' | 'pid'): AliasSpec => ({
  kind: 'int',
  set: (f, v, x) => {
    const n = int(f, v, x);
    if (n !== undefined) f.rec[k] = n;
  },
});
/** string items: a bare '-' is HAProxy's "no value" (lf_text without a value) — except cookies, kept as Elastic does */
const S = (
  k:
    | 'reqCookie'
    | 'resCookie'
    | 'uniqueId'
    | 'hostname'
    | 'sslVersion'
    | 'sslCipher'
    | 'origin'
    | 'requestCounter'
    | 'method'
    | 'httpVersion',
  http = false,
): AliasSpec => ({
  kind: 'str',
  http,
  set: (f, v) => {
    if (v !== '' && (v !== '-' || k === 'reqCookie' || k === 'resCookie')) f.rec[k] = unescapeLog(v);
  },
});

export const ALIASES: Record<string, AliasSpec> = {
  ci: {
    kind: 'ip',
    set: (f, v, x) => {
      const a = ip(v, x);
      f.rec.client = a ?? '-';
    },
  },
  cp: {
    kind: 'port',
    set: (f, v, x) => {
      const n = int(f, v, x);
      if (n !== undefined) f.rec.clientPort = n;
    },
  },
  fi: {
    kind: 'ip',
    set: (f, v, x) => {
      f.rec.feIp = ip(v, x) ?? '-';
    },
  },
  fp: {
    kind: 'port',
    set: (f, v, x) => {
      const n = int(f, v, x);
      if (n !== undefined) f.rec.fePort = n;
    },
  },
  bi: {
    kind: 'ip',
    set: (f, v, x) => {
      f.rec.bsIp = ip(v, x) ?? '-';
    },
  },
  bp: {
    kind: 'port',
    set: (f, v, x) => {
      const n = int(f, v, x);
      if (n !== undefined) f.rec.bsPort = n;
    },
  },
  si: {
    kind: 'ip',
    set: (f, v, x) => {
      f.rec.srvIp = ip(v, x) ?? '-';
    },
  },
  sp: {
    kind: 'port',
    set: (f, v, x) => {
      const n = int(f, v, x);
      if (n !== undefined) f.rec.srvPort = n;
    },
  },
  t: {
    kind: 'date',
    set: (f, v) => {
      f.tp.acceptLocal = v;
    },
  },
  T: {
    kind: 'datetz',
    set: (f, v) => {
      f.tp.acceptTz = v;
    },
  },
  Tl: {
    kind: 'datetz',
    set: (f, v) => {
      f.tp.acceptTz = v;
    },
  },
  Ts: {
    kind: 'ts',
    set: (f, v, x) => {
      f.tp.acceptTs = x ? String(parseInt(v, 16)) : v;
    },
  },
  ms: {
    kind: 'ms',
    set: (f, v) => {
      f.tp.acceptMs = v;
    },
  },
  tr: {
    kind: 'date',
    http: true,
    set: (f, v) => {
      f.tp.reqLocal = v;
    },
  },
  trg: {
    kind: 'datetz',
    http: true,
    set: (f, v) => {
      f.tp.reqTz = v;
    },
  },
  trl: {
    kind: 'datetz',
    http: true,
    set: (f, v) => {
      f.tp.reqTz = v;
    },
  },
  // names are kept verbatim, like the tokenizer and Elastic do (`<NOSRV>`, `<STATS>`, `-`)
  f: {
    kind: 'name',
    set: (f, v) => {
      if (f.rec.frontend === undefined && v !== '') f.rec.frontend = v;
    },
  },
  ft: {
    kind: 'name',
    set: (f, v) => {
      if (v !== '') f.rec.frontend = v;
    },
  },
  b: {
    kind: 'name',
    set: (f, v) => {
      if (v !== '') f.rec.backend = v;
    },
  },
  s: {
    kind: 'name',
    set: (f, v) => {
      if (v !== '') f.rec.server = v;
    },
  },
  Th: T('Th'),
  Ti: T('Ti', true),
  TR: T('TR', true),
  Tq: T('Tq', true),
  Tw: T('Tw'),
  Tc: T('Tc'),
  Tr: T('Tr', true),
  Td: T('Td'),
  Ta: T('Ta', true),
  Tt: T('Tt'),
  Tu: T('Tu'),
  B: {
    kind: 'int',
    set: (f, v, x) => {
      const n = int(f, v, x, true);
      if (n !== undefined) f.rec.bytesRead = n;
    },
  },
  U: N('bytesUploaded'),
  ts: {
    kind: 'state',
    set: (f, v) => {
      if (!isAbsent(v)) f.rec.state = v;
    },
  },
  tsc: {
    kind: 'state',
    http: true,
    set: (f, v) => {
      f.rec.state = v;
    },
  },
  ac: N('ac'),
  fc: N('fc'),
  bc: N('bc'),
  sc: N('sc'),
  sq: N('sq'),
  bq: N('bq'),
  rc: {
    kind: 'int',
    set: (f, v, x) => {
      const n = int(f, v, x);
      if (n !== undefined) {
        f.rec.rc = n;
        if (v.charCodeAt(0) === 43) f.rec.redispatched = true;
      }
    },
  },
  ST: N('status'),
  CC: S('reqCookie', true),
  CS: S('resCookie', true),
  hr: {
    kind: 'hdr',
    set: (f, v) => {
      f.rec.reqHeaders = v;
    },
  },
  hs: {
    kind: 'hdr',
    set: (f, v) => {
      f.rec.resHeaders = v;
    },
  },
  hrl: {
    kind: 'hdrl',
    set: (f, v) => {
      f.rec.reqHeaders = clfHeaders(v);
    },
  },
  hsl: {
    kind: 'hdrl',
    set: (f, v) => {
      f.rec.resHeaders = clfHeaders(v);
    },
  },
  r: {
    kind: 'req',
    http: true,
    set: (f, v) => {
      f.rec.requestLine = unescapeLog(v);
    },
  },
  HM: S('method', true),
  HU: {
    kind: 'str',
    http: true,
    set: (f, v) => {
      if (!isAbsent(v)) f.rec.uri = unescapeLog(v);
    },
  },
  HP: {
    kind: 'str',
    http: true,
    set: (f, v) => {
      if (!isAbsent(v) && f.rec.uri === undefined) f.rec.uri = unescapeLog(v);
    },
  },
  HPO: {
    kind: 'str',
    http: true,
    set: (f, v) => {
      if (!isAbsent(v) && f.rec.uri === undefined) f.rec.uri = unescapeLog(v);
    },
  },
  HQ: {
    kind: 'str',
    http: true,
    set: () => {
      /* the query is part of %HU / %r */
    },
  },
  HV: S('httpVersion', true),
  ID: S('uniqueId'),
  H: S('hostname'),
  pid: N('pid'),
  sslv: S('sslVersion'),
  sslc: S('sslCipher'),
  OG: S('origin'),
  rt: S('requestCounter'),
  lc: {
    kind: 'int',
    set: () => {
      /* log counter: nothing to correlate on */
    },
  },
};

/** `%hrl`: captured headers CLF style (space separated, each quoted with +Q) → the `|` form of `%hr`. */
function clfHeaders(v: string): string {
  const parts = v.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
  return parts.map((p) => (p.startsWith('"') ? p.slice(1, -1) : p)).join('|');
}

/** Sample fetches equivalent to an alias, or carrying httpslog fields (HAP-DOC §8.2.4). */
const SAMPLES: Record<string, (f: Fill, v: string) => void> = {
  src: (f, v) => ALIASES.ci!.set(f, v, false),
  src_port: (f, v) => ALIASES.cp!.set(f, v, false),
  dst: (f, v) => ALIASES.fi!.set(f, v, false),
  dst_port: (f, v) => ALIASES.fp!.set(f, v, false),
  bc_src: (f, v) => ALIASES.bi!.set(f, v, false),
  bc_src_port: (f, v) => ALIASES.bp!.set(f, v, false),
  bc_dst: (f, v) => ALIASES.si!.set(f, v, false),
  bc_dst_port: (f, v) => ALIASES.sp!.set(f, v, false),
  fe_name: (f, v) => ALIASES.f!.set(f, v, false),
  be_name: (f, v) => ALIASES.b!.set(f, v, false),
  srv_name: (f, v) => ALIASES.s!.set(f, v, false),
  'txn.sess_term_state': (f, v) => ALIASES.ts!.set(f, v, false),
  'txn.status': (f, v) => ALIASES.ST!.set(f, v, false),
  'unique-id': (f, v) => ALIASES.ID!.set(f, v, false),
  fc_err: (f, v) => {
    const n = int(f, v, false);
    if (n !== undefined) f.rec.fcErr = n;
  },
  ssl_fc_err: (f, v) => {
    const n = int(f, v, false);
    if (n !== undefined) f.rec.sslFcErr = n;
  },
  'ssl_fc_err,hex': (f, v) => {
    const n = int(f, v, true);
    if (n !== undefined) f.rec.sslFcErr = n;
  },
  ssl_c_err: (f, v) => {
    const n = int(f, v, false);
    if (n !== undefined) f.rec.sslCErr = n;
  },
  ssl_c_ca_err: (f, v) => {
    const n = int(f, v, false);
    if (n !== undefined) f.rec.sslCCaErr = n;
  },
  ssl_fc_is_resumed: (f, v) => {
    if (v === '1' || v === '0' || v === 'true' || v === 'false') f.rec.resumed = v === '1' || v === 'true';
  },
  ssl_fc_sni: (f, v) => {
    if (!isAbsent(v)) f.rec.sni = v;
  },
  ssl_fc_protocol: (f, v) => ALIASES.sslv!.set(f, v, false),
  ssl_fc_cipher: (f, v) => ALIASES.sslc!.set(f, v, false),
};

/** Setter for a `%[expr]` item: a known fetch, else kept under haproxy.samples[name or expr]. */
export function sampleSetter(expr: string, name: string | undefined): (f: Fill, v: string) => void {
  const known = SAMPLES[expr.replace(/\s+/g, '')];
  if (known) return known;
  const key = name || expr;
  return (f, v) => {
    (f.rec.samples ??= {})[key] = unescapeLog(v);
  };
}

/* ---------------------------------------------------------------- dates */

/** `06/Feb/2009:12:12:51 +0100` (%T, %Tl, %trg, %trl) → epoch ms, or NaN. */
export function parseTzDate(s: string): number {
  if (s.length < 26 || s.charCodeAt(2) !== 47 || s.charCodeAt(6) !== 47 || s.charCodeAt(20) !== 32) return NaN;
  const day = d2(s, 0),
    mo = monthNumber(s.slice(3, 6)),
    y = dn(s, 7, 4);
  const h = d2(s, 12),
    mi = d2(s, 15),
    sec = d2(s, 18);
  const sign = s.charCodeAt(21) === 45 ? -1 : s.charCodeAt(21) === 43 ? 1 : NaN;
  const oh = d2(s, 22),
    om = d2(s, 24);
  if (mo === undefined || Number.isNaN(day + y + h + mi + sec + sign + oh + om)) return NaN;
  if (day < 1 || day > 31 || h > 23 || mi > 59 || sec > 60) return NaN;
  return Date.UTC(y, mo - 1, day, h, mi, sec) - sign * (oh * 60 + om) * 60000;
}

/** Any date text a JSON log may carry: HAProxy local (%t), with zone (%T), ISO, epoch s/ms. */
export function parseAnyDate(v: string, ctx: ParseContext): number {
  if (v.length >= 20 && v.charCodeAt(2) === 47) {
    return v.length >= 26 && v.charCodeAt(20) === 32 ? parseTzDate(v) : parseHaproxyDate(v, ctx.zone);
  }
  if (/^\d{4}-\d\d-\d\d/.test(v)) {
    const r = parseIsoAt(v, 0, ctx.zone);
    return r ? r.t : NaN;
  }
  if (/^\d{9,13}(\.\d+)?$/.test(v)) {
    const n = Number(v);
    return n < 1e11 ? Math.round(n * 1000) : Math.round(n);
  }
  return NaN;
}

/** a `%t`-style date without zone (`06/Feb/2009:12:12:51.443`), as opposed to %T or ISO/epoch texts */
export function isLocalDate(v: string): boolean {
  return v.length >= 20 && v.charCodeAt(2) === 47 && !(v.length >= 26 && v.charCodeAt(20) === 32);
}

/** Resolve collected date texts into rec.accept / rec.request; returns the bad text, if any. */
export function resolveTimes(f: Fill, ctx: ParseContext, envT?: number): string | undefined {
  const tp = f.tp,
    rec = f.rec;
  // zone-less local dates (%t, %tr) may be placed with the envelope's offset (fields.ts envelopeZoneShift)
  let shift = 0;
  if (tp.acceptLocal !== undefined) {
    const t = parseAnyDate(tp.acceptLocal, ctx);
    if (Number.isNaN(t)) return tp.acceptLocal;
    if (isLocalDate(tp.acceptLocal)) shift = envelopeZoneShift(t, rec.Tt ?? rec.Ta, envT, ctx);
    rec.accept = t - shift;
  } else if (tp.acceptTz !== undefined || tp.acceptTs !== undefined) {
    const t = tp.acceptTz !== undefined ? parseTzDate(tp.acceptTz) : Number(tp.acceptTs) * 1000;
    if (Number.isNaN(t)) return tp.acceptTz ?? tp.acceptTs;
    const ms = tp.acceptMs !== undefined ? Number(tp.acceptMs) : 0;
    rec.accept = t + (Number.isInteger(ms) && ms >= 0 && ms < 1000 ? ms : 0);
  }
  const rq = tp.reqLocal ?? tp.reqTz;
  if (rq !== undefined) {
    const t = tp.reqLocal !== undefined ? parseAnyDate(rq, ctx) : parseTzDate(rq);
    if (Number.isNaN(t)) return rq;
    if (tp.reqLocal !== undefined && isLocalDate(rq)) {
      if (rec.accept === undefined) shift = envelopeZoneShift(t, rec.Ta ?? rec.Tt, envT, ctx);
      rec.request = t - shift;
    } else rec.request = t;
  }
  return undefined;
}
