/**
 * The records that came behind the watermark (src/correlate/late-records.ts), told once a turn: the counter
 * `goneaway_late_records_total{kind}` gets what was counted since the last turn (one `inc` per kind that has
 * any: prom-client hashes the labels at every inc), and a warning is logged when there are some, at most once a
 * minute, naming the kinds and the fix (docs/agent-inputs.md "Quiet inputs: agent.idle_after").
 */
import type { Logger } from 'pino';
import type { LateOfKind } from '../correlate/late-records.js';
import { LOG_KINDS, type LogKind } from '../sources/log-kind.js';
import type { AgentMetrics } from './metrics.js';

/** the least time between two warnings */
export const LATE_WARN_EVERY_MS = 60_000;

export class LateReport {
  /** per kind, the count already added to the metric */
  private readonly told = new Map<LogKind, number>();
  /** per kind, the late records not named by a warning yet */
  private readonly unwarned = new Map<LogKind, number>();
  private warnedAt = -Infinity;

  constructor(
    private readonly metrics: AgentMetrics,
    private readonly log: Logger,
    private readonly idleAfterMs: number,
  ) {}

  /** once a turn, with the Correlator's counts (never reset: the difference is this turn's) */
  report(late: Readonly<Record<LogKind, Readonly<LateOfKind>>>, now = Date.now()): void {
    for (const kind of LOG_KINDS) {
      const n = late[kind].count - (this.told.get(kind) ?? 0);
      if (n <= 0) continue;
      this.told.set(kind, late[kind].count);
      this.metrics.lateRecords.inc({ kind }, n);
      this.unwarned.set(kind, (this.unwarned.get(kind) ?? 0) + n);
    }
    if (this.unwarned.size === 0 || now - this.warnedAt < LATE_WARN_EVERY_MS) return;
    this.warnedAt = now;
    const kinds = [...this.unwarned.keys()];
    this.log.warn(
      {
        late_records: Object.fromEntries(this.unwarned),
        most_behind_ms: Object.fromEntries(kinds.map((k) => [k, late[k].mostBehindMs])),
        idle_after_ms: this.idleAfterMs,
        fix:
          `an input quiet longer than agent.idle_after (${this.idleAfterMs / 1000}s) wrote again, behind verdicts ` +
          'already decided (a stalled writer): raise agent.idle_after above its longest pause',
      },
      `records of ${kinds.join(', ')} came behind the watermark: verdicts before their time were decided without them`,
    );
    this.unwarned.clear();
  }
}
