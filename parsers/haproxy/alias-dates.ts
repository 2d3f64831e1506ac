/**
 * The dates of a log-format line (%t, %T, %Tl, %Ts + %ms, %tr, %trg, %trl) and of a JSON log: collected as texts
 * while the items are read (alias-values.ts TimeParts), resolved into the accept and request times at the end.
 */
import type { ParseContext } from '../types.js';
import { monthNumber, d2, dn, parseHaproxyDate, parseIsoAt } from '../time.js';
import type { Fill } from './alias-values.js';
import { envelopeZoneShift } from './dates.js';

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
  // zone-less local dates (%t, %tr) may be placed with the envelope's offset (dates.ts envelopeZoneShift)
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
