/**
 * Multi-line record assembly, push-based: lines go in as they arrive, a record comes out when the next
 * record's first line shows it is complete. A tailing reader
 * cannot wait for that forever: `flush()` gives the pending record up (the agent calls it when a file
 * has been idle a while, and at end of input). `pendingOffset` is where that record starts: a checkpoint
 * must not pass it, or a restart would lose the record's first lines. Where the agent gave a record up at idle it
 * remembers, and flushes again there when it reads those lines after a restart (src/agent/record-cuts.ts).
 */
import type { Line } from './lines.js';
import { MAX_RECORD_BYTES, MAX_RECORD_LINES, type RecordText } from './records.js';

export class RecordAssembler {
  private cur: RecordText | undefined;
  private parts: string[] = [];
  private bytes = 0;

  /** `isStart` gets the record's last line too: a few starts depend on the line before (parsers/app/start.ts) */
  constructor(private readonly isStart: (line: string, prev?: string) => boolean) {}

  /** Adds a line; returns the record it completed, if any. */
  push(l: Line): RecordText | undefined {
    const cur = this.cur;
    const start = this.isStart(l.text, cur === undefined ? undefined : this.parts[this.parts.length - 1]);
    const overCap =
      cur !== undefined && (cur.lines >= MAX_RECORD_LINES || this.bytes + l.text.length > MAX_RECORD_BYTES);
    if (cur === undefined || start || overCap) {
      const done = this.take();
      if (done && overCap && !start) done.capped = true;
      this.cur = { text: '', offset: l.offset, lineNo: l.lineNo, lines: 1, capped: false };
      this.parts = [l.text];
      this.bytes = l.text.length;
      return done;
    }
    this.parts.push(l.text);
    cur.lines++;
    this.bytes += l.text.length + 1;
    return undefined;
  }

  /** The pending record, complete or not (end of input, or an idle file). */
  flush(): RecordText | undefined {
    return this.take();
  }

  get pendingOffset(): number | undefined {
    return this.cur?.offset;
  }

  private take(): RecordText | undefined {
    const cur = this.cur;
    if (cur === undefined) return undefined;
    cur.text = this.parts.length === 1 ? this.parts[0]! : this.parts.join('\n');
    this.cur = undefined;
    this.parts = [];
    this.bytes = 0;
    return cur;
  }
}
