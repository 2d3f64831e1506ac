/**
 * A mapping rejection (the recording stand-in cannot answer one): a small stand-in of our own answers
 * `create` with 400 `document_parsing_exception` for connection events, as Elasticsearch does for a
 * document that does not fit the mapping (https://www.elastic.co/guide/en/elasticsearch/reference/current/docs-bulk.html),
 * and 201 for the rest. The rejected events must land in the dead-letter file with the reason, be
 * counted, and make the exit status non-zero.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { esConfig, printed, readNdjson, run, scenario, tempDir } from './stand-in.js';

const REASON = "[1:120] failed to parse field [goneaway.confidence] of type [float] in document with id 'x'";
let server: Server;
let url = '';
const stored = new Map<string, unknown>();

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const json = (status: number, o: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
        res.end(JSON.stringify(o));
      };
      // the path only: the bulk requests carry a query (filter_path)
      if (!new URL(req.url!, 'http://stand-in').pathname.endsWith('/_bulk'))
        return json(200, { version: { number: '8.15.0' } });
      const lines = body.split('\n').filter(Boolean);
      const items = [];
      for (let i = 0; i < lines.length; i += 2) {
        const { _index, _id } = JSON.parse(lines[i]!).create;
        const doc = JSON.parse(lines[i + 1]!);
        if (doc.goneaway?.kind === 'connection') {
          items.push({
            create: { _index, _id, status: 400, error: { type: 'document_parsing_exception', reason: REASON } },
          });
        } else {
          stored.set(_id, doc);
          items.push({ create: { _index, _id, status: 201, result: 'created' } });
        }
      }
      json(200, { took: 1, errors: items.some((i) => i.create.status !== 201), items });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(() => server?.close());

test('a mapping rejection lands in the dead-letter file with Elasticsearch reason, counted, exit non-zero', async () => {
  const args = scenario('13_mixed');
  const events = await printed(args);
  const connections = events.filter((e) => (e.goneaway as { kind: string }).kind === 'connection');
  assert.ok(connections.length > 0 && connections.length < events.length);
  const dir = tempDir();
  const r = await run([...args, '--config', esConfig(dir, { hosts: [url] })]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(
      `${events.length - connections.length} indexed, 0 already present, 0 retried, ${connections.length} failed`,
    ),
  );
  assert.match(r.stderr, new RegExp(`GA_ERR_ES_REJECTED: .*rejected ${connections.length} event\\(s\\)`));
  const dead = readNdjson(path.join(dir, 'dead.ndjson')) as {
    status: number;
    error: { reason: string };
    _source: Record<string, unknown>;
  }[];
  assert.equal(dead.length, connections.length);
  assert.ok(dead.every((d) => d.status === 400 && d.error.reason === REASON));
  const strip = (e: Record<string, unknown>) => JSON.stringify({ ...e, data_stream: undefined });
  assert.deepEqual(dead.map((d) => strip(d._source)).sort(), connections.map(strip).sort());
  assert.equal(stored.size, events.length - connections.length);
  assert.deepEqual(readNdjson(path.join(dir, 'leftover.ndjson')), []);
});
