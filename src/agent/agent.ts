/**
 * `goneaway agent`: the Correlator's second driver, beside batch `correlate`. Tailed lines are decoded
 * per file, merged by time (merger.ts, the batch merge's order), pushed into one Correlator, and the
 * final events are indexed with the records. One loop, in turns:
 *
 *   read lines (bounded queue) → decode → merge → push → advance(watermark) → sink.write → ack → checkpoint
 *
 * Filebeat's contract: a line is acknowledged to the checkpoint store only after the sink acknowledged
 * the batch its records went out in, and each file's checkpoint is also held at the oldest record that
 * is still needed — a multi-line record being assembled, a record waiting in the merge, or one the
 * correlation window holds (the Correlator's held time of its kind of log, mapped to each file's offsets; the
 * facts older than that, a pooled connection's thread, are saved with the checkpoints). After a
 * restart, even after `kill -9`, reading resumes there, the window is rebuilt, and documents re-sent keep
 * their ids (409: already there).
 *
 * Watermark: the time of the last record released by the merge. An input quiet for `idleMs` stops
 * holding the merge back; when every input is quiet, the watermark moves on with the wall clock from the
 * newest record, so an app error is decided about `settle` after its line, however quiet the logs get.
 */
import type { Logger } from 'pino';
import type { ParseContext } from '../../parsers/types.js';
import type { Config } from '../config/schema.js';
import { Correlator, orderTime, type SourcedRecord } from '../correlate/correlator.js';
import { FilePositions } from '../correlate/window.js';
import { newStats } from '../correlate/engine.js';
import type { VerdictEvent } from '../correlate/event.js';
import type { CorrelateSettings } from '../correlate/settings.js';
import type { SavedLearning } from '../correlate/learned.js';
import { FileDecoder } from '../pipeline/file-decoder.js';
import { newCounts, type ParsedRecord } from '../pipeline/record.js';
import type { OutDoc, Sink } from '../sinks/sink.js';
import { toOutDoc } from '../sinks/elasticsearch/streams.js';
import { ByteArena, recordOutDoc } from '../sinks/elasticsearch/record-bytes.js';
import { CHECKPOINT_INTERVAL_MS, CheckpointStore, originOf } from './checkpoints.js';
import { SavedIdentities } from './doc-identities.js';
import { IDENTITY_BYTES } from '../sinks/doc-id.js';
import { inodeKey, type FileIdentity } from './inputs/identity.js';
import { Tailer, type FileEvent, type TailRecord } from './inputs/tailer.js';
import { agentInputs, type AgentInput } from './inputs.js';
import { StreamMerger } from './merger.js';
import { LearningJournal } from './learning-journal.js';
import { WindowFacts } from './checkpoints-window.js';
import type { SavedWindow } from '../correlate/window-summary.js';
import { reportCheckpointLag, type AgentMetrics } from './metrics.js';

