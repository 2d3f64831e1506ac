/**
 * Push-based decoding of one log file: lines in, typed records out, with the same rules as the batch
 * reader (parse-file.ts): blank lines counted, multi-line records assembled per kind, HAProxy and MySQL
 * records all kept (unparsed ones with their reason), application logs reduced to their lost-connection
 * errors, the year of year-less dates following the file's own dated records. The agent feeds it the
 * lines of a tailed file; `flush()` releases a pending multi-line record when the file goes idle.
 */
import type { ParseContext } from '../../parsers/types.js';
import { parseHaproxyLine } from '../../parsers/haproxy/index.js';
import { isMysqlErrorRecordStart, parseMysqlErrorRecord } from '../../parsers/mysql/error.js';
import { isMysqlGeneralRecordStart, newGeneralLogState, parseMysqlGeneralRecord } from '../../parsers/mysql/general.js';
import { isAppRecordStart, parseAppRecord } from '../../parsers/app/index.js';
import { withoutPrefix, type ContainerPrefix } from '../sources/container-prefix.js';
import type { Line } from '../sources/lines.js';
import type { RecordText } from '../sources/records.js';
import { RecordAssembler } from '../sources/record-assembler.js';
import { count, isBlank, OutRecord, unparsed, type FileCounts } from './parse-file.js';
import type { FileKind } from '../sources/file-kind.js';

const START: Record<Exclude<FileKind, 'haproxy'>, (line: string) => boolean> = {
  'mysql-error': isMysqlErrorRecordStart,
  'mysql-general': isMysqlGeneralRecordStart,
  app: isAppRecordStart,
};

export class FileDecoder {
  private readonly ctx: ParseContext;
  private readonly assembler: RecordAssembler | undefined;
  private readonly general = newGeneralLogState();

  constructor(
    readonly kind: FileKind,
    /** the path shown in log.file.path */
    readonly path: string,
    baseCtx: ParseContext,
    readonly counts: FileCounts,
    private readonly prefix?: ContainerPrefix,
  ) {
    this.ctx = { ...baseCtx };
    this.assembler = kind === 'haproxy' ? undefined : new RecordAssembler(START[kind]);
  }

  /** Decodes one line; returns the records it completed (none, one, or two for an HAProxy line). */
  push(line: Line): OutRecord[] {
    const l = this.prefix ? this.strip(line) : line;
    if (isBlank(l.text) && (l.text.length === 0 || this.kind !== 'mysql-general')) {
      this.counts.blank++;
      return [];
    }
    if (!this.assembler) return [this.haproxy(l)];
    const rec = this.assembler.push(l);
    const out = rec ? this.decode(rec) : undefined;
    return out ? [out] : [];
  }

  /** The pending multi-line record, decoded (end of input, or the file went idle). */
  flush(): OutRecord[] {
    const rec = this.assembler?.flush();
    const out = rec ? this.decode(rec) : undefined;
    return out ? [out] : [];
  }

  /** Where the record still being assembled starts: the file's checkpoint must not pass it. */
  get pendingOffset(): number | undefined {
    return this.assembler?.pendingOffset;
  }

  private strip(l: Line): Line {
    const text = withoutPrefix(l.text, this.prefix!);
    return text.length === l.text.length
      ? l
      : { text, offset: l.offset + Buffer.byteLength(l.text.slice(0, l.text.length - text.length)), lineNo: l.lineNo };
  }

  private haproxy(l: Line): OutRecord {
    this.counts.records++;
    const r = parseHaproxyLine(l.text, this.ctx);
    let out: OutRecord;
    if (r.ok) {
      out = new OutRecord('haproxy', r.value.t, r.value, undefined, l.offset, l.text, this.path);
      this.follow(r.value.t);
    } else out = unparsed({ text: l.text, offset: l.offset }, this.path, r.issue);
    count(this.counts, out);
    return out;
  }

  private decode(rec: RecordText): OutRecord | undefined {
    const c = this.counts;
    c.records++;
    if (rec.capped) c.capped++;
    let out: OutRecord;
    if (this.kind === 'app') {
      const r = parseAppRecord(rec.text, this.ctx);
      if (r.ok && r.value === null) {
        c.skipped++;
        return undefined;
      }
      out = r.ok
        ? new OutRecord(r.value!.kind, r.value!.t, r.value!, undefined, rec.offset, rec.text, this.path)
        : unparsed(rec, this.path, r.issue);
    } else {
      const r =
        this.kind === 'mysql-error'
          ? parseMysqlErrorRecord(rec.text, this.ctx)
          : parseMysqlGeneralRecord(rec.text, this.ctx, this.general);
      if (r.ok) {
        out = new OutRecord(r.value.kind, r.value.t, r.value, undefined, rec.offset, rec.text, this.path);
        this.follow(r.value.t);
      } else out = unparsed(rec, this.path, r.issue);
    }
    count(c, out);
    return out;
  }

  /** year-less dates follow the file's own dated records (docs/parsing-pitfalls.md #3) */
  private follow(t: number | undefined): void {
    if (t === undefined) return;
    this.ctx.refTime = t;
    this.ctx.refTimeIsUpperBound = false;
  }
}
