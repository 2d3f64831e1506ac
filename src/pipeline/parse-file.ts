/**
 * File → typed records. Glue between the line reader, the record assembler and the pure parsers.
 * Every record of an HAProxy or MySQL log comes out (unparsed ones with their reason); application
 * logs only yield their lost-connection errors, the rest is counted as `skipped`.
 */
import { sniffFilePrefix, stripContainerPrefix, type ContainerPrefix } from '../sources/container-prefix.js';
import { statSync } from 'node:fs';
import { firstDatedTime } from '../sources/year-anchor.js';
import type { Doc, ParseContext, ParseIssue, Parsed, RecordKind } from '../../parsers/types.js';
import { parseHaproxyLine } from '../../parsers/haproxy/index.js';
import { isMysqlErrorRecordStart, parseMysqlErrorRecord } from '../../parsers/mysql/error.js';
import { isMysqlGeneralRecordStart, newGeneralLogState, parseMysqlGeneralRecord } from '../../parsers/mysql/general.js';
import { isAppRecordStart, parseAppRecord } from '../../parsers/app/index.js';
import { splitGeneralLogInsert } from '../../parsers/mysql/general-table.js';
import { readLines, type Line, type LineReaderStats } from '../sources/lines.js';
import { displayPath } from '../sources/spool.js';
import { assembleRecords, lineRecords, type RecordText } from '../sources/records.js';
import type { FileKind } from '../sources/file-kind.js';

/**
 * One record of a file with its position. The output document is built on first use: the correlator
 * reads flat fields (HAProxy tcplog records) and `goneaway parse` writes tcplog NDJSON straight from
 * them (src/sinks/record-ndjson.ts), so most records never build one (issue #2/#3 speed targets).
 */
export class OutRecord {
  private built: Doc | undefined;
  constructor(
    readonly kind: RecordKind,
    /** epoch ms, when the record has a time */
    readonly t: number | undefined,
    /** what the parser returned (undefined for unparsed records) */
    readonly parsed: Parsed | undefined,
    doc: Doc | undefined,
    readonly offset: number,
    readonly text: string,
    readonly path: string,
    readonly issue?: ParseIssue,
  ) {
    this.built = doc;
  }

  /** the full output document (event.original, log.*, goneaway.kind included) */
  get doc(): Doc {
    if (this.built === undefined) this.built = finish(this.parsed!.doc, this.text, this.offset, this.path, this.kind);
    return this.built;
  }
}

export interface FileCounts {
  path: string;
  kind: FileKind;
  records: number;
  byKind: Partial<Record<RecordKind, number>>;
  /** app-log records that are not lost-connection errors */
  skipped: number;
  blank: number;
  /** unparsed records per issue code */
  issues: Record<string, number>;
  capped: number;
  /** a container prefix removed from every line (`docker compose logs`, `kubectl logs --prefix`) */
  prefix?: ContainerPrefix | undefined;
}

export function newCounts(path: string, kind: FileKind): FileCounts {
  return { path, kind, records: 0, byKind: {}, skipped: 0, blank: 0, issues: {}, capped: 0 };
}

function finish(doc: Doc, text: string, offset: number, path: string, kind: RecordKind): Doc {
  const ev = (doc.event as Doc | undefined) ?? {};
  ev.original = text;
  doc.event = ev;
  const log = (doc.log as Doc | undefined) ?? {};
  log.file = { path };
  log.offset = offset;
  doc.log = log;
  const ga = (doc.goneaway as Doc | undefined) ?? {};
  ga.kind = kind;
  doc.goneaway = ga;
  return doc;
}

export function unparsed(rec: { text: string; offset: number }, path: string, issue: ParseIssue): OutRecord {
  const doc: Doc = {
    event: { original: rec.text },
    log: { file: { path }, offset: rec.offset },
    goneaway: { kind: 'unparsed' },
    error: { code: issue.code, message: issue.message },
  };
  return new OutRecord('unparsed', undefined, undefined, doc, rec.offset, rec.text, path, issue);
}

export interface ParseFileOptions {
  stats?: LineReaderStats;
  onProgress?: (read: number, size: number) => void;
}

export const isBlank = (s: string): boolean => s.length === 0 || (s.charCodeAt(0) <= 32 && s.trim().length === 0);

