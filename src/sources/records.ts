/**
 * A multi-line record's text and place (MySQL error logs, general-log statements, Python tracebacks,
 * Java stack traces): a start line plus the continuation lines after it, assembled by
 * record-assembler.ts. A record is capped so that a file without any recognisable start line cannot
 * build one unbounded record.
 */

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
