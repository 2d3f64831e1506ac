/**
 * The lab scenario's records and verdicts as batch `parse` and `correlate` give them, and the checks that
 * the agent stored the same: every record once (by _id), batch's verdicts (README "The agent").
 */
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { BIN } from '../cli/paths.js';
import {
  editConfig,
  spawnAgent,
  quiet,
  storedRecords,
  stubOutput,
  type AgentProcess,
  type StoredDoc,
} from './agent-process.js';
import {
  assertSameVerdicts,
  batchEvents,
  indexedAppErrors,
  labKind,
  scenario,
  waitFor,
  startStub,
  verdicts,
  type Scenario,
  type Stub,
} from './lab-replay-harness.js';

/** batch `goneaway parse` of one file: its records as (file, offset, kind) with what their _id hashes */
export interface BatchRecord {
  key: string;
  file: string;
  offset: number;
  /** what its _id hashes: records equal in it have one _id */
  same: string;
}

export function batchRecords(file: string, kind: string, server = ''): BatchRecord[] {
  const r = spawnSync(process.execPath, [BIN, 'parse', '--kind', kind, '--format', 'ndjson', file], {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`parse exited ${r.status}: ${r.stderr}`);
  const first = fs.readFileSync(file, 'utf8').split('\n', 1)[0];
  return r.stdout
    .split('\n')
    .filter((l) => l)
    .map((l) => {
      const d = JSON.parse(l);
      // src/sinks/doc-id.ts: the file's first line (and a MySQL log's server), the kind, the offset and the text
      const same = JSON.stringify([server, first, d.goneaway.kind, d.log.offset, d.event.original]);
      return { key: recordKey(d), file, offset: d.log.offset as number, same };
    });
}

export function recordKey(doc: any): string {
  return `${doc.log.file.path}:${doc.log.offset}:${doc.goneaway.kind}`;
}

export { labKind };

/** the MySQL server a lab file belongs to (replica1-general.log → replica1); '' for the others */
export const labServer = (name: string): string => (labKind(name).startsWith('mysql') ? name.split('-')[0]! : '');

/**
 * Every record batch `parse` gives for the lab scenario's files is stored once. The two MariaDB general logs
 * start with the same header and the same first Connect, at the same offsets: their ids differ only by the
 * server's name hashed into the file identity (src/sinks/doc-id.ts), so every one of them must be stored.
 * Records that one _id stands for (none in the lab now) would count as one: exactly one of each such group.
 */
export const labRecords = (files: Map<string, string>): BatchRecord[] =>
  [...files].flatMap(([name, file]) => batchRecords(file, labKind(name), labServer(name)));

export function assertLabRecordsOnce(stored: StoredDoc[], want: BatchRecord[], fail: (m: string) => never) {
  const groups = new Map<string, string[]>();
  for (const r of want) groups.set(r.same, [...(groups.get(r.same) ?? []), r.key]);
  const got = stored.map((d) => recordKey(d._source));
  const single = new Set(want.filter((r) => groups.get(r.same)!.length === 1).map((r) => r.key));
  assertSameKeys(
    got.filter((k) => single.has(k)),
    [...single],
    'records',
    fail,
  );
  let shared = 0;
  for (const keys of groups.values()) {
    if (keys.length < 2) continue;
    shared++;
    const n = got.filter((k) => keys.includes(k)).length;
    if (n !== 1) fail(`one of ${keys.join(', ')} (one _id) stored ${n} times`);
  }
  if (got.length !== single.size + shared)
    fail(`${got.length} records stored, ${single.size} + ${shared} (one per shared _id) expected`);
}

/** two lists of keys equal as multisets; the message counts and shows what is missing, extra or twice */
export function assertSameKeys(got: string[], want: string[], what: string, fail: (msg: string) => never): void {
  const count = (xs: string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
  const g = count(got);
  const w = count(want);
  const missing = [...w.keys()].filter((k) => !g.has(k));
  const extra = [...g.keys()].filter((k) => !w.has(k));
  const twice = [...g].filter(([k, n]) => n > (w.get(k) ?? 0) && w.has(k)).map(([k]) => k);
  if (missing.length || extra.length || twice.length)
    fail(
      `${what}: ${got.length} stored, ${want.length} expected; ${missing.length} missing (${missing.slice(0, 3).join(' ')}), ` +
        `${extra.length} unexpected (${extra.slice(0, 3).join(' ')}), ${twice.length} twice (${twice.slice(0, 3).join(' ')})`,
    );
}

export interface LabEnv {
  stub: Stub;
  sc: Scenario;
  agent: AgentProcess;
}

/** The lab scenario's empty files and config (`agent` keys added), the stand-in and the agent on them. */
export async function withLab(agentKeys: Record<string, unknown>, body: (env: LabEnv) => Promise<void>) {
  const stub = await startStub();
  const sc = scenario(stub.url, agentKeys);
  editConfig(sc.config, (c) => (c.output = stubOutput(stub.url, sc.dir)));
  const env: LabEnv = { stub, sc, agent: undefined as never };
  try {
    env.agent = await spawnAgent(sc.config, sc.dir);
    await body(env);
  } finally {
    env.agent?.proc.kill('SIGKILL');
    stub.stop();
  }
}

/**
 * Once the replay is written: waits for batch `correlate`'s app errors to be indexed (`ms` at most) and for
 * the stand-in to go quiet — or, given `settled`, for that condition (`ms` at most) —, then the verdicts must be
 * batch's and every record batch `parse` gives stored once. Returns those records.
 */
export async function assertLabLikeBatch(
  { stub, sc }: LabEnv,
  ms?: number,
  settled?: () => Promise<true | undefined>,
): Promise<BatchRecord[]> {
  const want = batchEvents(sc);
  await indexedAppErrors(stub, want.filter((v) => v.goneaway.kind === 'app_error').length, ms);
  // not settled in time: what is stored is compared all the same, to name what is missing or twice
  let unsettled: unknown;
  if (settled) await waitFor(settled, ms ?? 90_000, 'the agent to settle').catch((e: unknown) => (unsettled = e));
  else await quiet(stub); // the records of the last lines, and nothing more
  assertSameVerdicts(await verdicts(stub), want);
  const records = labRecords(sc.files);
  assertLabRecordsOnce(await storedRecords(stub), records, assert.fail);
  if (unsettled) throw unsettled;
  return records;
}
