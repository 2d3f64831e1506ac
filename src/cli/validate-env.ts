/**
 * `goneaway validate`, the environment half: what the configuration names must exist where it runs. Input
 * files readable (a glob matching nothing is only a warning: the agent expands globs again on every scan,
 * docs/agent-inputs.md), the agent's state directory creatable, writable and not held by a running agent, its
 * `agent.http` address free to listen on. The network half (Elasticsearch,
 * Kibana) is src/cli/validate-remote.ts. Every problem is a GoneawayError naming key, value and fix.
 */
import { accessSync, constants, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createServer } from 'node:net';
import { glob, isDynamicPattern } from 'tinyglobby';
import { httpBindError, parseListen } from '../agent/http.js';
import { lockedError, lockHolder } from '../agent/state-lock.js';
import { appSpecOf } from '../config/app-spec.js';
import type { Config } from '../config/schema.js';
import { GoneawayError } from '../errors.js';
import { makeDirs } from '../make-dirs.js';

/** the outcome of the checks: errors stop the agent, warnings only say what to look at */
export interface EnvFindings {
  errors: GoneawayError[];
  warnings: string[];
}

/** every input path or glob of the config with its key */
export function inputPaths(c: Config): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  c.haproxy.files.forEach((f, i) => out.push({ key: `haproxy.files[${i}]`, value: f }));
  if (c.haproxy.config !== undefined) out.push({ key: 'haproxy.config', value: c.haproxy.config });
  c.mysql.instances.forEach((inst, i) => {
    (inst.error_log ?? []).forEach((f, j) => out.push({ key: `mysql.instances[${i}].error_log[${j}]`, value: f }));
    (inst.general_log ?? []).forEach((f, j) => out.push({ key: `mysql.instances[${i}].general_log[${j}]`, value: f }));
  });
  c.app.files.forEach((f, i) =>
    out.push({ key: typeof f === 'string' ? `app.files[${i}]` : `app.files[${i}].path`, value: appSpecOf(f).path }),
  );
  return out;
}

/** why a file cannot be read, and what to do about it, from the error code of the failed call */
function unreadable(file: string, e: unknown): { why: string; fix: string } {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return { why: 'no such file', fix: 'check the path, or use a glob if the file appears later' };
  if (code === 'ENOTDIR')
    return { why: 'a part of the path is a file, not a directory', fix: 'check the directories of the path' };
  if (code === 'EISDIR')
    return { why: 'it is a directory', fix: `name the log files in it, e.g. ${path.join(file, '*.log')}` };
  if (code === 'EACCES' || code === 'EPERM')
    return {
      why: 'permission denied',
      // Debian's rsyslog and logrotate make /var/log files root:adm 0640 (docs/validate.md "Permissions")
      fix: 'let the user goneaway runs as read it: on Debian add it to group adm (usermod -aG adm USER), or chmod/setfacl the file',
    };
  return { why: (e as Error).message, fix: 'give the path of a readable log file' };
}

/** the file at `file` can be opened for reading and is not a directory */
function readableFile(file: string, key: string, value: string): GoneawayError | undefined {
  try {
    accessSync(file, constants.R_OK);
    if (statSync(file).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return undefined;
  } catch (e) {
    const { why, fix } = unreadable(file, e);
    const shown = file === value ? file : `${file} (matched by ${value})`;
    return new GoneawayError('GA_ERR_FILE_UNREADABLE', `cannot read ${shown}: ${why}`, { key, value: file, fix });
  }
}

/** A plain path must be readable now; a glob may match nothing yet (a warning) but what it matches must be. */
export async function checkInputs(c: Config, into: EnvFindings): Promise<void> {
  for (const { key, value } of inputPaths(c)) {
    const abs = path.resolve(value);
    if (!isDynamicPattern(abs)) {
      const e = readableFile(abs, key, value);
      if (e) into.errors.push(e);
      continue;
    }
    const matched = await glob(abs, { absolute: true, onlyFiles: true, dot: true });
    if (matched.length === 0) {
      into.warnings.push(
        `${key} = ${JSON.stringify(value)}: the glob matches no file now; the agent looks again on every scan, ` +
          'so files that appear later are read (check the pattern if they should exist already)',
      );
    }
    for (const f of matched.sort()) {
      const e = readableFile(f, key, value);
      if (e) into.errors.push(e);
    }
  }
}

/**
 * agent.state_dir exists or can be created, and a file can be written in it: checked by doing it (creating
 * what is missing, writing and removing a probe file, then removing what was created), since permission bits
 * say nothing for root and nothing about a read-only mount.
 */
export function checkStateDir(dir: string, into: EnvFindings): void {
  const abs = path.resolve(dir);
  let created: string | undefined;
  const probe = path.join(abs, `.goneaway-validate-${process.pid}`);
  try {
    created = makeDirs(abs);
    writeFileSync(probe, 'probe\n', { flag: 'wx' });
    rmSync(probe);
  } catch (e) {
    const { why } = unreadable(abs, e);
    into.errors.push(
      new GoneawayError('GA_ERR_STATE_DIR', `agent.state_dir ${abs} cannot be created or written: ${why}`, {
        key: 'agent.state_dir',
        value: dir,
        fix: 'give a directory the agent can create and write (e.g. /var/lib/goneaway, owned by its user)',
      }),
    );
  } finally {
    // leave the machine as found: what validate created (the first missing directory and below) goes
    if (created !== undefined) rmSync(created, { recursive: true, force: true });
  }
}

/** agent.state_dir is not held by a running agent (src/agent/state-lock.ts): a second one would stop at once */
export function checkStateLock(dir: string, into: EnvFindings): void {
  const h = lockHolder(dir);
  if (h) into.errors.push(lockedError(dir, h));
}

/**
 * agent.http can be listened on: checked by doing it (listen, then close at once), as the agent would at start:
 * a port another process holds (EADDRINUSE), a privileged port, an address not of this machine.
 */
export async function checkHttpAddress(spec: string, into: EnvFindings): Promise<void> {
  const listen = parseListen(spec);
  if (!listen) return; // the schema names a malformed value already
  const server = createServer();
  await new Promise<void>((resolve) => {
    server.once('error', (e) => {
      into.errors.push(httpBindError(spec, e));
      resolve();
    });
    server.listen(listen.port, listen.host, () => server.close(() => resolve()));
  });
}
