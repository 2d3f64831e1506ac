/**
 * File → typed records. Glue between the line reader, the record assembler and the pure parsers.
 * Every record of an HAProxy or MySQL log comes out (unparsed ones with their reason); application
 * logs only yield their lost-connection errors, the rest is counted as `skipped`.
 */
import { sniffFilePrefix, stripContainerPrefix, type ContainerPrefix } from '../sources/container-prefix.js';
import { statSync } from 'node:fs';
import { firstDatedTime } from '../sources/year-anchor.js';
import type { ParseContext } from '../../parsers/types.js';
import { readLines, readLinesAs, type Line, type LineReaderStats } from '../sources/lines.js';
import { onlyBuiltinFormats } from '../../parsers/haproxy/index.js';
import { displayPath } from '../sources/stream-copy.js';
import type { LogKind } from '../sources/log-kind.js';
import { FileDecoder } from './file-decoder.js';
import type { CloseSkipper, FileCounts, ParsedRecord, SkippedClose } from './record.js';

export { ParsedRecord, SkippedClose, newCounts, type CloseSkipper, type FileCounts } from './record.js';

export interface ParseFileOptions {
  stats?: LineReaderStats;
  onProgress?: (read: number, size: number) => void;
  /** each multi-line record's text before it is parsed (FileDecoder.onRecordText) */
  onRecordText?: (text: string) => void;
}

/** Streams the records of one file. `ctx` is copied; its refTime follows the file. */
export function* parseFile(
  path: string,
  kind: LogKind,
  baseCtx: ParseContext,
  counts: FileCounts,
  opts: ParseFileOptions = {},
): Generator<ParsedRecord> {
  const { ctx, shownAs, prefix } = openFile(path, kind, baseCtx, counts);
  const raw = readLines(path, opts.stats, opts.onProgress);
  yield* parseLines(prefix ? stripContainerPrefix(raw, prefix) : raw, shownAs, kind, ctx, counts, opts.onRecordText);
}

/**
 * `parseFile` of an HAProxy log, except that a normal close (`--`) on a server the skipper names comes out as a
 * SkippedClose (or goes to `skipper.take`), counted and not parsed (FileDecoder.haproxyBytes,
 * parsers/haproxy/precheck.ts; docs/performance.md), when the file has no container prefix and no custom
 * log-format is given.
 */
export function* parseHaproxyFileSkipping(
  path: string,
  baseCtx: ParseContext,
  counts: FileCounts,
  skipper: CloseSkipper,
  opts: ParseFileOptions = {},
): Generator<ParsedRecord | SkippedClose> {
  const { ctx, shownAs, prefix } = openFile(path, 'haproxy', baseCtx, counts);
  if (prefix || !onlyBuiltinFormats(ctx)) {
    const raw = readLines(path, opts.stats, opts.onProgress);
    yield* parseLines(prefix ? stripContainerPrefix(raw, prefix) : raw, shownAs, 'haproxy', ctx, counts);
    return;
  }
  const dec = new FileDecoder('haproxy', shownAs, ctx, counts);
  yield* readLinesAs(
    path,
    (buf, start, stop, offset) => dec.haproxyBytes(buf, start, stop, offset, skipper),
    opts.stats,
    opts.onProgress,
  );
}

/** a file's own context (its refTime placed: below), the name its records carry, and its container prefix */
function openFile(path: string, kind: LogKind, baseCtx: ParseContext, counts: FileCounts) {
  const ctx: ParseContext = { ...baseCtx };
  const shownAs = displayPath(path);
  counts.path = shownAs;
  const prefix = sniffFilePrefix(path, kind);
  placeRefTime(path, kind, ctx, prefix);
  counts.prefix = prefix;
  return { ctx, shownAs, prefix };
}

/** sets `ctx.refTime` where a file's records start, unless it is set (`prefix`: the file's container prefix) */
export function placeRefTime(
  path: string,
  kind: LogKind,
  ctx: ParseContext,
  prefix: ContainerPrefix | undefined,
): void {
  if (ctx.refTime !== undefined) return;
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
  onRecordText?: (text: string) => void,
): Generator<ParsedRecord> {
  const dec = new FileDecoder(kind, shownAs, ctx, counts);
  dec.onRecordText = onRecordText;
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