export function count(counts: FileCounts, out: OutRecord): void {
  counts.byKind[out.kind] = (counts.byKind[out.kind] ?? 0) + 1;
  if (out.issue) counts.issues[out.issue.code] = (counts.issues[out.issue.code] ?? 0) + 1;
}

/** HAProxy logs: one record per line, read straight from the line reader (the ≥ 1M lines/s path). */
function* haproxyRecords(
  lines: Iterable<Line>,
  path: string,
  ctx: ParseContext,
  counts: FileCounts,
): Generator<OutRecord> {
  for (const l of lines) {
    const text = l.text;
    if (isBlank(text)) {
      counts.blank++;
      continue;
    }
    counts.records++;
    const r = parseHaproxyLine(text, ctx);
    let out: OutRecord;
    if (r.ok) {
      out = new OutRecord('haproxy', r.value.t, r.value, undefined, l.offset, text, path);
      if (r.value.t !== undefined) {
        ctx.refTime = r.value.t;
        ctx.refTimeIsUpperBound = false;
      }
    } else {
      out = unparsed({ text, offset: l.offset }, path, r.issue);
    }
    count(counts, out);
    yield out;
  }
}

/** Streams the records of one file. `ctx` is copied; its refTime follows the file. */
export function* parseFile(
  path: string,
  kind: FileKind,
  baseCtx: ParseContext,
  counts: FileCounts,
  opts: ParseFileOptions = {},
): Generator<OutRecord> {
  const ctx: ParseContext = { ...baseCtx };
  const shownAs = displayPath(path);
  counts.path = shownAs;
  const prefix = sniffFilePrefix(path, kind);
  if (ctx.refTime === undefined) {
    // Year-less syslog dates: start from the file's first record dated by itself (the nearest one for
    // the lines before it), else from its mtime (the newest line is at most that old), then follow the
    // records' own dates (USER_PAIN #3: never the current year blindly; docs/formats/syslog-year.md).
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
  kind: FileKind,
  ctx: ParseContext,
  counts: FileCounts,
): Generator<OutRecord> {
  if (kind === 'haproxy') {
    yield* haproxyRecords(lines, shownAs, ctx, counts);
    return;
  }
  const nonBlank = (function* () {
    for (const l of lines) {
      if (isBlank(l.text) && (l.text.length === 0 || kind !== 'mysql-general')) {
        counts.blank++;
        continue;
      }
      // a mysqldump of mysql.general_log: each row of an INSERT is a record, at its own byte offset
      const rows = kind === 'mysql-general' && l.text.charCodeAt(0) === 73 ? splitGeneralLogInsert(l.text) : undefined;
      if (rows) {
        for (const r of rows)
          yield { text: r.text, offset: l.offset + Buffer.byteLength(l.text.slice(0, r.at)), lineNo: l.lineNo };
      } else yield l;
    }
  })();
  let records: Iterable<RecordText>;
  switch (kind) {
    default:
      records = lineRecords(nonBlank);
      break;
    case 'mysql-error':
      records = assembleRecords(nonBlank, isMysqlErrorRecordStart);
      break;
    case 'mysql-general':
      records = assembleRecords(nonBlank, isMysqlGeneralRecordStart);
      break;
    case 'app':
      records = assembleRecords(nonBlank, isAppRecordStart);
      break;
  }
  const general = newGeneralLogState();
  for (const rec of records) {
    counts.records++;
    if (rec.capped) counts.capped++;
    let out: OutRecord | undefined;
    if (kind === 'app') {
      const r = parseAppRecord(rec.text, ctx);
      if (r.ok && r.value === null) {
        counts.skipped++;
        continue;
      }
      out = r.ok
        ? new OutRecord(r.value!.kind, r.value!.t, r.value!, undefined, rec.offset, rec.text, shownAs)
        : unparsed(rec, shownAs, r.issue);
    } else {
      const r =
        kind === 'mysql-error' ? parseMysqlErrorRecord(rec.text, ctx) : parseMysqlGeneralRecord(rec.text, ctx, general);
      if (r.ok) {
        out = new OutRecord(r.value.kind, r.value.t, r.value, undefined, rec.offset, rec.text, shownAs);
        if (r.value.t !== undefined) {
          ctx.refTime = r.value.t;
          ctx.refTimeIsUpperBound = false;
        }
      } else {
        out = unparsed(rec, shownAs, r.issue);
      }
    }
    count(counts, out);
    yield out;
  }
}
