/**
 * `output.elasticsearch` and `output.kibana` (issue 12): where verdicts and records are indexed.
 * Secrets (`api_key`, `password`) may be written as `${ENV_VAR}` or `file:/path`, or given as
 * `*_file` keys; src/config/secrets.ts reads them, and no message ever prints their value.
 */
import { z } from 'zod';
import { parseDuration } from './duration.js';

const durationMs = (key: string, dflt: string) =>
  z
    .union([z.string(), z.number()])
    .default(dflt)
    .transform((v, ctx) => {
      const ms = parseDuration(v);
      if (ms === undefined) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `not a duration; fix: write ${key} as e.g. "30s" or "5m"`,
        });
        return z.NEVER;
      }
      return ms;
    });

const url = (what: string) =>
  z.string().refine((s) => /^https?:\/\/[^\s/]+/.test(s), {
    message: `not an http(s) URL; fix: write the ${what} address as e.g. "https://host:9200"`,
  });

const secret = z.string().min(1, 'empty; fix: write the secret, "${ENV_VAR}" or "file:/path/to/secret"');

/** credentials shared by Elasticsearch and Kibana: an API key, or a user and password */
const credentials = {
  api_key: secret.optional(),
  api_key_file: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
  password: secret.optional(),
  password_file: z.string().min(1).optional(),
  ca_file: z.string().min(1).optional(),
  tls_verify: z.boolean().default(true),
};

type Creds = { api_key?: string; api_key_file?: string; username?: string; password?: string; password_file?: string };

function checkCredentials(c: Creds, ctx: z.RefinementCtx): void {
  const fix = (message: string, path: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, message, path: [path] });
  if (c.api_key !== undefined && c.api_key_file !== undefined)
    fix('api_key and api_key_file both given; fix: keep one of them', 'api_key_file');
  if (c.password !== undefined && c.password_file !== undefined)
    fix('password and password_file both given; fix: keep one of them', 'password_file');
  const hasPassword = c.password !== undefined || c.password_file !== undefined;
  if (hasPassword && c.username === undefined) fix('a password without a username; fix: add username', 'username');
  if (c.username !== undefined && !hasPassword)
    fix('a username without a password; fix: add password or password_file', 'password');
  if ((c.api_key !== undefined || c.api_key_file !== undefined) && c.username !== undefined)
    fix('both an API key and a username; fix: use one way to authenticate', 'username');
}

export const NAMESPACE = /^[a-z0-9_.]{1,100}$/;

export const elasticsearchOutputSchema = z
  .object({
    hosts: z.array(url('Elasticsearch')).min(1, 'empty; fix: list at least one Elasticsearch URL'),
    ...credentials,
    /** the data streams are logs-goneaway.verdicts-<namespace> and logs-goneaway.records-<namespace> */
    namespace: z
      .string()
      .regex(NAMESPACE, 'not a data stream namespace; fix: lower-case letters, digits, "_" or "." (no "-")')
      .default('default'),
    /** how long a batch is retried while the cluster is unreachable or answers 5xx/429 */
    max_retry_time: durationMs('max_retry_time', '5m'),
    /** retries of 429-rejected documents inside one bulk run before the batch loop takes over */
    max_retries: z.number().int().min(0).max(100).default(3),
    flush_bytes: z.number().int().min(1024).default(5_000_000),
    concurrency: z.number().int().min(1).max(64).default(2),
    request_timeout: durationMs('request_timeout', '30s'),
    /** NDJSON of the events not indexed when max_retry_time ran out (appended) */
    leftover_file: z.string().min(1).default('goneaway-es-leftover.ndjson'),
    /** NDJSON of the documents Elasticsearch rejected (400: mapping), with its reason (appended) */
    dead_letter_file: z.string().min(1).default('goneaway-es-dead-letter.ndjson'),
    /** `goneaway setup`: delete backing indices this long after rollover */
    retention: durationMs('retention', '90d'),
  })
  .strict()
  .superRefine(checkCredentials);

export const kibanaOutputSchema = z
  .object({ url: url('Kibana'), ...credentials, space: z.string().min(1).optional() })
  .strict()
  .superRefine(checkCredentials);

export const outputSchema = z
  .object({ elasticsearch: elasticsearchOutputSchema.optional(), kibana: kibanaOutputSchema.optional() })
  .strict();

export type ElasticsearchOutput = z.infer<typeof elasticsearchOutputSchema>;
export type KibanaOutput = z.infer<typeof kibanaOutputSchema>;

/** keys whose values are secrets: never printed, not even in a validation error */
export const SECRET_KEYS: ReadonlySet<string> = new Set(['api_key', 'password']);
