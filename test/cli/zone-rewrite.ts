/**
 * Test inputs for per-file zones and the clock-offset check, made from the bundled lab logs (examples/lab,
 * written in UTC by real HAProxy 2.6 and MariaDB 10.11) by rewriting their stamps, never typed by hand.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './paths.js';
import { monthNumber } from '../../parsers/time.js';

export const LAB = path.join(ROOT, 'examples/lab/13_mixed');

export function tmpDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'goneaway-tz-'));
}

const p2 = (n: number): string => String(n).padStart(2, '0');

/** wall clock of UTC epoch `t` in `zone`: [year, month, day, h, mi, s] */
function wall(t: number, zone: string): number[] {
  // Swedish dates are ISO-shaped: "2026-11-25 00:43:25"
  return new Date(t).toLocaleString('sv-SE', { timeZone: zone }).split(/\D+/).map(Number);
}

/** `+01:00` of `zone` at `t` */
function offsetOf(t: number, zone: string): string {
  const [y, mo, d, h, mi, s] = wall(t, zone);
  const m = Math.round((Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) - Math.floor(t / 1000) * 1000) / 60_000);
  return `${m < 0 ? '-' : '+'}${p2(Math.floor(Math.abs(m) / 60))}:${p2(Math.abs(m) % 60)}`;
}

/**
 * The lab's RFC3164 HAProxy lines (`Nov 24 23:43:28 host haproxy[1]: …`, UTC) as rsyslog's RFC3339 file
 * format writes them (Debian 12's default: `2026-11-24T23:43:28+00:00 host …`), with the stamp and the
 * `[%t]` accept date in `zone`'s wall clock, and everything moved by `shiftMs`.
 */
export function haproxyRfc3339(text: string, zone = 'UTC', shiftMs = 0): string {
  let year = 2026;
  return text.replace(
    /^(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) (.*)$/gm,
    (_all, mon: string, day: string, h: string, mi: string, s: string, rest: string) => {
      const y = /\[\d\d\/\w{3}\/(\d{4}):/.exec(rest);
      if (y) year = Number(y[1]);
      const t = Date.UTC(year, monthNumber(mon)! - 1, Number(day), Number(h), Number(mi), Number(s)) + shiftMs;
      const [wy, wmo, wd, wh, wmi, ws] = wall(t, zone);
      const stamp = `${wy}-${p2(wmo!)}-${p2(wd!)}T${p2(wh!)}:${p2(wmi!)}:${p2(ws!)}${offsetOf(t, zone)}`;
      return `${stamp} ${moveAccept(rest, zone, shiftMs)}`;
    },
  );
}

/** HAProxy's `[24/Nov/2026:23:43:26.480]` (UTC) in `zone`'s wall clock, moved by `shiftMs` */
function moveAccept(rest: string, zone: string, shiftMs: number): string {
  return rest.replace(
    /\[(\d\d)\/(\w{3})\/(\d{4}):(\d\d):(\d\d):(\d\d)\.(\d{3})\]/,
    (_a, d: string, mon: string, y: string, h: string, mi: string, s: string, ms: string) => {
      const t = Date.UTC(Number(y), monthNumber(mon)! - 1, Number(d), Number(h), Number(mi), Number(s)) + shiftMs;
      const [wy, wmo, wd, wh, wmi, ws] = wall(t, zone);
      const name = new Date(Date.UTC(2000, wmo! - 1, 1)).toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
      return `[${p2(wd!)}/${name}/${wy}:${p2(wh!)}:${p2(wmi!)}:${p2(ws!)}.${ms}]`;
    },
  );
}

/**
 * A log the lab wrote in UTC as its host would have written it with the clock in `zone`: MariaDB general-log
 * `261124 23:43:25`, error-log / Python logging `2026-11-24 23:43:25` and Laravel `[2026-11-24 23:43:25]`
 * line starts rewritten (zone-less stamps all).
 */
export function localStamps(text: string, zone: string): string {
  return text
    .replace(/^(\d\d)(\d\d)(\d\d) (\d\d):(\d\d):(\d\d)/gm, (_a, y, mo, d, h, mi, s) => {
      const [wy, wmo, wd, wh, wmi, ws] = wall(Date.UTC(2000 + Number(y), Number(mo) - 1, +d, +h, +mi, +s), zone);
      return `${p2(wy! % 100)}${p2(wmo!)}${p2(wd!)} ${p2(wh!)}:${p2(wmi!)}:${p2(ws!)}`;
    })
    .replace(/^(\[?)(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)/gm, (_a, b, y, mo, d, h, mi, s) => {
      const [wy, wmo, wd, wh, wmi, ws] = wall(Date.UTC(+y, Number(mo) - 1, +d, +h, +mi, +s), zone);
      return `${b}${wy}-${p2(wmo!)}-${p2(wd!)} ${p2(wh!)}:${p2(wmi!)}:${p2(ws!)}`;
    });
}

/** writes `name` in `dir` from the lab file `from`, rewritten by `how`; returns its path */
export function rewrite(dir: string, from: string, name: string, how: (s: string) => string = (s) => s): string {
  const p = path.join(dir, name);
  writeFileSync(p, how(readFileSync(path.join(LAB, from), 'utf8')));
  return p;
}

/** what a `correlate --format json` run concluded, event by event (times, verdicts, joined threads) */
export function verdicts(stdout: string): string[] {
  const out = JSON.parse(stdout) as { events: Array<Record<string, any>> };
  return out.events.map((e) =>
    [e['@timestamp'], e.goneaway.kind, e.goneaway.cause, e.goneaway.confidence, e.mysql?.thread_id].join(' '),
  );
}