export interface AgentOptions {
  config: Config;
  /** the correlation settings (appClients is filled by the agent as app files appear) */
  settings: CorrelateSettings;
  /** a fresh parse context for a file of this input (its zone, formats, patterns, redaction) */
  contextFor: (input: AgentInput) => ParseContext;
  sink: Sink;
  log: Logger;
  metrics: AgentMetrics;
  /** a quiet input stops holding the merge back after this long (ms) */
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

type Merged = SourcedRecord & { time: number; file: OpenFile };

interface OpenFile {
  key: string;
  identity: FileIdentity;
  input: AgentInput;
  path: string;
  decoder: FileDecoder;
  source: number;
  /** offset past the last line taken (Tailer.caughtUp: the file is quiet only once the agent has all of it) */
  end: number;
  /** its documents' file identity is set (doc-identities.ts): from its first line, not from an empty file */
  named: boolean;
  lastLine: number;
  idle: boolean;
  /** not read for now: the merge is full and records of this file wait in it (pace()) */
  paused: boolean;
  /** records read by kind since the counter was last told (countRecords: once a turn, not once a record) */
  kinds: Map<string, number>;
  /** offsets of lines cut at agent.max_record_bytes whose record is not out yet, ascending */
  cut: number[];
  /**
   * Where its records pushed into the Correlator are in time: the window's hold on this file. Kept per open file,
   * not by path as the Correlator's `heldPositions` does: after a rotation the old and the new file share a path,
   * and an offset of one applied to the other can land a checkpoint in the middle of a line.
   */
  positions: FilePositions;
}

/** the name of what the Correlator learned (origins, lags) in checkpoints.json */
const LEARNING = 'learning';
/** the name of the window's long-lived facts (threads of pooled connections) in checkpoints.json */
const WINDOW = 'window';

export class Agent {
  private readonly files = new Map<string, OpenFile>();
  private readonly inputs: Map<string, AgentInput>;
  private readonly merger = new StreamMerger<Merged>();
  /** where the record documents written as bytes go (record-bytes.ts) */
  private readonly arena = new ByteArena();
  private readonly correlator: Correlator;
  /** set by start(): the documents' file identities (doc-identities.ts) */
  private ids!: SavedIdentities;
  private readonly appClients = new Map<string, ReadonlySet<string>>();
  private readonly appUsers = new Map<string, ReadonlySet<string>>();
  private readonly appFrontends = new Map<string, ReadonlySet<string>>();
  private readonly idleMs: number;
  private readonly batchMs: number;
  private readonly batchLines: number;
  /** records in the merge above which files with records in it pause (pace()) */
  private readonly mergeMax: number;
  private readonly queueMax: number;
  private mergeFull = false;
  private turns = 0;
  /** documents of the turn being built and of the turn in flight, not yet acknowledged */
  private docsHeld = 0;
  /** the most records ever held at once (`resident`), for the tests and the bench's reading of it */
  peakResident = 0;
  private tailer: Tailer | undefined;
  /** files truncated or closed, retired once the agent has taken `after` lines (the ones queued before) */
  private readonly retiring: Array<{ key: string; after: number; closed: boolean }> = [];
  /** closed files retired whose checkpoint is still held: records in the merge, or ones the window needs */
  private readonly released: OpenFile[] = [];
  private taken = 0;
  private store: CheckpointStore | undefined;
  private learning: LearningJournal | undefined;
  private facts: WindowFacts | undefined;
  private loop: Promise<void> | undefined;
  /** what stopped the reading (the tailer's failure), when stop() did not */
  private readerError: unknown;
  private stopAsked = false;
  private fail: (e: unknown) => void = () => undefined;
  /**
   * Settles with the error once the agent can go on no more — the tailer failed, or a turn could not be sent — and
   * what was acknowledged is checkpointed: the process must then exit non-zero, so that its service manager starts
   * it again (Restart=on-failure). It used to go on running, reading nothing, with /healthz 503 for good.
   */
  readonly failed = new Promise<unknown>((resolve) => (this.fail = resolve));
  private stopping = false;
  private interrupted = false;
  private watermark = -Infinity;
  private newest = -Infinity;
  private lastLineAt = Date.now();
  /** health: the loop's last turn and the sink's last acknowledgement (epoch ms) */
  lastTurn = Date.now();
  lastAck = Date.now();
  pending = 0;

  constructor(private readonly o: AgentOptions) {
    this.inputs = new Map(agentInputs(o.config).map((i) => [i.name, i]));
    this.idleMs = o.idleMs ?? 5000;
    this.batchMs = o.batchMs ?? 1000;
    // shared out as: a tenth in the tailer's queue, a fifth in the merge, a tenth of lines read per turn (a turn's
    // documents: its records and the verdicts of the records it released, two turns unacknowledged at most). What
    // each holds, and why verdicts have no share of their own: docs/benchmark-agent.md "Memory: the backlog"
    const resident = o.maxResident ?? o.config.agent.max_resident_records;
    this.batchLines = Math.max(1, Math.min(o.batchLines ?? 5000, Math.floor(resident / 10)));
    this.queueMax = Math.max(1, Math.floor(resident / 10));
    this.mergeMax = Math.max(1, Math.floor(resident / 5));
    this.correlator = new Correlator(
      {
        ...o.settings,
        appClients: this.appClients,
        appUsers: this.appUsers,
        appFrontends: this.appFrontends,
        // with no app input no error can come: the window keeps only what connection verdicts need
        appLogs: [...this.inputs.values()].some((i) => i.kind === 'app'),
      },
      newStats(),
    );
  }

