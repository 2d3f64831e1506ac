/**
 * Records that came behind the watermark: `Correlator.advance(w)` promises that no record older than `w` comes, and
 * takes the decisions due before it. A record older than that is still used, but the decisions before its time were
 * taken without it: in the agent, an input that stalled longer than `agent.idle_after` and then wrote again
 * (docs/correlator.md "Late records"). Counted per kind of log, as plain numbers: the agent reports them once a turn.
 *
 * Only records behind by more than `tolerance` (the clock skew tolerated and a whole second) count: once every input
 * is quiet the agent's watermark follows its own clock, so a line stamped in whole seconds, or by a host whose clock
 * is behind within the skew, comes up to that much behind it on every quiet system, with no input stalled.
 */
import { LOG_KINDS, type LogKind } from '../sources/log-kind.js';

export interface LateOfKind {
  count: number;
  /** the most a late record was behind the watermark (ms) */
  mostBehindMs: number;
}

export class LateRecords {
  /** the highest watermark `advance` was given */
  private watermark = -Infinity;
  /** a record older than this is late: `watermark` - `tolerance` (-Infinity before the first advance) */
  threshold = -Infinity;
  /** since the Correlator was made; never reset */
  readonly byKind = Object.fromEntries(LOG_KINDS.map((k) => [k, { count: 0, mostBehindMs: 0 }])) as Record<
    LogKind,
    LateOfKind
  >;

  constructor(private readonly tolerance: number) {}

  advanced(watermark: number): void {
    if (watermark <= this.watermark) return;
    this.watermark = watermark;
    this.threshold = watermark - this.tolerance;
  }

  /** a record at `time` (< threshold) of a log of `kind` came */
  note(time: number, kind: LogKind): void {
    const l = this.byKind[kind];
    l.count++;
    if (this.watermark - time > l.mostBehindMs) l.mostBehindMs = this.watermark - time;
  }
}
