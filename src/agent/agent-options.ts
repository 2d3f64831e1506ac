/**
 * What the agent is started with (agent.ts), and how its bound on the records it holds (`resident`) is shared out
 * among the tailer's queue, the merge and the lines of a turn (turns.ts).
 */
import type { Logger } from 'pino';
import type { ParseContext } from '../../parsers/types.js';
import type { Config } from '../config/schema.js';
import type { CorrelateSettings } from '../correlate/settings.js';
import type { Sink } from '../sinks/sink.js';
import type { AgentInput } from './inputs.js';
import type { AgentMetrics } from './metrics.js';

export interface AgentOptions {
  config: Config;
  /** the correlation settings (appClients is filled by the agent as app files appear) */
  settings: CorrelateSettings;
  /** a fresh parse context for a file of this input (its zone, formats, patterns, redaction) */
  contextFor: (input: AgentInput) => ParseContext;
  sink: Sink;
  log: Logger;
  metrics: AgentMetrics;
  /** a quiet input stops holding the merge back after this long (ms); given (tests), it wins over agent.idle_after */
  idleMs?: number;
  /** longest time between two sink writes (ms), and most lines per write */
  batchMs?: number;
  batchLines?: number;
  /**
   * The most records held between the files and the sink's acknowledgement (`resident`): lines queued by the
   * tailer, records waiting in the merge, documents not yet acknowledged. Default: `agent.max_resident_records`.
   */
  maxResident?: number;
}

/** The shares of the resident records: the tailer's queue, the merge, and the lines read per turn. */
export interface ResidentShares {
  batchLines: number;
  queueMax: number;
  mergeMax: number;
}

export function residentShares(o: AgentOptions): ResidentShares {
  // shared out as: a tenth in the tailer's queue, a fifth in the merge, a tenth of lines read per turn (a turn's
  // documents: its records and the verdicts of the records it released, two turns unacknowledged at most). What
  // each holds, and why verdicts have no share of their own: docs/benchmark-agent.md "Memory: the backlog"
  const resident = o.maxResident ?? o.config.agent.max_resident_records;
  return {
    batchLines: Math.max(1, Math.min(o.batchLines ?? 5000, Math.floor(resident / 10))),
    queueMax: Math.max(1, Math.floor(resident / 10)),
    mergeMax: Math.max(1, Math.floor(resident / 5)),
  };
}
