/**
 * The tcplog precheck: a default-format `option tcplog` line ending in a normal close (`--`), read from its
 * UTF-8 bytes without decoding it (docs/performance.md, "The precheck"). `correlate` without app logs drops
 * such a close on a server no MySQL log is read for as it arrives (src/correlate/store.ts `skips`): it only
 * needs to know that the line parses, its server, its accept date and Tt, not the record.
 *
 * Exactness: `normalCloseOfBytes` answers true only for a line that `parseHaproxyLine` parses as a tcplog
 * record with a state starting with '-', the same server, `t` and `Tt` (property-tested against it:
 * test/parsers/haproxy-precheck.test.ts). It follows the parser's steps (index.ts parseInner, traffic.ts,
 * tcplog.ts, tail.ts) and declines, leaving the line to the parser, wherever they could go another way:
 * - the envelope and the accept date are read only from the parsers' memos (syslog.ts payloadStartOfBytes,
 *   dates.ts haproxyDateOfBytes), which the full parse of the line before set; no envelope with a time of
 *   its own (RFC 3339/5424 stamps shift zone-less dates: dates.ts envelopeZoneShift) is read here;
 * - extra tokens (a Host header before the timers, fields after the queues), httplog timers, an error-log
 *   frontend (`fe/bind:`), an IPv6 or unix client, a line over 256 KiB: declined;
 * - the caller applies it only to files with no container prefix and no custom log-format
 *   (index.ts `onlyBuiltinFormats`).
 * The tail is read from the line's end first: an abnormal close is declined after its last four tokens.
 */
import type { ZoneConverter } from '../types.js';
import { payloadStartOfBytes } from '../syslog.js';
import { haproxyDateOfBytes } from './dates.js';

/** what the precheck read of a line it answered true for */
export interface NormalClose {
  /** the accept date, epoch ms (the record's `t`) */
  t: number;
  /** Tt, the total time (the record's `Tt`) */
  tt: number;
  /** the server name is b[serverStart, serverEnd) */
  serverStart: number;
  serverEnd: number;
}

export const newNormalClose = (): NormalClose => ({ t: 0, tt: 0, serverStart: 0, serverEnd: 0 });

/** HAProxy's largest `len` is 65535; index.ts MAX_LINE refuses anything beyond this */
const MAX_LINE = 256 * 1024;
const SP = 32,
  SLASH = 47;

/** the numbers of one `a/b/c…` token (tail.ts slashNums over bytes: optional sign, 1–15 digits each) */
const nums = [0, 0, 0, 0, 0];
function numsOf(b: Uint8Array, a: number, e: number, max: number): number {
  let count = 0,
    start = a;
  for (let i = a; i <= e; i++) {
    if (i !== e && b[i] !== SLASH) continue;
    if (count >= max) return -1;
    let j = start,
      neg = false,
      v = 0;
    const c0 = b[j];
    if (c0 === 43) j++;
    else if (c0 === 45) {
      neg = true;
      j++;
    }
    if (j >= i || i - j > 15) return -1;
    for (; j < i; j++) {
      const c = b[j]! - 48;
      if (!(c >= 0 && c <= 9)) return -1;
      v = v * 10 + c;
    }
    nums[count++] = neg ? -v : v;
    start = i + 1;
  }
  return count;
}

/** the last space in b[lo, from), or -1 */
function spaceBefore(b: Uint8Array, from: number, lo: number): number {
  for (let i = from - 1; i >= lo; i--) if (b[i] === SP) return i;
  return -1;
}

/** the first `c` in b[from, hi), or -1 */
function find(b: Uint8Array, c: number, from: number, hi: number): number {
  for (let i = from; i < hi; i++) if (b[i] === c) return i;
  return -1;
}

/** Is b[s, e) a default-format tcplog line with a normal close (state starting with '-')? Fills `out` when so. */
export function normalCloseOfBytes(
  b: Uint8Array,
  s: number,
  e: number,
  zone: ZoneConverter,
  out: NormalClose,
): boolean {
  if (e - s > MAX_LINE || e - s < 40) return false;
  // the tail, from the end: `%Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq`
  const q = spaceBefore(b, e, s);
  if (q < 0 || numsOf(b, q + 1, e, 2) !== 2) return false;
  const c = spaceBefore(b, q, s);
  if (c < 0 || numsOf(b, c + 1, q, 5) !== 5) return false;
  const st = spaceBefore(b, c, s);
  // the state: 1–4 ASCII characters (tail.ts stateAt), a normal close
  if (st < 0 || c - st - 1 < 1 || c - st - 1 > 4 || b[st + 1] !== 45) return false;
  for (let i = st + 2; i < c; i++) if (b[i]! > 127) return false;
  const by = spaceBefore(b, st, s);
  if (by < 0 || numsOf(b, by + 1, st, 1) !== 1) return false; // %B (fields.ts intAt)
  const tm = spaceBefore(b, by, s);
  if (tm < 0 || numsOf(b, tm + 1, by, 5) !== 3) return false;
  const tt = nums[2]!;
  // the head, from the payload on: `%ci:%cp [%t] %ft %b/%s ` ending where the timers start (traffic.ts)
  const ps = payloadStartOfBytes(b, s, e);
  if (ps < 0 || !(b[ps]! >= 48 && b[ps]! <= 57)) return false;
  // the client token: its end (the first space) and a ':' in it (traffic.ts takes the last one)
  let sp = ps + 1,
    colon = false;
  for (; sp < tm && b[sp] !== SP; sp++) if (b[sp] === 58) colon = true;
  if (!colon || sp >= tm || sp < ps + 2 || b[sp + 1] !== 91 /* [ */) return false;
  // `[%t]`: 20 or 24 characters (dates.ts haproxyDateAt); what the memo accepts holds no ']' before its end
  const dEnd = b[sp + 22] === 93 ? sp + 22 : b[sp + 26] === 93 ? sp + 26 : -1;
  if (dEnd < 0 || dEnd >= tm || b[dEnd + 1] !== SP) return false;
  const t = haproxyDateOfBytes(b, sp + 2, dEnd, zone);
  if (Number.isNaN(t)) return false;
  const fe = find(b, SP, dEnd + 2, tm);
  // `frontend/bind:` would be an error log (traffic.ts errorLog); anything between server and timers an extra
  if (fe < 0 || b[fe - 1] === 58) return false;
  let sl = -1;
  for (let i = fe + 1; i < tm; i++) {
    const c = b[i];
    if (c === SP) return false;
    if (c === SLASH && sl < 0) sl = i;
  }
  if (sl < 0) return false;
  out.t = t;
  out.tt = tt;
  out.serverStart = sl + 1;
  out.serverEnd = tm;
  return true;
}

/**
 * Server names of byte ranges, decoded once: a log names a few servers on every line. The names are those
 * the parser slices from the decoded line (the range is bounded by ASCII '/' and ' ', so it decodes alike).
 */
export class ServerNames {
  private readonly bytes: Buffer[] = [];
  private readonly names: string[] = [];

  of(b: Buffer, a: number, e: number): string {
    const n = e - a;
    const bytes = this.bytes;
    for (let k = 0; k < bytes.length; k++) {
      const x = bytes[k]!;
      if (x.length !== n) continue;
      let i = 0;
      while (i < n && x[i] === b[a + i]) i++;
      if (i === n) return this.names[k]!;
    }
    const name = b.toString('utf8', a, e);
    if (bytes.length >= 64) {
      bytes.shift();
      this.names.shift();
    }
    bytes.push(Buffer.from(b.subarray(a, e)));
    this.names.push(name);
    return name;
  }
}
