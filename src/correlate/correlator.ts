/**
 * The Correlator: parsed records are pushed in, events come out. It keeps a bounded window and gives
 * a verdict for every app error (goneaway.kind "app_error") and every abnormal closure nobody
 * noticed (goneaway.kind "connection"). Its drivers: `correlate` (correlate-batch.ts) reads files,
 * merges them by time and pushes; the agent pushes records as they arrive from tailed files.
 *
 * - `push(record)`: records come in time order across sources (a merge), give or take a source's
 *   own disorder. Pushing a record first takes every decision due before its time (window.ts TICK).
 * - `advance(watermark)`: no record older than `watermark` will come; takes the decisions due
 *   before it and returns the events decided since the last call, final.
 * - `finish()`: end of input: decides everything still open and returns the rest.
 * - `heldPositions()`: per file, the oldest byte offset the window still needs (checkpoints); `heldTimes()` the
 *   same per kind of log, `saveWindow()` what is older than that and kept (a pooled connection's thread).
 *
 * An app error is decided once the stream is `settle` past it: HAProxy logs a half-open session
 * only when the app's failing write reaches it (lab scenario 04, docs/lab-findings.md, 06).
 */
import { asEvent, type Emitted, type VerdictEvent } from './event.js';
import type { LogKind } from '../sources/log-kind.js';
import { TcpLogRecord } from '../../parsers/haproxy/tcp-record.js';
import { orderTime, type SourcedRecord } from './record-time.js';
import { Store, type StoreSizes } from './store.js';
import type { SessionRow } from './session-table.js';
import type { LineSources } from './line-store.js';
import type { Learning } from './learned.js';
import { ingestError, ingestGeneral } from './ingest-mysql.js';
import { DOWN_DETECTION } from './rules.js';
import { get, type AppError } from './model.js';
import { matchError, type Match } from './matcher.js';
import { Repeats } from './repeats.js';
import { eventBuilders, type CorrelateStats, type EventBuilders } from './engine.js';
import { toAppError } from './ingest-app.js';
import { inRange, unseenServers, type CorrelateSettings } from './settings.js';
import { heldTimesOf, least, type HeldTimes } from './held.js';
import { LateRecords, type LateOfKind } from './late-records.js';
import { restoreWindow, saveWindow, type SavedWindow } from './window-summary.js';
import { leaveWindow } from './leave-window.js';
import { ErrorQueue, EVICT_EVERY, EVICT_SHORT, FilePositions, RETRY_AFTER, shortHorizon, TICK } from './window.js';

/** Correlator.windowSizes(): the store's parts, and the app errors waiting */
export type WindowSizes = { entries: StoreSizes['entries'] & { app_errors: number }; lineBytes: number };

/** what `advance` returns when nothing was decided (it is called once per record) */
const NONE: readonly never[] = Object.freeze([]);

export class Correlator {
  private readonly store: Store;
  private readonly queue: ErrorQueue;
  private readonly repeats: Repeats;
  private readonly events: EventBuilders;
  private readonly positions = new FilePositions();
  private readonly out: Emitted[] = [];
  /** the last tick taken (decisions and trimming happen at ticks only) */
  private tick = -Infinity;
  /** the records pushed behind the watermark, per kind of log */
  private readonly late: LateRecords;
  /** how far back the window keeps sessions and their context */
  private readonly horizon: number;
  /** how far back it keeps them when no app error can come (`appLogs: false`): window.ts shortHorizon */
  private readonly short: number | undefined;
  /** how often the window is trimmed (EVICT_EVERY; EVICT_SHORT for the short window, which it keeps near its
   *  horizon instead of up to 10 s beyond) */
  private readonly evictEvery: number;

