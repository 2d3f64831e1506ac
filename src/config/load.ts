import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { GoneawayError } from '../errors.js';
import { DEFAULT_CONFIG, validateConfig, type Config } from './schema.js';

// `yaml` only when a config is read: ~45 ms of CPU otherwise spent at every start of `correlate` and `parse`
// (docs/performance.md "Start-up"); a CommonJS package, so `require` keeps loadConfig synchronous.
const parseYaml = (text: string): unknown =>
  (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);

/** Reads and validates a YAML/JSON config; throws one GoneawayError listing every problem. */
export function loadConfig(path: string | undefined): Config {
  if (!path) return DEFAULT_CONFIG;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new GoneawayError('GA_ERR_CONFIG_UNREADABLE', `cannot read ${path}: ${(e as Error).message}`, {
      key: '--config',
      value: path,
      fix: 'give the path of a readable YAML file',
    });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new GoneawayError('GA_ERR_CONFIG_UNREADABLE', `${path} is not valid YAML: ${(e as Error).message}`, {
      key: '--config',
      value: path,
      fix: 'fix the YAML syntax at the position given',
    });
  }
  const r = validateConfig(raw);
  if (!r.ok) {
    const p = r.problems[0]!;
    const more =
      r.problems.length > 1 ? ` (+${r.problems.length - 1} more: run \`goneaway validate --config ${path}\`)` : '';
    throw new GoneawayError('GA_ERR_CONFIG_INVALID', `${path}: ${p.key}: ${p.message}${more}`, {
      key: p.key,
      value: p.value,
    });
  }
  return r.config;
}
