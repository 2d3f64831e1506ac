import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SpoolingSink } from '../../src/sinks/disk-spool.js';
import { emptyAck, type Ack, type OutDoc, type Sink } from '../../src/sinks/sink.js';

/** An output that is down until told otherwise, and records by id what it took. */
class SwitchableSink implements Sink {
  up = false;
  readonly got = new Map<string, number>();
  attempts = 0;
  async write(batch: OutDoc[]): Promise<Ack> {
    this.attempts++;
    if (!this.up) throw new Error('cluster unreachable');
    for (const d of batch) this.got.set(d.id, (this.got.get(d.id) ?? 0) + 1);
    return { ...emptyAck(), indexed: batch.length };
  }
  async close(): Promise<void> {}
}

const docs = (from: number, n: number): OutDoc[] =>
  Array.from({ length: n }, (_, i) => ({
    stream: 'logs-goneaway.verdicts-default',
    id: `id-${from + i}`,
    doc: { n: from + i, pad: 'x'.repeat(100) },
    position: { file: 'a.log', offset: (from + i) * 10 },
  }));

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ga-spool-'));
const tick = () => new Promise((r) => setTimeout(r, 20));

test('a batch the output cannot take is spooled on disk, acknowledged, and delivered once the output is back', async () => {
  const inner = new SwitchableSink();
  const spool = new SpoolingSink(inner, { dir: tmp(), maxBytes: 1 << 20, retryMs: 10 });
  const ack = await spool.write(docs(0, 5));
  assert.equal(ack.retried, 5, 'spooled documents count as retried, not indexed');
  assert.ok(spool.spooledBytes > 0);
  await spool.write(docs(5, 5)); // joins the spool behind the first batch
  inner.up = true;
  await spool.flush();
  assert.equal(spool.spooledBytes, 0);
  assert.deepEqual(
    [...inner.got.keys()].sort(),
    docs(0, 10)
      .map((d) => d.id)
      .sort(),
  );
  assert.ok(
    [...inner.got.values()].every((n) => n === 1),
    'each document delivered once',
  );
  assert.equal(spool.drained.indexed, 10);
  await spool.close();
});

test('a full spool makes write wait (reading pauses) until the drainer has made room; nothing is dropped', async () => {
  const inner = new SwitchableSink();
  const spool = new SpoolingSink(inner, { dir: tmp(), maxBytes: 1500, retryMs: 10 });
  await spool.write(docs(0, 10)); // ~1.6 KB: the cap is reached
  let done = false;
  const blocked = spool.write(docs(10, 3)).then(() => (done = true));
  for (let i = 0; i < 5; i++) await tick();
  assert.equal(done, false, 'write must not resolve while the spool is full and the output down');
  inner.up = true;
  await blocked;
  await spool.flush();
  assert.equal(inner.got.size, 13);
  await spool.close();
});

test('a batch spooled as the drainer empties the spool is drained without another write or flush', async () => {
  // Issue 14 (docs/elasticsearch.md "The spool's drainer"): the drainer sends the last segment and wakes the write
  // waiting for room; that write spools its batch before the drainer has said it stopped. Its segment must still
  // be drained — the agent may have read everything and write nothing more, so nothing else would start a drainer.
  const inner = new SwitchableSink();
  const spool = new SpoolingSink(inner, { dir: tmp(), maxBytes: 1500, retryMs: 10 });
  await spool.write(docs(0, 10)); // ~1.6 KB: the cap is reached, the drainer retries every 10 ms
  const waiting = spool.write(docs(10, 3)); // waits for room
  inner.up = true;
  await waiting;
  // no flush(): it would start a drainer itself and hide a segment left without one. A generous ceiling, not a
  // timing: with retryMs at 10 ms the drainer needs a few turns; a stranded segment is never sent.
  const until = Date.now() + 10_000;
  while (inner.got.size < 13 && Date.now() < until) await tick();
  assert.equal(inner.got.size, 13, 'the last batch spooled reached the output');
  assert.equal(spool.spooledBytes, 0, 'the spool is empty');
  await spool.close();
});

