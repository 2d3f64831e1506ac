// Every leaf of every document goneaway writes must be mapped, with a type Elasticsearch accepts
// for its value: the verdicts of `correlate` over the bundled lab runs and the kept fixture runs,
// and the records of `parse` over every fixture log (and Elastic's/others' samples in ../shared/corpus
// when present). Field facts: docs/elasticsearch-field-types.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, goneaway } from '../cli/paths.js';
import { recordMappings, verdictMappings } from '../../src/sinks/elasticsearch/mappings.js';
import { accepts, propertyAt } from '../../src/sinks/elasticsearch/field-types.js';
import type { estypes } from '@elastic/elasticsearch';

/** [path, value] of every leaf; arrays stand for their elements, as in Elasticsearch */
function leaves(v: unknown, p = '', out: Array<[string, unknown]> = []): Array<[string, unknown]> {
  if (Array.isArray(v)) for (const x of v) leaves(x, p, out);
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) leaves(x, p ? `${p}.${k}` : k, out);
  else out.push([p, v]);
  return out;
}

/** the problems of a set of documents against a mapping, one line per path (not per document) */
function problems(m: estypes.MappingTypeMapping, docs: unknown[]): string[] {
  const bad = new Map<string, string>();
  for (const d of docs)
    for (const [p, v] of leaves(d)) {
      if (bad.has(p)) continue;
      const at = propertyAt(m, p);
      if (!at) bad.set(p, `${p}: not mapped (value ${JSON.stringify(v)})`);
      else if (!accepts(at.property, v, at.inFlattened))
        bad.set(p, `${p}: ${at.property.type} cannot take ${JSON.stringify(v)}`);
    }
  return [...bad.values()];
}

const ndjson = (s: string): unknown[] =>
  s
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as unknown);

/** lab run directories: the bundled examples and the runs kept as fixtures */
function labRuns(): string[] {
  return ['examples/lab', 'test/fixtures/lab-runs'].flatMap((base) => {
    const dir = path.join(ROOT, base);
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .map((d) => path.join(dir, d))
      .filter((d) => fs.existsSync(path.join(d, 'ground-truth.json')))
      .sort();
  });
}

function correlateRun(dir: string): unknown[] {
  const gt = JSON.parse(fs.readFileSync(path.join(dir, 'ground-truth.json'), 'utf8')) as {
    servers: Record<string, { error: string; general: string }>;
  };
  const f = (n: string) => path.join(dir, n);
  const args = ['correlate', '--format', 'ndjson', '--haproxy', f('haproxy.log')];
  if (fs.existsSync(f('haproxy.cfg'))) args.push('--haproxy-config', f('haproxy.cfg'));
  for (const [srv, files] of Object.entries(gt.servers))
    args.push('--mysql-error', `${srv}=${f(files.error)}`, '--mysql-general', `${srv}=${f(files.general)}`);
  for (const a of fs.readdirSync(dir).filter((n) => /^app-.*\.log$/.test(n))) args.push('--app', f(a));
  const r = goneaway(args);
  assert.equal(r.code, 0, r.stderr);
  return ndjson(r.stdout);
}

test('every field of every verdict event from the lab runs is mapped with a compatible type', () => {
  const runs = labRuns();
  assert.ok(
    runs.some((d) => d.endsWith('13_mixed')),
    'examples/lab/13_mixed is missing',
  );
  const docs = runs.flatMap(correlateRun);
  assert.ok(docs.length > 100, `only ${docs.length} events`);
  assert.deepEqual(problems(verdictMappings, docs), []);
});

function logFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).flatMap((e) => {
    const p = path.join(e.parentPath, e.name);
    return e.isFile() && /\.(log|json)$/.test(e.name) && !/ground-truth|SOURCES|expected/.test(e.name) ? [p] : [];
  });
}

test('every field the parsers write for the fixture logs is mapped with a compatible type', () => {
  const files = [...logFiles(path.join(ROOT, 'test/fixtures')), ...logFiles(path.join(ROOT, 'examples/lab/13_mixed'))];
  const r = goneaway(['parse', '--format', 'ndjson', ...files]);
  assert.equal(r.code, 0, r.stderr);
  const docs = ndjson(r.stdout);
  const kinds = new Set(docs.map((d) => (d as { goneaway: { kind: string } }).goneaway.kind));
  for (const k of ['haproxy', 'mysql_error', 'mysql_general', 'app_error', 'unparsed']) assert.ok(kinds.has(k), k);
  assert.deepEqual(problems(recordMappings, docs), []);
});

test('the HAProxy and MySQL samples of ../shared/corpus parse into mapped fields', (t) => {
  const corpus = path.join(ROOT, '../shared/corpus');
  const files = logFiles(corpus).filter((f) => /haproxy|mysql|maria/i.test(f) && f.endsWith('.log'));
  if (!files.length) {
    t.skip('no ../shared/corpus here');
    return;
  }
  // one process for all (unparsable samples are records too: the exit code is not the point here)
  const docs = ndjson(goneaway(['parse', '--format', 'ndjson', ...files]).stdout);
  assert.ok(docs.length > 50, `${docs.length} records`);
  assert.deepEqual(problems(recordMappings, docs), []);
});

test('the checker reports an unmapped field and a value of the wrong type', () => {
  const doc = { goneaway: { cause: 'unknown', confidence: 'high', surprise: 1 }, source: { ip: 'not an ip' } };
  assert.deepEqual(problems(verdictMappings, [doc]).sort(), [
    'goneaway.confidence: float cannot take "high"',
    'goneaway.surprise: not mapped (value 1)',
    'source.ip: ip cannot take "not an ip"',
  ]);
});

test('the ECS types the issue names', () => {
  const type = (p: string) => propertyAt(verdictMappings, p)?.property;
  assert.equal(type('@timestamp')?.type, 'date');
  assert.equal(type('source.ip')?.type, 'ip');
  assert.equal(type('goneaway.cause')?.type, 'keyword');
  assert.equal(type('goneaway.terminated_by')?.type, 'keyword');
  assert.equal(type('goneaway.confidence')?.type, 'float');
  assert.equal(type('goneaway.why')?.type, 'match_only_text');
  assert.deepEqual(type('event.original'), { type: 'keyword', index: false, doc_values: false });
  assert.equal(type('goneaway.evidence')?.type, 'flattened');
  // unknown fields stay in _source, unindexed, and never reject a document
  assert.equal(verdictMappings.dynamic, false);
  assert.equal(recordMappings.dynamic, false);
});
