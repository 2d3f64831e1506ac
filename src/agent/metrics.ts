/**
 * The agent's Prometheus metrics (prom-client), part of its interface: names and labels are kept stable.
 * One registry per agent (not the global one), so tests can run several agents in one process.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { CheckpointStore } from './checkpoints.js';
import type { FileIdentity } from './inputs/identity.js';
import { LOG_KINDS } from '../sources/log-kind.js';
import type { WindowSizes } from '../correlate/correlator.js';

export interface AgentMetrics {
  registry: Registry;
  /** lines read per input (an input = a configured path or glob) */
  linesRead: Counter<'input'>;
  /** records (multi-line assembled) per input and goneaway.kind */
  recordsRead: Counter<'input' | 'kind'>;
  /** unparsed records by ParseIssue code, and oversize lines cut */
  parseFailures: Counter<'input' | 'reason'>;
  verdicts: Counter<'cause' | 'kind'>;
  /**
   * bulk items by outcome: indexed, present (409), dead_lettered, retried (sent again, or spooled), spooled (put in
   * the disk spool; indexed, present or dead_lettered again when drained)
   */
  bulkItems: Counter<'outcome'>;
  spoolBytes: Gauge;
  /** bytes between what was read and what is checkpointed, per file (set by reportCheckpointLag) */
  checkpointLag: Gauge<'input' | 'file'>;
  /** the correlation watermark (event time, seconds since the epoch) */
  watermark: Gauge;
  /** unix time of the last sink acknowledgement */
  lastAck: Gauge;
  /** records held between the files and the sink's acknowledgement (Agent.resident(), bounded) */
  resident: Gauge;
  /** SIGHUP reloads refused in part or whole: an invalid config, a moved state dir, an agent.http not bound */
  reloadFailures: Counter<'reason'>;
  /** input files that could not be opened or read: once each time one starts failing (then tried again) */
  inputErrors: Counter<'input' | 'code'>;
  /** records that came behind the watermark, per kind of log (late-report.ts) */
  lateRecords: Counter<'kind'>;
  /**
   * multi-line records ended at idle, by what became of the cut (record-cuts.ts): kept (saved with the checkpoints,
   * so a restart cuts there too) or dropped (the oldest of a file past MAX_CUTS: a restart re-reading that record
   * makes it whole, under another _id)
   */
  idleCuts: Counter<'outcome'>;
  /**
   * what the correlation window holds, per part (sessions, threads, …), and the bytes of the lines its rows keep:
   * read from `windowSizes` at each scrape, so nothing is counted between scrapes
   */
  windowEntries: Gauge<'part'>;
  windowLineBytes: Gauge;
  /** set by the running agent (a reload's new agent sets its own) */
  windowSizes?: () => WindowSizes;
}

export function createMetrics(withDefaults = true): AgentMetrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'goneaway_' });
  const registers = [registry];
  const m: AgentMetrics = {
    registry,
    linesRead: new Counter({
      name: 'goneaway_lines_read_total',
      help: 'Lines read, per input',
      labelNames: ['input'],
      registers,
    }),
    recordsRead: new Counter({
      name: 'goneaway_records_read_total',
      help: 'Records parsed, per input and kind',
      labelNames: ['input', 'kind'],
      registers,
    }),
    parseFailures: new Counter({
      name: 'goneaway_parse_failures_total',
      help: 'Records that could not be parsed (kept as unparsed), per input and reason',
      labelNames: ['input', 'reason'],
      registers,
    }),
    verdicts: new Counter({
      name: 'goneaway_verdicts_total',
      help: 'Verdict events emitted, per cause and goneaway.kind',
      labelNames: ['cause', 'kind'],
      registers,
    }),
    bulkItems: new Counter({
      name: 'goneaway_bulk_items_total',
      help: 'Documents handed to the output, per outcome',
      labelNames: ['outcome'],
      registers,
    }),
    spoolBytes: new Gauge({ name: 'goneaway_spool_bytes', help: 'Bytes in the on-disk spool', registers }),
    checkpointLag: new Gauge({
      name: 'goneaway_checkpoint_lag_bytes',
      help: 'Bytes read but not yet checkpointed, per file',
      labelNames: ['input', 'file'],
      registers,
    }),
    watermark: new Gauge({
      name: 'goneaway_watermark_seconds',
      help: 'Event time up to which verdicts are final (unix seconds)',
      registers,
    }),
    lastAck: new Gauge({
      name: 'goneaway_last_ack_seconds',
      help: 'Unix time of the last acknowledgement from the output',
      registers,
    }),
    resident: new Gauge({
      name: 'goneaway_resident_records',
      help: 'Records held between reading and the output acknowledging them: queued lines, merge, documents',
      registers,
    }),
    reloadFailures: new Counter({
      name: 'goneaway_reload_failures_total',
      help: 'SIGHUP reloads that kept something of the running config, per reason (config_invalid, state_dir, http, config_unusable)',
      labelNames: ['reason'],
      registers,
    }),
    inputErrors: new Counter({
      name: 'goneaway_input_errors_total',
      help: 'Input files that could not be opened or read (each time one starts failing), per input and errno code',
      labelNames: ['input', 'code'],
      registers,
    }),
    lateRecords: new Counter({
      name: 'goneaway_late_records_total',
      help:
        'Records that came behind the watermark, decided past without them (an input quiet longer than ' +
        'agent.idle_after wrote again), per kind of log',
      labelNames: ['kind'],
      registers,
    }),
    idleCuts: new Counter({
      name: 'goneaway_idle_cuts_total',
      help:
        'Multi-line records ended because their file went quiet (agent.idle_after), per outcome: kept (saved, a ' +
        'restart cuts there too) or dropped (the oldest of a file past 256 kept cuts)',
      labelNames: ['outcome'],
      registers,
    }),
    windowEntries: new Gauge({
      name: 'goneaway_window_entries',
      help:
        'What the correlation window holds now, per part: sessions (abnormal among them), rows, threads, aborted ' +
        '(lines), accept_seconds, haproxy_events, left (closures remembered after leaving), app_errors (waiting)',
      labelNames: ['part'],
      registers,
      collect() {
        const sizes = m.windowSizes?.();
        if (!sizes) return;
        for (const [part, n] of Object.entries(sizes.entries)) this.set({ part }, n);
      },
    }),
    windowLineBytes: new Gauge({
      name: 'goneaway_window_line_bytes',
      help: 'Bytes of log lines held by the correlation window for the sessions it keeps',
      registers,
      collect() {
        const n = m.windowSizes?.().lineBytes;
        if (n !== undefined) this.set(n);
      },
    }),
  };
  // at 0 from the start, so that a rate or increase over it sees the first late record (docs/agent-inputs.md
  // "Quiet inputs: agent.idle_after")
  for (const kind of LOG_KINDS) m.lateRecords.inc({ kind }, 0);
  for (const outcome of ['kept', 'dropped']) m.idleCuts.inc({ outcome }, 0);
  return m;
}

/**
 * Sets goneaway_checkpoint_lag_bytes for the files open now, once their checkpoints were saved. The gauge is
 * reset first, so a file rotated away and retired leaves no stale sample behind (a scrape cannot come between:
 * this runs without awaiting).
 */
export function reportCheckpointLag(
  m: AgentMetrics,
  store: CheckpointStore,
  files: Iterable<{ input: { name: string }; path: string; identity: FileIdentity }>,
): void {
  m.checkpointLag.reset();
  for (const f of files) m.checkpointLag.set({ input: f.input.name, file: f.path }, store.lag(f.identity) ?? 0);
}
