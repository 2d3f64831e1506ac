/**
 * `parse --format ndjson`: one JSON line per record, `JSON.stringify` of its document. A tcplog record
 * whose document was never built is written from its flat fields by the byte writer instead
 * (tcplog-ndjson.ts, held to `JSON.stringify` of the document by test/sinks/tcplog-ndjson-bytes.test.ts):
 * measured on a 200k-line tcplog file, it takes 0.66 × the CPU time of building and stringifying the
 * documents (README, benchmark notes).
 */
import { TcpLogRecord } from '../../parsers/haproxy/tcp-record.js';
import type { ParsedRecord } from '../pipeline/parse-file.js';
import type { BufferedOutput } from './output.js';
import { writeTcplogNdjson } from './tcplog-ndjson.js';

/** Writes the record's NDJSON line and its newline; `pathJson` is JSON.stringify(r.path), quoted once per file. */
export function writeRecordNdjson(out: BufferedOutput, r: ParsedRecord, pathJson: string): void {
  const p = r.parsed;
  // a document once built may have been added to (the correlator annotates it): only a record whose
  // document was never built (reading ParsedRecord.doc builds the parser's one too) is written from its fields
  if (p instanceof TcpLogRecord && p.pristine) writeTcplogNdjson(out, p, r.text, pathJson, r.offset);
  else out.write(JSON.stringify(r.doc) + '\n');
}
