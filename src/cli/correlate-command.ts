/** `goneaway correlate`: every failed connection, who ended it, why, how sure, and what to change. */
import { appSpecOf, splitAppSpec } from '../config/app-spec.js';
import { readFileSync } from 'node:fs';
import type { ParseContext } from '../../parsers/types.js';
import { GoneawayError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { parseDuration, type Config } from '../config/schema.js';
import { haproxyFormats, readableInput as readInput, timeRangeArg, zoneFrom } from './common.js';
import { zoneWarning } from '../sources/zone-check.js';
import { configZone, InputZones } from './zones.js';
import { checkClockOffsets, haproxyAnchored } from '../correlate/clock-check.js';
import { inferServer, knownServers } from '../sources/server-of.js';
import { displayPath } from '../sources/stream-copy.js';
import { compileAppPatterns } from '../pipeline/app-patterns.js';
import { newStats } from '../correlate/engine.js';
import { correlate, correlateEmitted, type CorrelateInput } from '../correlate/correlate-batch.js';
import type { VerdictEvent } from '../correlate/event.js';
import { readHaproxySettings } from '../../parsers/haproxy/settings.js';
import { sniffFile } from '../sources/sniff.js';
import { openOutput } from '../sinks/output.js';
import { writeEventLine } from '../sinks/event-bytes.js';
import { progressFor } from './progress.js';
import { writeSummary } from './parse-command.js';
import { loadEsOutput, type EsOutput } from './es-lazy.js';

export interface CorrelateOptions {
  haproxy: string[];
  mysqlError: string[];
  mysqlGeneral: string[];
  app: string[];
  haproxyConfig?: string;
  logFormat?: string;
  /** `ZONE` (all files) and/or `FILE=ZONE` (repeatable): src/cli/zones.ts */
  timezone?: string | string[];
  since?: string;
  until?: string;
  format?: string;
  out?: string;
  config?: string;
  clockSkew?: string;
  maxErrorLag?: string;
  elasticsearch?: string;
}

type MysqlKind = 'mysql_error' | 'mysql_general';
/** a MySQL log whose server is to be inferred (src/sources/server-of.ts) */
interface Pending {
  kind: MysqlKind;
  path: string;
  key: string;
  value: string;
}

/** `SERVER=FILE`; a bare FILE is queued for inference (the HAProxy logs and haproxy.cfg name the servers) */
function serverFile(
  v: string,
  key: string,
  kind: MysqlKind,
  pending: Pending[],
  read = readInput,
): { server: string; path: string } | undefined {
  const i = v.indexOf('=');
  if (i <= 0) {
    pending.push({ kind, path: read(v, key), key, value: v });
    return undefined;
  }
  const path = read(v.slice(i + 1), key);
  return { server: v.slice(0, i), path };
}

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
  const zones = new InputZones(o.timezone);
  const zone = zoneFrom(zones.global ?? cfg.timezone);
  // each file as the user named it: `--timezone FILE=ZONE` and the config keys find their file by it
  const givenOf = new Map<string, string>();
  const readableInput = (given: string, key: string): string => {
    const p = readInput(given, key);
    givenOf.set(p, given);
    return p;
  };
  const haproxy = [
    ...cfg.haproxy.files.map((f) => readableInput(f, 'haproxy.files')),
    ...o.haproxy.map((f) => readableInput(f, '--haproxy')),
  ];
  const apps = [
    ...cfg.app.files.map(appSpecOf).map((a, k) => ({ ...a, path: readableInput(a.path, `app.files[${k}]`) })),
    ...o.app.map(splitAppSpec).map((a) => ({ ...a, path: readableInput(a.path, '--app') })),
  ];
  const app = apps.map((a) => a.path);
  const appClients = new Map<string, ReadonlySet<string>>();
  for (const a of apps) if (a.clients) appClients.set(displayPath(a.path), new Set(a.clients));
  const appUsers = new Map<string, ReadonlySet<string>>();
  for (const a of apps) if (a.mysqlUsers) appUsers.set(displayPath(a.path), new Set(a.mysqlUsers));
  const appFrontends = new Map<string, ReadonlySet<string>>();
  for (const a of apps) if (a.frontends) appFrontends.set(displayPath(a.path), new Set(a.frontends));
  const mysqlError = cfg.mysql.instances.flatMap((i, k) =>
    (i.error_log ?? []).map((path, j) => ({
      server: i.server,
      path: readableInput(path, `mysql.instances[${k}].error_log[${j}]`),
    })),
  );
  const mysqlGeneral = cfg.mysql.instances.flatMap((i, k) =>
    (i.general_log ?? []).map((path, j) => ({
      server: i.server,
      path: readableInput(path, `mysql.instances[${k}].general_log[${j}]`),
    })),
  );
  const pending: Pending[] = [];
  for (const v of o.mysqlError) {
    const m = serverFile(v, '--mysql-error', 'mysql_error', pending, readableInput);
    if (m) mysqlError.push(m);
  }
  for (const v of o.mysqlGeneral) {
    const m = serverFile(v, '--mysql-general', 'mysql_general', pending, readableInput);
    if (m) mysqlGeneral.push(m);
  }
  const haproxyConfig = o.haproxyConfig ?? cfg.haproxy.config;
  const ctx: ParseContext = {
    zone,
    zoneGiven: (zones.global ?? cfg.timezone) !== undefined,
    haproxyFormats: haproxyFormats(o.logFormat ?? cfg.haproxy.log_format, haproxyConfig),
    appPatterns: compileAppPatterns(cfg.app.patterns),
    redactSql: cfg.correlate.redact_sql ?? false,
  };
  // plain FILE arguments: kinds sniffed; a MySQL log must say its server as SERVER=FILE
  for (const f of files) {
    const eq = f.indexOf('=');
    const given = eq > 0 && !f.startsWith('/') && !f.startsWith('.') ? f.slice(eq + 1) : f;
    const path = readableInput(given, 'FILE');
    const kind = sniffFile(path, ctx).kind;
    if (kind === 'haproxy') haproxy.push(path);
    else if (kind === 'app') app.push(path);
    else if (given === f) pending.push({ kind, path, key: 'FILE', value: f });
    else (kind === 'mysql_error' ? mysqlError : mysqlGeneral).push({ server: f.slice(0, eq), path });
  }
  if (haproxy.length + mysqlError.length + mysqlGeneral.length + app.length + pending.length === 0) {
    throw new GoneawayError('GA_ERR_ARGUMENT', 'no log files given', {
      key: '--haproxy/--mysql-error/--mysql-general/--app',
      fix: 'name the logs to correlate, e.g. --haproxy haproxy.log --app app.log',
    });
  }
  let haproxySettings;
  if (haproxyConfig) haproxySettings = readHaproxySettings(readFileSync(haproxyConfig, 'utf8'));
  if (pending.length) {
    const known = knownServers(haproxy, ctx, haproxySettings);
    for (const p of pending) {
      const g = inferServer(p.path, known);
      if (g.server === undefined) {
        throw new GoneawayError(
          'GA_ERR_SERVER_MAPPING',
          `${p.value} looks like a MySQL ${p.kind === 'mysql_error' ? 'error' : 'general'} log but which HAProxy server it is cannot be told: ${g.why}`,
          {
            key: p.key,
            value: p.value,
            fix: `name its server as SERVER=FILE (--${p.kind} SERVER=${p.value}), SERVER being the HAProxy \`server\` name of that MySQL instance`,
          },
        );
      }
      process.stderr.write(
        `goneaway: ${displayPath(p.path)} is taken for MySQL server '${g.server}' (${g.how}); pass SERVER=FILE to say otherwise\n`,
      );
      (p.kind === 'mysql_error' ? mysqlError : mysqlGeneral).push({ server: g.server, path: p.path });
    }
  }
  const ctxOf = bindZones(zones, ctx, cfg, givenOf, { haproxy, app, mysqlError, mysqlGeneral });
  if (app.length === 0)
    process.stderr.write('goneaway: no --app log given: only connection events (abnormal closures) will be reported\n');
  for (const [path, kind] of [
    ...haproxy.map((h) => [h, 'haproxy'] as const),
    ...mysqlError.map((m) => [m.path, 'mysql_error'] as const),
  ]) {
    const w = zoneWarning(path, ctxOf(path), displayPath(path), kind);
    if (w) process.stderr.write(`goneaway: ${w}\n`);
  }
  clockOffsetPrepass(zones, ctxOf, haproxy, mysqlError, mysqlGeneral);
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
    appClients,
    appUsers,
    appFrontends,
    mysqlError,
    mysqlGeneral,
    ctx,
    ctxOf,
    skew: durationOpt(o.clockSkew, '--clock-skew', cfg.correlate.clock_skew),
    maxLag: durationOpt(o.maxErrorLag, '--max-error-lag', cfg.correlate.max_error_lag),
    settle: cfg.correlate.settle,
    since: timeRangeArg(o.since, '--since', cutZones, zone),
    until: timeRangeArg(o.until, '--until', cutZones, zone),
    haproxySettings,
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

type MysqlFile = { server: string; path: string };

/** every file's own context (src/cli/zones.ts); a `FILE=ZONE` that names no file read is an error */
function bindZones(
  zones: InputZones,
  ctx: ParseContext,
  cfg: ReturnType<typeof loadConfig>,
  givenOf: ReadonlyMap<string, string>,
  f: { haproxy: string[]; app: string[]; mysqlError: MysqlFile[]; mysqlGeneral: MysqlFile[] },
): (path: string) => ParseContext {
  const bind = (p: string, kind: Parameters<typeof configZone>[1], server?: string): void => {
    const given = givenOf.get(p) ?? p;
    zones.bind(ctx, p, given, configZone(cfg, kind, given, server));
  };
  for (const p of f.haproxy) bind(p, 'haproxy');
  for (const p of f.app) bind(p, 'app');
  for (const m of f.mysqlError) bind(m.path, 'mysql_error', m.server);
  for (const m of f.mysqlGeneral) bind(m.path, 'mysql_general', m.server);
  zones.assertAllUsed();
  return (p) => zones.ctxOf(p) ?? ctx;
}

/**
 * The clock-offset check (src/correlate/clock-check.ts): a MySQL log whose zone-less dates are whole quarter
 * hours off HAProxy's sessions is read shifted (with a note) or warned about, before the correlation.
 */
function clockOffsetPrepass(
  zones: InputZones,
  ctxOf: (path: string) => ParseContext,
  haproxy: string[],
  mysqlError: MysqlFile[],
  mysqlGeneral: MysqlFile[],
): void {
  const ha = haproxy.map((path) => ({ path, ctx: ctxOf(path) }));
  const my = [
    ...mysqlGeneral.map((m) => ({ ...m, kind: 'mysql_general' as const })),
    ...mysqlError.map((m) => ({ ...m, kind: 'mysql_error' as const })),
  ].map((m) => ({ ...m, ctx: ctxOf(m.path), pinned: zones.pinned(m.path), fixKey: zones.fixKey(m.path) }));
  if (ha.length === 0 || my.length === 0) return;
  for (const a of checkClockOffsets(my, ha, haproxyAnchored(ha))) {
    process.stderr.write(`goneaway: ${a.message}\n`);
    if (a.action === 'shift') zones.override(a.path, a.zone);
  }
}
