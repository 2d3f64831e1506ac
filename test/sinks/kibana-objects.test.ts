// config/kibana/*.ndjson: a Kibana 8 saved-objects import set (data view, saved searches, Lens, the
// "Who hung up?" dashboard). Shapes follow Kibana's own sample data exports (elastic/kibana
// src/platform/plugins/shared/home/server/services/sample_data/data_sets/ecommerce/saved_objects.ts):
// searchSourceJSON + indexRefName, Lens state.datasourceStates.formBased.layers with
// indexpattern-datasource-layer-<id> references, dashboard panelsJSON with panelRefName.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../cli/paths.js';
import { importBody, readSavedObjects, type SavedObject } from '../../src/sinks/kibana/objects.js';
import { verdictMappings } from '../../src/sinks/elasticsearch/mappings.js';
import { propertyAt } from '../../src/sinks/elasticsearch/field-types.js';
import { kqlTerms, unmappedFields } from './kql.js';

const objects = readSavedObjects(path.join(ROOT, 'config/kibana'));
const ofType = (t: string) => objects.filter((o) => o.type === t);
const json = (s: unknown) => JSON.parse(String(s)) as any;

test('every line of every file is one JSON object with an id, a type and references', () => {
  const dir = path.join(ROOT, 'config/kibana');
  const lines = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ndjson'))
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean));
  assert.equal(lines.length, objects.length);
  // what setup --kibana loads by default is this same set
  assert.deepEqual(readSavedObjects(), objects);
  for (const l of lines) {
    const o = JSON.parse(l) as SavedObject;
    assert.ok(typeof o.id === 'string' && typeof o.type === 'string' && Array.isArray(o.references), l.slice(0, 80));
    assert.equal(o.coreMigrationVersion, '8.8.0');
  }
  assert.deepEqual([...new Set(objects.map((o) => o.type))].sort(), ['dashboard', 'index-pattern', 'lens', 'search']);
});

test('ids are unique and every reference resolves to an object of the set, loaded before it', () => {
  const seen = new Set<string>();
  for (const o of objects) {
    const key = `${o.type}:${o.id}`;
    assert.ok(!seen.has(key), `duplicate ${key}`);
    for (const r of o.references) assert.ok(seen.has(`${r.type}:${r.id}`), `${key} → ${r.type}:${r.id} (${r.name})`);
    seen.add(key);
  }
});

test('the data view is logs-goneaway.verdicts-* with @timestamp as time field', () => {
  const [dv, ...more] = ofType('index-pattern');
  assert.equal(more.length, 0);
  assert.equal(dv!.attributes.title, 'logs-goneaway.verdicts-*');
  assert.equal(dv!.attributes.timeFieldName, '@timestamp');
});

test('saved searches point at the data view through indexRefName and use mapped fields only', () => {
  const titles = ofType('search').map((s) => String(s.attributes.title));
  for (const t of ['lost connections by cause', 'silent abnormal closures', 'low-confidence verdicts'])
    assert.ok(
      titles.some((x) => x.endsWith(t)),
      t,
    );
  for (const s of ofType('search')) {
    const src = json((s.attributes.kibanaSavedObjectMeta as any).searchSourceJSON);
    assert.ok(
      s.references.some((r) => r.name === src.indexRefName && r.type === 'index-pattern'),
      s.id,
    );
    assert.equal(src.query.language, 'kuery');
    assert.deepEqual(unmappedFields(verdictMappings, src.query.query), [], s.id);
    for (const c of [...(s.attributes.columns as string[]), ...(s.attributes.sort as string[][]).map((x) => x[0]!)])
      assert.ok(propertyAt(verdictMappings, c), `${s.id}: column ${c}`);
  }
});

/** fields Kibana can group by (terms) or draw over time: indexed with doc values */
const aggregatable = (f: string) => {
  const p = propertyAt(verdictMappings, f)?.property as any;
  return p !== undefined && !['match_only_text', 'text', 'flattened'].includes(p.type) && p.doc_values !== false;
};

