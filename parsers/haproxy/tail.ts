/**
 * What the built-in traffic parsers share (traffic.ts reads the head of a line, tcplog.ts and
 * httplog.ts its tail): the head they are handed, and the `a/b/c…` and `%ts %ac/… %sq/%bq` scanners.
 * Results go into objects the caller passes in (no allocation per line: issue #2), so no value moves
 * between modules through module-level state, and this module imports none of them (only the record's type).
 */

import type { TcpLogRecord } from './tcp-record.js';

/** The numbers of one `a/b/c…` token as read by slashNums(): values, and which carried a '+' (bit i). */
export interface SlashNums {
  n: number[];
  plus: number;
}

/**
 * The `%ts %ac/%fc/%bc/%sc/%rc %sq/%bq` run shared by tcplog and httplog, as read by stateAt(): the
 * record's own fields of that run (one definition: a field added there is one here).
 */
export type StateTail = Pick<TcpLogRecord, 'state' | 'ac' | 'fc' | 'bc' | 'sc' | 'rc' | 'redispatched' | 'sq' | 'bq'>;

/** The head of the traffic line being parsed, and the scratch objects its tail is read into. */
export interface Head {
  p: string;
  client: string;
  clientPort: number | undefined;
  date: number;
  frontend: string;
  backend: string;
  server: string;
  destination: string | undefined;
  /** the numbers of the timer token (3 or 5), and which of them carried a '+' (logasap) */
  t0: number;
  t1: number;
  t2: number;
  t3: number;
  t4: number;
  plusMask: number;
  /** index just after the timer token */
  pos: number;
  nums: SlashNums;
  tail: StateTail;
}

export function newHead(): Head {
  return {
    p: '',
    client: '',
    clientPort: undefined,
    date: 0,
    frontend: '',
    backend: '',
    server: '',
    destination: undefined,
    t0: 0,
    t1: 0,
    t2: 0,
    t3: 0,
    t4: 0,
    plusMask: 0,
    pos: 0,
    nums: { n: [0, 0, 0, 0, 0], plus: 0 },
    tail: { state: '', ac: 0, fc: 0, bc: 0, sc: 0, rc: 0, redispatched: false, sq: 0, bq: 0 },
  };
}

/** `a/b/c…` with optional sign per number in p[a, b) → count (≤ max) into `out`, -1 if not that shape. */
export function slashNums(p: string, a: number, b: number, max: number, out: SlashNums): number {
  const nums = out.n;
  let count = 0,
    start = a,
    plus = 0;
  for (let i = a; i <= b; i++) {
    if (i !== b && p.charCodeAt(i) !== 47) continue;
    if (count >= max) return -1;
    let j = start,
      neg = false,
      v = 0;
    const c0 = p.charCodeAt(j);
    if (c0 === 43) {
      plus |= 1 << count;
      j++;
    } else if (c0 === 45) {
      neg = true;
      j++;
    }
    if (j >= i || i - j > 15) return -1;
    for (; j < i; j++) {
      const c = p.charCodeAt(j) - 48;
      if (c < 0 || c > 9) return -1;
      v = v * 10 + c;
    }
    nums[count++] = neg ? -v : v;
    start = i + 1;
  }
  out.plus = plus;
  return count;
}

/**
 * Reads `state conns queues` from h.p[a…] into h.tail; the state must be minState–4 chars. Returns the
 * index just after the queues (p.length when they end the line), or -1 when the run is not there.
 */
export function stateAt(h: Head, a: number, minState: number): number {
  const p = h.p,
    t = h.tail,
    nums = h.nums;
  let b = p.indexOf(' ', a);
  if (b < 0 || b - a < minState || b - a > 4) return -1;
  t.state = p.slice(a, b);
  a = b + 1;
  b = p.indexOf(' ', a);
  if (b < 0 || slashNums(p, a, b, 5, nums) !== 5) return -1;
  t.ac = nums.n[0]!;
  t.fc = nums.n[1]!;
  t.bc = nums.n[2]!;
  t.sc = nums.n[3]!;
  t.rc = nums.n[4]!;
  t.redispatched = (nums.plus & 16) !== 0;
  a = b + 1;
  b = p.indexOf(' ', a);
  if (b < 0) b = p.length;
  if (slashNums(p, a, b, 2, nums) !== 2) return -1;
  t.sq = nums.n[0]!;
  t.bq = nums.n[1]!;
  return b;
}
