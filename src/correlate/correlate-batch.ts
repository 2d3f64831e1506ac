/**
 * The batch driver of the Correlator (`goneaway correlate`): opens the files, merges their records by
 * time and pushes them; the events stream out as they become final.
 */
import type { ParseContext } from '../../parsers/types.js';
import { asEvent, type Emitted, type VerdictEvent } from './event.js';
import {
  newCounts,
  parseFile,
  parseHaproxyFileSkipping,
  SkippedClose,
  type CloseSkipper,
  type FileCounts,
} from '../pipeline/parse-file.js';
import { BlockPool, LineRereader } from '../sources/line-reread.js';
import { displayPath } from '../sources/stream-copy.js';
import type { LineSources } from './line-store.js';
import { mergeByTime, type Timed } from './merge.js';
import type { CorrelateStats } from './engine.js';
import { unseenServers, type CorrelateSettings } from './settings.js';
import { Correlator } from './correlator.js';
import { orderTime, type SourcedRecord } from './record-time.js';
import type { LogKind } from '../sources/log-kind.js';

/** the files to correlate, and how to read them */
export interface CorrelateInput extends CorrelateSettings {
  haproxy: string[];
  mysqlError: Array<{ server: string; path: string }>;
  mysqlGeneral: Array<{ server: string; path: string }>;
  app: string[];
  ctx: ParseContext;
  /** a file's own context (its zone: src/cli/zones.ts), when it has one */
  ctxOf?: ((path: string) => ParseContext | undefined) | undefined;
  onProgress?: (path: string) => ((read: number, size: number) => void) | undefined;
}

/** a parsed record with its time: what the merge orders (merge.ts `Timed`) */
export type TimedRecord = SourcedRecord & Timed;

/** The parsed records of each log, by kind, each in its file order. */
export interface RecordSources {
  haproxy: Iterable<SourcedRecord>[];
  mysqlGeneral: Iterable<SourcedRecord>[];
  mysqlError: Iterable<SourcedRecord>[];
  app: Iterable<SourcedRecord>[];
}

/** RecordSources whose HAProxy logs hand over the normal closes the window drops unparsed (`fileSources`) */
export type SkippingSources = Omit<RecordSources, 'haproxy'> & {
  haproxy: Iterable<SourcedRecord | SkippedClose>[];
  /** what the HAProxy logs were told to skip (`fileSources`) */
  skipper?: CloseSkipper | undefined;
  /** the HAProxy logs' lines, read again from their files (`fileSources`) */
  lines?: HaproxyLines | undefined;
};

/**
 * The HAProxy files' lines read again by offset, for the window (session-table.ts `rereadFrom`): the files of a
 * batch run stay on disk (a stream or a compressed file is read from its copy: stream-copy.ts).
 */
export class HaproxyLines {
  /** by the name records show (log.file.path); null: a name given twice (which file a row is in is not known) */
  private readonly files = new Map<string, { reader: LineRereader; counts?: FileCounts } | null>();
  /** the blocks kept for all the files: a run over many rotated files keeps these, not 8 per file */
  private readonly pool = new BlockPool(16);

  /** a file to read lines from again; returns what takes its counts once it is opened, and opens the reader then:
   *  the file the parse reads, even if the path is renamed during the run */
  add(path: string): (counts: FileCounts) => void {
    const shown = displayPath(path);
    const e: { reader: LineRereader; counts?: FileCounts } = { reader: new LineRereader(path, undefined, this.pool) };
    this.files.set(shown, this.files.has(shown) ? null : e);
    return (counts) => {
      e.counts = counts;
      e.reader.open();
    };
  }

  /** a file read without a container prefix (a row's line is the file's line as it is; asked once the file is
   *  opened: its first row) */
  readonly sources: LineSources = (file) => {
    const e = this.files.get(file);
    return e?.counts && e.counts.prefix === undefined ? e.reader : undefined;
  };

  close(): void {
    for (const e of this.files.values()) e?.reader.close();
  }
}

/** the sources whose records carry their `time` already (`fileRecords`): not wrapped by `timed` again (a
 *  generator step per line on the hot path of `correlate`) */
const carryTime = new WeakSet<Iterable<unknown>>();

/** sets `r.time` (its `orderTime`: the record object itself carries it, one object per line); false, and
 *  counted, for a record without a time */
function stamp(r: SourcedRecord, stats: CorrelateStats): r is TimedRecord {
  const time = orderTime(r);
  if (time === undefined) {
    if (r.rec.kind !== 'unparsed') stats.untimed++;
    return false;
  }
  (r as TimedRecord).time = time;
  return true;
}

function* timed(records: Iterable<SourcedRecord>, stats: CorrelateStats): Generator<TimedRecord> {
  for (const r of records) if (stamp(r, stats)) yield r;
}

/** The sources in one time-ordered stream (records without a time counted in `stats.untimed`). */
export function mergeSources(src: RecordSources, stats: CorrelateStats): Iterable<TimedRecord>;
export function mergeSources(src: SkippingSources, stats: CorrelateStats): Iterable<TimedRecord | SkippedClose>;
export function mergeSources(src: SkippingSources, stats: CorrelateStats): Iterable<TimedRecord | SkippedClose> {
  const sources = [
    ...src.haproxy,
    // general before error logs: within one second, a thread's Connect precedes its Aborted line
    ...src.mysqlGeneral,
    ...src.mysqlError,
    ...src.app,
  ].map((s) =>
    carryTime.has(s) ? (s as Iterable<TimedRecord | SkippedClose>) : timed(s as Iterable<SourcedRecord>, stats),
  );
  // one log alone (an HAProxy-only run) is in its own order already: no merge step per record
  return sources.length === 1 ? sources[0]! : mergeByTime(sources);
}

