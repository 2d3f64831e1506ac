/**
 * Synchronous, chunked line reader with byte offsets.
 *
 * Batch commands (`parse`, `correlate`) read local files: plain readSync in 1 MiB chunks avoids
 * the per-line promise cost of readline (the parse targets are ~1M lines/s) and keeps memory
 * flat whatever the file size. Every line travels with the byte offset of its first byte
 * (Filebeat's contract: an event carries its file position).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface Line {
  /** the line without its '\n' (and without a trailing '\r') */
  text: string;
  /** byte offset of the line's first byte in the file */
  offset: number;
  /** 1-based line number */
  lineNo: number;
}

const CHUNK = 1 << 20;
/** A line longer than this is cut (and the rest skipped) so one bad line cannot exhaust memory. */
export const MAX_LINE_BYTES = 1 << 20;

export interface LineReaderStats {
  bytesRead: number;
  size: number;
  longLines: number;
}

/** What a line becomes, made from its bytes buf[start, stop) (valid until the next read); undefined: nothing */
export type LineMaker<T> = (buf: Buffer, start: number, stop: number, offset: number, lineNo: number) => T | undefined;

const toLine: LineMaker<Line> = (buf, start, stop, offset, lineNo) => ({
  text: buf.toString('utf8', start, stop),
  offset,
  lineNo,
});

/**
 * Yields the lines of `path`. `onProgress(bytesRead, size)` is called once per chunk.
 * The last line is yielded even without a final newline.
 */
export function readLines(
  path: string,
  stats?: LineReaderStats,
  onProgress?: (read: number, size: number) => void,
): Generator<Line> {
  return readLinesAs(path, toLine, stats, onProgress);
}

/**
 * `readLines`, each line handed to `make` as bytes: a caller that needs no text for some lines (the tcplog
 * precheck, src/pipeline/parse-file.ts) decodes only the others.
 */
export function* readLinesAs<T>(
  path: string,
  make: LineMaker<T>,
  stats?: LineReaderStats,
  onProgress?: (read: number, size: number) => void,
): Generator<T> {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (stats) stats.size = size;
    let buf = Buffer.allocUnsafe(CHUNK);
    let start = 0; // start of the pending (incomplete) line in buf
    let end = 0; // bytes valid in buf
    let fileOffsetOfBuf = 0; // file offset of buf[0]
    let lineNo = 0;
    let skipping = false; // inside an over-long line: drop bytes until the next '\n'
    for (;;) {
      if (end === buf.length) {
        if (start > 0) {
          buf.copy(buf, 0, start, end);
          fileOffsetOfBuf += start;
          end -= start;
          start = 0;
        } else if (buf.length < MAX_LINE_BYTES) {
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger, 0, 0, end);
          buf = bigger;
        } else if (skipping) {
          // still inside the over-long line already emitted: drop these bytes too
          fileOffsetOfBuf += end;
          end = 0;
        } else {
          // over-long line: emit what we have, then skip to the next newline
          lineNo++;
          if (stats) stats.longLines++;
          const l = make(buf, 0, end, fileOffsetOfBuf, lineNo);
          if (l !== undefined) yield l;
          fileOffsetOfBuf += end;
          end = 0;
          skipping = true;
        }
      }
      const n = readSync(fd, buf, end, buf.length - end, null);
      if (stats) stats.bytesRead += n;
      if (onProgress) onProgress(fileOffsetOfBuf + end + n, size);
      if (n === 0) break;
      const scanFrom = end;
      end += n;
      let nl = buf.indexOf(10, scanFrom);
      if (skipping && nl !== -1 && nl < end) {
        skipping = false;
        start = nl + 1;
        nl = buf.indexOf(10, start);
      }
      while (nl !== -1 && nl < end) {
        let stop = nl;
        if (stop > start && buf[stop - 1] === 13) stop--;
        lineNo++;
        const l = make(buf, start, stop, fileOffsetOfBuf + start, lineNo);
        if (l !== undefined) yield l;
        start = nl + 1;
        nl = buf.indexOf(10, start);
      }
    }
    if (end > start && !skipping) {
      let stop = end;
      if (buf[stop - 1] === 13) stop--;
      lineNo++;
      const l = make(buf, start, stop, fileOffsetOfBuf + start, lineNo);
      if (l !== undefined) yield l;
    }
  } finally {
    closeSync(fd);
  }
}
