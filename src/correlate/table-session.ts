/**
 * A TCP session read from a row of the session table (session-table.ts): plain fields, except the three a decision
 * writes (claimed, reusable, its Aborted line), which pin it as its row's one object, and its line, read from the
 * row when first needed.
 */
import type { Evidence, Session } from './model.js';

/** what a session read from a row asks of its table */
export interface RowOwner {
  /** row `seq`'s line (while the row is held) */
  textOf(seq: number): string;
  /** keeps `s` as row `seq`'s one object */
  pin(seq: number, s: Session): void;
}

/** A session read from a row. Plain fields, except the three a decision writes, which pin it. */
export class TableSession implements Session {
  readonly mode = 'tcp' as const;
  readonly status = undefined;
  readonly termination = undefined;
  readonly backendSource = undefined;
  readonly request = undefined;
  private _claimed = false;
  private _reusableBy: string | undefined = undefined;
  private _aborted: Session['aborted'] = undefined;
  private _ev: Evidence | undefined = undefined;
  /** the line, once read from the table (a session that outlives its row keeps it: `detach`) */
  private text: string | undefined = undefined;
  constructor(
    private readonly table: RowOwner,
    readonly seq: number,
    readonly accept: number,
    readonly end: number,
    readonly state: string,
    readonly clientIp: string,
    readonly clientPort: number,
    readonly frontend: string,
    readonly backend: string,
    readonly server: string,
    readonly pid: number | undefined,
    readonly bytesRead: number | undefined,
    private readonly file: string,
    private readonly offset: number,
  ) {}
  /** the session's line (built when first read: most sessions are never shown) */
  get ev(): Evidence {
    this.detach();
    return (this._ev ??= { kind: 'haproxy', file: this.file, offset: this.offset, text: this.text!, t: this.accept });
  }
  /** reads the line while the row still holds it (before the row leaves the table) */
  detach(): void {
    this.text ??= this.table.textOf(this.seq);
  }
  get claimed(): boolean {
    return this._claimed;
  }
  set claimed(v: boolean) {
    this._claimed = v;
    this.table.pin(this.seq, this);
  }
  get reusableBy(): string | undefined {
    return this._reusableBy;
  }
  set reusableBy(v: string | undefined) {
    this._reusableBy = v;
    this.table.pin(this.seq, this);
  }
  get aborted(): Session['aborted'] {
    return this._aborted;
  }
  set aborted(v: Session['aborted']) {
    this._aborted = v;
    this.table.pin(this.seq, this);
  }
}
