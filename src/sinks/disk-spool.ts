/**
 * A bounded on-disk spool in front of a sink (the agent's answer to an Elasticsearch outage).
 *
 * A batch the inner sink cannot take (it rejected after its own retries) is written to a segment file
 * and acknowledged: once on disk it survives a restart, so the agent may checkpoint past it. While
 * anything is spooled, new batches join the spool too (order is kept and a cluster that is down is not
 * hammered), and a drainer sends the oldest segment again every `retryMs`. When the spool holds
 * `maxBytes`, `write` waits until the drainer has made room: the caller's reading pauses, nothing is
 * dropped. Ids are deterministic, so a segment re-sent after a crash mid-drain only meets 409s.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeDirs } from '../make-dirs.js';
import { addAck, emptyAck, type Ack, type OutDoc, type Sink } from './sink.js';

export interface SpoolOptions {
  dir: string;
  maxBytes: number;
  /** how long the drainer waits between attempts while the inner sink fails */
  retryMs?: number;
  /** told of each failed attempt (the agent logs it) */
  onError?: (err: unknown) => void;
  /** told of each batch spooled (its documents) and each segment drained (its acknowledgement): the metrics */
  onSpooled?: (docs: number) => void;
  onDrained?: (ack: Ack) => void;
}

export interface SpoolStats {
  bytes: number;
  segments: number;
  spooledDocs: number;
  drainedDocs: number;
}

const SEGMENT = /^segment-(\d{12})\.ndjson$/;

export class SpoolingSink implements Sink {
  private readonly retryMs: number;
  private readonly segments: Array<{ file: string; bytes: number }> = [];
  private seq = 0;
  /** the drainer's run, awaited by flush() and close() */
  private draining: Promise<void> | undefined;
  /** a drainer is running: set by startDrain, cleared by drain() itself in the turn it sees the spool empty */
  private drainerRunning = false;
  private closed = false;
  private interrupted = false;
  private roomWaiters: Array<() => void> = [];
  private wake: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  readonly stats: SpoolStats = { bytes: 0, segments: 0, spooledDocs: 0, drainedDocs: 0 };
  /** what the drainer indexed (the caller's summary adds it) */
  readonly drained: Ack = emptyAck();

  constructor(
    private readonly inner: Sink,
    private readonly opts: SpoolOptions,
  ) {
    this.retryMs = opts.retryMs ?? 5000;
    makeDirs(opts.dir);
    // segments left by an earlier run are drained first, oldest first
    for (const name of fs.readdirSync(opts.dir).sort()) {
      // a temp file is a segment whose write a crash interrupted: it was never acknowledged
      if (name.endsWith('.ndjson.tmp')) fs.rmSync(path.join(opts.dir, name), { force: true });
      const m = SEGMENT.exec(name);
      if (!m) continue;
      const file = path.join(opts.dir, name);
      this.segments.push({ file, bytes: fs.statSync(file).size });
      this.seq = Math.max(this.seq, Number(m[1]));
    }
    this.recount();
    if (this.segments.length) this.startDrain();
  }

  get spooledBytes(): number {
    return this.stats.bytes;
  }

  async write(batch: OutDoc[]): Promise<Ack> {
    if (batch.length === 0) return emptyAck();
    if (this.segments.length === 0) {
      try {
        return await this.inner.write(batch);
      } catch (err) {
        this.opts.onError?.(err);
      }
    }
    // interrupted (the agent stopping) or closed: this one batch goes to disk over the cap rather than be lost
    while (this.stats.bytes >= this.opts.maxBytes && !this.closed && !this.interrupted) {
      this.startDrain();
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    }
    this.spool(batch);
    this.startDrain();
    // spooled is safe: counted as retried, indexed later by the drainer
    return { ...emptyAck(), retried: batch.length };
  }

  /** Waits until the spool is empty (or the sink is closed). */
  async flush(): Promise<void> {
    while (this.segments.length && !this.closed && !this.interrupted) {
      this.startDrain();
      await this.draining;
    }
  }

