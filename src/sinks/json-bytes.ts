/**
 * JSON.stringify of plain data, written as UTF-8 straight into the output buffer: the events of
 * `goneaway correlate --format ndjson` (src/cli/correlate-command.ts).
 *
 * Why (issue 13 §2, `node --cpu-prof` of `correlate` on the bench's 500k-line tcplog file): its 92k
 * connection events are ~1.25 KB each, and V8's JSON.stringify (Node 20) spent ~4.4 µs on one, checking
 * every character of the long strings for escapes — about a seventh of the run. Most of those bytes
 * repeat from event to event (the keys, a cause's `why` and recommendation, names, file paths): here
 * they are encoded once and copied, and only what is new is checked and written.
 *
 * The bytes are those of `JSON.stringify(value)` for the values an event holds (objects, arrays,
 * strings, numbers, booleans, null, undefined); anything else (an object with `toJSON`, a class
 * instance, a bigint) is handed to JSON.stringify itself. test/sinks/json-bytes.test.ts holds it to that.
 */
import type { BufferedOutput } from './output.js';
import { enc, num, seg, str, type Buf } from './json-pieces.js';

/** a bounded string → bytes cache (a value beyond the bound is encoded each time it comes) */
class Pieces {
  private readonly map = new Map<string, Uint8Array>();
  constructor(
    private readonly make: (s: string) => string,
    private readonly max: number,
  ) {}
  get(s: string): Uint8Array {
    let b = this.map.get(s);
    if (b === undefined) {
      b = enc(this.make(s));
      if (this.map.size < this.max) this.map.set(s, b);
    }
    return b;
  }
}

/** `"key":` and `,"key":` */
const keys = new Pieces((k) => `${JSON.stringify(k)}:`, 4096);
const nextKeys = new Pieces((k) => `,${JSON.stringify(k)}:`, 4096);

/** thrown when the room reserved for a line runs out: the line is then written by JSON.stringify */
export const FULL = new Error('json-bytes: line longer than the room reserved');
/** the room reserved before a line (an event is ~1.3 KB; a longer one is written by JSON.stringify) */
export const ROOM = 64 << 10;
const OPEN_OBJ = 123,
  CLOSE_OBJ = 125,
  OPEN_ARR = 91,
  CLOSE_ARR = 93,
  COMMA = 44;
const NULL = enc('null'),
  TRUE = enc('true'),
  FALSE = enc('false');

const plainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
};

function string(b: Buf, p: number, s: string): number {
  // at most 6 bytes a character (\\u00XX), and the quotes; the room ends 64 bytes early for the other values
  if (p + s.length * 6 + 64 > b.length) throw FULL;
  return str(b, p, s);
}

/** writes `v` at `p` (v is not undefined, a function or a symbol); returns the new position. Throws `FULL`
 *  when `v` needs more room than `b` has left (the caller then writes the line with JSON.stringify). */
export function value(b: Buf, p: number, v: unknown): number {
  switch (typeof v) {
    case 'string':
      return string(b, p, v);
    case 'number':
      return Number.isFinite(v) ? num(b, p, v) : seg(b, p, NULL);
    case 'boolean':
      return seg(b, p, v ? TRUE : FALSE);
    case 'object':
      if (v === null) return seg(b, p, NULL);
      if (Array.isArray(v)) return array(b, p, v);
      if (plainObject(v)) return object(b, p, v as Record<string, unknown>);
      break;
  }
  return p + b.write(JSON.stringify(v) ?? 'null', p, 'utf8');
}

function array(b: Buf, p: number, a: readonly unknown[]): number {
  b[p++] = OPEN_ARR;
  for (let i = 0; i < a.length; i++) {
    if (p + 64 > b.length) throw FULL;
    if (i > 0) b[p++] = COMMA;
    const x = a[i];
    // JSON.stringify writes null for what it cannot show in an array
    p = x === undefined || typeof x === 'function' || typeof x === 'symbol' ? seg(b, p, NULL) : value(b, p, x);
  }
  b[p++] = CLOSE_ARR;
  return p;
}

function object(b: Buf, p: number, o: Record<string, unknown>): number {
  b[p++] = OPEN_OBJ;
  let first = true;
  // for…in lists own keys only: a plain object's prototype (Object.prototype or null) has no enumerable keys
  for (const k in o) {
    const x = o[k];
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    const key = first ? keys.get(k) : nextKeys.get(k);
    // room for the key and a number, boolean or the start of a nested value
    if (p + key.length + 64 > b.length) throw FULL;
    p = seg(b, p, key);
    first = false;
    p = value(b, p, x);
  }
  b[p++] = CLOSE_OBJ;
  return p;
}

/** Writes `JSON.stringify(v) + '\n'` into `out` as UTF-8. */
export function writeJsonLine(out: BufferedOutput, v: unknown): void {
  if (typeof v === 'object' && v !== null) {
    out.reserve(ROOM);
    const b = out.buf as Buf;
    try {
      let p = value(b, out.pos, v);
      // every key and string checked that 64 bytes of room were left after it
      if (p + 1 < b.length) {
        b[p++] = 10;
        out.pos = p;
        return;
      }
    } catch (e) {
      if (e !== FULL) throw e;
    }
  }
  out.write(`${JSON.stringify(v)}\n`);
}