  async start(): Promise<void> {
    const a = this.o.config.agent;
    this.store = await CheckpointStore.open(a.state_dir, { minIntervalMs: CHECKPOINT_INTERVAL_MS });
    // what was learned before the restart, at the saved positions (learning-journal.ts)
    const saved = this.store.loaded[LEARNING] as SavedLearning | undefined;
    this.learning = new LearningJournal(this.correlator.learning, saved);
    this.store.attach(LEARNING, this.learning);
    // the threads that outlived the window's reach, as they were at the saved positions (checkpoints-window.ts)
    const facts = this.store.loaded[WINDOW] as SavedWindow | undefined;
    this.correlator.restoreWindow(facts);
    this.facts = new WindowFacts(facts);
    this.store.attach(WINDOW, this.facts);
    this.ids = new SavedIdentities(a.state_dir);
    this.pruneIdentities();
    this.tailer = new Tailer({
      inputs: [...this.inputs.values()].map((i) => ({ name: i.name, paths: i.paths })),
      store: this.store,
      startAt: a.start_at,
      maxRecordBytes: a.max_record_bytes,
      queueMaxRecords: this.queueMax,
    });
    const tailer = this.tailer;
    for (const ev of ['opened', 'rotated', 'truncated', 'closed', 'oversize'] as const)
      tailer.on(ev, (e: { path: string; identity: FileIdentity }) => {
        this.o.log.info({ event: ev, path: e.path }, `input file ${ev}`);
        // the file's lines queued before the event are still to come: it is retired after the last of them
        if (ev === 'truncated' || ev === 'closed')
          this.retiring.push({ key: inodeKey(e.identity), after: tailer.stats.records, closed: ev === 'closed' });
      });
    // A file is a source of the merge from when it is opened, not from its first line taken: until it is read and
    // quiet it holds the merge back. Sources added only with their first line let the merge release past a file
    // not read yet — after a restart, the lines behind the first turn's share — and its records then reached the
    // Correlator late: other confidences than batch whenever a turn could not take every file's backlog, i.e.
    // with a small agent.max_resident_records (docs/benchmark-agent.md "Memory: the backlog").
    this.tailer.on('opened', (e: FileEvent) => {
      if (!this.files.has(inodeKey(e.identity))) this.openFile(e.input, e.path, e.identity, e.offset);
    });
    // a file an input names that cannot be opened or read: logged with the fix, counted, tried again at every scan
    // (tailer.ts), and shown by /healthz while it lasts (unreadableInputs)
    tailer.on('warning', (e: { input: string; path: string; error: unknown }) => {
      const code = String((e.error as NodeJS.ErrnoException)?.code ?? 'EIO');
      this.o.metrics.inputErrors.inc({ input: e.input, code });
      this.o.log.warn(
        {
          input: e.input,
          path: e.path,
          code,
          err: String((e.error as Error)?.message ?? e.error),
          fix: inputFix(code),
        },
        'input file cannot be read; trying again',
      );
    });
    this.tailer.on('failed', (e: unknown) => {
      this.o.log.error({ err: e }, 'input reader failed');
      this.readerError = e;
    });
    this.tailer.start();
    this.loop = this.run();
    // the loop ends with the tailer's queue closed (a failure) or with an error of its own; after a stop() it is
    // stop()'s to handle. The turns acknowledged so far are checkpointed (send() flushes after each)
    this.loop.then(
      () => (this.stopAsked ? undefined : this.fail(this.readerError ?? new Error('the input reader stopped'))),
      (e: unknown) => (this.stopAsked ? undefined : this.fail(e)),
    );
  }

  /** the input files that exist but cannot be read now, as `input path (code)` (/healthz) */
  unreadableInputs(): string[] {
    return [...(this.tailer?.unreadable ?? [])].map(([p, u]) => `${u.input} ${p} (${u.code})`);
  }

  inputNames(): string[] {
    return [...this.inputs.keys()];
  }

  /**
   * Records held now between the files and the sink's acknowledgement: lines queued by the tailer, records
   * waiting in the merge, documents built or in flight and not yet acknowledged.
   */
  resident(): number {
    return (this.tailer?.queue.queuedRecords ?? 0) + this.merger.size + this.docsHeld;
  }

  /**
   * A stop that takes too long (the output away, its retries running): the sink stops waiting (sink.ts
   * `interrupt`; the spool takes what was being sent), so that stop() can checkpoint and return in time.
   */
  interrupt(): void {
    this.interrupted = true;
    this.o.sink.interrupt?.();
  }

