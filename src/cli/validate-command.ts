/**
 * `goneaway validate`: the config against the schema, then (unless --no-env) the environment it names —
 * input files, the agent's state directory, Elasticsearch and Kibana (src/cli/validate-env.ts,
 * src/cli/validate-remote.ts). Exit 0 valid (warnings allowed), 1 the file has problems, 3 the file is valid
 * but the environment is not, 2 the file cannot be read or parsed (README "goneaway validate").
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { GoneawayError, isGoneawayError } from '../errors.js';
import { validateConfig, type Config } from '../config/schema.js';
import { idleAfterWarning } from '../config/idle-after.js';
import { checkReadable, haproxyFormats } from './common.js';
import { compileAppPatterns } from '../pipeline/app-patterns.js';
import { resolveAuth } from '../config/secrets.js';
import { checkHttpAddress, checkInputs, checkStateDir, checkStateLock, type EnvFindings } from './validate-env.js';
import { checkElasticsearchHost, checkKibana } from './validate-remote.js';

export const VALIDATE_EXIT = { ok: 0, config: 1, unreadable: 2, environment: 3 } as const;

export interface ValidateOptions {
  config: string;
  /** false (--no-files): the input files are not looked at */
  files?: boolean;
  /** false (--no-env): the file alone — no files, state directory or network */
  env?: boolean;
}

/** `key = value: message; fix: …` of a GoneawayError, as every problem line shows it */
const describe = (e: GoneawayError) =>
  `${e.key} = ${JSON.stringify(e.value)}: ${e.message}${e.fix ? `; fix: ${e.fix}` : ''}`;

const CLI_KEYS: Record<string, string> = { '--log-format': 'haproxy.log_format', '--haproxy-config': 'haproxy.config' };

/** the same error under its config key: the shared helpers (common.ts) name the command-line options */
function underKey(e: GoneawayError): GoneawayError {
  const key = e.key === undefined ? undefined : CLI_KEYS[e.key];
  if (key === undefined) return e;
  return new GoneawayError(
    e.code,
    e.message.replace(e.key!, () => key),
    { key, value: e.value, fix: e.fix },
  );
}

/** The file's own problems: its syntax, log formats, app patterns and secrets. */
function fileProblems(c: Config, env: boolean): GoneawayError[] {
  const problems: GoneawayError[] = [];
  const check = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      if (isGoneawayError(e)) problems.push(underKey(e));
      else throw e;
    }
  };
  // haproxy.cfg is a file of the environment: read for its log-formats only when the environment is checked
  const cfgReadable = env && c.haproxy.config !== undefined && !problemOf(() => checkReadable(c.haproxy.config!, ''));
  check(() => haproxyFormats(c.haproxy.log_format, cfgReadable ? c.haproxy.config : undefined));
  check(() => compileAppPatterns(c.app.patterns));
  if (env) {
    // secrets are read (never shown) so that an unset ${ENV_VAR} or a missing *_file shows up here
    if (c.output.elasticsearch) check(() => resolveAuth(c.output.elasticsearch!, 'output.elasticsearch'));
    if (c.output.kibana) check(() => resolveAuth(c.output.kibana!, 'output.kibana'));
  }
  return problems;
}

const hasAgent = (raw: unknown) => raw !== null && typeof raw === 'object' && 'agent' in raw;

function problemOf(fn: () => void): boolean {
  try {
    fn();
    return false;
  } catch {
    return true;
  }
}

