/**
 * HAProxy log-format aliases (HAP-DOC §8.2.6 table, docs/haproxy-logs.md §1.8): for each alias, the shape of its
 * value (→ regex in log-format.ts, → value coercion in json.ts) and where it lands in a TrafficRec. The sample
 * fetches that are documented "alternatives" of an alias and the httpslog fetches: sample-fetches.ts.
 */
import { clfHeaders, int, ip, isAbsent, N, S, T, unescapeLog, type AliasSpec } from './alias-values.js';

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