  /** SIGTERM: stop reading, send what was decided, checkpoint, close. Errors not decided yet are after the restart. */
  async stop(): Promise<void> {
    this.stopAsked = true;
    this.stopping = true;
    await this.tailer?.stop();
    try {
      await this.loop;
    } catch (e) {
      // interrupted: a turn the sink refused was not acknowledged, so its lines are read again at the next start
      if (!this.interrupted) throw e;
      this.o.log.warn({ err: String((e as Error)?.message ?? e) }, 'stopping: the last turn was not acknowledged');
    }
    await this.store?.flush(true);
    await this.o.sink.close();
  }

  private async run(): Promise<void> {
    // whole batches (the lines of one read), not line by line: an async step and a race per line cost more
    // than decoding the line (docs/benchmark-agent.md "The agent's loop")
    const batches = this.tailer!.batches()[Symbol.asyncIterator]();
    let next = batches.next();
    // one turn's documents in flight while the next turn reads and decodes
    let inFlight: Promise<void> = Promise.resolve();
    let flying = 0;
    while (!this.stopping) {
      // what send() acknowledges: the lines' files and offsets (not the lines: their texts are in the records)
      const acks: Acks = { ids: [], offsets: [] };
      const docs: OutDoc[] = [];
      // one timer per turn: the turn ends when it fires or when the batch is full
      const timeUp = sleep(this.batchMs);
      while (acks.offsets.length < this.batchLines && docs.length < this.batchLines) {
        const r = await Promise.race([next, timeUp]);
        if (r === undefined) break; // the turn's time is up; `next` stays pending for the next turn
        if (r.done) {
          this.stopping = true;
          break;
        }
        next = batches.next();
        // a batch is the lines of one read of one file: counted once (prom-client hashes the labels at every inc)
        if (r.value.length) this.o.metrics.linesRead.inc({ input: r.value[0]!.input }, r.value.length);
        for (const l of r.value) {
          acks.ids.push(l.identity);
          acks.offsets.push(l.offset);
          this.line(l, docs);
        }
        // the merge's bound is kept batch by batch, not once a turn: a turn is up to batchLines lines. Once it is
        // full, what can go is released first: the file the merge waited for now has records in it, and would be
        // paused for them (then read once a turn). Releasing early keeps the batch order: every open file is a
        // source from its opening, so a file not read yet holds the merge back (start()). A file idle now does not
        // hold it back, in this turn's release or in a release after a read
        if (this.mergeFull || this.merger.size > this.mergeMax) this.releaseMerged();
        this.pace(Date.now());
        this.noteResident(flying + docs.length);
      }
      this.turn(docs);
      this.turns++;
      this.noteResident(flying + docs.length);
      // the holds as this turn leaves them, before the next turn changes the decoders, merge and window
      const { holds, facts } = this.holds();
      // the sink's backpressure: one turn in flight at most, so a slow sink stops this loop, then the tailer
      await inFlight;
      flying = docs.length;
      this.docsHeld = flying;
      inFlight = this.send(docs, acks, holds, facts);
      inFlight.catch(() => undefined); // rethrown by the `await inFlight` above or below
    }
    await inFlight;
    this.docsHeld = 0;
  }

  private noteResident(docsHeld: number): void {
    this.docsHeld = docsHeld;
    const n = this.resident();
    if (n > this.peakResident) this.peakResident = n;
    this.o.metrics.resident.set(n);
  }

  /** One line of a tailed file: decoded, its records queued in the merge, their documents collected. */
  private line(r: TailRecord, docs: OutDoc[]): void {
    this.retireDue(docs);
    this.taken++;
    const f = this.fileOf(r);
    f.lastLine = this.lastLineAt = Date.now();
    f.end = r.end;
    // the tailer's identity grows with a short file's fingerprint (checkpoints and the learning journal compare it)
    f.identity = r.identity;
    if (!f.named) {
      // the documents' file identity: the hash of its first line and, for a MySQL log, of its server's name
      // (src/sinks/doc-id.ts: two replicas' logs can start alike), read from the file itself: its path may lead to
      // another file now (an agent restarted right after a rotation reads the renamed file under its first path)
      const head = this.tailer!.head(r.identity, IDENTITY_BYTES);
      if (head) this.ids.addHead(r.path, head, f.input.server);
      else this.ids.add(r.path, r.path, f.input.server);
      f.named = true;
    }
    if (f.idle) {
      f.idle = false;
      this.merger.setIdle(f.source, false);
    }
    // a reason of its own: the record it is part of may be unparsed as well (HAProxy's too_long)
    if (r.cutBytes) {
      this.o.metrics.parseFailures.inc({ input: f.input.name, reason: 'line_cut' });
      f.cut.push(r.offset);
    }
    for (const out of f.decoder.push({ text: r.text, offset: r.offset, lineNo: 0 })) this.record(f, out, docs);
    // an app log's lines that are no DB error make no record, but say how far the file is in time: without this,
    // a busy INFO log never goes idle and holds the merge (and, once it is full, every other file) for good
    const skipped = f.decoder.skippedTime;
    if (skipped !== undefined) this.merger.advance(f.source, skipped);
  }

