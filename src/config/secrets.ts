/**
 * Secrets of `output.*`: a literal, `${ENV_VAR}`, `file:/path`, or a `*_file` key. The value is
 * returned to the caller and never put in a message (an error names the key and where it looked).
 */
import { readFileSync } from 'node:fs';
import { GoneawayError } from '../errors.js';

function fromFile(path: string, key: string): string {
  try {
    // a trailing newline is how editors and `echo` leave a file; it is never part of a key or password
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    throw new GoneawayError('GA_ERR_SECRET', `cannot read the secret file of ${key}: ${(e as Error).message}`, {
      key,
      value: path,
      fix: 'give a readable file holding only the secret',
    });
  }
}

/** Resolves `${ENV}` / `file:PATH` in `value`, or reads `file` (the `*_file` key). */
export function readSecret(key: string, value: string | undefined, file?: string): string | undefined {
  if (file !== undefined) return fromFile(file, `${key}_file`);
  if (value === undefined) return undefined;
  const env = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value);
  if (env) {
    const v = process.env[env[1]!];
    if (v === undefined || v === '')
      throw new GoneawayError('GA_ERR_SECRET', `${key} names the environment variable ${env[1]}, which is not set`, {
        key,
        value: `\${${env[1]}}`,
        fix: `export ${env[1]} before running goneaway, or use ${key}_file`,
      });
    return v;
  }
  if (value.startsWith('file:')) return fromFile(value.slice(5), key);
  return value;
}

export interface ResolvedAuth {
  apiKey?: string;
  username?: string;
  password?: string;
}

/** the credentials of an `output.elasticsearch` or `output.kibana` block, secrets read */
export function resolveAuth(
  c: { api_key?: string; api_key_file?: string; username?: string; password?: string; password_file?: string },
  prefix: string,
): ResolvedAuth {
  const apiKey = readSecret(`${prefix}.api_key`, c.api_key, c.api_key_file);
  if (apiKey !== undefined) return { apiKey };
  const password = readSecret(`${prefix}.password`, c.password, c.password_file);
  if (c.username !== undefined) return { username: c.username, password: password ?? '' };
  return {};
}
