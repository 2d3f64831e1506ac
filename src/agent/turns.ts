/**
 * The agent's loop, in turns (agent.ts has the rest: starting, stopping, files opening and retiring, the sink's
 * acknowledgement): a turn takes the lines of up to batchLines, decodes them per file, merges their records by
 * time into the Correlator and collects the documents — records and the verdicts that became final — that go
 * out as one write. One turn's documents are in flight while the next is built.
 */
import { Correlator } from '../correlate/correlator.js';
import { recordTime } from '../correlate/record-time.js';
import { rowOfTcp } from '../correlate/session-of.js';
import { TcpLogRecord } from '../../parsers/haproxy/tcp-record.js';
import { newStats } from '../correlate/engine.js';
import type { Emitted } from '../correlate/event.js';
import type { SavedWindow } from '../correlate/window-summary.js';
import type { ParsedRecord } from '../pipeline/record.js';
import type { OutDoc } from '../sinks/sink.js';
import { toOutDoc } from '../sinks/elasticsearch/streams.js';
import { ByteArena, recordOutDoc } from '../sinks/elasticsearch/record-bytes.js';
import { verdictOutDoc } from '../sinks/elasticsearch/verdict-bytes.js';
import { IDENTITY_BYTES } from '../sinks/doc-id.js';
import type { SavedIdentities } from './doc-identities.js';
import type { LineBatch, Tailer } from './inputs/tailer.js';
import { residentShares, type AgentOptions } from './agent-options.js';
import { agentInputs, type AgentInput } from './inputs.js';
import type { LearningJournal } from './learning-journal.js';
import { StreamMerger } from './merger.js';
import { holdsCut, TRUNCATED, type MergeItem, type OpenFile } from './open-file.js';
import { StagedRows } from './staged-rows.js';
import { MergePace } from './merge-pace.js';
import type { Acks, Holds } from './turn-holds.js';

export abstract class AgentTurns {
  protected readonly files = new Map<string, OpenFile>();
  protected readonly inputs: Map<string, AgentInput>;
  protected readonly merger = new StreamMerger<MergeItem>();
  /** where the record documents written as bytes go (record-bytes.ts) */
  private readonly arena = new ByteArena();
  protected readonly correlator: Correlator;
  /** set by start(): the documents' file identities (doc-identities.ts) */
  protected ids!: SavedIdentities;
  protected readonly appClients = new Map<string, ReadonlySet<string>>();
  protected readonly appUsers = new Map<string, ReadonlySet<string>>();
  protected readonly appFrontends = new Map<string, ReadonlySet<string>>();
  private readonly idleMs: number;
  private readonly batchMs: number;
  private readonly batchLines: number;
  /** the merge's bound: files with records in it pause while it is full (merge-pace.ts) */
  private readonly pacer: MergePace;
  protected readonly queueMax: number;
  private turns = 0;
  /** documents of the turn being built and of the turn in flight, not yet acknowledged */
  protected docsHeld = 0;
  /** the most records ever held at once (`resident`), for the tests and the bench's reading of it */
  peakResident = 0;
  protected tailer: Tailer | undefined;
  /** lines taken from the tailer so far */
  protected taken = 0;
  protected learning: LearningJournal | undefined;
  protected stopping = false;
  private watermark = -Infinity;
  private newest = -Infinity;
  private lastLineAt = Date.now();
  /** health: the loop's last turn (epoch ms) */
  lastTurn = Date.now();