test('a drainer whose attempt an interrupt ends does not pause before it stops: close() returns', async () => {
  // the output refuses the first batch (it is spooled), then holds the drainer's attempt until interrupted, as the
  // bulk sink does with a request in flight when SIGTERM comes (sink.ts `interrupt`)
  let release: ((e: Error) => void) | undefined;
  let calls = 0;
  const inner: Sink = {
    write: (b) => {
      calls++;
      if (calls === 1) return Promise.reject(new Error('cluster unreachable'));
      return new Promise<Ack>((_, reject) => (release = reject)).then(() => ({ ...emptyAck(), indexed: b.length }));
    },
    interrupt: () => release?.(new Error('interrupted: the agent is stopping')),
    close: async () => {},
  };
  // a retry pause far longer than the ceiling below: a drainer that slept it would keep close() waiting
  const spool = new SpoolingSink(inner, { dir: tmp(), maxBytes: 1 << 20, retryMs: 30_000 });
  await spool.write(docs(0, 3));
  while (!release) await tick(); // the drainer's attempt is in flight
  spool.interrupt();
  let ceiling: NodeJS.Timeout | undefined;
  const closed = await Promise.race([
    spool.close().then(() => true),
    new Promise<boolean>((r) => (ceiling = setTimeout(() => r(false), 10_000))),
  ]);
  clearTimeout(ceiling);
  assert.equal(closed, true, 'close() settled once the interrupted attempt failed');
  assert.ok(spool.spooledBytes > 0, 'the segment stays on disk for the next start');
});

test('segments left by a crashed run are drained by the next one, oldest first', async () => {
  const dir = tmp();
  const first = new SpoolingSink(new SwitchableSink(), { dir, maxBytes: 1 << 20, retryMs: 10_000 });
  await first.write(docs(0, 3));
  await first.write(docs(3, 3));
  await first.close(); // stops the drainer and leaves both segments on disk, as a crash would
  const inner = new SwitchableSink();
  inner.up = true;
  const order: string[] = [];
  const spy: Sink = {
    write: async (b) => {
      order.push(b[0]!.id);
      return inner.write(b);
    },
    close: async () => {},
  };
  const second = new SpoolingSink(spy, { dir, maxBytes: 1 << 20, retryMs: 10 });
  await second.flush();
  assert.deepEqual(order, ['id-0', 'id-3']);
  assert.equal(inner.got.size, 6);
  assert.deepEqual(
    fs.readdirSync(dir).filter((f) => f.endsWith('.ndjson')),
    [],
  );
  await second.close();
});

test('a half-written segment (crash before rename) is not read as data', async () => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'segment-000000000001.ndjson.tmp'), '{"broken');
  const inner = new SwitchableSink();
  inner.up = true;
  const spool = new SpoolingSink(inner, { dir, maxBytes: 1 << 20, retryMs: 10 });
  await spool.flush();
  assert.equal(inner.attempts, 0);
  assert.deepEqual(fs.readdirSync(dir), [], 'the unacknowledged temp file is removed');
  await spool.close();
});

test('a segment that cannot be read back is set aside (kept, reported) and the next one is drained', async () => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'segment-000000000001.ndjson'), '{"stream":"logs-goneaway.verdicts-default","id":\n');
  const good =
    docs(0, 2)
      .map((d) => JSON.stringify(d))
      .join('\n') + '\n';
  fs.writeFileSync(path.join(dir, 'segment-000000000002.ndjson'), good);
  const inner = new SwitchableSink();
  inner.up = true;
  const errors: string[] = [];
  const spool = new SpoolingSink(inner, {
    dir,
    maxBytes: 1 << 20,
    retryMs: 10,
    onError: (e) => errors.push(String(e)),
  });
  await spool.flush();
  assert.deepEqual([...inner.got.keys()].sort(), ['id-0', 'id-1']);
  assert.deepEqual(fs.readdirSync(dir), ['segment-000000000001.ndjson.unreadable']);
  assert.match(errors.join('\n'), /segment-000000000001\.ndjson cannot be read back/);
  await spool.close();
});