  /** `lines`: where the HAProxy lines can be read again (the batch driver's files; session-table.ts `rereadFrom`) */
  constructor(
    private readonly cfg: CorrelateSettings,
    private readonly stats: CorrelateStats,
    lines?: LineSources,
  ) {
    // without app logs, a `--` close on a server no MySQL log is read for is never reported (settings.ts mysqlServers)
    this.store = new Store(unseenServers(cfg), lines);
    this.queue = new ErrorQueue(cfg);
    this.repeats = new Repeats(cfg.maxLag, cfg.skew);
    this.events = eventBuilders(this.store, cfg, stats);
    this.horizon = cfg.maxLag + 2 * cfg.skew + cfg.settle + RETRY_AFTER + 2000;
    this.short = cfg.appLogs === false ? Math.min(this.horizon, shortHorizon(cfg)) : undefined;
    this.evictEvery = this.short === undefined ? EVICT_EVERY : EVICT_SHORT;
    // behind by more than the skew and a whole-second stamp: late-records.ts
    this.late = new LateRecords(cfg.skew + 1000);
  }

  /** Adds one record to the window. Unparsed records are skipped, records without a time counted.
   *  `time`, when given, is the record's `orderTime` (the batch merge has it already). */
  push(r: SourcedRecord & { time?: number }): void {
    const time = r.time ?? orderTime(r);
    if (time === undefined) {
      if (r.rec.kind !== 'unparsed') this.stats.untimed++;
      return;
    }
    this.arrive(time, r.rec.path, r.rec.offset, r.kind, r.server);
    this.ingest(r);
  }

  /**
   * A TCP session of an HAProxy log as the window's row (what `push` makes of a tcplog record: session-of.ts
   * rowOfTcp), at its `orderTime`: the agent holds the sessions waiting in its merge as rows
   * (src/agent/staged-rows.ts).
   */
  pushSession(time: number, row: SessionRow, server: string): void {
    this.arrive(time, row.file, row.offset, 'haproxy', server);
    const s = this.store.addRow(row);
    if (this.stats.servers.size < 10_000) this.stats.servers.add(s);
  }

  /**
   * A normal close that was counted and not parsed (SkippedClose: the batch driver's precheck, for a server
   * `unseenServers(cfg)` names): what pushing its record does, whose session the window would count and drop.
   */
  pushSkipped(time: number, server: string, path: string, offset: number): void {
    this.arrive(time, path, offset, 'haproxy', '');
    this.store.skipUnread(server);
    if (this.stats.servers.size < 10_000) this.stats.servers.add(server);
  }

  /** a record at `time` arrives: the decisions due before it are taken */
  private arrive(time: number, path: string, offset: number, kind: LogKind, server: string): void {
    // behind the watermark `advance` was given: decisions before it were taken without it (late-records.ts)
    if (time < this.late.threshold) this.late.note(time, kind);
    // the ticks start with the first record: nothing before it can be decided or trimmed
    if (this.tick === -Infinity) this.tick = Math.floor(time / EVICT_EVERY) * EVICT_EVERY;
    this.runTicks(time);
    this.positions.note(path, time, offset, kind, server);
  }

  /** No record older than `watermark` will be pushed: takes the decisions due before it; returns every event
   *  decided since the last call. */
  advance(watermark: number): readonly VerdictEvent[] {
    const out = this.advanceEmitted(watermark);
    return out.length ? out.map(asEvent) : NONE;
  }

  /** `advance`, its connection events as drafts (event.ts ConnectionDraft): the batch driver's NDJSON writer
   *  writes them without their objects */
  advanceEmitted(watermark: number): readonly Emitted[] {
    // the ticks would never end (window trimming is due every EVICT_EVERY): the end of input is finish()
    if (!Number.isFinite(watermark))
      throw new RangeError(`advance(${watermark}): a watermark is a time; call finish()`);
    this.late.advanced(watermark);
    if (this.tick !== -Infinity) this.runTicks(watermark);
    return this.out.length ? this.out.splice(0) : NONE;
  }

  /**
   * End of input: every error still waiting is decided, every closure in the window reported. The errors
   * are decided at the instants a stream that went on without new records would decide them, so a driver
   * that never ends (the agent, whose watermark moves on with the clock) gives the same verdicts.
   */
  finish(): VerdictEvent[] {
    return [...this.finishing()];
  }

