/**
 * Fast wall-clock → UTC conversion for log timestamps: the dates of the logs read (month names, HAProxy, ISO,
 * syslog), the year of a year-less date, and epoch ms written back as ISO text.
 *
 * date-fns `parse()` on every line measured ~128k lines/s against ~950k for a hand parser
 * (issue #2), so per-line parsing is hand-written here and the zone offset is cached per
 * local hour (zones.ts): one Intl lookup per hour of log, not per line.
 */
import type { ZoneConverter } from './types.js';

const MONTHS: Record<string, number> = {
  Jan: 1,
  Feb: 2,
  Mar: 3,
  Apr: 4,
  May: 5,
  Jun: 6,
  Jul: 7,
  Aug: 8,
  Sep: 9,
  Oct: 10,
  Nov: 11,
  Dec: 12,
};

/** 'Feb' → 2; undefined when not a month abbreviation */
export function monthNumber(abbr: string): number | undefined {
  return MONTHS[abbr];
}

/**
 * `%b` in other locales (glibc's abmon / ab_alt_mon, /usr/share/i18n/locales): journalctl and rsyslog
 * print the month in the machine's LC_TIME (`сен 01 12:00:00 db1 mariadbd[1]: …`). Lower-cased; a word
 * means the same month in every locale that has it (`mar`, `lis`), so one table serves them all.
 * docs/formats/mysql-localized.md lists the locales.
 */
const LOCAL_MONTHS: ReadonlyMap<string, number> = new Map(
  (
    [
      ['de', 'jan feb mär apr mai jun jul aug sep okt nov dez'],
      ['fr', 'janv. févr. mars avril mai juin juil. août sept. oct. nov. déc.'],
      ['es', 'ene feb mar abr may jun jul ago sep oct nov dic'],
      ['it', 'gen feb mar apr mag giu lug ago set ott nov dic'],
      ['pt', 'jan fev mar abr mai jun jul ago set out nov dez'],
      ['nl', 'jan feb mrt apr mei jun jul aug sep okt nov dec'],
      ['sv', 'jan feb mar apr maj jun jul aug sep okt nov dec'],
      ['pl', 'sty lut mar kwi maj cze lip sie wrz paź lis gru'],
      ['cs', 'led úno bře dub kvě čen čec srp zář říj lis pro'],
      ['ru', 'янв фев мар апр мая июн июл авг сен окт ноя дек'],
      ['ru-alt', 'янв фев мар апр май июн июл авг сен окт ноя дек'],
      ['uk', 'січ лют бер кві тра чер лип сер вер жов лис гру'],
    ] as const
  ).flatMap(([, words]) => words.split(' ').map((w, i) => [w, i + 1] as const)),
);

/** A localized `%b` at i, followed by a space: its month and where the space is; undefined otherwise. */
export function localMonthAt(s: string, i: number): { month: number; end: number } | undefined {
  const sp = s.indexOf(' ', i);
  if (sp < i + 3 || sp > i + 5) return undefined;
  const mo = LOCAL_MONTHS.get(s.slice(i, sp).toLowerCase());
  return mo === undefined ? undefined : { month: mo, end: sp };
}

const FIXED = /^(?:UTC|GMT|Z)?([+-])(\d{1,2}):?(\d{2})?$/;

