/**
 * The agent's embedded output when no Elasticsearch is configured: size-rotated files under the state
 * dir, one per data stream, in the `_bulk` format (an action line, then the document), so that a file
 * can be loaded later as it is (`curl -H 'content-type: application/x-ndjson' --data-binary @FILE
 * ES/_bulk`). Every action is a `create` with the document's deterministic `_id`: a document written twice
 * (re-sent after a restart) is indexed once when loaded.
 *
 * A batch is acknowledged after it was written and fsynced: the agent's checkpoints advance only past it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeDirs } from '../make-dirs.js';
import { BulkBody } from './bulk-body.js';
import { emptyAck, type Ack, type OutDoc, type Sink } from './sink.js';

export interface NdjsonFilesOptions {
  dir: string;
  /** a file is closed and a new one started past this size */
  maxFileBytes?: number;
  /** how many closed files of a stream are kept (the oldest are removed); 0 = all */
  keepFiles?: number;
}

interface Current {
  fd: number;
  file: string;
  bytes: number;
}

export class NdjsonFilesSink implements Sink {
  private readonly current = new Map<string, Current>();
  private readonly maxFileBytes: number;

  constructor(private readonly opts: NdjsonFilesOptions) {
    this.maxFileBytes = opts.maxFileBytes ?? 64 * 1024 * 1024;
    makeDirs(opts.dir);
  }

  async write(batch: OutDoc[]): Promise<Ack> {
    const byStream = new Map<string, BulkBody>();
    for (const d of batch) {
      let body = byStream.get(d.stream);
      if (!body) byStream.set(d.stream, (body = new BulkBody()));
      body.add(d);
    }
    for (const [stream, body] of byStream) {
      const bytes = body.bytes;
      const cur = this.fileFor(stream, bytes.length);
      fs.writeSync(cur.fd, bytes);
      fs.fsyncSync(cur.fd);
      cur.bytes += bytes.length;
      // written (synchronously): its buffer goes to the next body instead of a new one grown by doubling
      body.recycle();
    }
    return { ...emptyAck(), indexed: batch.length };
  }

  async close(): Promise<void> {
    for (const c of this.current.values()) fs.closeSync(c.fd);
    this.current.clear();
  }

  /** the files of a stream, oldest first */
  filesOf(stream: string): string[] {
    const prefix = `${stream}.`;
    return fs
      .readdirSync(this.opts.dir)
      .filter((n) => n.startsWith(prefix) && n.endsWith('.ndjson'))
      .sort()
      .map((n) => path.join(this.opts.dir, n));
  }

  private fileFor(stream: string, adding: number): Current {
    const cur = this.current.get(stream);
    if (cur && (cur.bytes === 0 || cur.bytes + adding <= this.maxFileBytes)) return cur;
    if (cur) fs.closeSync(cur.fd);
    const existing = this.filesOf(stream);
    const last = existing.at(-1);
    let next: Current;
    // a restart appends to the last file while it has room, so files do not multiply per restart
    if (!cur && last && fs.statSync(last).size + adding <= this.maxFileBytes) {
      next = { fd: fs.openSync(last, 'a'), file: last, bytes: fs.statSync(last).size };
    } else {
      const n = last ? Number(/\.(\d{6})\.ndjson$/.exec(last)?.[1] ?? 0) + 1 : 1;
      const file = path.join(this.opts.dir, `${stream}.${String(n).padStart(6, '0')}.ndjson`);
      next = { fd: fs.openSync(file, 'a'), file, bytes: 0 };
      this.prune(stream);
    }
    this.current.set(stream, next);
    return next;
  }

  private prune(stream: string): void {
    const keep = this.opts.keepFiles ?? 0;
    if (keep <= 0) return;
    const files = this.filesOf(stream);
    for (const f of files.slice(0, Math.max(0, files.length - keep))) fs.rmSync(f, { force: true });
  }
}