  /** `finish()`, its events as they are decided (the batch driver writes each as it comes) */
  *finishing(): Generator<VerdictEvent> {
    for (const e of this.finishingEmitted()) yield asEvent(e);
  }

  /** `finishing()`, its connection events as drafts (`advanceEmitted`) */
  *finishingEmitted(): Generator<Emitted> {
    if (this.tick !== -Infinity)
      for (let t = this.queue.nextTick(); Number.isFinite(t); t = this.queue.nextTick())
        this.runTicks(Math.max(t, this.tick + TICK) + 1);
    this.decideReady(Infinity);
    yield* this.out.splice(0);
    yield* this.leave(Infinity, true);
    // the run's summary says how many sessions it did not keep, beside those it reported (correlate-command.ts)
    this.stats.unstored = this.store.unstored;
  }

  /**
   * Per file (log.file.path), the byte offset of the oldest record the window may still need; a file
   * left out needs none of its records pushed so far. Each file is held from its own kind's time (`heldTimes`);
   * the MySQL facts older than that are not read again but saved (`saveWindow`). Costs one pass over the
   * window's threads: for checkpoints, not per record.
   */
  heldPositions(): Map<string, number> {
    const held = this.heldTimes();
    return this.positions.heldFrom((kind, server) => (kind === undefined ? held.oldest() : held.of(kind, server)));
  }

  /** the oldest time the window still needs, over every kind of log (Infinity: none) */
  oldestHeldTime(): number {
    return this.heldTimes().oldest();
  }

  /**
   * Per kind of log (and MySQL server), the oldest log time a restart must read again to rebuild the window
   * (docs/correlator.md "Held positions"). What an app error still waiting reads (sessions from its time on)
   * holds the HAProxy log, and the errors that claimed the sessions held hold the app logs; what the sessions
   * held read of a server (its Aborted lines and KILLs, from `skew` and a second's stamp before them) holds its
   * logs. Threads and lifecycle events, which live as long as the
   * connection or a day, hold nothing: they are saved with the checkpoint (`saveWindow`).
   */
  heldTimes(): HeldTimes {
    const app = least(this.queue.oldest(), this.repeats.oldest(this.tick - this.cfg.maxLag));
    return heldTimesOf(this.store, app, this.cfg);
  }

  /** what the window holds now (the agent's goneaway_window_entries and _line_bytes): counted, not walked */
  windowSizes(): WindowSizes {
    const { entries, lineBytes } = this.store.sizes();
    return { entries: { ...entries, app_errors: this.queue.size }, lineBytes };
  }

  /** the window's facts older than `held` (threads, lifecycle events), for the checkpoint: window-summary.ts */
  saveWindow(held: HeldTimes): SavedWindow {
    return saveWindow(this.store, held);
  }

  /** puts back what `saveWindow` saved, before the first record is pushed */
  restoreWindow(saved: SavedWindow | undefined): void {
    if (this.tick !== -Infinity) throw new Error('restoreWindow: records were pushed already');
    restoreWindow(this.store, saved);
  }

  /** takes every tick before `limit` at which something is due, in order */
  private runTicks(limit: number): void {
    for (;;) {
      const nextEvict = Math.floor(this.tick / this.evictEvery) * this.evictEvery + this.evictEvery;
      const next = Math.max(this.tick + TICK, Math.min(nextEvict, this.queue.nextTick()));
      if (next >= limit) return;
      this.tick = next;
      this.decideReady(next);
      if (next % this.evictEvery === 0) this.evict(next);
    }
  }

