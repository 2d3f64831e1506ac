/**
 * Streaming line writer with backpressure: lines are batched into ~64 KiB strings and handed to an
 * fs.WriteStream; when the stream's buffer is full the caller awaits 'drain'. No whole file is
 * ever held in memory (a 2,000,000-line tcplog is ~300 MB).
 *
 * Usage:  const p = w.line(text); if (p) await p;
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

const BATCH = 64 * 1024;

export class LineWriter {
  private readonly stream: WriteStream;
  private buf = '';
  /** bytes handed to line() so far (UTF-8), i.e. the offset of the next line */
  bytes = 0;
  lines = 0;
  /** generators write ASCII only, so length == bytes; set to false to count real UTF-8 bytes */
  constructor(
    readonly path: string,
    private readonly asciiOnly = true,
  ) {
    this.stream = createWriteStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  }

  /** Append one line (without its '\n'). Returns a promise only when the caller must wait. */
  line(text: string): Promise<unknown> | undefined {
    this.buf += text + '\n';
    this.bytes += (this.asciiOnly ? text.length : Buffer.byteLength(text)) + 1;
    this.lines++;
    if (this.buf.length < BATCH) return undefined;
    return this.flushBatch();
  }

  private flushBatch(): Promise<unknown> | undefined {
    const chunk = this.buf;
    this.buf = '';
    if (this.stream.write(chunk)) return undefined;
    return once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (this.buf) {
      const p = this.flushBatch();
      if (p) await p;
    }
    this.stream.end();
    await once(this.stream, 'finish');
  }
}
