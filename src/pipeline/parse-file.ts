/**
 * File → typed records. Glue between the line reader, the record assembler and the pure parsers.
 * Every record of an HAProxy or MySQL log comes out (unparsed ones with their reason); application
 * logs only yield their lost-connection errors, the rest is counted as `skipped`.
 */
import { sniffFilePrefix, stripContainerPrefix } from '../sources/container-prefix.js';
import { statSync } from 'node:fs';
import { firstDatedTime } from '../sources/year-anchor.js';
import type { ParseContext } from '../../parsers/types.js';
import { readLines, type Line, type LineReaderStats } from '../sources/lines.js';
import { displayPath } from '../sources/stream-copy.js';
import type { LogKind } from '../sources/log-kind.js';
import { FileDecoder } from './file-decoder.js';
import type { FileCounts, ParsedRecord } from './record.js';

export { ParsedRecord, newCounts, type FileCounts } from './record.js';

export interface ParseFileOptions {
  stats?: LineReaderStats;
  onProgress?: (read: number, size: number) => void;
}

/** Streams the records of one file. `ctx` is copied; its refTime follows the file. */
export function* parseFile(
  path: string,
  kind: LogKind,
  baseCtx: ParseContext,
  counts: FileCounts,
  opts: ParseFileOptions = {},
): Generator<ParsedRecord> {
  const ctx: ParseContext = { ...baseCtx };
  const shownAs = displayPath(path);
  counts.path = shownAs;
  const prefix = sniffFilePrefix(path, kind);
  if (ctx.refTime === undefined) {
    // Year-less syslog dates: start from the file's first record dated by itself (the nearest one for
    // the lines before it), else from its mtime (the newest line is at most that old), then follow the
    // records' own dates (docs/parsing-pitfalls.md #3: never the current year blindly; docs/formats/syslog-year.md).
    const first = firstDatedTime(path, kind, ctx, prefix);
    if (first !== undefined) {
      ctx.refTime = first;
      ctx.refTimeIsUpperBound = false;
    } else {
      try {
        ctx.refTime = statSync(path).mtimeMs;
        ctx.refTimeIsUpperBound = true;
      } catch {
        /* unreadable files fail in readLines */
      }
    }
  }
  counts.prefix = prefix;
  const raw = readLines(path, opts.stats, opts.onProgress);
  yield* parseLines(prefix ? stripContainerPrefix(raw, prefix) : raw, shownAs, kind, ctx, counts);
}

/**
 * The records of lines already read (a file's, or lines held in memory: the correlator's tests). `ctx`
 * is updated as the lines go (its refTime follows them); `path` is the name the records carry.
 */
export function* parseLines(
  lines: Iterable<Line>,
  shownAs: string,
  kind: LogKind,
  ctx: ParseContext,
  counts: FileCounts,
): Generator<ParsedRecord> {
  const dec = new FileDecoder(kind, shownAs, ctx, counts);
  if (kind === 'haproxy') {
    // one line, one record: no array per line on the hot path
    for (const l of lines) {
      const r = dec.haproxyLine(l);
      if (r) yield r;
    }
    return;
  }
  for (const l of lines) yield* dec.push(l);
  yield* dec.flush();
}