  private record(f: OpenFile, rec: ParsedRecord, docs: OutDoc[]): void {
    f.kinds.set(rec.kind, (f.kinds.get(rec.kind) ?? 0) + 1);
    if (rec.issue) this.o.metrics.parseFailures.inc({ input: f.input.name, reason: rec.issue.code });
    const truncated = f.cut.length > 0 && holdsCut(f.cut, rec);
    if (this.o.config.agent.index_records) {
      if (truncated) {
        const out = toOutDoc('goneaway.records', this.namespace(), this.ids, rec.doc, rec.kind);
        // ECS `tags` (docs/agent-inputs.md "Long lines"): the record lacks the end of one of its lines
        out.doc.tags = [...((out.doc.tags as string[] | undefined) ?? []), TRUNCATED];
        docs.push(out);
        // a tcplog record's document as bytes, never built (record-bytes.ts: docs/benchmark-agent.md "CPU per line")
      } else docs.push(recordOutDoc(this.namespace(), this.ids, rec, this.arena));
    }
    // one object per record for the merge (its time is set below)
    const m: Merged = { rec, kind: f.input.kind, server: f.input.server, time: 0, file: f };
    const time = orderTime(m);
    if (time === undefined) return;
    if (time > this.newest) this.newest = time;
    m.time = time;
    this.merger.push(f.source, m);
  }

  /** Idle inputs, the merge, the watermark, and the events that became final. */
  private turn(docs: OutDoc[]): void {
    this.retireDue(docs);
    const now = Date.now();
    this.lastTurn = now;
    let allIdle = true;
    for (const f of this.files.values()) {
      this.countRecords(f);
      // a paused file is not quiet: flushing it would cut a multi-line record being assembled; nor is one whose
      // lines are still queued or unread (the agent behind a backlog or a slow sink): its records are still to come
      if (!f.idle && !f.paused && now - f.lastLine >= this.idleMs && this.tailer!.caughtUp(f.identity, f.end)) {
        f.idle = true;
        // a record still being assembled is complete once its file went quiet
        for (const out of f.decoder.flush()) this.record(f, out, docs);
        this.merger.setIdle(f.source, true);
      }
      allIdle &&= f.idle;
    }
    this.releaseMerged();
    this.pace(now);
    if (allIdle && this.newest > -Infinity)
      this.watermark = Math.max(this.watermark, this.newest + (now - this.lastLineAt));
    if (this.watermark === -Infinity) return;
    this.o.metrics.watermark.set(this.watermark / 1000);
    for (const ev of this.correlator.advance(this.watermark)) docs.push(this.verdict(ev));
  }

  /**
   * Records the merge can release, into the Correlator; all of them. A cap per turn (to bound the verdicts of a
   * turn) would leave records of the file the merge waits for in it, and pace() would pause that file: the merge
   * would then wait for the turn's timer.
   */
  private releaseMerged(): void {
    for (const m of this.merger.release()) {
      // an app error's learning is saved by its file position: which file it came from
      if (m.kind === 'app') this.learning!.pushed(m.rec.doc, m.file.identity);
      m.file.positions.note('', m.time, m.rec.offset);
      this.correlator.push(m);
      if (m.time > this.watermark) this.watermark = m.time;
    }
  }

