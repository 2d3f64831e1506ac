import type { Session } from './model.js';
import type { RowView, SessionTable } from './session-table.js';
import { RowList } from './row-list.js';

/**
 * The window's TCP sessions by end time, read as `Session`s: the rows are in `table`
 * (session-table.ts), this list holds their numbers.
 */
export class SessionList {
  private readonly seqs: RowList;
  constructor(private readonly table: SessionTable) {
    this.seqs = new RowList((seq) => table.endOf(seq));
  }
  add(seq: number): void {
    this.seqs.add(seq);
  }
  *range(from: number, to: number): Generator<Session> {
    for (const seq of this.seqs.range(from, to)) yield this.table.at(seq);
  }
  eachInRange(from: number, to: number, visit: (s: Session) => void): void {
    this.seqs.eachInRange(from, to, (seq) => visit(this.table.at(seq)));
  }
  /** `eachInRange` without a `Session` per row: `row` is reused for every row (session-table.ts `view`); `pinned`
   *  is the row's one object when it has one (a row without one is a `--` close no decision claimed, or an abnormal
   *  closure nothing read yet) */
  eachRowInRange(
    from: number,
    to: number,
    visit: (seq: number, row: Readonly<RowView>, pinned: Session | undefined) => void,
  ): void {
    this.seqs.eachInRange(from, to, (seq) => visit(seq, this.table.view(seq), this.table.pinnedAt(seq)));
  }
  /** row `seq`'s session (its one object, else a fresh copy), while the row is held */
  at(seq: number): Session {
    return this.table.at(seq);
  }
  *newestBefore(k: number, limit = Infinity): Generator<Session> {
    for (const seq of this.seqs.newestBefore(k, limit)) yield this.table.at(seq);
  }
  eachNewestBefore(k: number, visit: (s: Session) => boolean): void {
    this.seqs.eachNewestBefore(k, (seq) => visit(this.table.at(seq)));
  }
  firstKey(): number | undefined {
    return this.seqs.firstKey();
  }
  get size(): number {
    return this.seqs.size;
  }
  /** the numbers of the sessions that ended before `k`, which leave the list (not the table) */
  evictBefore(k: number): number[] {
    return this.seqs.evictBefore(k);
  }
}