test('Lens layers have their data-view reference, consistent columns, and aggregatable mapped fields', () => {
  const lens = ofType('lens');
  assert.equal(lens.length, 4);
  for (const l of lens) {
    const st = l.attributes.state as any;
    const layers = Object.entries(st.datasourceStates.formBased.layers) as Array<[string, any]>;
    assert.ok(layers.length > 0, l.id);
    for (const [id, layer] of layers) {
      assert.ok(
        l.references.some((r) => r.name === `indexpattern-datasource-layer-${id}`),
        `${l.id} layer ${id}`,
      );
      assert.deepEqual([...layer.columnOrder].sort(), Object.keys(layer.columns).sort(), l.id);
      for (const c of Object.values(layer.columns) as any[]) {
        if (c.operationType === 'count') continue;
        assert.ok(aggregatable(c.sourceField), `${l.id}: ${c.sourceField} is not an aggregatable mapped field`);
        if (c.params?.orderBy?.columnId) assert.ok(layer.columns[c.params.orderBy.columnId], l.id);
      }
    }
    // every accessor the visualization draws is a column of its layer
    const vis = st.visualization;
    const cols = new Set(layers.flatMap(([, layer]) => Object.keys(layer.columns)));
    const used: string[] =
      l.attributes.visualizationType === 'lnsXY'
        ? vis.layers.flatMap((x: any) => [x.xAccessor, x.splitAccessor, ...x.accessors].filter(Boolean))
        : vis.columns.map((c: any) => c.columnId);
    for (const a of used) assert.ok(cols.has(a), `${l.id}: accessor ${a}`);
    assert.deepEqual(unmappedFields(verdictMappings, st.query.query), [], l.id);
  }
});

test('the dashboard "Who hung up?" shows every search and visualization through panelRefName', () => {
  const [d] = ofType('dashboard');
  assert.equal(d!.attributes.title, 'Who hung up?');
  const panels = json(d!.attributes.panelsJSON) as any[];
  const shown = new Set<string>();
  for (const p of panels) {
    const ref = d!.references.find((r) => r.name === `${p.panelIndex}:${p.panelRefName}`);
    assert.ok(ref, `panel ${p.panelIndex} has no reference ${p.panelIndex}:${p.panelRefName}`);
    assert.equal(ref.type, p.type);
    shown.add(`${ref.type}:${ref.id}`);
  }
  for (const o of [...ofType('lens'), ...ofType('search')]) assert.ok(shown.has(`${o.type}:${o.id}`), o.id);
});

test('a field missing from the mapping is caught', () => {
  assert.deepEqual(unmappedFields(verdictMappings, 'goneaway.cause : "x" and goneaway.nope < 3'), ['goneaway.nope']);
  assert.deepEqual(kqlTerms('not goneaway.cause : "mysql_kill"'), [['goneaway.cause', 'mysql_kill']]);
});

test('the import body is accepted by the saved-objects import of ../shared/tools/es-stub.mjs', async (t) => {
  const stub = path.join(ROOT, '../shared/tools/es-stub.mjs');
  if (!fs.existsSync(stub)) {
    t.skip('no ../shared/tools/es-stub.mjs here');
    return;
  }
  const port = 39_000 + (process.pid % 900);
  const child = spawn(process.execPath, [stub, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
    assert.match(chunk.toString(), /listening/);
    const url = `http://127.0.0.1:${port}`;
    const r = await fetch(`${url}/api/saved_objects/_import?overwrite=true`, {
      method: 'POST',
      headers: { 'kbn-xsrf': 'goneaway' },
      body: importBody(objects),
    });
    const body = (await r.json()) as { success: boolean; successCount: number };
    assert.equal(r.status, 200);
    assert.deepEqual({ success: body.success, n: body.successCount }, { success: true, n: objects.length });
    const stored = (await (await fetch(`${url}/_stub/kibana`)).json()) as SavedObject[];
    assert.deepEqual(stored.map((o) => `${o.type}:${o.id}`).sort(), objects.map((o) => `${o.type}:${o.id}`).sort());
  } finally {
    child.kill();
  }
});
