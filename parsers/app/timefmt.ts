/**
 * `time_format` of a user app pattern, compiled ONCE into a hand parser (date-fns `parse()` per line is
 * ~7x slower: parsers/time.ts header, issue #2). Accepted: `iso` (every stamp stamp.ts knows),
 * `epoch_ms`, `epoch_s` (fraction allowed), or date-fns-style tokens:
 *   yyyy yy  MMM MM M  dd d  HH H hh h a  mm  ss  S…S (fraction)  XXX XX X xxx xx (offsets)  EEE (skipped)
 *   'quoted literal' ('' = quote); any non-letter is a literal.
 * date-fns is used at compile time only, to validate: its `format()` of a sample date must parse back to
 * the same instant with the compiled parser, so our token meanings cannot drift from date-fns'.
 */
import { createRequire } from 'node:module';
import type { ParseContext, ZoneConverter } from '../types.js';
import { monthNumber } from '../time.js';
import { parseStampAt } from './stamp.js';

// The one function, not the package's index (importing 'date-fns' loads its ~250 modules), and only when a
// `time_format` is compiled: even 'date-fns/format' is 37 modules, ~30 ms of CPU at every start of `goneaway`
// (docs/performance.md "Start-up"). Its CommonJS build is required: that keeps this synchronous.
const dfFormat = (): typeof import('date-fns/format').format =>
  (createRequire(import.meta.url)('date-fns/format') as typeof import('date-fns/format')).format;

export type TimeParser = (s: string, ctx: ParseContext) => number | undefined;

type Tok =
  | { k: 'lit'; v: string }
  | { k: 'num'; f: 'y' | 'yy' | 'M' | 'd' | 'H' | 'h' | 'm' | 's'; min: number; max: number }
  | { k: 'frac'; n: number }
  | { k: 'mon' }
  | { k: 'ampm' }
  | { k: 'dow' }
  | { k: 'off'; colon: 'yes' | 'no' | 'opt'; z: boolean; hoursOnly: boolean };

const SUGGEST = "use yyyy MM dd HH mm ss SSS (and MMM, XXX for +01:00), or 'iso' / 'epoch_ms' / 'epoch_s'";

function tokenize(fmt: string): Tok[] | { error: string } {
  const toks: Tok[] = [];
  let i = 0;
  while (i < fmt.length) {
    const c = fmt[i]!;
    if (c === "'") {
      const j = fmt.indexOf("'", i + 1);
      if (j < 0) return { error: `unterminated quote at position ${i}` };
      toks.push({ k: 'lit', v: j === i + 1 ? "'" : fmt.slice(i + 1, j) });
      i = j + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      toks.push({ k: 'lit', v: c });
      i++;
      continue;
    }
    let j = i;
    while (fmt[j] === c) j++;
    const run = fmt.slice(i, j),
      n = run.length;
    i = j;
    switch (c) {
      case 'y':
        if (n === 4) toks.push({ k: 'num', f: 'y', min: 4, max: 4 });
        else if (n === 2) toks.push({ k: 'num', f: 'yy', min: 2, max: 2 });
        else return { error: `unsupported token "${run}"` };
        break;
      case 'M':
        if (n === 3) toks.push({ k: 'mon' });
        else if (n <= 2) toks.push({ k: 'num', f: 'M', min: n, max: 2 });
        else return { error: `unsupported token "${run}" (month names: use MMM)` };
        break;
      case 'd':
      case 'H':
      case 'h':
      case 'm':
      case 's':
        if (n > 2) return { error: `unsupported token "${run}"` };
        toks.push({ k: 'num', f: c, min: n, max: 2 });
        break;
      case 'S':
        if (n > 9) return { error: `unsupported token "${run}"` };
        toks.push({ k: 'frac', n });
        break;
      case 'a':
        toks.push({ k: 'ampm' });
        break;
      case 'E':
        toks.push({ k: 'dow' });
        break;
      case 'X':
      case 'x':
        if (n > 3) return { error: `unsupported token "${run}"` };
        toks.push({ k: 'off', colon: n === 3 ? 'yes' : n === 2 ? 'no' : 'opt', z: c === 'X', hoursOnly: n === 1 });
        break;
      case 'Y':
        return { error: `"${run}" is the week-numbering year in date-fns; use "yyyy"` };
      case 'D':
        return { error: `"${run}" is the day of the year in date-fns; use "dd"` };
      case 'Z':
        return { error: `"${run}" is not a date-fns token; use "xx" for +0000 or "XXX" for Z / +00:00` };
      default:
        return { error: `unsupported token "${run}"` };
    }
  }
  return toks;
}

