/**
 * Shared checker for the app-log real-line tests (not a test file itself): each sample is text as a person pasted
 * it into a public issue, with the app errors goneaway must find in it (none for connect failures and noise).
 */
import assert from 'node:assert/strict';
import { get, groupRecords, one } from './helpers.js';

export interface Expect {
  t?: string;
  code?: string;
  cls?: string;
  driver?: string;
  lang?: string;
  type?: string;
  sql?: string;
  thread?: number;
  lastMs?: number;
  pid?: number;
  host?: string;
  logger?: string;
  worker?: string;
  level?: string;
  /** a part of error.message */
  msg?: string;
}

export interface RealSample {
  /** the public page the lines come from */
  src: string;
  text: string;
  /** the app errors of the sample, in file order */
  errors: Expect[];
}

const FIELD: Record<Exclude<keyof Expect, 'msg'>, string> = {
  t: '@timestamp',
  code: 'error.code',
  cls: 'app.error.class',
  driver: 'app.error.driver',
  lang: 'app.error.language',
  type: 'error.type',
  sql: 'app.sql',
  thread: 'app.db.thread_id',
  lastMs: 'app.db.last_received_ms',
  pid: 'process.pid',
  host: 'host.hostname',
  logger: 'app.logger',
  worker: 'app.worker',
  level: 'log.level',
};

/** Group the sample into records as the pipeline does, parse them (UTC) and compare with the expected errors. */
export function checkSample(s: RealSample): void {
  const docs = groupRecords(s.text)
    .map((r) => one(r))
    .filter((d) => d !== null);
  assert.equal(docs.length, s.errors.length, `${s.src}: ${docs.length} app errors, expected ${s.errors.length}`);
  s.errors.forEach((e, i) => {
    for (const [k, v] of Object.entries(e)) {
      if (k === 'msg') {
        const m = String(get(docs[i]!, 'error.message'));
        assert.ok(m.includes(String(v)), `${s.src} record ${i}: error.message ${m} lacks ${v}`);
      } else assert.deepEqual(get(docs[i]!, FIELD[k as keyof typeof FIELD]), v, `${s.src} record ${i}: ${k}`);
    }
  });
}
