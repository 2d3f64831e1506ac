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
 * Watermark: the time of the last record released by the merge. An input quiet for `agent.idle_after` stops
 * holding the merge back; when every input is quiet, the watermark moves on with the wall clock from the
 * newest record, so an app error is decided about `settle` after its line, however quiet the logs get.
 */
import { CHECKPOINT_INTERVAL_MS, CheckpointStore, originOf } from './checkpoints.js';
import { SavedIdentities } from './doc-identities.js';
import { inodeKey, type FileIdentity } from './inputs/identity.js';
import { Tailer, type FileEvent, type LineBatch } from './inputs/tailer.js';
import { LearningJournal } from './learning-journal.js';
import { WindowFacts } from './checkpoints-window.js';
import type { SavedLearning } from '../correlate/learned.js';
import type { SavedWindow } from '../correlate/window-summary.js';
import { FilePositions } from '../correlate/window.js';
import { StagedRows } from './staged-rows.js';
import { CutsAhead } from './record-cuts.js';
import { FileDecoder } from '../pipeline/file-decoder.js';
import { newCounts } from '../pipeline/record.js';
import type { OutDoc } from '../sinks/sink.js';
import { reportCheckpointLag } from './metrics.js';
import type { OpenFile } from './open-file.js';
import { applyAck, takeHolds, WindowTake, type Acks, type Holds } from './turn-holds.js';
import { AgentTurns } from './turns.js';
import type { AgentOptions } from './agent-options.js';
import { LateReport } from './late-report.js';
import { idleAfterWarning } from '../config/idle-after.js';

export type { AgentOptions } from './agent-options.js';
export { holdsCut, TRUNCATED } from './open-file.js';

/** the name of what the Correlator learned (origins, lags) in checkpoints.json */
const LEARNING = 'learning';
/** the name of the window's long-lived facts (threads of pooled connections) in checkpoints.json */
const WINDOW = 'window';

export class Agent extends AgentTurns {
  /** files truncated or closed, retired once the agent has taken `after` lines (the ones queued before) */
  private readonly retiring: Array<{ key: string; after: number; closed: boolean }> = [];
  /** closed files retired whose checkpoint is still held: records in the merge, or ones the window needs */
  private readonly released: OpenFile[] = [];
  private store: CheckpointStore | undefined;
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
  private interrupted = false;
  /** health: the sink's last acknowledgement (epoch ms) */
  lastAck = Date.now();
  pending = 0;
  /** the records that came behind the watermark: the metric and the warning (late-report.ts) */
  private readonly late: LateReport;
  /** the window's held times and facts, taken at most once per checkpoint interval (turn-holds.ts) */
  private readonly window: WindowTake;

  /** `idleMs` given (tests) wins over `agent.idle_after`; a reload makes a new Agent with the new config */
  constructor(o: AgentOptions) {
    const idleMs = o.idleMs ?? o.config.agent.idle_after;
    super({ ...o, idleMs });
    this.late = new LateReport(o.metrics, o.log, idleMs);
    this.window = new WindowTake(this.correlator);
    o.metrics.windowSizes = () => this.correlator.windowSizes();
    // agent.idle_after against the promised delay of a verdict, as validate warns (idle-after.ts)
    const slow = o.idleMs === undefined ? idleAfterWarning(o.config) : undefined;
    if (slow) o.log.warn(slow);
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

  /** lines taken from the tailer so far (decoded, their records in the merge or out) */
  get linesTaken(): number {
    return this.taken;
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

  protected holds(last: boolean): { holds: Holds; facts: SavedWindow } {
    const { times, facts, fresh } = this.window.take(Date.now(), last);
    // fresh times cover every record pushed so far; until the next take, what is pushed is held by its offset
    if (fresh) for (const f of [...this.files.values(), ...this.released]) f.pushedSinceTake = undefined;
    return { holds: takeHolds(this.files.values(), this.released, this.merger, times), facts };
  }

  protected async send(docs: OutDoc[], acks: Acks, holds: Holds, facts: SavedWindow): Promise<void> {
    // once a turn (send follows each turn): the records of this turn that came behind the watermark
    this.late.report(this.correlator.lateRecords);
    this.pending = docs.length;
    if (docs.length) {
      // a record cut at idle in this turn is indexed only once its cut is on disk: else a kill in between, and the
      // restart would index its lines again as one whole record, under another _id (record-cuts.ts)
      await this.store!.saveCuts();
      const ack = await this.o.sink.write(docs);
      this.o.metrics.bulkItems.inc({ outcome: 'indexed' }, ack.indexed);
      this.o.metrics.bulkItems.inc({ outcome: 'present' }, ack.present);
      this.o.metrics.bulkItems.inc({ outcome: 'dead_lettered' }, ack.deadLettered);
      this.o.metrics.bulkItems.inc({ outcome: 'retried' }, ack.retried);
    }
    this.pending = 0;
    this.lastAck = Date.now();
    const store = this.store!;
    await applyAck(store, this.facts!, acks, holds, facts);
    reportCheckpointLag(this.o.metrics, store, this.files.values());
  }

  /** the open file of a line: known since the tailer opened it, or (truncated and retired since) from now */
  protected fileOf(r: LineBatch, offset: number): OpenFile {
    return this.files.get(r.key) ?? this.openFile(r.input, r.path, r.identity, offset);
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
      staged: undefined as never, // its own, just below
      end: at,
      named: false,
      lastLine: Date.now(),
      idle: false,
      paused: false,
      kinds: new Map(),
      cut: [],
      cutsAhead: new CutsAhead(this.store!.get(identity)?.cuts?.filter((c) => c > at)),
      positions: new FilePositions(),
      pushedSinceTake: undefined,
    };
    f.staged = new StagedRows(f);
    if (input.clients) this.appClients.set(path, input.clients);
    if (input.users) this.appUsers.set(path, input.users);
    if (input.frontends) this.appFrontends.set(path, input.frontends);
    this.files.set(key, f);
    return f;
  }

  protected cutAt(f: OpenFile): void {
    const store = this.store!;
    const dropped = store.cutsDropped;
    if (store.cut(f.identity, f.end)) this.o.metrics.idleCuts.inc({ outcome: 'kept' });
    if (store.cutsDropped > dropped) this.o.metrics.idleCuts.inc({ outcome: 'dropped' }, store.cutsDropped - dropped);
  }

  /** Files truncated or closed whose queued lines have all been taken. */
  protected retireDue(docs: OutDoc[]): void {
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
}

/** what to do about an input file that cannot be read, by errno code */
function inputFix(code: string): string {
  if (code === 'EACCES' || code === 'EPERM')
    return "let the agent's user read it (and search its directories): e.g. add the user to the log's group (adm) or set an ACL";
  if (code === 'ELOOP') return 'the path is a symbolic link loop: point the link at the log file';
  return 'check the file and its file system (the agent tries again at every scan)';
}
