/**
 * Conformance of the HAProxy parsers against other projects' fixtures (read from ../shared/corpus,
 * never copied into the project; skipped when the folder is absent).
 *  1. Elastic integrations pipeline tests: every `test-*.log` line vs its `-expected.json` document —
 *     the leaf fields both documents have must agree for ≥ 99% of them (disagreements are printed).
 *  2. beats / lnav / logstash / Datadog sample logs: no HAProxy line comes out unparsed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { parseHaproxyLine } from '../../parsers/haproxy/index.js';
import { makeZone } from '../../parsers/zones.js';
import type { Doc, ParseContext } from '../../parsers/types.js';
import { lnavSamples } from './lnav-samples.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus');
const HAVE = fs.existsSync(CORPUS);
const PIPE = path.join(CORPUS, 'integrations/packages/haproxy/data_stream/log/_dev/test/pipeline');

/** Fields that depend on Elastic-only enrichment or bookkeeping, not on parsing. */
const EXCLUDED_PREFIX = [
  'related',
  'tags',
  'ecs',
  'event.ingested',
  'event.kind',
  'event.category',
  'event.outcome',
  'url.extension',
  'event.original',
];
const excluded = (k: string) =>
  EXCLUDED_PREFIX.some((p) => k === p || k.startsWith(`${p}.`)) || k.split('.').some((s) => s === 'geo' || s === 'as');

