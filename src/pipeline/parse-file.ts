/**
 * File → typed records. Glue between the line reader, the record assembler and the pure parsers.
 * Every record of an HAProxy or MySQL log comes out (unparsed ones with their reason); application
 * logs only yield their lost-connection errors, the rest is counted as `skipped`.
 */
import { statSync } from 'node:fs';
import type { Doc, ParseContext, ParseIssue, RecordKind } from '../../parsers/types.js';
import { parseHaproxyLine } from '../../parsers/haproxy/index.js';
import { isMysqlErrorRecordStart, parseMysqlErrorRecord } from '../../parsers/mysql/error.js';
import { isMysqlGeneralRecordStart, newGeneralLogState, parseMysqlGeneralRecord } from '../../parsers/mysql/general.js';
import { isAppRecordStart, parseAppRecord } from '../../parsers/app/index.js';
import { readLines, type LineReaderStats } from '../sources/lines.js';
import { assembleRecords, lineRecords, type RecordText } from '../sources/records.js';

export type FileKind = 'haproxy' | 'mysql-error' | 'mysql-general' | 'app';
export const FILE_KINDS: readonly FileKind[] = ['haproxy', 'mysql-error', 'mysql-general', 'app'];

export interface OutRecord {
  kind: RecordKind;
  /** epoch ms, when the record has a time */
  t: number | undefined;
  /** the full output document (event.original, log.*, goneaway.kind included) */
  doc: Doc;
  offset: number;
  text: string;
  issue?: ParseIssue;
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
}

export function newCounts(path: string, kind: FileKind): FileCounts {
  return { path, kind, records: 0, byKind: {}, skipped: 0, blank: 0, issues: {}, capped: 0 };
}

function finish(doc: Doc, rec: RecordText, path: string, kind: RecordKind): Doc {
  const ev = (doc.event as Doc | undefined) ?? {};
  ev.original = rec.text;
  doc.event = ev;
  const log = (doc.log as Doc | undefined) ?? {};
  log.file = { path };
  log.offset = rec.offset;
  doc.log = log;
  const ga = (doc.goneaway as Doc | undefined) ?? {};
  ga.kind = kind;
  doc.goneaway = ga;
  return doc;
}

function unparsed(rec: RecordText, path: string, issue: ParseIssue): OutRecord {
  const doc: Doc = {
    event: { original: rec.text },
    log: { file: { path }, offset: rec.offset },
    goneaway: { kind: 'unparsed' },
    error: { code: issue.code, message: issue.message },
  };
  return { kind: 'unparsed', t: undefined, doc, offset: rec.offset, text: rec.text, issue };
}

export interface ParseFileOptions {
  stats?: LineReaderStats;
  onProgress?: (read: number, size: number) => void;
}

/** Streams the records of one file. `ctx` is copied; its refTime follows the file. */
export function* parseFile(path: string, kind: FileKind, baseCtx: ParseContext, counts: FileCounts, opts: ParseFileOptions = {}): Generator<OutRecord> {
  const ctx: ParseContext = { ...baseCtx };
  if (ctx.refTime === undefined) {
    // Year-less syslog dates: start from the file's mtime (the newest line is at most that old),
    // then follow HAProxy's own dated fields (USER_PAIN #3: never the current year blindly).
    try { ctx.refTime = statSync(path).mtimeMs; } catch { /* unreadable files fail in readLines */ }
  }
  const lines = readLines(path, opts.stats, opts.onProgress);
  const nonBlank = (function* () {
    for (const l of lines) {
      if (l.text.length === 0 || (l.text.trim().length === 0 && kind !== 'mysql-general')) { counts.blank++; continue; }
      yield l;
    }
  })();
  let records: Iterable<RecordText>;
  switch (kind) {
    case 'haproxy': records = lineRecords(nonBlank); break;
    case 'mysql-error': records = assembleRecords(nonBlank, isMysqlErrorRecordStart); break;
    case 'mysql-general': records = assembleRecords(nonBlank, isMysqlGeneralRecordStart); break;
    case 'app': records = assembleRecords(nonBlank, isAppRecordStart); break;
  }
  const general = newGeneralLogState();
  for (const rec of records) {
    counts.records++;
    if (rec.capped) counts.capped++;
    let out: OutRecord | undefined;
    if (kind === 'app') {
      const r = parseAppRecord(rec.text, ctx);
      if (r.ok && r.value === null) { counts.skipped++; continue; }
      out = r.ok
        ? { kind: r.value!.kind, t: r.value!.t, doc: finish(r.value!.doc, rec, path, r.value!.kind), offset: rec.offset, text: rec.text }
        : unparsed(rec, path, r.issue);
    } else {
      const r = kind === 'haproxy' ? parseHaproxyLine(rec.text, ctx)
        : kind === 'mysql-error' ? parseMysqlErrorRecord(rec.text, ctx)
        : parseMysqlGeneralRecord(rec.text, ctx, general);
      if (r.ok) {
        out = { kind: r.value.kind, t: r.value.t, doc: finish(r.value.doc, rec, path, r.value.kind), offset: rec.offset, text: rec.text };
        if (r.value.t !== undefined) ctx.refTime = r.value.t;
      } else {
        out = unparsed(rec, path, r.issue);
      }
    }
    counts.byKind[out.kind] = (counts.byKind[out.kind] ?? 0) + 1;
    if (out.issue) counts.issues[out.issue.code] = (counts.issues[out.issue.code] ?? 0) + 1;
    yield out;
  }
}