  /**
   * SIGTERM while the output is away (sink.ts `interrupt`): the batch being sent is spooled at once instead of
   * after the output's retry time, a batch waiting for room is spooled, and the drainer stops; what is spooled
   * is drained at the next start.
   */
  interrupt(): void {
    this.interrupted = true;
    this.inner.interrupt?.();
    for (const w of this.roomWaiters.splice(0)) w();
    if (this.wake) {
      clearTimeout(this.wake.timer);
      this.wake.resolve();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.roomWaiters.splice(0)) w();
    // a drainer asleep between attempts is woken to see `closed`; spooled segments stay on disk
    if (this.wake) {
      clearTimeout(this.wake.timer);
      this.wake.resolve();
    }
    await this.draining?.catch(() => undefined);
    await this.inner.close();
  }

  private spool(batch: OutDoc[]): void {
    const text = batch.map(spoolLine).join('\n') + '\n';
    const file = path.join(this.opts.dir, `segment-${String(++this.seq).padStart(12, '0')}.ndjson`);
    // temp + fsync + rename: a segment is either whole on disk or absent after a crash
    const tmp = `${file}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    this.segments.push({ file, bytes: Buffer.byteLength(text) });
    this.stats.spooledDocs += batch.length;
    this.opts.onSpooled?.(batch.length);
    this.recount();
  }

  /**
   * Starts the drainer unless one runs. "Runs" ends in the very turn its loop finds the spool empty: cleared by a
   * `.finally` on its promise instead, it ended a microtask later, and a write woken for room by the last drained
   * segment spooled its batch in between, saw a drainer and left the segment to it: no drainer took it, and with
   * nothing more to read nothing started one (issue 14, docs/elasticsearch.md "The spool's drainer").
   */
  private startDrain(): void {
    if (this.drainerRunning || this.closed || this.interrupted) return;
    this.drainerRunning = true;
    this.draining = this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.segments.length && !this.closed && !this.interrupted) {
        const seg = this.segments[0]!;
        let docs: OutDoc[];
        try {
          docs = fs
            .readFileSync(seg.file, 'utf8')
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => JSON.parse(l) as OutDoc);
        } catch (err) {
          this.setAside(seg.file, err);
          continue;
        }
        try {
          const ack = await this.inner.write(docs);
          addAck(this.drained, ack);
          this.opts.onDrained?.(ack);
        } catch (err) {
          this.opts.onError?.(err);
          // stopping: no pause that close() or a SIGTERM would wait out (the loop ends on the flags)
          if (this.closed || this.interrupted) break;
          await new Promise<void>((resolve) => {
            this.wake = { timer: setTimeout(resolve, this.retryMs), resolve };
          });
          this.wake = undefined;
          continue;
        }
        fs.rmSync(seg.file, { force: true });
        this.segments.shift();
        this.stats.drainedDocs += docs.length;
        this.recount();
        for (const w of this.roomWaiters.splice(0)) w();
      }
    } finally {
      // here, in the turn the loop ends, not in a handler on the promise: that would be a microtask late again
      this.drainerRunning = false;
    }
  }

  /**
   * A segment that cannot be read back (changed or damaged on disk — written whole, it is not by us) would fail every
   * attempt, and its rejection stop the agent: it is renamed `.unreadable`, kept for a person to look at, reported,
   * and the drainer goes on with the next one.
   */
  private setAside(file: string, err: unknown): void {
    const aside = `${file}.unreadable`;
    try {
      fs.renameSync(file, aside);
    } catch {
      // already gone: nothing to keep
    }
    this.opts.onError?.(new Error(`spool segment ${file} cannot be read back (${String(err)}); kept as ${aside}`));
    this.segments.shift();
    this.recount();
    for (const w of this.roomWaiters.splice(0)) w();
  }

  private recount(): void {
    this.stats.bytes = this.segments.reduce((n, s) => n + s.bytes, 0);
    this.stats.segments = this.segments.length;
  }
}

/**
 * A document as a spool line: the JSON of the OutDoc with its document as an object, whichever form it came in
 * (a document already written as bytes, OutDoc.json, is put in as its text): what drain() parses back.
 */
function spoolLine(d: OutDoc): string {
  const json = d.json;
  const doc = json ? Buffer.from(json.buffer, json.byteOffset, json.length).toString('utf8') : JSON.stringify(d.doc);
  return `{"stream":${JSON.stringify(d.stream)},"id":${JSON.stringify(d.id)},"doc":${doc},"position":${JSON.stringify(d.position)}}`;
}