  private ingest({ rec: r, kind, server }: SourcedRecord): void {
    const store = this.store;
    switch (kind) {
      case 'haproxy':
        // tcplog records are flat (no document built: tcp-record.ts); others say what they are
        if (r.parsed instanceof TcpLogRecord || get(r.doc, 'haproxy.message_type') === 'traffic') {
          const server = store.addSession(r);
          if (server !== undefined && this.stats.servers.size < 10_000) this.stats.servers.add(server);
        } else store.addHaEvent(r);
        return;
      case 'mysql_error':
        ingestError(store, server, r);
        return;
      case 'mysql_general':
        ingestGeneral(store, server, r);
        return;
      case 'app': {
        // the window kept no closure for it (docs/correlator.md "What the window keeps")
        if (this.short !== undefined) throw new Error('an app record was pushed into a Correlator told appLogs: false');
        const e = toAppError(r, this.cfg.skew);
        if (e && inRange(e.t, this.cfg)) {
          e.clients = this.cfg.appClients?.get(e.file);
          this.queue.add(e);
        }
        return;
      }
    }
  }

  private match(e: AppError): Match {
    // what the join learns is this error's evidence (the agent saves the state before it: learned.ts)
    this.store.learning.deciding = e;
    return this.repeats.match(e, () => matchError(this.store, e, this.cfg));
  }

  /** the normal closes not stored because nothing could refer to them (settings.ts mysqlServers) */
  get unstored(): number {
    return this.store.unstored;
  }

  /** per kind of log, the records pushed behind the highest watermark `advance` was given, by more than the skew and
   *  a second (late-records.ts) */
  get lateRecords(): Readonly<Record<LogKind, Readonly<LateOfKind>>> {
    return this.late.byKind;
  }

  /** what is learned from the app errors (learned.ts): the agent saves and restores it */
  get learning(): Learning {
    return this.store.learning;
  }

  private decideReady(watermark: number): void {
    const ready = this.queue.takeReady(watermark);
    // the tick's decisions of candidate closures are kept until its errors are decided (tick-stories.ts): between
    // ticks the window takes new lines
    this.store.stories.open();
    try {
      // errors due together that compete for closures are assigned jointly (decide-together.ts)
      this.store.together.decide(ready, (e) => matchError(this.store, e, this.cfg));
      for (const e of ready) {
        const m = this.match(e);
        if (m.verdict.cause === 'unknown' && !e.retried && watermark !== Infinity) {
          // Nothing conclusive yet: evidence can come late (a kill -9 shows only when the server
          // restarts and logs its crash recovery). Release the claim and decide again later — unless the match is
          // a repeat's: its closure is the earlier error's, whose verdict stands (repeats.ts)
          if (m.session && m.method !== 'same_connection_repeat') m.session.claimed = false;
          this.queue.defer(e);
          // (the closure each decision took or let go: the agent saves it for a restart, learned.ts)
          this.store.learning.claimed(m.session);
          continue;
        }
        this.store.learning.claimed(m.session);
        this.out.push(this.events.appEvent(e, m));
      }
      for (let e = this.queue.nextRetry(watermark); e; e = this.queue.nextRetry(watermark)) {
        const m = this.match(e);
        this.store.learning.claimed(m.session);
        this.out.push(this.events.appEvent(e, m));
      }
    } finally {
      this.store.stories.close();
    }
  }

  /** Sessions older than the window leave it: each closure is decided now, with the window's context. */
  private evict(watermark: number): void {
    for (const e of this.leave(watermark, false)) this.out.push(e);
  }

  /** the events of the closures leaving the window at `watermark` (all of them when `final`): leave-window.ts */
  private leave(watermark: number, final: boolean): Generator<Emitted> {
    const cutoff = final ? Infinity : this.cutoff(watermark);
    return leaveWindow(this.store, this.cfg, this.events, this.short !== undefined, watermark, cutoff, final);
  }

  /**
   * Sessions that ended before this time leave the window at `watermark`: `horizon` back, or with no app
   * error to come only as far as their own verdicts need (`short`), and never while a crash not yet seen
   * could still be placed before their end and change them (Store.crashFloor: a server gone silent).
   */
  private cutoff(watermark: number): number {
    const full = watermark - this.horizon;
    if (this.short === undefined) return full;
    const crash = this.store.crashFloor(watermark) - DOWN_DETECTION - this.cfg.skew - 1000;
    return Math.max(full, Math.min(watermark - this.short, crash));
  }
}