/** The sources merged by time and pushed into a Correlator; its events as they become final. */
export function* correlateSources(
  src: SkippingSources,
  cfg: CorrelateSettings,
  stats: CorrelateStats,
): Generator<VerdictEvent> {
  for (const e of emittedOf(src, cfg, stats)) yield asEvent(e);
}

/** `correlateSources`, its connection events as drafts (event.ts ConnectionDraft) */
function* emittedOf(src: SkippingSources, cfg: CorrelateSettings, stats: CorrelateStats): Generator<Emitted> {
  // without an app log no error can claim a closure: the window keeps less (settings.ts appLogs)
  const c = new Correlator({ ...cfg, appLogs: cfg.appLogs ?? src.app.length > 0 }, stats, src.lines?.sources);
  const inputs = src.haproxy.length + src.mysqlGeneral.length + src.mysqlError.length + src.app.length;
  // one log, no merge: its skipped closes go straight in as they are read (no object, no step of this loop)
  if (src.skipper && inputs === 1)
    src.skipper.take = (time, server, path, offset) => c.pushSkipped(time, server, path, offset);
  try {
    for (const r of mergeSources(src, stats)) {
      if (r instanceof SkippedClose) c.pushSkipped(r.time, r.server, r.path, r.offset);
      else c.push(r);
      const events = c.advanceEmitted(r.time);
      if (events.length) yield* events;
    }
    yield* c.finishingEmitted();
  } finally {
    src.lines?.close();
  }
}

function* fileRecords(
  path: string,
  kind: LogKind,
  server: string,
  input: CorrelateInput,
  stats: CorrelateStats,
  skipper?: CloseSkipper,
  opened?: (counts: FileCounts) => void,
): Generator<TimedRecord | SkippedClose> {
  const counts = newCounts(path, kind);
  stats.files.push(counts);
  opened?.(counts);
  const ctx = input.ctxOf?.(path) ?? input.ctx;
  const opts = { onProgress: input.onProgress?.(path) };
  // the normal closes the window would count and drop are counted unparsed (docs/performance.md)
  const records = skipper
    ? parseHaproxyFileSkipping(path, ctx, counts, skipper, opts)
    : parseFile(path, kind, ctx, counts, opts);
  for (const rec of records) {
    if (rec instanceof SkippedClose) {
      yield rec;
      continue;
    }
    // stamped here, not by `timed`: one generator step less per line
    const r: TimedRecord = { rec, kind, server, time: 0 };
    if (stamp(r, stats)) yield r;
  }
}

/**
 * The records of the files of `input`, read as they are consumed (counted in `stats.files`). `skip`: the
 * servers whose normal closes the Correlator will count and drop (settings.ts unseenServers): the HAProxy logs
 * hand those over unparsed.
 */
export function fileSources(input: CorrelateInput, stats: CorrelateStats): RecordSources;
export function fileSources(
  input: CorrelateInput,
  stats: CorrelateStats,
  skip: ((server: string) => boolean) | undefined,
): SkippingSources;
export function fileSources(
  input: CorrelateInput,
  stats: CorrelateStats,
  skip?: (server: string) => boolean,
): SkippingSources {
  const all = (paths: string[]) => paths.map((path) => ({ server: '', path }));
  const skipper: CloseSkipper | undefined = skip && { skips: skip };
  const lines = new HaproxyLines();
  const files = (kind: LogKind, l: Array<{ server: string; path: string }>) =>
    l.map((f) => {
      const ha = kind === 'haproxy';
      const g = fileRecords(
        f.path,
        kind,
        f.server,
        input,
        stats,
        ha ? skipper : undefined,
        ha ? lines.add(f.path) : undefined,
      );
      carryTime.add(g);
      return g;
    });
  // only the HAProxy logs are given `skip`: the others yield records alone
  const records = (kind: LogKind, l: Array<{ server: string; path: string }>) =>
    files(kind, l) as Iterable<SourcedRecord>[];
  return {
    haproxy: files('haproxy', all(input.haproxy)),
    mysqlGeneral: records('mysql_general', input.mysqlGeneral),
    mysqlError: records('mysql_error', input.mysqlError),
    app: records('app', all(input.app)),
    skipper,
    lines,
  };
}

/** `goneaway correlate`: the files of `input`, correlated. */
export function* correlate(input: CorrelateInput, stats: CorrelateStats): Generator<VerdictEvent> {
  for (const e of correlateEmitted(input, stats)) yield asEvent(e);
}

/** `correlate`, its connection events as drafts (event.ts ConnectionDraft): what `--format ndjson` writes */
export function correlateEmitted(input: CorrelateInput, stats: CorrelateStats): Generator<Emitted> {
  // the servers whose MySQL logs are read: a `--` close on another one is not stored without app logs
  const mysqlServers = input.mysqlServers ?? new Set([...input.mysqlError, ...input.mysqlGeneral].map((f) => f.server));
  const cfg = { ...input, mysqlServers, appLogs: input.appLogs ?? input.app.length > 0 };
  return emittedOf(fileSources(input, stats, unseenServers(cfg)), cfg, stats);
}
