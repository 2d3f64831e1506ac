/**
 * Test helpers: the recording stand-in `../shared/tools/es-stub.mjs` (read its header) started on a free
 * port and stopped by its PID, and the CLI run asynchronously (an in-process stand-in must keep answering).
 * The faults the stand-in does not play (no answer, a reset mid-answer, items left out, a proxy's HTML page,
 * per-item blocks and refusals, a server that is not Elasticsearch) come from the proxy in fault-proxy.ts, put
 * in front of it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, ROOT } from '../../cli/paths.js';

export { startFaultProxy, type Fault, type FaultProxy } from './fault-proxy.js';

export const STUB = path.join(ROOT, '../shared/tools/es-stub.mjs');
export const HAVE_STUB = existsSync(STUB);
export const LAB = path.join(ROOT, 'examples/lab');

/** a port nobody listens on now (the stand-in takes a fixed port: it listens on it again after an outage) */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface Stub {
  url: string;
  pid: number;
  stop(): void;
  cmd(what: string, body?: object): Promise<unknown>;
  /** resolves once the stand-in answers again after an outage */
  waitUp(): Promise<void>;
  docs(): Promise<{ _index: string; _id: string; _source: Record<string, unknown> }[]>;
}

export async function startStub(version?: string): Promise<Stub> {
  const port = await freePort();
  const child = spawn(process.execPath, [STUB, String(port), ...(version ? [version] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('listening')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`es-stub exited (${code}) before listening`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const cmd = async (what: string, body?: object) => {
    const r = await fetch(`${url}/_stub/${what}`, {
      method: body ? 'POST' : 'GET',
      ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    return r.json();
  };
  return {
    url,
    pid: child.pid!,
    stop: () => process.kill(child.pid!, 'SIGTERM'),
    cmd,
    async waitUp() {
      for (;;) {
        try {
          await cmd('stats');
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    },
    async docs() {
      const text = await (await fetch(`${url}/_stub/docs`)).text();
      return text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    },
  };
}

/** the CLI, asynchronously: exit code, stdout, stderr */
export function run(args: string[], cwd = ROOT): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, TZ: 'UTC' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'ga-es-'));
}

/** a goneaway config with output.elasticsearch (YAML is a superset of JSON) */
export function esConfig(dir: string, es: Record<string, unknown>): string {
  const file = path.join(dir, 'goneaway.yaml');
  writeFileSync(
    file,
    JSON.stringify({
      output: {
        elasticsearch: {
          leftover_file: path.join(dir, 'leftover.ndjson'),
          dead_letter_file: path.join(dir, 'dead.ndjson'),
          ...es,
        },
      },
    }),
  );
  return file;
}

/** correlate's arguments for one bundled lab scenario (files named explicitly: no sniffing of ground-truth.json) */
export function scenario(name: string): string[] {
  const d = path.join(LAB, name);
  return [
    'correlate',
    '--haproxy',
    `${d}/haproxy.log`,
    '--haproxy-config',
    `${d}/haproxy.cfg`,
    '--mysql-error',
    `replica1=${d}/replica1-error.log`,
    '--mysql-error',
    `replica2=${d}/replica2-error.log`,
    '--mysql-general',
    `replica1=${d}/replica1-general.log`,
    '--mysql-general',
    `replica2=${d}/replica2-general.log`,
    '--app',
    `${d}/app-php.log`,
    '--app',
    `${d}/app-node.log`,
    '--app',
    `${d}/app-python.log`,
  ];
}

/** the events correlate prints for the same arguments (what Elasticsearch should end up holding) */
export async function printed(args: string[]): Promise<Record<string, unknown>[]> {
  const r = await run([...args, '--format', 'ndjson']);
  if (r.code !== 0) throw new Error(r.stderr);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

export function readNdjson(file: string): Record<string, unknown>[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}
