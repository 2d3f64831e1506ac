/**
 * `goneaway correlate`: every failed connection, who ended it, why, how sure, and what to change. The files it
 * reads and their zones come from correlate-inputs.ts; here the run and its output (NDJSON, a report, or
 * Elasticsearch).
 */
import { GoneawayError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { parseDuration, type Config } from '../config/schema.js';
import { timeRangeArg } from './common.js';
import { displayPath } from '../sources/stream-copy.js';
import { newStats } from '../correlate/engine.js';
import { correlate, correlateEmitted, type CorrelateInput } from '../correlate/correlate-batch.js';
import type { VerdictEvent } from '../correlate/event.js';
import { openOutput } from '../sinks/output.js';
import { writeEventLine } from '../sinks/event-bytes.js';
import { progressFor } from './progress.js';
import { writeSummary } from './parse-command.js';
import { loadEsOutput, type EsOutput } from './es-lazy.js';
import { readInputs, type CorrelateOptions } from './correlate-inputs.js';

function durationOpt(v: string | undefined, key: string, dflt: number): number {
  if (v === undefined) return dflt;
  const ms = parseDuration(v);
  if (ms === undefined)
    throw new GoneawayError('GA_ERR_ARGUMENT', `${key} ${JSON.stringify(v)} is not a duration`, {
      key,
      value: v,
      fix: 'write e.g. 2s, 500ms or 15m',
    });
  return ms;
}

export function runCorrelate(files: string[], o: CorrelateOptions): number | Promise<number> {
  const cfg = loadConfig(o.config);
  const esOut = loadEsOutput(o.elasticsearch, cfg);
  return esOut ? esOut.then((m) => correlateWith(files, o, cfg, m)) : correlateWith(files, o, cfg, undefined);
}

function correlateWith(
  files: string[],
  o: CorrelateOptions,
  cfg: Config,
  esOut: EsOutput | undefined,
): number | Promise<number> {
  const es = esOut?.esTarget(o.elasticsearch, cfg, o);
  const format = o.format ?? (process.stdout.isTTY && !o.out ? 'table' : 'ndjson');
  const f = readInputs(files, o, cfg);
  const { haproxy, app, mysqlError, mysqlGeneral, zone, ctxOf } = f;
  const progress = progressFor([
    ...haproxy,
    ...app,
    ...mysqlError.map((m) => m.path),
    ...mysqlGeneral.map((m) => m.path),
  ]);
  // the zones of the logs --since/--until cut (app errors, HAProxy closures)
  const cutZones = [...haproxy, ...app].map((p) => ctxOf(p).zone);
  const input: CorrelateInput = {
    haproxy,
    app,
    appClients: f.appClients,
    appUsers: f.appUsers,
    appFrontends: f.appFrontends,
    mysqlError,
    mysqlGeneral,
    ctx: f.ctx,
    ctxOf,
    skew: durationOpt(o.clockSkew, '--clock-skew', cfg.correlate.clock_skew),
    maxLag: durationOpt(o.maxErrorLag, '--max-error-lag', cfg.correlate.max_error_lag),
    settle: cfg.correlate.settle,
    since: timeRangeArg(o.since, '--since', cutZones, zone),
    until: timeRangeArg(o.until, '--until', cutZones, zone),
    haproxySettings: f.haproxySettings,
    onProgress: progress.update,
  };
  const stats = newStats();
  const finish = () => {
    writeSummary(stats.files);
    // A MySQL log named after no HAProxy server joins nothing: say so instead of failing quietly.
    if (haproxy.length && stats.servers.size) {
      for (const name of new Set([...mysqlError, ...mysqlGeneral].map((m) => m.server))) {
        if (!stats.servers.has(name)) {
          process.stderr.write(
            `goneaway: warning: MySQL instance "${name}" is not an HAProxy server in these logs (seen: ${[...stats.servers].slice(0, 8).join(', ')}); name it after its \`server\` line (SERVER=FILE)\n`,
          );
        }
      }
    }
    process.stderr.write(
      `goneaway: ${stats.appErrors} app error(s) explained, ${stats.connections} silent abnormal closure(s)${stats.untimed ? `, ${stats.untimed} record(s) without a time ignored` : ''}${stats.unstored ? `, ${stats.unstored} normal close(s) on servers no MySQL log names counted, not kept` : ''}\n`,
    );
  };
  if (es && esOut) {
    const { IdentityCache, toOutDoc, indexAll } = esOut;
    // events go to Elasticsearch, each with the id of the record it is about (src/sinks/doc-id.ts)
    const ids = new IdentityCache();
    for (const p of [...haproxy, ...app]) ids.add(displayPath(p), p);
    const ns = es.settings.namespace;
    const docs = (function* () {
      for (const d of correlate(input, stats)) {
        const kind = String((d.goneaway as { kind?: unknown } | undefined)?.kind ?? 'verdict');
        yield toOutDoc('goneaway.verdicts', ns, ids, d, kind);
      }
    })();
    return indexAll(es, docs, `logs-goneaway.verdicts-${ns}`, () => {
      progress.stop();
      finish();
    });
  }
  const out = openOutput(o.out);
  const close = (): number => {
    progress.stop();
    out.close();
    finish();
    return 0;
  };
  if (format === 'ndjson') {
    for (const d of correlateEmitted(input, stats)) writeEventLine(out, d);
    return close();
  }
  // the report writers are loaded for a report only: ~11 ms of CPU at every start of an NDJSON run otherwise
  // (docs/performance.md "Start-up")
  return Promise.all([
    import('../sinks/summary.js'),
    import('../sinks/report-table.js'),
    import('../sinks/report-html.js'),
  ]).then(([{ summarize }, { renderTable }, { renderHtml }]) => {
    const events: VerdictEvent[] = [...correlate(input, stats)];
    events.sort((a, b) => String(a['@timestamp']).localeCompare(String(b['@timestamp'])));
    const summary = summarize(events, stats);
    if (format === 'json') out.write(JSON.stringify({ summary, events }, null, 1) + '\n');
    else if (format === 'html') out.write(renderHtml(summary, events));
    else out.write(renderTable(summary, events, out.isTTY));
    return close();
  });
}
