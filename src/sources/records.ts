/**
 * Groups lines into records for multi-line formats (MySQL error logs, general-log statements,
 * Python tracebacks, Java stack traces). Each format supplies `isStart(line)`; a record is a
 * start line plus the continuation lines after it. A record is capped so that a file without
 * any recognisable start line cannot build one unbounded record.
 */
import type { Line } from './lines.js';

export interface RecordText {
  text: string;
  /** byte offset of the record's first byte */
  offset: number;
  lineNo: number;
  lines: number;
  /** true when the record was cut at the caps */
  capped: boolean;
}

export const MAX_RECORD_LINES = 500;
export const MAX_RECORD_BYTES = 64 * 1024;

/** `isStart` gets the record's last line too: a few starts depend on the line before (parsers/app/start.ts). */
export function* assembleRecords(
  lines: Iterable<Line>,
  isStart: (line: string, prev?: string) => boolean,
): Generator<RecordText> {
  let cur: RecordText | undefined;
  let parts: string[] = [];
  let bytes = 0;
  for (const l of lines) {
    const start = isStart(l.text, cur === undefined ? undefined : parts[parts.length - 1]);
    const overCap = cur !== undefined && (cur.lines >= MAX_RECORD_LINES || bytes + l.text.length > MAX_RECORD_BYTES);
    if (cur === undefined || start || overCap) {
      if (cur !== undefined) {
        cur.text = parts.length === 1 ? parts[0]! : parts.join('\n');
        if (overCap && !start) cur.capped = true;
        yield cur;
      }
      cur = { text: '', offset: l.offset, lineNo: l.lineNo, lines: 1, capped: false };
      parts = [l.text];
      bytes = l.text.length;
    } else {
      parts.push(l.text);
      cur.lines++;
      bytes += l.text.length + 1;
    }
  }
  if (cur !== undefined) {
    cur.text = parts.length === 1 ? parts[0]! : parts.join('\n');
    yield cur;
  }
}

/** Single-line formats (HAProxy): every line is a record. */
export function* lineRecords(lines: Iterable<Line>): Generator<RecordText> {
  for (const l of lines) yield { text: l.text, offset: l.offset, lineNo: l.lineNo, lines: 1, capped: false };
}
