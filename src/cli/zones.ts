/**
 * One time zone per input. An app host in local time next to HAProxy and MariaDB in UTC is common, so each
 * file gets its own ParseContext. Its zone, most specific first:
 *   1. `--timezone FILE=ZONE` (FILE as given on the command line or in the config);
 *   2. its input's config key: `haproxy.timezone` (every HAProxy log), `mysql.instances[].timezone` (that
 *      server's logs), `app.files[].timezone` (that file);
 *   3. `--timezone ZONE`, then the top-level `timezone`: every other file;
 *   4. the machine's zone (then `zoneGiven` is false: only a guess, see parsers/types.ts).
 * A zone named by 1 or 2 is "pinned": the clock-offset check (src/correlate/clock-check.ts) warns about it
 * but never moves it.
 */
import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { ParseContext, ZoneConverter } from '../../parsers/types.js';
import { GoneawayError } from '../errors.js';
import { zoneFrom } from './common.js';
import type { LogKind } from '../sources/log-kind.js';

/** a zone from the config for one input: the key that names it (set or not) and its value */
export interface ConfigZone {
  key: string;
  spec: string | undefined;
}

interface FileZone {
  file: string;
  zone: ZoneConverter;
  value: string;
  used: boolean;
}

const samePath = (a: string, b: string): boolean => a === b || path.resolve(a) === path.resolve(b);

export class InputZones {
  /** `--timezone ZONE` (all files), if given */
  readonly global: string | undefined;
  private readonly files: FileZone[] = [];
  private readonly ctxs = new Map<string, ParseContext>();
  private readonly pins = new Set<string>();
  private readonly fixes = new Map<string, string>();

  /** `values`: the `--timezone` options, each `ZONE` or `FILE=ZONE` (a zone never holds `=`) */
  constructor(values: string | string[] | undefined) {
    let global: string | undefined;
    for (const v of typeof values === 'string' ? [values] : (values ?? [])) {
      const eq = v.lastIndexOf('=');
      if (eq < 0) {
        if (global !== undefined && global !== v) {
          throw new GoneawayError('GA_ERR_ARGUMENT', `--timezone given twice for all files (${global}, ${v})`, {
            key: '--timezone',
            value: v,
            fix: 'give one --timezone ZONE for all files, and --timezone FILE=ZONE for the files in another zone',
          });
        }
        global = v;
        continue;
      }
      if (eq === 0) {
        throw new GoneawayError('GA_ERR_ARGUMENT', `--timezone ${JSON.stringify(v)} names no file`, {
          key: '--timezone',
          value: v,
          fix: 'write --timezone FILE=ZONE, FILE as given on the command line (e.g. --timezone app.log=Europe/Berlin)',
        });
      }
      this.files.push({ file: v.slice(0, eq), zone: zoneFrom(v.slice(eq + 1)), value: v, used: false });
    }
    this.global = global;
  }

  /**
   * The context of one file: `base` (the zone of step 3/4) unless a FILE=ZONE or `cfg` names another.
   * `path` is the file as read (a stream's spool), `given` as the user wrote it.
   */
  bind(base: ParseContext, readPath: string, given: string, cfg?: ConfigZone): ParseContext {
    let ctx = base;
    const f = this.files.find((z) => samePath(z.file, given));
    if (f) {
      f.used = true;
      ctx = { ...base, zone: f.zone, zoneGiven: true };
    } else if (cfg?.spec !== undefined) {
      ctx = { ...base, zone: zoneFrom(cfg.spec, cfg.key), zoneGiven: true };
    }
    if (ctx !== base) this.pins.add(readPath);
    this.ctxs.set(readPath, ctx);
    this.fixes.set(readPath, `--timezone ${given}=ZONE${cfg ? ` (or ${cfg.key})` : ''}`);
    return ctx;
  }

  /** the context bound to a file, if any */
  ctxOf(readPath: string): ParseContext | undefined {
    return this.ctxs.get(readPath);
  }

  /** a zone was named for this very file */
  pinned(readPath: string): boolean {
    return this.pins.has(readPath);
  }

  /** how the user would name this file's zone */
  fixKey(readPath: string): string {
    return this.fixes.get(readPath) ?? '--timezone FILE=ZONE';
  }

  /** read a file in another zone from now on (the clock-offset check's shift) */
  override(readPath: string, zone: ZoneConverter): void {
    const c = this.ctxs.get(readPath);
    if (c) this.ctxs.set(readPath, { ...c, zone });
  }

  /** every FILE=ZONE must name a file that is read: a typo would otherwise leave a zone wrong in silence */
  assertAllUsed(): void {
    const unused = this.files.find((f) => !f.used);
    if (unused) {
      throw new GoneawayError('GA_ERR_ARGUMENT', `--timezone ${JSON.stringify(unused.value)} names no file read`, {
        key: '--timezone',
        value: unused.value,
        fix: 'write FILE exactly as it is given on the command line or in the config',
      });
    }
  }
}

/** the config key that sets the zone of an input of this kind, with its value */
export function configZone(cfg: Config, kind: LogKind, given: string, server?: string): ConfigZone | undefined {
  if (kind === 'haproxy') return { key: 'haproxy.timezone', spec: cfg.haproxy.timezone };
  if (kind === 'app') {
    const k = cfg.app.files.findIndex((f) => typeof f !== 'string' && samePath(f.path, given));
    const f = cfg.app.files[k];
    return f !== undefined && typeof f !== 'string' ? { key: `app.files[${k}].timezone`, spec: f.timezone } : undefined;
  }
  const k = cfg.mysql.instances.findIndex((i) =>
    server !== undefined
      ? i.server === server
      : [...(i.error_log ?? []), ...(i.general_log ?? [])].some((p) => samePath(p, given)),
  );
  const i = cfg.mysql.instances[k];
  return i ? { key: `mysql.instances[${k}].timezone`, spec: i.timezone } : undefined;
}
