/**
 * Conformance against other projects' MySQL fixtures in <repo>/../shared/corpus (SOURCES.md).
 *  1. Elastic integrations mysql/error expected JSONs: our parse of each `event.original` agrees with
 *     Elastic on ≥ 99% of the shared leaf fields (@timestamp, mysql.thread_id, log.level, event.code,
 *     event.provider, message); disagreements are printed.
 *  2. No record of the beats / lnav / Datadog MySQL error and general sample logs comes out unparsed
 *     (records assembled with our isRecordStart functions); Datadog's own expected values are checked too.
 * Skips visibly when the corpus folder is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { parseMysqlErrorRecord, isMysqlErrorRecordStart } from '../../parsers/mysql/error.js';
import { parseMysqlGeneralRecord, isMysqlGeneralRecordStart, newGeneralLogState } from '../../parsers/mysql/general.js';
import { makeZone } from '../../parsers/zones.js';
import type { Doc, ParseContext } from '../../parsers/types.js';
import { lnavSamples } from './lnav-samples.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CORPUS = path.resolve(REPO, '..', 'shared', 'corpus');
const HAVE = fs.existsSync(CORPUS);
const ELASTIC_DIR = path.join(CORPUS, 'integrations/packages/mysql/data_stream/error/_dev/test/pipeline');
const FIELDS = ['@timestamp', 'mysql.thread_id', 'log.level', 'event.code', 'event.provider', 'message'] as const;

function leaf(doc: unknown, dotted: string): unknown {
  if (dotted in (doc as object)) return (doc as Record<string, unknown>)[dotted];
  let cur: unknown = doc;
  for (const k of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

function assemble(content: string, isStart: (l: string) => boolean): string[] {
  const lines = content.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const out: string[] = [];
  for (const l of lines) {
    if (out.length === 0 || isStart(l)) out.push(l);
    else out[out.length - 1] += '\n' + l;
  }
  return out;
}

/** Elastic's pipeline test config: `event.timezone` / `_conf.tz_offset` when set, else UTC (the date processor's
 * default). */
function elasticZone(): string {
  const cfgPath = path.join(ELASTIC_DIR, 'test-common-config.yml');
  if (!fs.existsSync(cfgPath)) return 'UTC';
  const cfg = YAML.parse(fs.readFileSync(cfgPath, 'utf8')) as { fields?: Record<string, any> } | null;
  const f = cfg?.fields ?? {};
  return f['event.timezone'] ?? f.event?.timezone ?? f['_conf.tz_offset'] ?? f._conf?.tz_offset ?? 'UTC';
}

test('Elastic integrations mysql/error expected JSONs: ≥ 99% of shared leaf fields agree', (t) => {
  if (!HAVE || !fs.existsSync(ELASTIC_DIR)) {
    t.skip('no ../shared');
    return;
  }
  const ctx: ParseContext = { zone: makeZone(elasticZone()) };
  const files = fs
    .readdirSync(ELASTIC_DIR)
    .filter((f) => f.endsWith('-expected.json'))
    .sort();
  assert.ok(files.length >= 3, 'the three mysql error expected files');
  let leaves = 0,
    agree = 0;
  const disagreements: string[] = [];
  for (const f of files) {
    const expected = (JSON.parse(fs.readFileSync(path.join(ELASTIC_DIR, f), 'utf8')) as { expected: Doc[] }).expected;
    for (const exp of expected) {
      // Elastic drops an empty event.original (`ignore_empty_value`): that event came from an empty line
      const original = (leaf(exp, 'event.original') as string | undefined) ?? '';
      const r = parseMysqlErrorRecord(original, ctx);
      const ours: Doc = r.ok ? r.value.doc : {};
      for (const field of FIELDS) {
        const e = leaf(exp, field),
          o = leaf(ours, field);
        if (e === undefined && o === undefined) continue;
        leaves++;
        if (e === o) agree++;
        else
          disagreements.push(
            `${f} ${JSON.stringify(original).slice(0, 90)}\n    ${field}: elastic=${JSON.stringify(e)} ours=${JSON.stringify(o)}${r.ok ? '' : ' (' + r.issue.code + ')'}`,
          );
      }
    }
  }
  const ratio = agree / leaves;
  t.diagnostic(`elastic mysql/error: ${agree}/${leaves} leaf fields agree (${(ratio * 100).toFixed(2)}%)`);
  if (disagreements.length)
    console.log(`elastic mysql/error disagreements (${disagreements.length}):\n  ` + disagreements.join('\n  '));
  assert.ok(leaves > 150, 'enough leaves compared');
  assert.ok(ratio >= 0.99, `agreement ${(ratio * 100).toFixed(2)}% < 99%`);
});

const ERROR_SAMPLES = ['beats/filebeat/module/mysql/error/test', 'lnav/test/logfile_mysql_error.0'];
const GENERAL_SAMPLES = ['lnav/test/logfile_mysql_gen.0'];

function sampleFiles(rel: string): string[] {
  const p = path.join(CORPUS, rel);
  if (!fs.existsSync(p)) return [];
  if (fs.statSync(p).isDirectory())
    return fs
      .readdirSync(p)
      .filter((f) => f.endsWith('.log'))
      .sort()
      .map((f) => path.join(p, f));
  return [p];
}