function leaves(d: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (d !== null && typeof d === 'object' && !Array.isArray(d)) {
    for (const [k, v] of Object.entries(d as Doc)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, d);
  return out;
}
const same = (k: string, a: unknown, b: unknown) =>
  k === '@timestamp' ? Date.parse(String(a)) === Date.parse(String(b)) : JSON.stringify(a) === JSON.stringify(b);

test('Elastic integrations haproxy pipeline fixtures: ≥ 99% of the shared leaf fields agree', (t) => {
  if (!HAVE) {
    t.skip('no ../shared');
    return;
  }
  const logs = fs
    .readdirSync(PIPE)
    .filter((f) => /^test-.*\.log$/.test(f))
    .sort();
  assert.ok(logs.length >= 7, 'expected the 7 integrations fixture logs');
  let shared = 0,
    agree = 0,
    lines = 0;
  const disagreements: string[] = [];
  for (const log of logs) {
    const expectedFile = path.join(PIPE, `${log}-expected.json`);
    if (!fs.existsSync(expectedFile)) continue;
    const expected = (JSON.parse(fs.readFileSync(expectedFile, 'utf8')) as { expected: Doc[] }).expected;
    const cfgFile = path.join(PIPE, `${log}-config.yml`);
    const tz = fs.existsSync(cfgFile)
      ? ((YAML.parse(fs.readFileSync(cfgFile, 'utf8')) as { fields?: { _conf?: { tz_offset?: string } } })?.fields
          ?._conf?.tz_offset ?? 'UTC')
      : 'UTC';
    const ctx: ParseContext = { zone: makeZone(tz) };
    const input = fs
      .readFileSync(path.join(PIPE, log), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    assert.equal(input.length, expected.length, `${log}: one expected document per line`);
    input.forEach((line, i) => {
      lines++;
      const r = parseHaproxyLine(line, ctx);
      if (!r.ok) {
        assert.fail(`${log}:${i + 1} unparsed: ${JSON.stringify(r.issue)}`);
        return;
      }
      const ours = leaves(r.value.doc);
      for (const [k, v] of leaves(expected[i])) {
        if (excluded(k) || !ours.has(k)) continue;
        shared++;
        if (same(k, v, ours.get(k))) agree++;
        else
          disagreements.push(
            `${log}:${i + 1} ${k}: elastic=${JSON.stringify(v)} goneaway=${JSON.stringify(ours.get(k))}`,
          );
      }
    });
  }
  // Known, deliberate differences (each one counted against the 99%):
  // - haproxy.bind_name: Elastic's grok keeps the error log's trailing colon ("f1:", docs/haproxy-logs.md §1.6); we
  // strip it.
  // - haproxy.mode of the default format: Elastic keeps HAProxy's "HTTP"; goneaway lower-cases every mode.
  for (const d of disagreements) t.diagnostic(`disagreement: ${d}`);
  t.diagnostic(
    `${lines} lines, ${shared} shared leaf fields, ${agree} agree (${((100 * agree) / shared).toFixed(2)}%)`,
  );
  assert.ok(shared >= 300, `too few shared fields compared (${shared}): field names drifted from Elastic's?`);
  assert.ok(agree / shared >= 0.99, `only ${agree}/${shared} shared fields agree:\n${disagreements.join('\n')}`);
});

/** Sample logs from other projects; each entry says how to read its lines. */
const SAMPLES: Array<{
  file: string;
  line: (raw: string) => string | undefined;
  expectState?: (raw: string) => string | undefined;
}> = [
  ...['default.log', 'haproxy.log', 'httplog-no-headers.log', 'tcplog.log'].map((f) => ({
    file: `beats/filebeat/module/haproxy/log/test/${f}`,
    line: (l: string) => l,
  })),
  // lnav's file holds only HAProxy lines (startup messages, httplog, one SSL error-log line): nothing excluded
  { file: 'lnav/test/logfile_haproxy.0', line: (l) => l },
  // the EXTRACT files start with '#' provenance comments written by the corpus author, not log lines
  {
    file: 'logstash-patterns-core/spec/patterns/haproxy_spec.SAMPLE_LINES.txt',
    line: (l) => (l.startsWith('#') ? undefined : l),
  },
  {
    file: 'datadog-integrations-core/haproxy/assets/logs/haproxy_tests.samples.EXTRACT.txt',
    // `<sample line>  ==> <state> | …`: the annotation is the corpus author's, not part of the line
    line: (l) => (l.startsWith('#') ? undefined : l.split('  ==> ')[0]),
    expectState: (l) => / {2}==> ([-A-Za-z]{2,4}) \|/.exec(l)?.[1],
  },
];

test('beats / lnav / logstash / Datadog HAProxy sample lines: none unparsed', (t) => {
  if (!HAVE) {
    t.skip('no ../shared');
    return;
  }
  const ctx: ParseContext = { zone: makeZone('UTC'), refTime: Date.UTC(2019, 0, 1) };
  let n = 0;
  for (const s of SAMPLES) {
    const file = path.join(CORPUS, s.file);
    if (!fs.existsSync(file)) {
      t.diagnostic(`missing ${s.file}`);
      continue;
    }
    fs.readFileSync(file, 'utf8')
      .split('\n')
      .forEach((raw, i) => {
        if (raw.trim() === '') return;
        const line = s.line(raw);
        if (line === undefined) return;
        n++;
        const r = parseHaproxyLine(line, ctx);
        if (!r.ok) {
          assert.fail(`${s.file}:${i + 1} unparsed: ${JSON.stringify(r.issue)}`);
          return;
        }
        const hap = r.value.doc.haproxy as Doc;
        assert.notEqual(hap.message_type, 'other', `${s.file}:${i + 1} recognised only as 'other'`);
        const state = s.expectState?.(raw);
        if (state !== undefined) assert.equal(hap.termination_state, state, `${s.file}:${i + 1}`);
      });
  }
  t.diagnostic(`${n} sample lines parsed`);
  assert.ok(n >= 40, `only ${n} sample lines found`);
});

/** Datadog's expected values, as the EXTRACT's annotations name them, → our field (HAProxy §8.2.2/§8.2.3 names). */
const DATADOG_FIELDS: Record<string, string> = {
  time_request: 'haproxy.http.request.time_wait_ms',
  time_queue: 'haproxy.total_waiting_time_ms',
  time_backend_connect: 'haproxy.connection_wait_time_ms',
  time_backend_response: 'haproxy.http.request.time_wait_without_data_ms',
  actconn: 'haproxy.connections.active',
  feconn: 'haproxy.connections.frontend',
  beconn: 'haproxy.connections.backend',
  srvconn: 'haproxy.connections.server',
  retries: 'haproxy.connections.retries',
  srv_queue: 'haproxy.server_queue',
  backend_queue: 'haproxy.backend_queue',
  frontend_name: 'haproxy.frontend_name',
};
const at = (d: Doc, dotted: string): unknown =>
  dotted.split('.').reduce<unknown>((o, k) => (o as Doc | undefined)?.[k], d);

test("Datadog's HAProxy samples: timers, counters, queues, frontend, mode, server and status agree with its pipeline", (t) => {
  const file = path.join(CORPUS, 'datadog-integrations-core/haproxy/assets/logs/haproxy_tests.samples.EXTRACT.txt');
  if (!HAVE || !fs.existsSync(file)) {
    t.skip('no ../shared');
    return;
  }
  const ctx: ParseContext = { zone: makeZone('UTC'), refTime: Date.UTC(2019, 0, 1) };
  let checked = 0;
  for (const raw of fs.readFileSync(file, 'utf8').split('\n')) {
    if (raw.startsWith('#') || !raw.includes('  ==> ')) continue;
    const [line, note] = raw.split('  ==> ') as [string, string];
    const r = parseHaproxyLine(line, ctx);
    if (!r.ok) assert.fail(`${line}: ${JSON.stringify(r.issue)}`);
    const d = r.value.doc;
    const tcp = at(d, 'haproxy.mode') === 'tcp';
    for (const [, k, v] of note.matchAll(/\b(\w+)=(\S+?)(?:ms)?(?=[;\s|]|$)/g)) {
      const want = /^\d+$/.test(v!) ? Number(v) : v!;
      let field = DATADOG_FIELDS[k!];
      // `duration` is Tt in a TCP log and Ta in an HTTP log (HAProxy §8.2.2, §8.2.3)
      if (k === 'duration') field = tcp ? 'haproxy.total_time_ms' : 'haproxy.active_time_ms';
      if (k === 'mode') {
        assert.equal(String(at(d, 'haproxy.mode')), String(want).toLowerCase(), line);
        checked++;
      } else if (field !== undefined) {
        assert.equal(at(d, field), want, `${k} of ${line}`);
        checked++;
      }
    }
    const server = / server (\S+) /.exec(note)?.[1];
    if (server !== undefined) {
      assert.equal(at(d, 'haproxy.server_name'), server, line);
      checked++;
    }
    const status = /\| (\d{3})$/.exec(note)?.[1];
    if (status !== undefined) {
      assert.equal(at(d, 'http.response.status_code'), Number(status), line);
      checked++;
    }
    if (/\| tcp$/.test(note)) assert.ok(tcp, `a TCP line: ${line}`);
  }
  t.diagnostic(`${checked} Datadog expected values compared`);
  assert.ok(checked >= 20, `only ${checked} values compared`);
});

test("lnav's haproxy_log format samples: each parsed, none only 'other'", (t) => {
  const file = path.join(CORPUS, 'lnav/src/formats/haproxy_log.json');
  if (!HAVE || !fs.existsSync(file)) {
    t.skip('no ../shared');
    return;
  }
  const ctx: ParseContext = { zone: makeZone('UTC'), refTime: Date.UTC(2019, 2, 1) };
  const lines = lnavSamples(file);
  assert.ok(lines.length >= 6, `${lines.length} samples`);
  for (const line of lines) {
    const r = parseHaproxyLine(line, ctx);
    if (!r.ok) assert.fail(`${line}: ${JSON.stringify(r.issue)}`);
    assert.notEqual((r.value.doc.haproxy as Doc).message_type, 'other', line);
    assert.notEqual(r.value.t, undefined, `dated: ${line}`);
  }
});