/** Run the token list over s; wall-clock parts + optional offset (minutes) */
function run(
  toks: Tok[],
  s: string,
): { y: number; mo: number; d: number; h: number; mi: number; sec: number; ms: number; off?: number } | undefined {
  let p = 0,
    y = 1970,
    mo = 1,
    d = 1,
    h = 0,
    mi = 0,
    sec = 0,
    ms = 0,
    pm: boolean | undefined,
    h12 = false;
  let off: number | undefined;
  for (const t of toks) {
    if (t.k === 'lit') {
      if (!s.startsWith(t.v, p)) return undefined;
      p += t.v.length;
      continue;
    }
    if (t.k === 'num') {
      let q = p,
        v = 0;
      while (q < s.length && q - p < t.max) {
        const c = s.charCodeAt(q) - 48;
        if (c < 0 || c > 9) break;
        v = v * 10 + c;
        q++;
      }
      if (q - p < t.min) return undefined;
      p = q;
      switch (t.f) {
        case 'y':
          y = v;
          break;
        case 'yy':
          y = 2000 + v;
          break;
        case 'M':
          mo = v;
          break;
        case 'd':
          d = v;
          break;
        case 'H':
          h = v;
          break;
        case 'h':
          h = v;
          h12 = true;
          break;
        case 'm':
          mi = v;
          break;
        case 's':
          sec = v;
          break;
      }
      continue;
    }
    if (t.k === 'frac') {
      let q = p,
        v = 0,
        n = 0;
      while (q < s.length && n < t.n) {
        const c = s.charCodeAt(q) - 48;
        if (c < 0 || c > 9) break;
        if (n < 3) v = v * 10 + c;
        n++;
        q++;
      }
      if (n < t.n) return undefined;
      for (let k = n; k < 3; k++) v *= 10;
      ms = v;
      p = q;
      continue;
    }
    if (t.k === 'mon') {
      const m = monthNumber(s.slice(p, p + 3));
      if (m === undefined) return undefined;
      mo = m;
      p += 3;
      continue;
    }
    if (t.k === 'dow') {
      while (p < s.length && /[A-Za-z]/.test(s[p]!)) p++;
      continue;
    }
    if (t.k === 'ampm') {
      const a = s.slice(p, p + 2).toUpperCase();
      if (a !== 'AM' && a !== 'PM') return undefined;
      pm = a === 'PM';
      p += 2;
      continue;
    }
    // offset
    if (t.z && s[p] === 'Z') {
      off = 0;
      p++;
      continue;
    }
    const m = /^([+-])(\d\d)(?::?(\d\d))?/.exec(s.slice(p, p + 6));
    if (!m) return undefined;
    if (t.colon === 'yes' && m[3] !== undefined && s[p + 3] !== ':') return undefined;
    if (t.colon === 'no' && s[p + 3] === ':') return undefined;
    off = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
    p += m[0].length;
  }
  if (s.slice(p).trim().length > 0) return undefined;
  if (h12) {
    if (h < 1 || h > 12) return undefined;
    if (pm !== undefined) h = (h % 12) + (pm ? 12 : 0);
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return undefined;
  return { y, mo, d, h, mi, sec, ms, off };
}

const UTC: ZoneConverter = { name: 'UTC', toEpoch: (y, mo, d, h, mi, s, ms) => Date.UTC(y, mo - 1, d, h, mi, s, ms) };

export function compileTimeFormat(fmt: string): { parse: TimeParser } | { error: string; fix: string } {
  const f = fmt.trim();
  if (f === 'iso') return { parse: (s, ctx) => parseStampAt(s.trim(), 0, ctx)?.t };
  if (f === 'epoch_ms' || f === 'epoch_s') {
    const mul = f === 'epoch_ms' ? 1 : 1000;
    return { parse: (s) => (/^\s*\d{1,16}(?:\.\d+)?\s*$/.test(s) ? Math.round(Number(s) * mul) : undefined) };
  }
  const toks = tokenize(f);
  if (!Array.isArray(toks)) return { error: toks.error, fix: SUGGEST };
  if (!toks.some((t) => t.k === 'num' && (t.f === 'y' || t.f === 'yy')))
    return {
      error: 'time_format has no year (yyyy)',
      fix: 'add yyyy (a stamp without a year cannot be placed in time)',
    };
  if (!toks.some((t) => t.k === 'num' && (t.f === 'H' || t.f === 'h')))
    return { error: 'time_format has no hour (HH)', fix: SUGGEST };
  const parse: TimeParser = (s, ctx) => {
    const r = run(toks, s);
    if (!r) return undefined;
    if (r.off !== undefined) return Date.UTC(r.y, r.mo - 1, r.d, r.h, r.mi, r.sec, r.ms) - r.off * 60000;
    const t = ctx.zone.toEpoch(r.y, r.mo, r.d, r.h, r.mi, r.sec, r.ms);
    return Number.isFinite(t) ? t : undefined;
  };
  // validation against date-fns' own reading of the same tokens
  const sample = new Date(2026, 10, 23, 20, 21, 26, 198);
  let text: string;
  try {
    text = dfFormat()(sample, f);
  } catch (e) {
    return { error: `date-fns rejects it: ${(e as Error).message}`, fix: SUGGEST };
  }
  const hasOff = toks.some((t) => t.k === 'off');
  const got = parse(text, { zone: UTC });
  const want = hasOff ? sample.getTime() : Date.UTC(2026, 10, 23, 20, 21, 26, 198);
  const fracDigits = toks.reduce((n, t) => (t.k === 'frac' ? t.n : n), 0);
  const grain = fracDigits >= 3 ? 1 : fracDigits === 2 ? 10 : fracDigits === 1 ? 100 : 1000;
  const secs = toks.some((t) => t.k === 'num' && t.f === 's') ? grain : 60000;
  if (got === undefined || Math.floor(want / secs) !== Math.floor(got / secs)) {
    return { error: `the compiled parser cannot read back date-fns' output "${text}"`, fix: SUGGEST };
  }
  return { parse };
}
