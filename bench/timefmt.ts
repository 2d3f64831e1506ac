/**
 * Timestamp renderings of the formats we generate (all UTC: the bench runs goneaway with
 * --timezone UTC). Second-level parts are cached because generators emit in time order.
 * Shapes from docs/haproxy-logs.md and docs/mysql-logs.md: §1.1 syslog (day space-padded), §1.3 HAProxy accept date,
 * §2.1 MariaDB error log (hour space-padded), §3 general logs (MariaDB yymmdd / MySQL ISO µs).
 */

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function p2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}
function s2(n: number): string {
  return n < 10 ? ' ' + n : String(n);
}
function p3(n: number): string {
  return n < 10 ? '00' + n : n < 100 ? '0' + n : String(n);
}

interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

/** Splits epoch ms into UTC parts, caching the last second seen. */
class SecondParts {
  private sec = NaN;
  private parts: Parts = { y: 0, mo: 0, d: 0, h: 0, mi: 0, s: 0 };
  get(t: number): Parts {
    const sec = Math.floor(t / 1000);
    if (sec !== this.sec) {
      const dt = new Date(sec * 1000);
      this.parts = {
        y: dt.getUTCFullYear(),
        mo: dt.getUTCMonth(),
        d: dt.getUTCDate(),
        h: dt.getUTCHours(),
        mi: dt.getUTCMinutes(),
        s: dt.getUTCSeconds(),
      };
      this.sec = sec;
    }
    return this.parts;
  }
}

/** A per-second cache of a rendered prefix: `fmt(t)` calls `render` once per distinct second. */
function cachedBySecond(render: (p: Parts) => string): (t: number) => string {
  const parts = new SecondParts();
  let sec = NaN;
  let out = '';
  return (t: number) => {
    const s = Math.floor(t / 1000);
    if (s !== sec) {
      sec = s;
      out = render(parts.get(t));
    }
    return out;
  };
}

function ms(t: number): number {
  return ((t % 1000) + 1000) % 1000;
}

export interface TimeFormats {
  /** `Nov 23 20:21:24` / `Nov  3 09:01:02` (RFC3164, day space-padded) */
  syslog(t: number): string;
  /** `23/Nov/2026:20:21:21.257` (HAProxy %t / %tr) */
  haproxy(t: number): string;
  /** `2026-11-23 20:21:24` / `2026-11-23  9:01:02` (MariaDB error log) */
  mariadbError(t: number): string;
  /** `261123 20:22:02` / `261123  9:01:02` (MariaDB general log) */
  mariadbGeneral(t: number): string;
  /** `2026-11-23T20:21:24.123456Z` (MySQL 8 error and general log; µs = ms*1000 + extra) */
  mysqlIso(t: number, micros: number): string;
  /** `2026-11-23 20:21:26` (Laravel/Monolog inside brackets) */
  laravel(t: number): string;
  /** `2026-11-23 20:21:26,198` (Python logging asctime) */
  python(t: number): string;
}

/** One set of formatters (each keeps its own cache, so use one set per output stream). */
export function timeFormats(): TimeFormats {
  const syslog = cachedBySecond((p) => `${MON[p.mo]} ${s2(p.d)} ${p2(p.h)}:${p2(p.mi)}:${p2(p.s)}`);
  const hap = cachedBySecond((p) => `${p2(p.d)}/${MON[p.mo]}/${p.y}:${p2(p.h)}:${p2(p.mi)}:${p2(p.s)}`);
  const date = (p: Parts) => `${p.y}-${p2(p.mo + 1)}-${p2(p.d)}`;
  const mErr = cachedBySecond((p) => `${date(p)} ${s2(p.h)}:${p2(p.mi)}:${p2(p.s)}`);
  const mGen = cachedBySecond((p) => `${p2(p.y % 100)}${p2(p.mo + 1)}${p2(p.d)} ${s2(p.h)}:${p2(p.mi)}:${p2(p.s)}`);
  const iso = cachedBySecond((p) => `${date(p)}T${p2(p.h)}:${p2(p.mi)}:${p2(p.s)}`);
  const plain = cachedBySecond((p) => `${date(p)} ${p2(p.h)}:${p2(p.mi)}:${p2(p.s)}`);
  return {
    syslog,
    haproxy: (t) => `${hap(t)}.${p3(ms(t))}`,
    mariadbError: mErr,
    mariadbGeneral: mGen,
    mysqlIso: (t, micros) => `${iso(t)}.${p3(ms(t))}${p3(((micros % 1000) + 1000) % 1000)}Z`,
    laravel: plain,
    python: (t) => `${plain(t)},${p3(ms(t))}`,
  };
}

/** Right-align an integer in `width` columns (printf %Nu). */
export function padLeft(n: number, width: number): string {
  const s = String(n);
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}

/** Default start of the single-format generators: day 23 (two digits, so lnav's syslog regex
 * matches: docs/mysql-logs.md §4) and 09:40 UTC, so MariaDB's space-padded hour (` 9`) and the
 * two-digit hours both occur in one file. */
export const DEFAULT_START = Date.UTC(2026, 10, 23, 9, 40, 0);
