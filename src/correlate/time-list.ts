/**
 * An array kept sorted by a numeric key, appended at the back (logs are nearly in order). The keys
 * live in their own array: binary searches and range scans read numbers, not closures (the
 * correlate bench does tens of millions of them).
 */
import { lowerBound } from './lower-bound.js';

export class TimeList<T> {
  private items: T[] = [];
  private keys: number[] = [];
  private head = 0;
  constructor(readonly key: (x: T) => number) {}
  add(x: T): void {
    const k = this.key(x);
    const keys = this.keys;
    let i = keys.length;
    while (i > this.head && keys[i - 1]! > k) i--;
    if (i === keys.length) {
      this.items.push(x);
      keys.push(k);
    } else {
      this.items.splice(i, 0, x);
      keys.splice(i, 0, k);
    }
  }
  /** index of the first item with key >= k */
  private lowerBound(k: number): number {
    return lowerBound(this.keys, this.head, this.keys.length, k);
  }
  *range(from: number, to: number): Generator<T> {
    const keys = this.keys;
    for (let i = this.lowerBound(from); i < keys.length && keys[i]! <= to; i++) yield this.items[i]!;
  }
  /** is there any item with from <= key <= to? */
  any(from: number, to: number): boolean {
    const i = this.lowerBound(from);
    return i < this.keys.length && this.keys[i]! <= to;
  }
  /** removes and returns the items with key < k */
  evictBefore(k: number): T[] {
    const end = this.lowerBound(k);
    const out = this.items.slice(this.head, end);
    this.head = end;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.keys = this.keys.slice(this.head);
      this.head = 0;
    }
    return out;
  }
  /** the items with key < k, newest first, at most `limit` of them looked at */
  *newestBefore(k: number, limit = Infinity): Generator<T> {
    const top = this.lowerBound(k);
    for (let i = top - 1; i >= this.head && top - i <= limit; i--) yield this.items[i]!;
  }
  /** `range` and `newestBefore` without a generator's step per item, for the loops of time-only joins
   *  (matcher.ts: hundreds to thousands of items per app error); `visit` returning false stops the walk */
  eachInRange(from: number, to: number, visit: (x: T) => boolean | void): void {
    const keys = this.keys;
    for (let i = this.lowerBound(from); i < keys.length && keys[i]! <= to; i++)
      if (visit(this.items[i]!) === false) return;
  }
  /** is there an item with from <= key <= to that `ok` accepts? (`ok` is best a function made once, not per call) */
  some(from: number, to: number, ok: (x: T) => boolean): boolean {
    const keys = this.keys;
    for (let i = this.lowerBound(from); i < keys.length && keys[i]! <= to; i++) if (ok(this.items[i]!)) return true;
    return false;
  }
  eachNewestBefore(k: number, visit: (x: T) => boolean): void {
    for (let i = this.lowerBound(k) - 1; i >= this.head; i--) if (!visit(this.items[i]!)) return;
  }
  /** the item with the greatest key */
  last(): T | undefined {
    return this.items.length > this.head ? this.items[this.items.length - 1] : undefined;
  }
  /** the smallest key still held */
  firstKey(): number | undefined {
    return this.items.length > this.head ? this.keys[this.head] : undefined;
  }
  get size(): number {
    return this.items.length - this.head;
  }
  *all(): Generator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i]!;
  }
}