  constructor(protected readonly o: AgentOptions) {
    this.inputs = new Map(agentInputs(o.config).map((i) => [i.name, i]));
    this.idleMs = o.idleMs ?? 5000;
    this.batchMs = o.batchMs ?? 1000;
    const shares = residentShares(o);
    this.batchLines = shares.batchLines;
    this.queueMax = shares.queueMax;
    this.pacer = new MergePace(shares.mergeMax);
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

  /** records held now between the files and the sink's acknowledgement */
  abstract resident(): number;
  /** the open file of a line */
  protected abstract fileOf(r: LineBatch, offset: number): OpenFile;
  /** files truncated or closed whose queued lines have all been taken */
  protected abstract retireDue(docs: OutDoc[]): void;
  /** per open file, the oldest position still needed, and the window's facts older than that */
  /** the holds and window facts as a turn leaves them (`last`: the last turn, taken afresh) */
  protected abstract holds(last: boolean): { holds: Holds; facts: SavedWindow };
  /** a record of `f` was cut at idle where its next line starts (f.end): remembered before its document goes out */
  protected abstract cutAt(f: OpenFile): void;
  /** sends a turn's documents; once acknowledged, its lines are, and the checkpoints move up to the holds */
  protected abstract send(docs: OutDoc[], acks: Acks, holds: Holds, facts: SavedWindow): Promise<void>;

  protected async run(): Promise<void> {
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
        const b = r.value;
        if (b.length) this.o.metrics.linesRead.inc({ input: b.input }, b.length);
        for (let i = 0; i < b.length; i++) {
          acks.ids.push(b.identity);
          acks.offsets.push(b.offset(i));
          this.line(b, i, docs);
        }
        // the merge's bound is kept batch by batch, not once a turn: a turn is up to batchLines lines. Once it is
        // full, what can go is released first: the file the merge waited for now has records in it, and would be
        // paused for them (then read once a turn). Releasing early keeps the batch order: every open file is a
        // source from its opening, so a file not read yet holds the merge back (start()). A file idle now does not
        // hold it back, in this turn's release or in a release after a read
        if (this.pacer.full || this.merger.size > this.pacer.max) this.releaseMerged();
        this.pace();
        this.noteResident(flying + docs.length);
        // a turn built from queued lines runs on promise reactions alone and would never reach the event loop's
        // I/O: the turn in flight would go out, and its answer be read, only once this turn is built
        // (docs/benchmark-agent.md "The agent's loop")
        await yieldToIo();
      }
      this.turn(docs);
      // the slabs this turn's documents are in, reused once they are acknowledged (record-bytes.ts)
      const slabs = this.arena.endTurn();
      this.turns++;
      this.noteResident(flying + docs.length);
      // the holds as this turn leaves them, before the next turn changes the decoders, merge and window
      const { holds, facts } = this.holds(this.stopping);
      // the sink's backpressure: one turn in flight at most, so a slow sink stops this loop, then the tailer
      await inFlight;
      flying = docs.length;
      this.docsHeld = flying;
      inFlight = this.send(docs, acks, holds, facts).then(() => this.arena.release(slabs));
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
  private line(r: LineBatch, i: number, docs: OutDoc[]): void {
    this.retireDue(docs);
    this.taken++;
    const offset = r.offset(i);
    const f = this.fileOf(r, offset);
    f.lastLine = this.lastLineAt = Date.now();
    f.end = r.end(i);
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
    // a line where the agent cut a record at idle before a restart ends the record being assembled (record-cuts.ts)
    if (offset >= f.cutsAhead.next && f.cutsAhead.reached(offset))
      for (const out of f.decoder.flush()) this.record(f, out, docs);
    // a reason of its own: the record it is part of may be unparsed as well (HAProxy's too_long)
    if (r.cutBytes(i)) {
      this.o.metrics.parseFailures.inc({ input: f.input.name, reason: 'line_cut' });
      f.cut.push(offset);
    }
    for (const out of f.decoder.push({ text: r.text(i), offset, lineNo: 0 })) this.record(f, out, docs);
    // an app log's lines that are no DB error make no record, but say how far the file is in time: without this,
    // a busy INFO log never goes idle and holds the merge (and, once it is full, every other file) for good
    const skipped = f.decoder.skippedTime;
    if (skipped !== undefined) this.merger.advance(f.source, skipped);
  }

  protected record(f: OpenFile, rec: ParsedRecord, docs: OutDoc[]): void {
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
    const kind = f.input.kind;
    const time = recordTime(rec, kind);
    if (time === undefined) return;
    if (time > this.newest) this.newest = time;
    const p = rec.parsed;
    if (kind === 'haproxy' && p instanceof TcpLogRecord) {
      // a TCP session waits in the merge as a row in columns, and its parsed record dies young (staged-rows.ts)
      f.staged.add(time, rowOfTcp(rec, p));
      this.merger.push(f.source, time, f.staged);
    } else this.merger.push(f.source, time, { rec, kind, server: f.input.server, time, file: f });
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
        // a record still being assembled is complete once its file went quiet (Filebeat's multiline.timeout); where it
        // ends is remembered for a restart that reads it again (docs/agent-inputs.md "Records cut at idle, 2026-12-07")
        const pending = f.decoder.pendingOffset !== undefined;
        for (const out of f.decoder.flush()) this.record(f, out, docs);
        if (pending) this.cutAt(f);
        this.merger.setIdle(f.source, true);
      }
      allIdle &&= f.idle;
    }
    this.releaseMerged();
    this.pace();
    if (allIdle && this.newest > -Infinity)
      this.watermark = Math.max(this.watermark, this.newest + (now - this.lastLineAt));
    if (this.watermark === -Infinity) return;
    this.o.metrics.watermark.set(this.watermark / 1000);
    // connection events as drafts, written as bytes (verdict-bytes.ts)
    for (const ev of this.correlator.advanceEmitted(this.watermark)) docs.push(this.verdict(ev));
  }

  /**
   * Records the merge can release, into the Correlator; all of them. A cap per turn (to bound the verdicts of a
   * turn) would leave records of the file the merge waits for in it, and the pace would pause that file: the merge
   * would then wait for the turn's timer.
   */
  private releaseMerged(): void {
    for (const m of this.merger.release()) {
      let time: number;
      if (m instanceof StagedRows) {
        time = m.headTime;
        const row = m.take();
        m.file.positions.note('', time, row.offset);
        m.file.pushedSinceTake ??= row.offset;
        this.correlator.pushSession(time, row, m.file.input.server);
      } else {
        time = m.time;
        // an app error's learning is saved by its file position: which file it came from
        if (m.kind === 'app') this.learning!.pushed(m.rec.doc, m.file.identity);
        m.file.positions.note('', time, m.rec.offset);
        m.file.pushedSinceTake ??= m.rec.offset;
        this.correlator.push(m);
      }
      if (time > this.watermark) this.watermark = time;
    }
  }

  private pace(): void {
    this.pacer.pace(this.files.values(), this.merger, this.tailer!);
  }

  /**
   * The records read counter, told once a turn per file and kind: prom-client hashes the labels at every inc, which
   * once a record cost as much as the merge (docs/benchmark-agent.md "CPU per line").
   */
  protected countRecords(f: OpenFile): void {
    for (const [kind, n] of f.kinds) this.o.metrics.recordsRead.inc({ input: f.input.name, kind }, n);
    f.kinds.clear();
  }

  private verdict(ev: Emitted): OutDoc {
    const { doc, cause, kind } = verdictOutDoc(this.namespace(), this.ids, ev, this.arena);
    this.o.metrics.verdicts.inc({ cause, kind });
    return doc;
  }

  protected namespace(): string {
    return this.o.config.output.elasticsearch?.namespace ?? 'default';
  }
}

/** lets the event loop run its I/O (sockets, timers) once before going on */
const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const sleep = (ms: number): Promise<undefined> => new Promise((r) => setTimeout(() => r(undefined), ms));
