import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NdjsonFilesSink } from '../../src/sinks/ndjson-files.js';
import type { OutDoc } from '../../src/sinks/sink.js';

const docs = (stream: string, from: number, n: number): OutDoc[] =>
  Array.from({ length: n }, (_, i) => ({
    stream,
    id: `id-${from + i}`,
    doc: { n: from + i, text: 'y'.repeat(200) },
    position: { file: 'a.log', offset: from + i },
  }));

/** the (action, document) pairs of a _bulk body */
function bulkPairs(text: string): Array<{ action: any; doc: any }> {
  const lines = text.split('\n').filter((l) => l !== '');
  assert.equal(lines.length % 2, 0, 'a _bulk body is pairs of lines');
  const out = [];
  for (let i = 0; i < lines.length; i += 2) out.push({ action: JSON.parse(lines[i]!), doc: JSON.parse(lines[i + 1]!) });
  return out;
}

test('documents are written as _bulk create pairs with their ids, one file series per data stream', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ga-out-'));
  const sink = new NdjsonFilesSink({ dir });
  const ack = await sink.write([
    ...docs('logs-goneaway.verdicts-default', 0, 3),
    ...docs('logs-goneaway.records-default', 3, 2),
  ]);
  assert.equal(ack.indexed, 5);
  await sink.close();
  const v = bulkPairs(fs.readFileSync(sink.filesOf('logs-goneaway.verdicts-default')[0]!, 'utf8'));
  assert.deepEqual(
    v.map((p) => p.action),
    [0, 1, 2].map((i) => ({ create: { _index: 'logs-goneaway.verdicts-default', _id: `id-${i}` } })),
  );
  assert.deepEqual(
    v.map((p) => p.doc.n),
    [0, 1, 2],
  );
  assert.equal(bulkPairs(fs.readFileSync(sink.filesOf('logs-goneaway.records-default')[0]!, 'utf8')).length, 2);
});

test('files rotate by size, keep the newest keepFiles, and a restart appends to the last file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ga-out-'));
  const s = 'logs-goneaway.verdicts-default';
  const sink = new NdjsonFilesSink({ dir, maxFileBytes: 1000, keepFiles: 3 });
  for (let i = 0; i < 10; i++) await sink.write(docs(s, i * 2, 2)); // ~600 B per batch
  await sink.close();
  const files = sink.filesOf(s);
  assert.equal(files.length, 3, 'older files pruned');
  for (const f of files) assert.ok(fs.statSync(f).size <= 1000, `${f} over the size limit`);
  const ids = files.flatMap((f) => bulkPairs(fs.readFileSync(f, 'utf8')).map((p) => p.action.create._id));
  assert.deepEqual(ids, ['id-14', 'id-15', 'id-16', 'id-17', 'id-18', 'id-19'], 'the newest documents, in order');
  const again = new NdjsonFilesSink({ dir, maxFileBytes: 100_000, keepFiles: 3 });
  await again.write(docs(s, 100, 1));
  await again.close();
  assert.equal(again.filesOf(s).length, 3, 'no new file for a restart when the last one has room');
});
