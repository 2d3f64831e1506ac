/**
 * Lines in, typed records out: the one decoder of a log file, for the batch reader (parse-file.ts, which
 * pushes a whole file and flushes at its end) and for the agent (which pushes lines as they are tailed and
 * flushes a pending multi-line record when the file goes idle). Blank lines are counted; multi-line
 * records are assembled per kind; HAProxy and MySQL records all come out (unparsed ones with their
 * reason); application logs only their lost-connection errors (the rest is counted as skipped); the year
 * of year-less dates follows the file's own dated records (docs/parsing-pitfalls.md #3).
 */
import type { ParseContext, Parsed } from '../../parsers/types.js';
import { newNormalClose, normalCloseOfBytes, parseHaproxyLine, ServerNames } from '../../parsers/haproxy/index.js';
import { isMysqlErrorRecordStart, parseMysqlErrorRecord } from '../../parsers/mysql/error.js';
import {
  isMysqlGeneralRecordStart,
  newGeneralLogState,
  parseMysqlGeneralRecord,
  unparsedGeneralText,
} from '../../parsers/mysql/general.js';
import { appRecordTime, isAppRecordStart, parseAppRecord, unparsedAppText } from '../../parsers/app/index.js';
import { splitGeneralLogInsert } from '../../parsers/mysql/general-table.js';
import type { Line } from '../sources/lines.js';
import type { RecordText } from '../sources/records.js';
import { RecordAssembler } from '../sources/record-assembler.js';
import type { LogKind } from '../sources/log-kind.js';
import {
  closeTime,
  count,
  isBlank,
  ParsedRecord,
  SkippedClose,
  unparsed,
  type CloseSkipper,
  type FileCounts,
} from './record.js';

const START: Record<Exclude<LogKind, 'haproxy'>, (line: string, prev?: string) => boolean> = {
  mysql_error: isMysqlErrorRecordStart,
  mysql_general: isMysqlGeneralRecordStart,
  app: isAppRecordStart,
};

const I = 73; // 'I': a mysqldump of mysql.general_log starts its rows with INSERT

export class FileDecoder {
  private readonly assembler: RecordAssembler | undefined;
  private readonly general = newGeneralLogState();
  /**
   * Set by the agent: an app record that is not a lost-connection error still tells how far its file is in time
   * (`skippedTime`, the newest such stamp), so that a file of INFO lines does not hold the agent's merge back.
   */
  timeSkipped = false;
  skippedTime: number | undefined;
  /** each multi-line record's text as assembled, before it is parsed (the clock-offset check also reads it in
   *  another zone: src/correlate/clock-check.ts) */
  onRecordText: ((text: string) => void) | undefined = undefined;

  constructor(
    readonly kind: LogKind,
    /** the path shown in log.file.path */
    readonly path: string,
    /** the file's context, updated as its records go (refTime follows them): give each file its own */
    private readonly ctx: ParseContext,
    readonly counts: FileCounts,
  ) {
    this.assembler = kind === 'haproxy' ? undefined : new RecordAssembler(START[kind]);
    // a stamp-less app error takes the time of the record before it (parsers/types.ts previousRecordTime); a
    // skipped record's time is read only then
    if (kind === 'app')
      ctx.previousRecordTime = () => (this.prevText !== undefined ? appRecordTime(this.prevText, ctx) : this.prevT);
  }
  /** the app record before the current one: its time, or its text when its time was not read */
  private prevT: number | undefined;
  private prevText: string | undefined;

  /** Decodes one line; returns the records it completed. */
  push(l: Line): ParsedRecord[] {
    if (!this.assembler) {
      const r = this.haproxyLine(l);
      return r ? [r] : [];
    }
    if (isBlank(l.text) && (l.text.length === 0 || this.kind !== 'mysql_general')) {
      this.counts.blank++;
      return [];
    }
    const out: ParsedRecord[] = [];
    // a mysqldump of mysql.general_log: each row of an INSERT is a record, at its own byte offset
    const rows =
      this.kind === 'mysql_general' && l.text.charCodeAt(0) === I ? splitGeneralLogInsert(l.text) : undefined;
    if (rows)
      for (const r of rows)
        this.add({ text: r.text, offset: l.offset + Buffer.byteLength(l.text.slice(0, r.at)), lineNo: l.lineNo }, out);
    else this.add(l, out);
    return out;
  }

  /** The pending multi-line record, decoded (end of input, or the file went idle). */
  flush(): ParsedRecord[] {
    const rec = this.assembler?.flush();
    const out = rec ? this.decode(rec) : undefined;
    return out ? [out] : [];
  }

