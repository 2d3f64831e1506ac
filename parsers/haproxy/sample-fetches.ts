/**
 * `%[expr]` items of a log-format: the sample fetches documented as alternatives of an alias (`%[bc_src]` = `%bi`,
 * HAP-DOC §8.2.4) fill the same fields, as do the httpslog fetches; any other is kept under haproxy.samples.
 */
import { ALIASES } from './aliases.js';
import { int, isAbsent, unescapeLog, type Fill } from './alias-values.js';

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
