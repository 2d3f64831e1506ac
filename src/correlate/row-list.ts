/**
 * Row numbers (session-table.ts `seq`) kept sorted by a numeric key, for the window's session lists: `TimeList`'s
 * order and lookups, in two typed arrays instead of two JS arrays.
 *
 * Why (docs/benchmark-agent.md "Memory, 2026-12-07"): a 20 s window at 20,000 lines/s holds ~357,000 sessions,
 * and `TimeList`'s arrays of that length lived in V8's large-object space, where every copy made to drop the
 * evicted head or to grow was garbage until a full collection (10–17 MB of the agent's heap). Here the evicted head
 * is dropped by moving the rest down in place (`copyWithin`), the arrays are replaced only to grow or shrink, and
 * they are array buffers outside the JS heap. Row numbers are exact in a double (below 2^53), as keys (times in ms).
 */
import { lowerBound } from './lower-bound.js';

/** the smallest arrays kept (rows) */
const MIN = 1024;

export class RowList {
  private keys = new Float64Array(MIN);
  private rows = new Float64Array(MIN);
  private head = 0;
  private tail = 0;

  constructor(readonly key: (row: number) => number) {}

  add(row: number): void {
    const k = this.key(row);
    if (this.tail === this.keys.length) this.makeRoom();
    const keys = this.keys;
    let i = this.tail;
    while (i > this.head && keys[i - 1]! > k) i--;
    if (i < this.tail) {
      // out of order (logs are nearly in order): the later ones move up by one
      keys.copyWithin(i + 1, i, this.tail);
      this.rows.copyWithin(i + 1, i, this.tail);
    }
    keys[i] = k;
    this.rows[i] = row;
    this.tail++;
  }

  /** room for one more at the back: the evicted head dropped in place while the rows held fill at most three
   *  quarters of the arrays (each row then moved at most three times per row added, amortised), else arrays twice
   *  the size (a window of ~357,000 rows in arrays of 2^19, not 2^20) */
  private makeRoom(): void {
    const n = this.tail - this.head;
    if (this.head > 0 && n <= this.keys.length - (this.keys.length >> 2)) {
      this.keys.copyWithin(0, this.head, this.tail);
      this.rows.copyWithin(0, this.head, this.tail);
    } else this.resize(this.keys.length * 2);
    this.head = 0;
    this.tail = n;
  }

  private resize(capacity: number): void {
    const keys = new Float64Array(capacity);
    const rows = new Float64Array(capacity);
    keys.set(this.keys.subarray(this.head, this.tail));
    rows.set(this.rows.subarray(this.head, this.tail));
    this.keys = keys;
    this.rows = rows;
  }

  /** index of the first row with key >= k */
  private lowerBound(k: number): number {
    return lowerBound(this.keys, this.head, this.tail, k);
  }

  *range(from: number, to: number): Generator<number> {
    for (let i = this.lowerBound(from); i < this.tail && this.keys[i]! <= to; i++) yield this.rows[i]!;
  }

  eachInRange(from: number, to: number, visit: (row: number) => void): void {
    const keys = this.keys;
    for (let i = this.lowerBound(from); i < this.tail && keys[i]! <= to; i++) visit(this.rows[i]!);
  }

  /** the rows with key < k, newest first, at most `limit` of them looked at */
  *newestBefore(k: number, limit = Infinity): Generator<number> {
    const top = this.lowerBound(k);
    for (let i = top - 1; i >= this.head && top - i <= limit; i--) yield this.rows[i]!;
  }

  eachNewestBefore(k: number, visit: (row: number) => boolean): void {
    for (let i = this.lowerBound(k) - 1; i >= this.head; i--) if (!visit(this.rows[i]!)) return;
  }

  /** removes and returns the rows with key < k; arrays four times larger than what is left are halved */
  evictBefore(k: number): number[] {
    const end = this.lowerBound(k);
    const out = Array.from(this.rows.subarray(this.head, end));
    this.head = end;
    const n = this.tail - this.head;
    if (this.keys.length > MIN && n < this.keys.length >> 2) {
      this.resize(this.keys.length >> 1);
      this.head = 0;
      this.tail = n;
    }
    return out;
  }

  /** the smallest key still held */
  firstKey(): number | undefined {
    return this.tail > this.head ? this.keys[this.head] : undefined;
  }

  get size(): number {
    return this.tail - this.head;
  }
}
