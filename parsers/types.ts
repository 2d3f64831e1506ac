/**
 * Shared contract between the pure parsers (`parsers/`), the pipeline (`src/`) and the sinks.
 *
 * Every parser is a pure function: text in, a `ParseResult` out. It never throws on input
 * (property tests in test/parsers/*-property.test.ts hold it to that) and never does I/O.
 * Documents are nested ECS-style objects, named as Elastic's haproxy / mysql integrations name
 * them (so Kibana habits carry over), plus goneaway's own additions under `goneaway.*`,
 * `haproxy.termination.*`, `mysql.*`, `app.*`.
 */

export type RecordKind = 'haproxy' | 'mysql_error' | 'mysql_general' | 'app_error' | 'unparsed';

/** Why a record could not be parsed. Data, not an exception (zod-issue style, keyed by `code`). */
export type ParseIssue =
  | { code: 'no_match'; parser: string; message: string }
  | { code: 'bad_timestamp'; parser: string; message: string; value: string }
  | { code: 'bad_field'; parser: string; message: string; field: string; value: string }
  | { code: 'truncated'; parser: string; message: string }
  | { code: 'empty'; parser: string; message: string }
  | { code: 'too_long'; parser: string; message: string; bytes: number };

/** A nested JSON document (ECS-like). */
export type Doc = { [key: string]: unknown };

export interface Parsed {
  /** goneaway.kind of the record */
  kind: Exclude<RecordKind, 'unparsed'>;
  /** epoch milliseconds (UTC) of the record's @timestamp, or undefined if the line carries no time */
  t: number | undefined;
  /** The document, WITHOUT event.original / log.* / goneaway.kind (the pipeline adds those). */
  doc: Doc;
  /**
   * The record's text as it may be shown (event.original, evidence), when it is not the raw text: the raw text
   * with its SQL literals redacted (ParseContext.redactSql; docs/redaction.md). Unset: the raw text.
   */
  text?: string;
}

export type ParseResult = { ok: true; value: Parsed } | { ok: false; issue: ParseIssue };

/**
 * Converts a wall-clock time read from a log that carries no zone into epoch ms.
 * Implemented in parsers/zones.ts makeZone (cached per hour, DST-aware through Intl).
 */
export interface ZoneConverter {
  /** IANA name or fixed offset as given by the user (e.g. "UTC", "Europe/Paris", "+05:00") */
  readonly name: string;
  /** month is 1-12 */
  toEpoch(year: number, month: number, day: number, h: number, mi: number, s: number, ms: number): number;
}

export interface ParseContext {
  /** zone for timestamps without an explicit offset */
  zone: ZoneConverter;
  /**
   * The user named `zone` (--timezone, config `timezone`). When not, `zone` is only the machine's,
   * and HAProxy's zone-less accept dates are placed with the offset of their own line's syslog stamp
   * when that disagrees by whole quarter hours (haproxy/dates.ts `envelopeZoneShift`).
   */
  zoneGiven?: boolean;
  /**
   * Reference instant (epoch ms) for year-less syslog dates when the payload carries no dated field
   * (HAProxy non-traffic lines): the year is chosen with time.ts `closestYear(…, refTime)`.
   * The pipeline starts it at the file's mtime and moves it to every accept date it parses.
   * When absent, such records get t = undefined (never the current year silently: docs/parsing-pitfalls.md #3).
   */
  refTime?: number;
  /** refTime is the file's modification time (nothing dated seen yet): no record can be later than it */
  refTimeIsUpperBound?: boolean;
  /** For HAProxy: compiled custom log-format parsers, tried before the built-in ones. */
  haproxyFormats?: ReadonlyArray<CompiledLineParser>;
  /** For app logs: user-supplied patterns (regex with named groups), tried before the built-in ones. */
  appPatterns?: ReadonlyArray<CompiledLineParser>;
  /**
   * App logs: the time of the record before this one in the same file (undefined when it had none, or there is
   * none). A lost-connection error printed without a stamp of its own (Go's `driver: bad connection`) takes it,
   * marked `app.time_from: 'previous_record'` (docs/client-errors.md "Lines without a stamp"). A function, so
   * that the caller reads that record's time only when a stamp-less error asks for it.
   */
  previousRecordTime?: () => number | undefined;
  /** Replace string/number literals in SQL statements with '?' (general logs and app SQL carry data). */
  redactSql?: boolean;
}

export interface CompiledLineParser {
  readonly name: string;
  parse(payload: string, ctx: ParseContext): ParseResult;
}

/** Decoded HAProxy termination state (HAProxy configuration manual §8.5). */
export interface TerminationDecoded {
  /** the raw 2 or 4 chars */
  state: string;
  /** first char: who/what ended the session */
  initiator:
    | 'normal'
    | 'client_abort'
    | 'client_timeout'
    | 'server_abort'
    | 'server_timeout'
    | 'proxy_deny'
    | 'proxy_local'
    | 'proxy_resource'
    | 'internal_error'
    | 'server_down'
    | 'server_up_backup_killed'
    | 'admin_kill'
    | 'unknown';
  /** second char: where the session was */
  phase: 'request' | 'queue' | 'connect' | 'headers' | 'data' | 'last_data' | 'tarpit' | 'complete' | 'unknown';
  /** which side ended it from HAProxy's point of view */
  side: 'client' | 'server' | 'proxy' | 'none';
  /** human sentence, e.g. "HAProxy's `timeout client` expired during the data phase" */
  description: string;
}

/** App parsers only emit lost-connection errors; `value: null` means "a record, but not one of ours". */
export type AppOutcome = ParseResult | { ok: true; value: null };