  /**
   * The merge's bound: once it holds more than mergeMax records, the files with records in it pause until it is
   * down to half (Tailer.pause). The file it waits for has none in it, so it is read on: pausing it would stop the
   * merge for good. A paused file whose records have all been released is read again (it may be the one waited
   * for next).
   */
  private pace(now: number): void {
    const size = this.merger.size;
    if (size > this.mergeMax) this.mergeFull = true;
    else if (size <= this.mergeMax / 2) this.mergeFull = false;
    for (const f of this.files.values()) {
      const ahead = this.mergeFull && this.merger.queuedOf(f.source) > 0;
      if (ahead === f.paused) continue;
      f.paused = ahead;
      f.lastLine = now; // quiet is counted from the resumption, not from before the pause
      this.tailer!.pause(f.identity, ahead);
    }
  }

  /**
   * The records read counter, told once a turn per file and kind: prom-client hashes the labels at every inc, which
   * once a record cost as much as the merge (docs/benchmark-agent.md "CPU per line").
   */
  private countRecords(f: OpenFile): void {
    for (const [kind, n] of f.kinds) this.o.metrics.recordsRead.inc({ input: f.input.name, kind }, n);
    f.kinds.clear();
  }

  private verdict(ev: VerdictEvent): OutDoc {
    const ga = ev.goneaway;
    this.o.metrics.verdicts.inc({ cause: ga.cause, kind: ga.kind });
    return toOutDoc('goneaway.verdicts', this.namespace(), this.ids, ev, ga.kind);
  }

  /**
   * Per open file, the oldest position still needed: a record still being assembled, waiting in the merge,
   * or needed by the window (from its own kind's held time). Taken when a turn ends, with the window's facts
   * older than that (saved instead of read again), applied when its documents are acknowledged.
   */
  private holds(): { holds: Array<[FileIdentity, number | undefined]>; facts: SavedWindow } {
    // the window's held times: one pass over it per turn, as Correlator.heldPositions
    const times = this.correlator.heldTimes();
    const held = (f: OpenFile) => f.positions.heldFrom(times.of(f.input.kind, f.input.server)).get('');
    const out: Array<[FileIdentity, number | undefined]> = [...this.files.values()].map((f) => [
      f.identity,
      least(f.decoder.pendingOffset, this.merger.head(f.source)?.rec.offset, held(f)),
    ]);
    // A closed file keeps a hold — at or before the record its decoder flushed when it was retired: a kill before
    // that record is acknowledged reads it again — while records of it wait in the merge or the window holds some;
    // then the hold is lifted (applied once this turn's documents are acknowledged), the checkpoint reaches the
    // file's end and the entry is dropped (CheckpointStore.forget).
    for (let i = this.released.length - 1; i >= 0; i--) {
      const f = this.released[i]!;
      const at = least(this.merger.head(f.source)?.rec.offset, held(f));
      out.push([f.identity, at]);
      if (at === undefined) this.released.splice(i, 1);
    }
    return { holds: out, facts: this.correlator.saveWindow(times) };
  }

  /** Sends a turn's documents; once acknowledged, its lines are, and the checkpoints move up to the holds. */
  private async send(docs: OutDoc[], acks: Acks, holds: Array<[FileIdentity, number | undefined]>, facts: SavedWindow) {
    this.pending = docs.length;
    if (docs.length) {
      const ack = await this.o.sink.write(docs);
      this.o.metrics.bulkItems.inc({ outcome: 'indexed' }, ack.indexed);
      this.o.metrics.bulkItems.inc({ outcome: 'present' }, ack.present);
      this.o.metrics.bulkItems.inc({ outcome: 'dead_lettered' }, ack.deadLettered);
      this.o.metrics.bulkItems.inc({ outcome: 'retried' }, ack.retried);
    }
    this.pending = 0;
    this.lastAck = Date.now();
    const store = this.store!;
    // holds first: an acknowledgement moves the position at once, up to the hold in force, and a position
    // never moves back — so the hold must already cover a record still being assembled, waiting in the
    // merge, or needed by the window when the lines behind it are acknowledged
    for (const [identity, at] of holds) store.hold(identity, at);
    for (let i = 0; i < acks.offsets.length; i++) store.ack(acks.ids[i]!, acks.offsets[i]!);
    // the facts go with these holds (checkpoints-window.ts)
    this.facts!.taken(facts);
    await store.flush();
    reportCheckpointLag(this.o.metrics, store, this.files.values());
  }

  /** the open file of a line: known since the tailer opened it, or (truncated and retired since) from now */
  private fileOf(r: TailRecord): OpenFile {
    return this.files.get(inodeKey(r.identity)) ?? this.openFile(r.input, r.path, r.identity, r.offset);
  }

