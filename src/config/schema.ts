/**
 * The one configuration schema (zod). `goneaway validate` and every command that takes
 * `--config` go through it; every error names the key, the value and the fix.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { isValidZone } from '../../parsers/time.js';
import { appPatternSchema } from '../../parsers/app/index.js';

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "2s", "500ms", "1.5m", "1h" or a number of milliseconds → ms; undefined when not a duration */
export function parseDuration(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  const m = DURATION.exec(v.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2] ?? 'ms']!;
}

const duration = (what: string) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `not a duration; fix: write ${what} as e.g. "2s", "500ms", "10m" or a number of milliseconds`,
      });
      return z.NEVER;
    }
    return ms;
  });

const zone = z.string().refine(isValidZone, {
  message:
    'unknown time zone; fix: use an IANA name such as "UTC" or "Europe/Paris", or a fixed offset such as "+02:00"',
});

export const instanceSchema = z
  .object({
    server: z.string().min(1, 'empty; fix: the HAProxy `server` name of this MySQL instance, e.g. "replica1"'),
    error_log: z
      .array(z.string())
      .or(z.string().transform((s) => [s]))
      .optional(),
    general_log: z
      .array(z.string())
      .or(z.string().transform((s) => [s]))
      .optional(),
    /** zone of this instance's zone-less stamps (MariaDB, a 5.6 general log), over the top-level one */
    timezone: zone.optional(),
  })
  .strict();

export const configSchema = z
  .object({
    timezone: zone.optional(),
    haproxy: z
      .object({
        files: z.array(z.string()).default([]),
        config: z.string().optional(),
        log_format: z.string().optional(),
        /** zone of the HAProxy logs' zone-less dates (`[%t]`, RFC3164 stamps), over the top-level one */
        timezone: zone.optional(),
      })
      .strict()
      .default({}),
    mysql: z
      .object({
        instances: z.array(instanceSchema).default([]),
      })
      .strict()
      .default({}),
    app: z
      .object({
        /** a path, or { path, clients?, timezone? }: clients are the addresses the app connects to HAProxy from */
        files: z
          .array(
            z.string().or(
              z
                .object({
                  path: z.string().min(1, 'empty; fix: the path of the application log'),
                  clients: z
                    .array(
                      z.string().refine((c) => isIP(c) !== 0, {
                        message:
                          'not an IP address; fix: list the addresses the app connects to HAProxy from, e.g. ["10.0.1.11"]',
                      }),
                    )
                    .min(1, 'empty; fix: list at least one address, or give the path alone')
                    .optional(),
                  /** zone of this app log's zone-less stamps, over the top-level one */
                  timezone: zone.optional(),
                })
                .strict(),
            ),
          )
          .default([]),
        patterns: z.array(appPatternSchema).default([]),
      })
      .strict()
      .default({}),
    correlate: z
      .object({
        /** tolerated clock difference between hosts (and 1 s log resolution comes on top) */
        clock_skew: duration('clock_skew').default('1s'),
        /** longest time between a closure and the app's first use of the dead connection */
        max_error_lag: duration('max_error_lag').default('15m'),
        /** how long after an app error to wait for late lines (half-open sessions are logged at next use) */
        settle: duration('settle').default('5s'),
        redact_sql: z.boolean().default(false),
      })
      .strict()
      .default({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type CorrelateSettings = Config['correlate'];

export const DEFAULT_CONFIG: Config = configSchema.parse({});

export interface ConfigProblem {
  key: string;
  value: string;
  message: string;
}

function valueAt(input: unknown, path: ReadonlyArray<string | number>): unknown {
  let cur: unknown = input;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

function keyOf(path: ReadonlyArray<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(root)';
}

/** zod issues → problems that name key, value and fix. */
export function describeIssues(input: unknown, issues: z.ZodIssue[]): ConfigProblem[] {
  return issues.map((iss) => {
    let message = iss.message;
    if (iss.code === z.ZodIssueCode.unrecognized_keys) {
      message = `unknown key(s) ${iss.keys.map((k) => JSON.stringify(k)).join(', ')}; fix: remove them or check the spelling against config/goneaway.example.yaml`;
    } else if (iss.code === z.ZodIssueCode.invalid_type) {
      message = `expected ${iss.expected}, got ${iss.received}; fix: give a ${iss.expected} here`;
    }
    const v = valueAt(input, iss.path);
    return { key: keyOf(iss.path), value: v === undefined ? '(missing)' : JSON.stringify(v), message };
  });
}

export type ValidateResult = { ok: true; config: Config } | { ok: false; problems: ConfigProblem[] };

export function validateConfig(input: unknown): ValidateResult {
  const r = configSchema.safeParse(input ?? {});
  if (r.success) return { ok: true, config: r.data };
  return { ok: false, problems: describeIssues(input, r.error.issues) };
}
