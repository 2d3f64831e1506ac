/**
 * The pieces of JSON the byte writers store straight into an output buffer: fixed text pre-encoded, numbers and
 * ISO timestamps as digits, plain ASCII strings copied char by char, and blocks of output that repeat from line
 * to line encoded once. Used by the tcplog writer (tcplog-ndjson.ts), the event writers (event-bytes.ts,
 * json-bytes.ts) and the bulk body (bulk-body.ts); each is held to the bytes of `JSON.stringify` by its test.
 */
import { isoUtc } from '../../parsers/time.js';

/**
 * Where the writer stores: `reserve(n)`, then at most n bytes from `buf[pos]` on, then `pos` advanced. The
 * output buffer of `parse` (output.ts) and the agent's byte arena (elasticsearch/record-bytes.ts) are ones.
 */
export interface ByteOut {
  buf: Buffer;
  pos: number;
  reserve(bytes: number): void;
}

/** a text as UTF-8 bytes (the constant parts, encoded once) */
export const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

// Every helper takes the buffer and position and returns the new position: locals stay in
// registers (module-level `let`s cost a context load and store per byte).
export type Buf = Buffer & { latin1Write(s: string, off: number): number };

export function seg(b: Buf, p: number, s: Uint8Array): number {
  const n = s.length;
  if (n > 8) {
    b.set(s, p);
    return p + n;
  }
  for (let i = 0; i < n; i++) b[p + i] = s[i]!;
  return p + n;
}

/** "00".."99" as byte pairs */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = 48 + Math.floor(i / 10);
  PAIRS[2 * i + 1] = 48 + (i % 10);
}

/** a JSON number: integers below 2^31 as digits (two at a time), anything else as JSON.stringify prints it */
export function num(b: Buf, p: number, v: number): number {
  if ((v | 0) !== v || v < 0) {
    if (v < 0 && v > -2147483648 && (v | 0) === v) {
      b[p] = 45;
      return num(b, p + 1, -v);
    }
    return p + b.latin1Write(JSON.stringify(v), p);
  }
  if (v < 10) {
    b[p] = 48 + v;
    return p + 1;
  }
  if (v < 100) {
    b[p] = PAIRS[2 * v]!;
    b[p + 1] = PAIRS[2 * v + 1]!;
    return p + 2;
  }
  const k =
    v < 1000
      ? 3
      : v < 10000
        ? 4
        : v < 100000
          ? 5
          : v < 1000000
            ? 6
            : v < 10000000
              ? 7
              : v < 100000000
                ? 8
                : v < 1000000000
                  ? 9
                  : 10;
  let i = p + k;
  while (v >= 100) {
    const q = (v / 100) | 0;
    const r = v - q * 100;
    b[--i] = PAIRS[2 * r + 1]!;
    b[--i] = PAIRS[2 * r]!;
    v = q;
  }
  if (v >= 10) {
    b[--i] = PAIRS[2 * v + 1]!;
    b[--i] = PAIRS[2 * v]!;
  } else b[--i] = 48 + v;
  return p + k;
}

/** plain = ASCII with nothing to escape in JSON */
const NOT_PLAIN = /["\\\u0000-\u001f\u007f-\uffff]/;

/** a JSON string: plain ASCII copied between quotes (natively when long); anything else JSON.stringify + UTF-8 */
export function str(b: Buf, p: number, s: string): number {
  const n = s.length;
  if (n > 32) {
    if (NOT_PLAIN.test(s)) return p + b.write(JSON.stringify(s), p, 'utf8');
    b[p] = 34;
    const w = b.latin1Write(s, p + 1);
    b[p + 1 + w] = 34;
    return p + 2 + w;
  }
  b[p] = 34;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c > 126 || c === 34 || c === 92) return p + b.write(JSON.stringify(s), p, 'utf8');
    b[p + 1 + i] = c;
  }
  b[p + 1 + n] = 34;
  return p + 2 + n;
}

// ISO timestamps: `YYYY-MM-DDTHH:MM:SS.` is memoised per second in a direct-mapped table (accept
// dates of neighbouring lines are seconds apart, ends share the syslog second); milliseconds are
// written as digits.
const SLOTS = 256;
const isoSec = new Float64Array(SLOTS).fill(NaN);
const isoHead = new Uint8Array(SLOTS * 20);
export function iso(b: Buf, p: number, t: number): number {
  if (!Number.isInteger(t) || t < 0 || t >= 253402300800000) return p + b.latin1Write(isoUtc(t), p);
  const sec = Math.floor(t / 1000);
  const slot = sec & (SLOTS - 1);
  const h = slot * 20;
  if (isoSec[slot] !== sec) {
    isoSec[slot] = sec;
    const text = isoUtc(sec * 1000);
    for (let i = 0; i < 20; i++) isoHead[h + i] = text.charCodeAt(i);
  }
  for (let i = 0; i < 20; i++) b[p + i] = isoHead[h + i]!;
  const ms = t - sec * 1000;
  const hu = (ms / 100) | 0,
    r = ms - hu * 100;
  b[p + 20] = 48 + hu;
  b[p + 21] = PAIRS[2 * r]!;
  b[p + 22] = PAIRS[2 * r + 1]!;
  b[p + 23] = 90;
  return p + 24;
}

/**
 * Runs of output that repeat from line to line (the envelope's process/host, the frontend/backend/
 * server names, the termination object of a state, the file path) are encoded once and copied as
 * one block while the fields they depend on stay the same.
 */
export class Block {
  private readonly map = new Map<unknown, Map<unknown, Map<unknown, Uint8Array>>>();
  private size = 0;
  // the 8 most recent keys (a few servers and states alternate line by line), then the map
  private readonly r1: unknown[] = new Array(8).fill(NaN);
  private readonly r2: unknown[] = new Array(8).fill(NaN);
  private readonly r3: unknown[] = new Array(8).fill(NaN);
  private readonly rb: Uint8Array[] = new Array(8).fill(new Uint8Array(0));
  private next = 0;
  get(k1: unknown, k2: unknown, k3: unknown, make: () => string): Uint8Array {
    for (let i = 0; i < 8; i++) {
      if (this.r3[i] === k3 && this.r1[i] === k1 && this.r2[i] === k2) return this.rb[i]!;
    }
    const bytes = this.lookup(k1, k2, k3, make);
    const i = this.next;
    this.next = (i + 1) & 7;
    this.r1[i] = k1;
    this.r2[i] = k2;
    this.r3[i] = k3;
    this.rb[i] = bytes;
    return bytes;
  }
  private lookup(k1: unknown, k2: unknown, k3: unknown, make: () => string): Uint8Array {
    let m2 = this.map.get(k1);
    let m3 = m2?.get(k2);
    let bytes = m3?.get(k3);
    if (bytes !== undefined) return bytes;
    bytes = enc(make());
    // bounded: a log with endless distinct names just stops being cached
    if (this.size < 4096) {
      if (!m2) this.map.set(k1, (m2 = new Map()));
      if (!m3) m2.set(k2, (m3 = new Map()));
      m3.set(k3, bytes);
      this.size++;
    }
    return bytes;
  }
}