  /** Where the record still being assembled starts: a checkpoint must not pass it. */
  get pendingOffset(): number | undefined {
    return this.assembler?.pendingOffset;
  }

  /** An HAProxy line (one line, one record): the batch reader's ≥ 1 M lines/s path calls this directly. */
  haproxyLine(l: Line): ParsedRecord | undefined {
    return this.haproxyText(l.text, l.offset);
  }

  private haproxyText(text: string, offset: number): ParsedRecord | undefined {
    if (isBlank(text)) {
      this.counts.blank++;
      return undefined;
    }
    this.counts.records++;
    const r = parseHaproxyLine(text, this.ctx);
    let out: ParsedRecord;
    if (r.ok) {
      out = new ParsedRecord('haproxy', r.value.t, r.value, undefined, offset, text, this.path);
      this.follow(r.value.t);
    } else out = unparsed({ text, offset }, this.path, r.issue);
    count(this.counts, out);
    return out;
  }

  private readonly close = newNormalClose();
  private readonly servers = new ServerNames();

  /**
   * An HAProxy line as bytes (src/sources/lines.ts readLinesAs): a normal close on a server the skipper names
   * is counted like its record and comes out as a SkippedClose (or goes to `skipper.take`), unparsed
   * (parsers/haproxy/precheck.ts: only a line the parser would read as such a record); any other line is
   * decoded and parsed. Only for a file with no container prefix and no custom log-format (parse-file.ts).
   */
  haproxyBytes(
    buf: Buffer,
    start: number,
    stop: number,
    offset: number,
    skipper: CloseSkipper,
  ): ParsedRecord | SkippedClose | undefined {
    const c = this.close;
    if (normalCloseOfBytes(buf, start, stop, this.ctx.zone, c)) {
      const server = this.servers.of(buf, c.serverStart, c.serverEnd);
      if (skipper.skips(server)) {
        const counts = this.counts;
        counts.records++;
        counts.byKind.haproxy = (counts.byKind.haproxy ?? 0) + 1;
        this.follow(c.t);
        const take = skipper.take;
        if (take === undefined) return new SkippedClose(c.t, c.tt, server, offset, this.path);
        take(closeTime(c.t, c.tt), server, this.path, offset);
        return undefined;
      }
    }
    return this.haproxyText(buf.toString('utf8', start, stop), offset);
  }

  private add(l: Line, out: ParsedRecord[]): void {
    const rec = this.assembler!.push(l);
    const r = rec ? this.decode(rec) : undefined;
    if (r) out.push(r);
  }

  private decode(rec: RecordText): ParsedRecord | undefined {
    this.onRecordText?.(rec.text);
    const c = this.counts;
    c.records++;
    if (rec.capped) c.capped++;
    let out: ParsedRecord;
    if (this.kind === 'app') {
      const r = parseAppRecord(rec.text, this.ctx);
      if (r.ok && r.value === null) {
        c.skipped++;
        this.prevText = rec.text;
        if (this.timeSkipped) {
          const t = appRecordTime(rec.text, this.ctx);
          if (t !== undefined && (this.skippedTime === undefined || t > this.skippedTime)) this.skippedTime = t;
          this.prevT = t;
          this.prevText = undefined;
        }
        return undefined;
      }
      out = r.ok ? this.parsed(r.value!, rec) : unparsed(rec, this.path, r.issue, unparsedAppText(rec.text, this.ctx));
      this.prevT = r.ok ? r.value!.t : undefined;
      this.prevText = undefined;
    } else {
      const r =
        this.kind === 'mysql_error'
          ? parseMysqlErrorRecord(rec.text, this.ctx)
          : parseMysqlGeneralRecord(rec.text, this.ctx, this.general);
      if (r.ok) {
        out = this.parsed(r.value, rec);
        this.follow(r.value.t);
      } else {
        const general = this.kind === 'mysql_general';
        out = unparsed(rec, this.path, r.issue, general ? unparsedGeneralText(rec.text, this.ctx) : undefined);
      }
    }
    count(c, out);
    return out;
  }

  /** a parsed record, shown with the parser's redacted text when it gave one (Parsed.text), at the raw offsets */
  private parsed(v: Parsed, rec: RecordText): ParsedRecord {
    const raw = v.text === undefined ? undefined : Buffer.byteLength(rec.text);
    return new ParsedRecord(v.kind, v.t, v, undefined, rec.offset, v.text ?? rec.text, this.path, undefined, raw);
  }

  private follow(t: number | undefined): void {
    if (t === undefined) return;
    this.ctx.refTime = t;
    this.ctx.refTimeIsUpperBound = false;
  }
}