  /** A file the tailer opened (or read again after a truncation): a source of the merge from now on. */
  private openFile(inputName: string, path: string, identity: FileIdentity, at: number): OpenFile {
    const key = inodeKey(identity);
    const input = this.inputs.get(inputName)!;
    const decoder = new FileDecoder(input.kind, path, this.o.contextFor(input), newCounts(path, input.kind));
    decoder.timeSkipped = input.kind === 'app';
    const source = this.merger.addSource(input.rank);
    const f: OpenFile = {
      key,
      identity,
      input,
      path,
      decoder,
      source,
      end: at,
      named: false,
      lastLine: Date.now(),
      idle: false,
      paused: false,
      kinds: new Map(),
      cut: [],
      positions: new FilePositions(),
    };
    if (input.clients) this.appClients.set(path, input.clients);
    if (input.users) this.appUsers.set(path, input.users);
    if (input.frontends) this.appFrontends.set(path, input.frontends);
    this.files.set(key, f);
    return f;
  }

  /** Files truncated or closed whose queued lines have all been taken. */
  private retireDue(docs: OutDoc[]): void {
    while (this.retiring.length && this.retiring[0]!.after <= this.taken) {
      const { key, closed } = this.retiring.shift()!;
      this.retire(key, docs, closed);
    }
  }

  /**
   * A file truncated or closed: the record it was assembling is complete (its last lines are read), and
   * the file no longer holds the merge; a truncated one starts a new decoder with its next line.
   */
  private retire(key: string, docs: OutDoc[], closed: boolean): void {
    const f = this.files.get(key);
    if (!f) return;
    for (const out of f.decoder.flush()) this.record(f, out, docs);
    this.countRecords(f);
    this.files.delete(key);
    // a truncated file goes on under the same inode (its new content's holds are its own)
    if (closed) this.released.push(f);
    this.merger.finish(f.source);
    this.pruneIdentities();
    // a truncated file is read again under the same inode: it must not stay paused
    if (f.paused) this.tailer?.pause(f.identity, false);
    // and its new content is a source from now on, as an opened file is (start()); its first line sets its identity
    if (!closed) this.openFile(f.input.name, f.path, f.identity, 0);
  }

  /** doc-identities.json keeps the paths a checkpoint or an open file still reads under (doc-identities.ts) */
  private pruneIdentities(): void {
    const saved = this.store!.all().flatMap((c) => [c.path, originOf(c)]);
    const needed = new Set([...saved, ...[...this.files.values()].map((f) => f.path)]);
    const n = this.ids.prune((p) => needed.has(p));
    if (n) this.o.log.info({ dropped: n }, 'document identities of files gone and done with dropped');
  }

  private namespace(): string {
    return this.o.config.output.elasticsearch?.namespace ?? 'default';
  }
}

/** the lines of a turn, acknowledged once its documents are: file identity and offset, index by index */
interface Acks {
  ids: FileIdentity[];
  offsets: number[];
}

/** the tag of a record one of whose lines was cut at agent.max_record_bytes (Filebeat's `log.flags` value) */
export const TRUNCATED = 'truncated';

/**
 * Whether `rec` holds one of the cut lines (`cut`: their offsets, ascending; those before `rec` are dropped,
 * as the records of a file come out in order): a cut line starts inside the record's text.
 */
export function holdsCut(cut: number[], rec: ParsedRecord): boolean {
  while (cut.length && cut[0]! < rec.offset) cut.shift();
  const end = rec.end;
  let held = false;
  for (; cut.length && cut[0]! <= end; held = true) cut.shift();
  return held;
}

/** what to do about an input file that cannot be read, by errno code */
function inputFix(code: string): string {
  if (code === 'EACCES' || code === 'EPERM')
    return "let the agent's user read it (and search its directories): e.g. add the user to the log's group (adm) or set an ACL";
  if (code === 'ELOOP') return 'the path is a symbolic link loop: point the link at the log file';
  return 'check the file and its file system (the agent tries again at every scan)';
}

const sleep = (ms: number): Promise<undefined> => new Promise((r) => setTimeout(() => r(undefined), ms));

/** the smallest of the positions that are set */
function least(...xs: Array<number | undefined>): number | undefined {
  let m: number | undefined;
  for (const x of xs) if (x !== undefined && (m === undefined || x < m)) m = x;
  return m;
}