test('beats and lnav MySQL error sample logs: no record unparsed', (t) => {
  if (!HAVE) {
    t.skip('no ../shared');
    return;
  }
  const ctx: ParseContext = { zone: makeZone('UTC') };
  const files = ERROR_SAMPLES.flatMap(sampleFiles);
  assert.ok(files.length >= 7, 'beats (6) + lnav (1) error samples');
  let n = 0;
  for (const file of files) {
    for (const rec of assemble(fs.readFileSync(file, 'utf8'), isMysqlErrorRecordStart)) {
      const r = parseMysqlErrorRecord(rec, ctx);
      assert.ok(
        r.ok,
        `${path.basename(file)}: ${JSON.stringify(rec).slice(0, 120)} → ${JSON.stringify(!r.ok && r.issue)}`,
      );
      assert.ok(
        r.value.t !== undefined || !isMysqlErrorRecordStart(rec),
        `${path.basename(file)}: dated record without time: ${rec.slice(0, 80)}`,
      );
      n++;
    }
  }
  t.diagnostic(`${n} error-log records from ${files.length} files`);
});

test('lnav MySQL general sample log: no record unparsed, headers typed', (t) => {
  if (!HAVE) {
    t.skip('no ../shared');
    return;
  }
  const ctx: ParseContext = { zone: makeZone('UTC') };
  const files = GENERAL_SAMPLES.flatMap(sampleFiles);
  assert.ok(files.length >= 1);
  for (const file of files) {
    const st = newGeneralLogState();
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    const recs = assemble(fs.readFileSync(file, 'utf8'), isMysqlGeneralRecordStart);
    assert.equal(recs.length, lines.length, 'one line = one record in this sample');
    for (const rec of recs) {
      const r = parseMysqlGeneralRecord(rec, ctx, st);
      assert.ok(r.ok, `${path.basename(file)}: ${JSON.stringify(rec)} → ${JSON.stringify(!r.ok && r.issue)}`);
      const g = (r.value.doc.mysql as { general: { command: string } }).general;
      assert.equal(g.command === 'header', r.value.t === undefined, rec);
    }
  }
});

test('Datadog mysql_tests.yaml error and general samples: parsed, and agree with Datadog on time, thread, command, statement', (t) => {
  const file = path.join(CORPUS, 'datadog-integrations-core/mysql/assets/logs/mysql_tests.yaml');
  if (!HAVE || !fs.existsSync(file)) {
    t.skip('no ../shared');
    return;
  }
  const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as {
    tests: Array<{ sample: string; result: { custom: Record<string, any> } }>;
  };
  const ctx: ParseContext = { zone: makeZone('UTC') };
  let checked = 0;
  for (const { sample, result } of doc.tests) {
    const custom = result.custom ?? {};
    if (custom.Query_time !== undefined) continue; // slow-log samples: not ours
    const general = custom.db?.operation !== undefined;
    const st = newGeneralLogState();
    const recs = assemble(sample, general ? isMysqlGeneralRecordStart : isMysqlErrorRecordStart);
    assert.equal(recs.length, 1, JSON.stringify(sample));
    const r = general ? parseMysqlGeneralRecord(recs[0]!, ctx, st) : parseMysqlErrorRecord(recs[0]!, ctx);
    assert.ok(r.ok, `${JSON.stringify(sample)} → ${JSON.stringify(!r.ok && r.issue)}`);
    const mysql = r.value.doc.mysql as Record<string, any>;
    if (custom.db?.date !== undefined) assert.equal(r.value.t, custom.db.date, sample);
    if (custom.thread_id !== undefined) assert.equal(mysql.thread_id, custom.thread_id, sample);
    if (general) {
      assert.equal(mysql.general.command, custom.db.operation, sample);
      assert.equal(mysql.general.argument, custom.db.statement, sample);
    } else if (custom.db?.severity !== undefined) {
      assert.equal((r.value.doc.log as { level: string }).level, custom.db.severity, sample);
    }
    checked++;
  }
  t.diagnostic(`${checked} Datadog samples checked`);
  assert.ok(checked >= 8);
});

test("lnav's mysql_error_log and mysql_gen_log format samples: parsed, dated, thread and command read", (t) => {
  const dir = path.join(CORPUS, 'lnav/src/formats');
  if (!HAVE || !fs.existsSync(dir)) {
    t.skip('no ../shared');
    return;
  }
  const ctx: ParseContext = { zone: makeZone('UTC') };
  const errors = lnavSamples(path.join(dir, 'mysql_error_log.json'));
  assert.ok(errors.length >= 2);
  for (const line of errors) {
    const r = parseMysqlErrorRecord(line, ctx);
    assert.ok(r.ok, `${line} → ${JSON.stringify(!r.ok && r.issue)}`);
    assert.equal(r.value.t, Date.parse(line.slice(0, 27)), line);
    assert.equal((r.value.doc.mysql as { thread_id?: number }).thread_id, Number(line.split(' ')[1]), line);
  }
  const general = lnavSamples(path.join(dir, 'mysql_gen_log.json'));
  assert.ok(general.length >= 1);
  for (const line of general) {
    const r = parseMysqlGeneralRecord(line, ctx, newGeneralLogState());
    assert.ok(r.ok, `${line} → ${JSON.stringify(!r.ok && r.issue)}`);
    const [stamp, rest] = line.split('\t') as [string, string];
    assert.equal(r.value.t, Date.parse(stamp), line);
    const mysql = r.value.doc.mysql as { thread_id: number; general: { command: string } };
    assert.equal(mysql.thread_id, Number(rest.trim().split(' ')[0]), line);
    assert.equal(mysql.general.command, rest.trim().split(' ')[1], line);
  }
});
