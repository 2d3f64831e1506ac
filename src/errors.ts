/**
 * The one catalogue of real errors (as fastify's errors.js / undici's UND_ERR_*): stable codes that
 * scripts can match on. Parse failures are NOT here — they are data (parsers/types.ts ParseIssue).
 */
export const ErrorCodes = {
  GA_ERR_ARGUMENT: 'invalid command-line argument',
  GA_ERR_FILE_UNREADABLE: 'a file cannot be read',
  GA_ERR_CONFIG_INVALID: 'the configuration is invalid',
  GA_ERR_CONFIG_UNREADABLE: 'the configuration file cannot be read or parsed',
  GA_ERR_TIMEZONE: 'unknown time zone',
  GA_ERR_LOG_FORMAT: 'an HAProxy log-format cannot be compiled',
  GA_ERR_HAPROXY_CONFIG: 'the HAProxy configuration cannot be used',
  GA_ERR_SERVER_MAPPING: 'a MySQL log is not named after an HAProxy server',
  GA_ERR_APP_PATTERN: 'an application log pattern is invalid',
  GA_ERR_OUTPUT: 'the output cannot be written',
  GA_ERR_TIME_RANGE: 'a --since/--until value is not a time, or has no zone where the logs it cuts differ in zone',
  GA_ERR_SECRET: 'a secret (${ENV_VAR}, file: or *_file) cannot be read',
  GA_ERR_ES_UNAVAILABLE: 'Elasticsearch stayed unreachable past max_retry_time; the events not indexed were saved',
  GA_ERR_ES_REJECTED: 'Elasticsearch rejected documents (dead-lettered with its reason)',
  GA_ERR_ES_REQUEST: 'Elasticsearch refused a request (authentication, permission or version)',
  GA_ERR_KIBANA_IMPORT: 'Kibana refused the saved objects import',
  GA_ERR_STATE_DIR: "the agent's state directory (checkpoints) cannot be used",
  GA_ERR_ES_UNREACHABLE: 'Elasticsearch cannot be reached (refused, unresolved, TLS, timeout) or answers an error',
  GA_ERR_ES_AUTH: 'Elasticsearch refused the credentials (401) or their privileges (403)',
  GA_ERR_ES_VERSION: 'the server is not Elasticsearch 8.x or 9.x',
  GA_ERR_KIBANA_UNREACHABLE: 'Kibana cannot be reached or reports itself unavailable',
  GA_ERR_KIBANA_AUTH: 'Kibana refused the credentials (401) or their privileges (403)',
  GA_ERR_STATE_DIR_LOCKED: "another running agent holds the agent's state directory",
  GA_ERR_HTTP_ADDRESS: "the agent's /metrics and /healthz address (agent.http) cannot be bound",
  GA_ERR_ES_NOT_SET_UP: 'a data stream is missing and the cluster may not create it (run goneaway setup)',
  GA_ERR_AGENT_FAILED: 'the agent cannot go on (its reading or sending failed); it exits to be restarted',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class GoneawayError extends Error {
  readonly code: ErrorCode;
  /** the config key / CLI option at fault */
  readonly key: string | undefined;
  /** the offending value */
  readonly value: string | undefined;
  /** what to do about it */
  readonly fix: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { key?: string; value?: string; fix?: string; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'GoneawayError';
    this.code = code;
    this.key = opts.key;
    this.value = opts.value;
    this.fix = opts.fix;
  }

  /** One line for a terminal: `goneaway: <code>: <message> (key: value) — fix` */
  oneLine(): string {
    let s = `${this.code}: ${this.message}`;
    if (this.key !== undefined)
      s += ` [${this.key}${this.value !== undefined ? `=${JSON.stringify(this.value)}` : ''}]`;
    if (this.fix) s += ` — fix: ${this.fix}`;
    return s.replace(/\s*\n\s*/g, ' ');
  }
}

export function isGoneawayError(e: unknown): e is GoneawayError {
  return e instanceof GoneawayError;
}