/** Files, state directory, Elasticsearch and Kibana; `notes` says what was checked. */
async function envFindings(c: Config, raw: unknown, o: ValidateOptions, notes: string[]): Promise<EnvFindings> {
  const f: EnvFindings = { errors: [], warnings: [] };
  if (o.files !== false) await checkInputs(c, f);
  if (hasAgent(raw)) {
    checkStateDir(c.agent.state_dir, f);
    checkStateLock(c.agent.state_dir, f);
    await checkHttpAddress(c.agent.http, f);
  } else notes.push(`agent.state_dir not checked: no agent section (the agent would use ${c.agent.state_dir})`);
  const es = c.output.elasticsearch;
  let esAuth: ReturnType<typeof resolveAuth> = {};
  if (es) {
    if (problemOf(() => (esAuth = resolveAuth(es, 'output.elasticsearch')))) return f; // named as a file problem
    for (let i = 0; i < es.hosts.length; i++) {
      const r = await checkElasticsearchHost(es, esAuth, i);
      if (isGoneawayError(r)) f.errors.push(r);
      else notes.push(`output.elasticsearch.hosts[${i}]: Elasticsearch ${r.version}`);
    }
  }
  const kb = c.output.kibana;
  if (kb) {
    let auth = esAuth;
    // Kibana's own credentials; without any, the cluster's (as `goneaway setup` does)
    if ((kb.api_key ?? kb.api_key_file ?? kb.username) && problemOf(() => (auth = resolveAuth(kb, 'output.kibana'))))
      return f;
    const r = await checkKibana(kb, auth);
    if (isGoneawayError(r)) f.errors.push(r);
    else if (r.level === 'degraded') f.warnings.push(`output.kibana.url: Kibana reports status degraded`);
    else notes.push(`output.kibana.url: Kibana ${r.level}`);
  }
  return f;
}

export async function runValidate(o: ValidateOptions): Promise<number> {
  let text: string;
  try {
    text = readFileSync(o.config, 'utf8');
  } catch (e) {
    throw new GoneawayError('GA_ERR_CONFIG_UNREADABLE', `cannot read ${o.config}: ${(e as Error).message}`, {
      key: '--config',
      value: o.config,
      fix: 'give the path of a readable YAML file',
    });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    process.stderr.write(
      `goneaway: GA_ERR_CONFIG_UNREADABLE: ${o.config} is not valid YAML: ${(e as Error).message.split('\n')[0]}\n`,
    );
    return VALIDATE_EXIT.unreadable;
  }
  const say = (s: string) => process.stderr.write(`goneaway: ${s}\n`);
  const r = validateConfig(raw);
  if (!r.ok) {
    for (const p of r.problems) say(`GA_ERR_CONFIG_INVALID: ${o.config}: ${p.key} = ${p.value}: ${p.message}`);
    say(`${r.problems.length} problem(s) in ${o.config}`);
    return VALIDATE_EXIT.config;
  }
  const env = o.env !== false;
  const own = fileProblems(r.config, env);
  const notes: string[] = [];
  const found = env ? await envFindings(r.config, raw, o, notes) : { errors: [], warnings: [] };
  for (const e of own) say(`${e.code}: ${o.config}: ${describe(e)}`);
  for (const e of found.errors) say(`${e.code}: ${o.config}: ${describe(e)}`);
  // the agent's timing against its promise (idle-after.ts): a config without an agent section is not the agent's
  const idle = hasAgent(raw) ? idleAfterWarning(r.config) : undefined;
  for (const w of idle ? [idle, ...found.warnings] : found.warnings) say(`warning: ${o.config}: ${w}`);
  if (own.length) {
    say(`${own.length + found.errors.length} problem(s) in ${o.config}`);
    return VALIDATE_EXIT.config;
  }
  if (found.errors.length) {
    say(`${found.errors.length} problem(s) in the environment of ${o.config} (the file itself is valid)`);
    return VALIDATE_EXIT.environment;
  }
  for (const n of notes) process.stdout.write(`  ${n}\n`);
  const what = env
    ? o.files === false
      ? 'valid; environment checked (not the files)'
      : 'valid; environment checked'
    : 'valid (the file only: --no-env)';
  process.stdout.write(`√ ${o.config}: configuration is ${what}\n`);
  return VALIDATE_EXIT.ok;
}
