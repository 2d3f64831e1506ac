/** Option checks shared by the commands: each failure is one GoneawayError naming option, value and fix. */
import { compressionOf, decompress, isStream, copyStream } from '../sources/stream-copy.js';
import { accessSync, constants, readFileSync, readlinkSync, statSync } from 'node:fs';
import { GoneawayError } from '../errors.js';
import { parseIsoAt } from '../../parsers/time.js';
import { isValidZone, machineZone, makeZone } from '../../parsers/zones.js';
import type { CompiledLineParser, ZoneConverter } from '../../parsers/types.js';
import { compileLogFormat, logFormatsFromConfig } from '../../parsers/haproxy/index.js';

/** checkReadable, and a stream (`-`, a pipe, `<(…)`) copied to a file first: the path to read. */
export function readableInput(path: string, option: string): string {
  let file = path;
  if (isStream(path)) {
    try {
      file = copyStream(path);
    } catch (e) {
      throw new GoneawayError('GA_ERR_FILE_UNREADABLE', `cannot read ${path}: ${(e as Error).message}`, {
        key: option,
        value: path,
        fix: 'give a readable log file, a pipe or - for standard input',
      });
    }
  } else checkReadable(path, option);
  // rotated logs are often compressed (logrotate `compress`): read them as their text
  const c = compressionOf(file);
  if (!c) return file;
  try {
    return decompress(file, c);
  } catch (e) {
    throw new GoneawayError('GA_ERR_FILE_UNREADABLE', `cannot read ${path}: ${(e as Error).message}`, {
      key: option,
      value: path,
      fix: `decompress it yourself to see why (${c.tool} -dc ${path} > file.log)`,
    });
  }
}

export function checkReadable(path: string, option: string): void {
  try {
    accessSync(path, constants.R_OK);
    if (statSync(path).isDirectory()) throw new Error('is a directory');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new GoneawayError('GA_ERR_FILE_UNREADABLE', `cannot read ${path}: ${why}`, {
      key: option,
      value: path,
      fix: 'give the path of a readable log file',
    });
  }
}

/**
 * machineZone(), without starting ICU when /etc/localtime links to a UTC zone and TZ is unset: the first `Intl`
 * call costs ~13 ms of CPU, and a UTC machine's zone needs no Intl afterwards (parsers/zones.ts makeZone). ICU reads
 * that link when TZ is unset, and V8 names each of these zones "UTC" (checked on Node 20 with TZ set to each);
 * anything else asks Intl as before.
 */
function localZone(): string {
  if (process.env.TZ === undefined) {
    try {
      if (/\/zoneinfo\/(?:Etc\/)?(?:UTC|UCT|Universal|Zulu|GMT)$/.test(readlinkSync('/etc/localtime'))) return 'UTC';
    } catch {
      // not a link (or none): ICU decides
    }
  }
  return machineZone();
}

export function zoneFrom(spec: string | undefined, key = '--timezone'): ZoneConverter {
  const z = spec ?? localZone();
  if (!isValidZone(z)) {
    throw new GoneawayError('GA_ERR_TIMEZONE', `unknown time zone ${JSON.stringify(z)}`, {
      key,
      value: z,
      fix: 'use an IANA name such as "UTC" or "Europe/Paris", or an offset such as "+02:00"',
    });
  }
  return makeZone(z);
}

/** --since/--until: ISO date-time (zone-less = the --timezone zone) or a relative "-2h". */
export function timeArg(v: string | undefined, key: string, zone: ZoneConverter, now = Date.now()): number | undefined {
  if (v === undefined) return undefined;
  const rel = /^-(\d+)(s|m|h|d)$/.exec(v);
  if (rel) return now - Number(rel[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[rel[2] as 's']!;
  const s = v.length === 10 ? `${v}T00:00:00` : v;
  const r = parseIsoAt(s, 0, zone);
  if (!r || r.end !== s.length) {
    throw new GoneawayError('GA_ERR_TIME_RANGE', `${key} ${JSON.stringify(v)} is not a time`, {
      key,
      value: v,
      fix: 'write e.g. 2026-11-23T20:00:00Z, 2026-11-23 20:00:00, 2026-11-23 or -2h',
    });
  }
  return r.t;
}

/**
 * --since/--until name one instant for every file: the window cuts an incident's app errors and HAProxy closures
 * alike, however each host's clock writes them. Relative (`-2h`) or with an offset (`Z`, `+01:00`): that instant.
 * Zone-less: read in the zone of the logs it cuts (`zones`: the HAProxy and app logs' own zones, src/cli/zones.ts),
 * which must all read it as one instant; where they do not, the value is refused with the zones named, rather than
 * read in one of them by a guess (README "--since / --until"). `fallback`: the zone when no such log is given.
 */
export function timeRangeArg(
  v: string | undefined,
  key: string,
  zones: readonly ZoneConverter[],
  fallback: ZoneConverter,
  now = Date.now(),
): number | undefined {
  if (v === undefined) return undefined;
  const read = new Map<number, string[]>();
  for (const z of zones.length ? zones : [fallback]) {
    const t = timeArg(v, key, z, now)!;
    const names = read.get(t) ?? [];
    if (!names.includes(z.name)) names.push(z.name);
    read.set(t, names);
  }
  if (read.size === 1) return [...read.keys()][0];
  const seen = [...read.values()].map((n) => n.join(', ')).join('; ');
  throw new GoneawayError(
    'GA_ERR_TIME_RANGE',
    `${key} ${JSON.stringify(v)} has no zone, and the logs it cuts are in different zones (${seen})`,
    {
      key,
      value: v,
      fix: `write the offset of the zone you mean, e.g. ${key} ${v.length === 10 ? `${v}T00:00:00` : v.replace(' ', 'T')}Z or …+01:00`,
    },
  );
}

/** Custom HAProxy formats from --log-format and/or --haproxy-config, compiled once. */
export function haproxyFormats(logFormat: string | undefined, haproxyConfig: string | undefined): CompiledLineParser[] {
  const out: CompiledLineParser[] = [];
  if (logFormat !== undefined) {
    const c = compileLogFormat(logFormat, 'cli');
    if ('error' in c)
      throw new GoneawayError('GA_ERR_LOG_FORMAT', `--log-format cannot be compiled: ${c.error}`, {
        key: '--log-format',
        value: logFormat,
        fix: 'pass the format string exactly as written after `log-format` in haproxy.cfg',
      });
    out.push(c);
  }
  if (haproxyConfig !== undefined) {
    checkReadable(haproxyConfig, '--haproxy-config');
    const text = readFileSync(haproxyConfig, 'utf8');
    for (const f of logFormatsFromConfig(text)) {
      const c = compileLogFormat(f.format, f.frontend);
      if ('error' in c) {
        throw new GoneawayError(
          'GA_ERR_HAPROXY_CONFIG',
          `log-format of frontend ${f.frontend} in ${haproxyConfig} cannot be compiled: ${c.error}`,
          {
            key: '--haproxy-config',
            value: f.format,
            fix: 'check that log-format line; or pass the format with --log-format',
          },
        );
      }
      out.push(c);
    }
  }
  return out;
}
