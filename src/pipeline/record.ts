/**
 * A parsed record and the counts of a file: what the pipeline hands to the correlator and the sinks.
 */
import type { Doc, ParseIssue, Parsed, RecordKind } from '../../parsers/types.js';
import type { ContainerPrefix } from '../sources/container-prefix.js';
import type { LogKind } from '../sources/log-kind.js';

/**
 * One record of a file with its position. The output document is built on first use: the correlator
 * reads flat fields (HAProxy tcplog records) and `goneaway parse` writes tcplog NDJSON straight from
 * them (src/sinks/record-ndjson.ts), so most records never build one (issue #2/#3 speed targets).
 */
export class ParsedRecord {
  private built: Doc | undefined;
  constructor(
    readonly kind: RecordKind,
    /** epoch ms, when the record has a time */
    readonly t: number | undefined,
    /** what the parser returned (undefined for unparsed records) */
    readonly parsed: Parsed | undefined,
    doc: Doc | undefined,
    readonly offset: number,
    /** the text as it may be shown: the raw text, or with its SQL literals redacted (Parsed.text) */
    readonly text: string,
    readonly path: string,
    readonly issue?: ParseIssue,
    /** bytes of the raw text in the file, when `text` is not the raw text (redacted) */
    private readonly rawBytes?: number,
  ) {
    this.built = doc;
  }

  /** the byte offset just after the record's raw text in the file (`text` may be shorter: redacted) */
  get end(): number {
    return this.offset + (this.rawBytes ?? Buffer.byteLength(this.text));
  }

  /** the full output document (event.original, log.*, goneaway.kind included) */
  get doc(): Doc {
    if (this.built === undefined) this.built = finish(this.parsed!.doc, this.text, this.offset, this.path, this.kind);
    return this.built;
  }
}

/** a tcplog line's place in time: HAProxy writes it when the session ends (src/correlate/record-time.ts orderTime) */
export const closeTime = (t: number, tt: number): number => (tt > 0 ? t + tt : t);

/**
 * A normal close (`--`) of a default-format tcplog line that was counted and not parsed: the reader's caller
 * said no record of its server would be kept (parse-file.ts `skipClose`, parsers/haproxy/precheck.ts). What
 * the line is needed for after that: its server, and its time in the stream.
 */
export class SkippedClose {
  constructor(
    /** the accept date, epoch ms (a record's `t`) */
    readonly t: number,
    /** HAProxy's Tt: the session ended at t + Tt */
    readonly tt: number,
    readonly server: string,
    readonly offset: number,
    readonly path: string,
  ) {
    this.time = closeTime(t, tt);
  }

  /** its place in the merged stream: the session's end, as for its record (src/correlate/record-time.ts orderTime) */
  readonly time: number;
}

/** What a reader that skips normal closes is told (parse-file.ts parseHaproxyFileSkipping). */
export interface CloseSkipper {
  /** are the normal closes of this server counted and not kept? */
  skips(server: string): boolean;
  /**
   * Set: each skipped close is handed here as it is read, and nothing comes out for it (an input read alone:
   * there is no other log to merge it with, so it is taken where it would have been taken coming out).
   * Unset: it comes out as a SkippedClose.
   */
  take?: ((time: number, server: string, path: string, offset: number) => void) | undefined;
}

export interface FileCounts {
  path: string;
  kind: LogKind;
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

export function newCounts(path: string, kind: LogKind): FileCounts {
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

/** `shown`: the text it may be shown with, when not the raw text (SQL redacted: docs/redaction.md) */
export function unparsed(
  rec: { text: string; offset: number },
  path: string,
  issue: ParseIssue,
  shown?: string,
): ParsedRecord {
  const text = shown ?? rec.text;
  const raw = text === rec.text ? undefined : Buffer.byteLength(rec.text);
  const doc: Doc = {
    event: { original: text },
    log: { file: { path }, offset: rec.offset },
    goneaway: { kind: 'unparsed' },
    error: { code: issue.code, message: issue.message },
  };
  return new ParsedRecord('unparsed', undefined, undefined, doc, rec.offset, text, path, issue, raw);
}

export const isBlank = (s: string): boolean => s.length === 0 || (s.charCodeAt(0) <= 32 && s.trim().length === 0);

export function count(counts: FileCounts, out: ParsedRecord): void {
  counts.byKind[out.kind] = (counts.byKind[out.kind] ?? 0) + 1;
  if (out.issue) counts.issues[out.issue.code] = (counts.issues[out.issue.code] ?? 0) + 1;
}
