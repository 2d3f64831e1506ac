/** `goneaway parse`: every record of every file, typed, with its position; a summary on stderr. */
import type { ParseContext } from '../../parsers/types.js';
import { newCounts, parseFile, type FileCounts } from '../pipeline/parse-file.js';
import { LOG_KINDS, type LogKind } from '../sources/log-kind.js';
import { sniffFile } from '../sources/sniff.js';
import { displayPath } from '../sources/stream-copy.js';
import { GoneawayError } from '../errors.js';
import { haproxyFormats, readableInput, zoneFrom } from './common.js';
import { zoneWarning } from '../sources/zone-check.js';
import { configZone, InputZones } from './zones.js';
import { openOutput } from '../sinks/output.js';
import { RecordTable } from '../sinks/record-table.js';
import { writeRecordNdjson } from '../sinks/record-ndjson.js';
import { compileAppPatterns } from '../pipeline/app-patterns.js';
import { loadConfig } from '../config/load.js';
import { progressFor } from './progress.js';
import { loadEsOutput, type EsOutput } from './es-lazy.js';
import type { Config } from '../config/schema.js';

export interface ParseOptions {
  kind: string;
  /** `ZONE` (all files) and/or `FILE=ZONE` (repeatable): src/cli/zones.ts */
  timezone?: string | string[];
  haproxyConfig?: string;
  logFormat?: string;
  format?: string;
  out?: string;
  config?: string;
  redact?: boolean;
  elasticsearch?: string;
}

export function runParse(files: string[], o: ParseOptions): number | Promise<number> {
  const kindArg = o.kind ?? 'auto';
  const kinds = ['auto', ...LOG_KINDS, 'mysql_error', 'mysql_general'];
  if (!kinds.includes(kindArg)) {
    throw new GoneawayError('GA_ERR_ARGUMENT', `unknown --kind ${JSON.stringify(kindArg)}`, {
      key: '--kind',
      value: kindArg,
      fix: 'use one of auto, haproxy, mysql_error, mysql_general, app',
    });
  }
  const format = o.format ?? (process.stdout.isTTY ? 'table' : 'ndjson');
  if (!['ndjson', 'json', 'table'].includes(format)) {
    throw new GoneawayError('GA_ERR_ARGUMENT', `unknown --format ${JSON.stringify(format)}`, {
      key: '--format',
      value: format,
      fix: 'use ndjson, json or table',
    });
  }
  if (files.length === 0)
    throw new GoneawayError('GA_ERR_ARGUMENT', 'no FILE given', { key: 'FILE', fix: 'name at least one log file' });
  if (files.filter((f) => f === '-').length > 1)
    throw new GoneawayError('GA_ERR_ARGUMENT', 'standard input (-) named twice', {
      key: 'FILE',
      value: '-',
      fix: 'name - once',
    });
  const given = files;
  files = files.map((f) => readableInput(f, 'FILE'));
  const cfg = loadConfig(o.config);
  const esOut = loadEsOutput(o.elasticsearch, cfg);
  const run = { given, files, kindArg, format, cfg };
  return esOut ? esOut.then((m) => parseWith(run, o, m)) : parseWith(run, o, undefined);
}