/** Offset in minutes of a fixed-offset zone spec ("+05:00", "-0330", "UTC+2"), or undefined. */
export function parseFixedOffset(spec: string): number | undefined {
  if (spec === 'UTC' || spec === 'Z' || spec === 'GMT' || spec === 'Etc/UTC') return 0;
  const m = FIXED.exec(spec);
  if (!m) return undefined;
  const h = Number(m[2]);
  const mi = m[3] ? Number(m[3]) : 0;
  if (h > 14 || mi > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (h * 60 + mi);
}

/** 2 ASCII digits at i → number, or NaN */
export function d2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48,
    b = s.charCodeAt(i + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return NaN;
  return a * 10 + b;
}

/** n ASCII digits at i → number, or NaN */
export function dn(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

/**
 * HAProxy `%t` / `%tr`: `06/Feb/2009:12:12:51.443` (local time, no zone). Returns epoch ms or NaN.
 * Also accepts the variant without milliseconds.
 */
export function parseHaproxyDate(s: string, zone: ZoneConverter): number {
  if (s.length < 20 || s.charCodeAt(2) !== 47 /* / */ || s.charCodeAt(6) !== 47) return NaN;
  const day = d2(s, 0);
  const mo = MONTHS[s.slice(3, 6)];
  const y = dn(s, 7, 4);
  const h = d2(s, 12),
    mi = d2(s, 15),
    sec = d2(s, 18);
  let ms = 0;
  if (s.length >= 24 && s.charCodeAt(20) === 46) ms = dn(s, 21, 3);
  if (mo === undefined || Number.isNaN(day + y + h + mi + sec + ms)) return NaN;
  if (day < 1 || day > 31 || h > 23 || mi > 59 || sec > 60) return NaN;
  return zone.toEpoch(y, mo, day, h, mi, sec, ms);
}

/**
 * ISO-8601 / RFC3339 with optional fraction and optional offset (`Z`, `+01:00`, `+0100`).
 * `2026-11-23T20:21:21.257521Z`, `2020-08-07T10:02:00.832521-05:00`, `2019-10-16 17:24:15`,
 * `2021-07-06  7:29:32` (MariaDB space-padded hour). Zone-less times use `zone`.
 * Returns { t, end } where end is the index after the timestamp, or undefined.
 */
export function parseIsoAt(s: string, i: number, zone: ZoneConverter): { t: number; end: number } | undefined {
  const y = dn(s, i, 4);
  if (Number.isNaN(y) || s.charCodeAt(i + 4) !== 45 || s.charCodeAt(i + 7) !== 45) return undefined;
  const mo = d2(s, i + 5),
    d = d2(s, i + 8);
  let p = i + 10;
  const sep = s.charCodeAt(p);
  if (sep !== 84 /* T */ && sep !== 32) return undefined;
  p++;
  if (sep === 32 && s.charCodeAt(p) === 32) p++; // "2021-07-06  7:29:32"
  let h: number;
  if (s.charCodeAt(p + 1) === 58) {
    h = dn(s, p, 1);
    p += 1;
  } else {
    h = d2(s, p);
    p += 2;
  }
  if (s.charCodeAt(p) !== 58) return undefined;
  const mi = d2(s, p + 1);
  if (s.charCodeAt(p + 3) !== 58) return undefined;
  const sec = d2(s, p + 4);
  p += 6;
  let ms = 0;
  if (s.charCodeAt(p) === 46 || s.charCodeAt(p) === 44) {
    p++;
    let digits = 0,
      frac = 0;
    while (p < s.length) {
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 9) break;
      if (digits < 3) frac = frac * 10 + c;
      digits++;
      p++;
    }
    if (digits === 0) return undefined;
    while (digits < 3) {
      frac *= 10;
      digits++;
    }
    ms = frac;
  }
  if (Number.isNaN(mo + d + h + mi + sec) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
    return undefined;
  const c = s.charCodeAt(p);
  if (c === 90 /* Z */) {
    return { t: Date.UTC(y, mo - 1, d, h, mi, sec, ms), end: p + 1 };
  }
  if (c === 43 || c === 45) {
    const oh = d2(s, p + 1);
    let q = p + 3;
    if (s.charCodeAt(q) === 58) q++;
    const om = d2(s, q);
    if (!Number.isNaN(oh) && !Number.isNaN(om)) {
      const off = (c === 45 ? -1 : 1) * (oh * 60 + om) * 60000;
      return { t: Date.UTC(y, mo - 1, d, h, mi, sec, ms) - off, end: q + 2 };
    }
  }
  return { t: zone.toEpoch(y, mo, d, h, mi, sec, ms), end: p };
}

/**
 * Syslog RFC3164 date `Feb  6 12:14:14` / `Feb 06 12:14:14` at index i (year-less, zone-less).
 * Returns the parts; the caller chooses the year (never the current year blindly: see docs/parsing-pitfalls.md #3).
 */
export function parseSyslogDateAt(
  s: string,
  i: number,
): { month: number; day: number; h: number; mi: number; s: number; end: number } | undefined {
  let mo: number | undefined = MONTHS[s.slice(i, i + 3)];
  let p = i + 4;
  if (mo === undefined || s.charCodeAt(i + 3) !== 32) {
    // the machine's locale: `сен 01 12:00:00`, `Okt 03 …`, `janv. 5 …` (never tried when English fits)
    const lm = localMonthAt(s, i);
    if (lm === undefined) return undefined;
    mo = lm.month;
    p = lm.end + 1;
  }
  let day: number;
  if (s.charCodeAt(p) === 32) {
    day = dn(s, p + 1, 1);
    p += 2;
  } else if (s.charCodeAt(p + 1) === 32) {
    day = dn(s, p, 1);
    p += 1;
  } else {
    day = d2(s, p);
    p += 2;
  }
  if (s.charCodeAt(p) !== 32) return undefined;
  const h = d2(s, p + 1),
    mi = d2(s, p + 4),
    sec = d2(s, p + 7);
  if (s.charCodeAt(p + 3) !== 58 || s.charCodeAt(p + 6) !== 58) return undefined;
  if (Number.isNaN(day + h + mi + sec) || day < 1 || day > 31 || h > 23 || mi > 59 || sec > 60) return undefined;
  return { month: mo, day, h, mi, s: sec, end: p + 9 };
}

/**
 * Pick the year for a year-less date: the one that puts it closest to `refMs` (the last dated
 * record seen), so a December line read in January lands in December of last year.
 */
export function closestYear(
  month: number,
  day: number,
  h: number,
  mi: number,
  s: number,
  refMs: number,
  zone: ZoneConverter,
  refIsUpperBound = false,
): number {
  const refYear = new Date(refMs).getUTCFullYear();
  let best = refYear,
    bestDist = Infinity;
  for (const y of [refYear - 1, refYear, refYear + 1]) {
    const at = zone.toEpoch(y, month, day, h, mi, s, 0);
    // refTime = the file's mtime: no line is later than that (one day of slack for zones and clocks),
    // so `Mar 12` in a file written in November is this March, not next (docs/parsing-pitfalls.md #3)
    if (refIsUpperBound && at > refMs + 86_400_000) continue;
    const dist = Math.abs(at - refMs);
    if (dist < bestDist) {
      best = y;
      bestDist = dist;
    }
  }
  return best;
}

const P2: string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + i);
const P3Z: string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0') + 'Z');
let dayKey = NaN;
let dayStr = '';

/**
 * epoch ms → `2026-11-23T20:21:21.257Z`, same output as Date#toISOString for years 1000–9999.
 * Integer arithmetic (civil-from-days, H. Hinnant) plus a memo of the last day's date part: this
 * runs two or three times per HAProxy line, and Date objects made it ~15 % of the parse profile.
 */
export function isoUtc(t: number): string {
  if (!Number.isInteger(t) || t < -30610224000000 || t >= 253402300800000) return new Date(t).toISOString();
  const day = Math.floor(t / 86_400_000);
  let rem = t - day * 86_400_000;
  if (day !== dayKey) {
    const z = day + 719468;
    const era = Math.floor(z / 146097);
    const doe = z - era * 146097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const m = mp < 10 ? mp + 3 : mp - 9;
    const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    if (y < 1000 || y > 9999) return new Date(t).toISOString();
    dayKey = day;
    dayStr = `${y}-${P2[m]}-${P2[d]}T`;
  }
  const h = Math.floor(rem / 3_600_000);
  rem -= h * 3_600_000;
  const mi = Math.floor(rem / 60_000);
  rem -= mi * 60_000;
  const sec = Math.floor(rem / 1000);
  return dayStr + P2[h] + ':' + P2[mi] + ':' + P2[sec] + '.' + P3Z[rem - sec * 1000];
}
