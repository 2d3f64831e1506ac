/**
 * The one configuration schema (zod). `goneaway validate` and every command that takes
 * `--config` go through it; every error names the key, the value and the fix.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { isValidZone } from '../../parsers/zones.js';
import { appPatternSchema } from '../../parsers/app/index.js';
import { outputSchema, SECRET_KEYS } from './output-schema.js';
import { parseDuration } from './duration.js';
import { MAX_LINE_BYTES } from '../sources/lines.js';

// parseDuration lives in ./duration.js so that output-schema.ts can use it without an import cycle
export { parseDuration };

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

const BYTES = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?$/i;
const UNIT_BYTES: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1 << 20, gb: 1e9, gib: 1 << 30 };

/** "64KiB", "10MB", "1GiB" or a number of bytes → bytes; undefined when not a size */
export function parseBytes(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v > 0 ? v : undefined;
  const m = BYTES.exec(v.trim());
  if (!m) return undefined;
  const n = Math.floor(Number(m[1]) * UNIT_BYTES[(m[2] ?? 'b').toLowerCase()]!);
  return n > 0 ? n : undefined;
}

const byteSize = (what: string, min: number) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const n = parseBytes(v);
    if (n === undefined || n < min) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `not a size of at least ${min} bytes; fix: write ${what} as e.g. "1MiB", "64KiB" or a number of bytes`,
      });
      return z.NEVER;
    }
    return n;
  });

export const agentSchema = z
  .object({
    /** checkpoints (and the spool) live here */
    state_dir: z
      .string()
      .min(1, 'empty; fix: a directory the agent can write, e.g. "/var/lib/goneaway"')
      .default('/var/lib/goneaway'),
    /** where files already present on the agent's first run are read from; later files start at 0 */
    start_at: z
      .enum(['beginning', 'end'], {
        errorMap: () => ({ message: 'not a start position; fix: write "beginning" or "end"' }),
      })
      .default('end'),
    /** index every parsed record too, not only verdicts */
    index_records: z.boolean().default(true),
    /** a longer line is cut to this size (the cut is counted and the record says how much was cut) */
    max_record_bytes: byteSize('max_record_bytes', 1024).default(String(MAX_LINE_BYTES)),
    /** the most disk the spool of not-yet-indexed documents may take (64 KiB at least: tests set it small) */
    spool_max_bytes: byteSize('spool_max_bytes', 64 * 1024).default('1GiB'),
    /** host:port of the agent's health and metrics endpoint */
    http: z
      .string()
      .refine((s) => isHostPort(s), {
        message: 'not host:port; fix: write e.g. "127.0.0.1:9477" (or "[::1]:9477"), port 0-65535',
      })
      .default('127.0.0.1:9477'),
    /**
     * /healthz answers 503 once the inputs were not read, or documents waiting were not acknowledged, for this long
     * (docs/agent-inputs.md "Health")
     */
    health_stale_after: duration('health_stale_after').default('60s'),
    /**
     * an input with no new line for this long stops holding the watermark back (1 s at least; more than
     * idle-after.ts IDLE_AFTER_WITHIN allows is a warning: docs/agent-inputs.md "Quiet inputs: agent.idle_after")
     */
    idle_after: duration('idle_after')
      .refine((ms) => ms >= 1000, {
        message:
          'below 1s; fix: write at least "1s" (a turn is 1 s, and a quiet input\'s multi-line record is flushed as ' +
          'complete)',
      })
      .default('5s'),
    /**
     * the most records held between the files and the sink's acknowledgement: lines queued, records waiting in
     * the merge, documents not acknowledged (docs/benchmark-agent.md "Memory: the backlog"; the default is the
     * best of the bounds measured there). Below 6,000 a tenth of it is less than the lines of one read. The verdicts
     * do not depend on it (test/agent/replay-lab-equals-batch.test.ts runs at 6,000).
     */
    max_resident_records: z
      .number({ invalid_type_error: 'not a number; fix: write a count of records, e.g. 20000' })
      .int('not a whole number; fix: write a count of records, e.g. 20000')
      .min(6000, 'below 6000; fix: write at least 6000 (a tenth of it is read per turn, ~600 lines a read)')
      .default(20_000),
  })
  .strict()
  .default({});

function isHostPort(s: string): boolean {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):(\d{1,5})$/.exec(s);
  // port 0: any free port (tests, benchmarks); the one chosen is logged at start
  return m !== null && Number(m[2]) <= 65535;
}

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
                  /** the MySQL user(s) the app connects as: a general log's `Connect user@host` of another
                   *  user is not this app's thread */
                  mysql_user: z
                    .string()
                    .min(1, 'empty; fix: the user the app logs in to MySQL with, e.g. "shop"')
                    .or(
                      z
                        .array(z.string().min(1, 'empty; fix: a MySQL user name'))
                        .min(1, 'empty; fix: list at least one user'),
                    )
                    .optional(),
                  /** the HAProxy frontends the app connects through: other frontends' sessions are not its */
                  frontends: z
                    .array(z.string().min(1, 'empty; fix: a frontend name of haproxy.cfg, e.g. "mysql_ro"'))
                    .min(1, 'empty; fix: list at least one frontend, or leave the key out')
                    .optional(),
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
        /** replace SQL literals with `?`; unset: `parse`/`correlate` keep them, the agent redacts them */
        redact_sql: z.boolean().optional(),
      })
      .strict()
      .default({}),
    /** where events go instead of stdout (src/config/output-schema.ts) */
    output: outputSchema.default({}),
    /** `goneaway agent`: tails the inputs above (paths may be globs) and indexes verdicts (docs/agent-inputs.md) */
    agent: agentSchema,
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

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
    // a secret is never printed, not even when it is the value at fault
    if (v !== undefined && SECRET_KEYS.has(String(iss.path[iss.path.length - 1])))
      return { key: keyOf(iss.path), value: '(secret, not shown)', message };
    return { key: keyOf(iss.path), value: v === undefined ? '(missing)' : JSON.stringify(v), message };
  });
}

export type ValidateResult = { ok: true; config: Config } | { ok: false; problems: ConfigProblem[] };

export function validateConfig(input: unknown): ValidateResult {
  const r = configSchema.safeParse(input ?? {});
  if (r.success) return { ok: true, config: r.data };
  return { ok: false, problems: describeIssues(input, r.error.issues) };
}
