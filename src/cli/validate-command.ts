/** `goneaway validate`: the config against the schema, then the files and formats it names. */
import { appSpecOf } from '../config/app-spec.js';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { GoneawayError, isGoneawayError } from '../errors.js';
import { validateConfig } from '../config/schema.js';
import { checkReadable, haproxyFormats } from './common.js';
import { compileAppPatterns } from '../pipeline/app-patterns.js';
import { resolveAuth } from '../config/secrets.js';

export function runValidate(o: { config: string; files?: boolean }): number {
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
    return 2;
  }
  const r = validateConfig(raw);
  const problems: string[] = [];
  if (!r.ok) {
    for (const p of r.problems) problems.push(`${p.key} = ${p.value}: ${p.message}`);
  } else {
    const c = r.config;
    const check = (fn: () => void) => {
      try {
        fn();
      } catch (e) {
        if (isGoneawayError(e))
          problems.push(`${e.key} = ${JSON.stringify(e.value)}: ${e.message}${e.fix ? `; fix: ${e.fix}` : ''}`);
        else throw e;
      }
    };
    check(() => haproxyFormats(c.haproxy.log_format, c.haproxy.config));
    check(() => compileAppPatterns(c.app.patterns));
    // secrets are read (never shown) so that an unset ${ENV_VAR} or a missing *_file shows up here
    if (c.output.elasticsearch) check(() => resolveAuth(c.output.elasticsearch!, 'output.elasticsearch'));
    if (c.output.kibana) check(() => resolveAuth(c.output.kibana!, 'output.kibana'));
    if (o.files !== false) {
      c.haproxy.files.forEach((f, i) => check(() => checkReadable(f, `haproxy.files[${i}]`)));
      c.app.files.forEach((f, i) =>
        check(() =>
          checkReadable(appSpecOf(f).path, typeof f === 'string' ? `app.files[${i}]` : `app.files[${i}].path`),
        ),
      );
      c.mysql.instances.forEach((inst, i) => {
        (inst.error_log ?? []).forEach((f, j) =>
          check(() => checkReadable(f, `mysql.instances[${i}].error_log[${j}]`)),
        );
        (inst.general_log ?? []).forEach((f, j) =>
          check(() => checkReadable(f, `mysql.instances[${i}].general_log[${j}]`)),
        );
      });
    }
  }
  if (problems.length) {
    for (const p of problems) process.stderr.write(`goneaway: GA_ERR_CONFIG_INVALID: ${o.config}: ${p}\n`);
    process.stderr.write(`goneaway: ${problems.length} problem(s) in ${o.config}\n`);
    return 1;
  }
  process.stdout.write(`√ ${o.config}: configuration is valid\n`);
  return 0;
}
