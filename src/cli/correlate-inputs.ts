/**
 * The logs a `goneaway correlate` run reads: from the config, the options and plain FILE arguments (kinds
 * sniffed), each MySQL log with its server (named as SERVER=FILE, or inferred from the HAProxy logs and
 * haproxy.cfg: src/sources/server-of.ts), every file with its own parse context (its zone: src/cli/zones.ts),
 * the zone warnings, and the clock-offset pre-pass over them (src/correlate/clock-check.ts).
 */
import { appSpecOf, splitAppSpec } from '../config/app-spec.js';
import { readFileSync } from 'node:fs';
import type { ParseContext, ZoneConverter } from '../../parsers/types.js';
import { GoneawayError } from '../errors.js';
import type { Config } from '../config/schema.js';
import { haproxyFormats, readableInput as readInput, zoneFrom } from './common.js';
import { zoneWarning } from '../sources/zone-check.js';
import { configZone, InputZones } from './zones.js';
import { checkClockOffsets, haproxyAnchored } from '../correlate/clock-check.js';
import { inferServer, knownServers } from '../sources/server-of.js';
import { displayPath } from '../sources/stream-copy.js';
import { compileAppPatterns } from '../pipeline/app-patterns.js';
import { readHaproxySettings, type HaproxySettings } from '../../parsers/haproxy/settings.js';
import { sniffFile } from '../sources/sniff.js';

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

type MysqlFile = { server: string; path: string };

/** What `readInputs` gives the run: the files by kind, the app logs' scopes, and the parse contexts. */
export interface CorrelateFiles {
  haproxy: string[];
  app: string[];
  appClients: Map<string, ReadonlySet<string>>;
  appUsers: Map<string, ReadonlySet<string>>;
  appFrontends: Map<string, ReadonlySet<string>>;
  mysqlError: MysqlFile[];
  mysqlGeneral: MysqlFile[];
  /** the zone of all files (`--timezone ZONE`, the config's `timezone`, else the machine's) */
  zone: ZoneConverter;
  ctx: ParseContext;
  ctxOf: (path: string) => ParseContext;
  haproxySettings: HaproxySettings | undefined;
}

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

/** The files of a run, read from the config and the options, bound to their zones and checked (see above). */
export function readInputs(files: string[], o: CorrelateOptions, cfg: Config): CorrelateFiles {
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
  return {
    haproxy,
    app,
    appClients,
    appUsers,
    appFrontends,
    mysqlError,
    mysqlGeneral,
    zone,
    ctx,
    ctxOf,
    haproxySettings,
  };
}

/** every file's own context (src/cli/zones.ts); a `FILE=ZONE` that names no file read is an error */
function bindZones(
  zones: InputZones,
  ctx: ParseContext,
  cfg: Config,
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