function parseWith(
  run: { given: string[]; files: string[]; kindArg: string; format: string; cfg: Config },
  o: ParseOptions,
  esOut: EsOutput | undefined,
): number | Promise<number> {
  const { given, files, kindArg, format, cfg } = run;
  const es = esOut?.esTarget(o.elasticsearch, cfg, o);
  const zones = new InputZones(o.timezone);
  const zone = zoneFrom(zones.global ?? cfg.timezone);
  const ctx: ParseContext = {
    zone,
    zoneGiven: (zones.global ?? cfg.timezone) !== undefined,
    haproxyFormats: haproxyFormats(o.logFormat ?? cfg.haproxy.log_format, o.haproxyConfig ?? cfg.haproxy.config),
    appPatterns: compileAppPatterns(cfg.app.patterns),
    redactSql: o.redact ?? cfg.correlate.redact_sql ?? false,
  };
  const kindOf = (path: string): LogKind =>
    kindArg === 'auto' ? sniffFile(path, ctx).kind : (kindArg.replace('-', '_') as LogKind);
  const fileKinds = files.map(kindOf);
  // each file's own zone (src/cli/zones.ts), checked before any output
  const ctxs = files.map((path, i) => zones.bind(ctx, path, given[i]!, configZone(cfg, fileKinds[i]!, given[i]!)));
  zones.assertAllUsed();
  const all: FileCounts[] = [];
  /** the file's counts registered, and the zone warning when there is one */
  const begin = (i: number): FileCounts => {
    const path = files[i]!;
    const kind = fileKinds[i]!;
    const counts = newCounts(path, kind);
    all.push(counts);
    if ((kind === 'haproxy' || kind === 'mysql_error') && path !== '-') {
      const w = zoneWarning(path, ctxs[i]!, displayPath(path), kind);
      if (w) process.stderr.write(`goneaway: ${w}\n`);
    }
    return counts;
  };
  if (es && esOut) {
    const { IdentityCache, toOutDoc, indexAll } = esOut;
    // records go to Elasticsearch, each with its own deterministic id (src/sinks/doc-id.ts)
    const ids = new IdentityCache();
    const ns = es.settings.namespace;
    const docs = (function* () {
      for (const [i, path] of files.entries()) {
        const kind = fileKinds[i]!;
        const counts = begin(i);
        ids.add(displayPath(path), path);
        for (const r of parseFile(path, kind, ctxs[i]!, counts))
          yield toOutDoc('goneaway.records', ns, ids, r.doc, r.kind);
      }
    })();
    return indexAll(es, docs, `logs-goneaway.records-${ns}`, () => writeSummary(all));
  }
  const out = openOutput(o.out);
  const table = format === 'table' ? new RecordTable(out) : undefined;
  if (format === 'json') out.write('[');
  let first = true;
  const progress = progressFor(files);
  for (const [i, path] of files.entries()) {
    const kind = fileKinds[i]!;
    const fileCtx = ctxs[i]!;
    const counts = begin(i);
    const pathJson = JSON.stringify(displayPath(path));
    for (const r of parseFile(path, kind, fileCtx, counts, { onProgress: progress.update(path) })) {
      if (table) table.add(r);
      else if (format === 'ndjson') writeRecordNdjson(out, r, pathJson);
      else {
        out.write((first ? '\n' : ',\n') + JSON.stringify(r.doc));
        first = false;
      }
    }
  }
  progress.stop();
  if (format === 'json') out.write(first ? ']\n' : '\n]\n');
  table?.flush();
  out.close();
  writeSummary(all);
  return 0;
}

export function writeSummary(all: FileCounts[]): void {
  const total: Record<string, number> = {};
  for (const c of all) {
    const parts = Object.entries(c.byKind).map(([k, n]) => `${k} ${n}`);
    if (c.skipped) parts.push(`skipped (not a lost-connection error) ${c.skipped}`);
    if (c.blank) parts.push(`blank lines ${c.blank}`);
    const issues = Object.entries(c.issues)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    process.stderr.write(
      `goneaway: ${c.path} (${c.kind}): ${c.records} records: ${parts.join(', ') || 'none'}${issues ? ` [unparsed: ${issues}]` : ''}${c.capped ? ` [${c.capped} records cut at 500 lines/64 KiB]` : ''}${c.prefix ? ` [${c.prefix} prefix removed]` : ''}\n`,
    );
    for (const [k, n] of Object.entries(c.byKind)) total[k] = (total[k] ?? 0) + n;
  }
  if (all.length > 1) {
    process.stderr.write(
      `goneaway: total: ${
        Object.entries(total)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ') || 'no records'
      }\n`,
    );
  }
}
