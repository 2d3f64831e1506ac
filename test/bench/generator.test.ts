/**
 * The bench generators are deterministic (same seed → same bytes, another seed → other bytes)
 * and what they write is parseable by goneaway's own parsers (docs/documents.md entry points).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generate, generateCorrelated, KINDS, type Kind } from '../../bench/generate.js';
import { readLines } from '../../src/sources/lines.js';
import type { TruthEntry } from '../../bench/correlated/sinks.js';

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'); // dist/

async function withTmp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'goneaway-gen-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

for (const kind of KINDS) {
  test(`${kind}: same seed gives the same bytes, another seed other bytes, exactly N lines`, async () => {
    await withTmp(async (dir) => {
      const run = async (seed: number, name: string) => {
        const out = path.join(dir, name);
        await generate(kind, { lines: 3000, seed, out });
        return readFile(out);
      };
      const a = await run(42, 'a.log');
      const b = await run(42, 'b.log');
      const c = await run(43, 'c.log');
      assert.ok(a.equals(b), 'same seed → identical files');
      assert.ok(!a.equals(c), 'different seed → different files');
      assert.equal(a.toString('utf8').split('\n').length - 1, 3000);
      assert.ok(a.toString('utf8').endsWith('\n'));
    });
  });
}

test('correlated scenario: deterministic, and truth.json points at app error records', async () => {
  await withTmp(async (dir) => {
    const opts = { haproxyLines: 6000, mysqlLines: 3000, appErrors: 60, seed: 9 };
    const m1 = await generateCorrelated({ ...opts, dir: path.join(dir, 'a') });
    const m2 = await generateCorrelated({ ...opts, dir: path.join(dir, 'b') });
    for (const f of [
      'haproxy.log',
      'replica1-error.log',
      'replica2-general.log',
      'app-php.log',
      'app-node.log',
      'app-python.log',
      'truth.json',
    ]) {
      const x = await readFile(path.join(dir, 'a', f));
      const y = await readFile(path.join(dir, 'b', f));
      assert.ok(x.equals(y), `${f} identical for the same seed`);
    }
    assert.deepEqual(m1.lines, m2.lines);
    assert.equal(m1.totals.haproxy, opts.haproxyLines);
    const truth = JSON.parse(await readFile(path.join(dir, 'a', 'truth.json'), 'utf8')) as TruthEntry[];
    assert.equal(truth.length, m1.appErrors);
    assert.ok(truth.length >= opts.appErrors * 0.8, `about ${opts.appErrors} app errors (got ${truth.length})`);
    const starts: Record<string, RegExp> = {
      'app-php.log': /^\[2026-\d\d-\d\d \d\d:\d\d:\d\d\] production\.ERROR: SQLSTATE\[/,
      'app-node.log': /^\{"level":50,.*"db":\{.*"localPort":\d+,"threadId":\d+/,
      'app-python.log': /^2026-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ERROR \[py-reports-p\d\] /,
    };
    const files = new Map<string, Buffer>();
    for (const t of truth) {
      if (!files.has(t.file)) files.set(t.file, await readFile(path.join(dir, 'a', t.file)));
      const buf = files.get(t.file)!;
      assert.ok(t.offset === 0 || buf[t.offset - 1] === 0x0a, `${t.file}@${t.offset} starts a line`);
      const line = buf.subarray(t.offset, buf.indexOf(0x0a, t.offset)).toString('utf8');
      assert.match(line, starts[t.file]!, `${t.file}@${t.offset}`);
    }
  });
});

/** Parser checks need the parser modules; they are someone else's work in progress. */
const PARSERS = ['parsers/haproxy/index.js', 'parsers/mysql/error.js', 'parsers/mysql/general.js', 'parsers/zones.js'];

test("generated lines parse with goneaway's parsers", async (t) => {
  if (!PARSERS.every((p) => existsSync(path.join(DIST, p)))) {
    t.skip('parser modules not built yet (dist/parsers/haproxy, dist/parsers/mysql)');
    return;
  }
  const imp = (p: string) => import(pathToFileURL(path.join(DIST, p)).href);
  const [hap, err, gen, zones] = await Promise.all(PARSERS.map(imp));
  const ctx = { zone: zones.makeZone('UTC'), refTime: Date.UTC(2026, 10, 23) };
  await withTmp(async (dir) => {
    const check = async (kind: Kind, parseFile: (file: string) => Promise<{ records: number; bad: string[] }>) => {
      const out = path.join(dir, `${kind}.log`);
      await generate(kind, { lines: 2000, seed: 5, out });
      const r = await parseFile(out);
      assert.ok(r.records > 0, `${kind}: records`);
      assert.deepEqual(r.bad.slice(0, 3), [], `${kind}: ${r.bad.length} of ${r.records} records did not parse`);
    };
    const perLine = async (file: string) => {
      const bad: string[] = [];
      let records = 0;
      for (const { text: l } of readLines(file)) {
        records++;
        if (!hap.parseHaproxyLine(l, ctx).ok) bad.push(l);
      }
      return { records, bad };
    };
    const grouped =
      (isStart: (l: string) => boolean, parse: (text: string) => { ok: boolean }) => async (file: string) => {
        const recs: string[] = [];
        for (const { text: l } of readLines(file)) {
          if (isStart(l) || recs.length === 0) recs.push(l);
          else recs[recs.length - 1] += '\n' + l;
        }
        // the general log's file header (3 lines before the first record) is not a record
        const body = recs.filter((r) => !r.startsWith('/usr/sbin/'));
        return { records: body.length, bad: body.filter((r) => !parse(r).ok) };
      };
    await check('tcplog', perLine);
    await check('httplog', perLine);
    for (const kind of ['mariadb-error', 'mysql8-error'] as const) {
      await check(
        kind,
        grouped(err.isMysqlErrorRecordStart, (x) => err.parseMysqlErrorRecord(x, ctx)),
      );
    }
    for (const kind of ['mariadb-general', 'mysql8-general'] as const) {
      const state = gen.newGeneralLogState();
      await check(
        kind,
        grouped(gen.isMysqlGeneralRecordStart, (x) => gen.parseMysqlGeneralRecord(x, ctx, state)),
      );
    }
  });
});

test('correlated scenario: every app record named in truth.json parses as a lost-connection error', async (t) => {
  if (!existsSync(path.join(DIST, 'parsers/app/index.js'))) {
    t.skip('parser module not built yet (dist/parsers/app)');
    return;
  }
  const app = await import(pathToFileURL(path.join(DIST, 'parsers/app/index.js')).href);
  const zones = await import(pathToFileURL(path.join(DIST, 'parsers/zones.js')).href);
  const ctx = { zone: zones.makeZone('UTC') };
  await withTmp(async (dir) => {
    await generateCorrelated({ haproxyLines: 6000, mysqlLines: 3000, appErrors: 60, seed: 11, dir });
    const truth = JSON.parse(await readFile(path.join(dir, 'truth.json'), 'utf8')) as TruthEntry[];
    assert.ok(truth.length > 0);
    for (const e of truth) {
      const lines = (await readFile(path.join(dir, e.file))).subarray(e.offset).toString('utf8').split('\n');
      const rec = [lines[0]!];
      for (let i = 1; i < lines.length && lines[i] !== '' && !app.isAppRecordStart(lines[i]); i++) rec.push(lines[i]!);
      const r = app.parseAppRecord(rec.join('\n'), ctx);
      assert.ok(
        r.ok && r.value,
        `${e.file}@${e.offset} (${e.cause}) not recognised: ${JSON.stringify(r.ok ? r.value : r.issue)}`,
      );
      const err = (r.value.doc as { error?: { code?: string } }).error;
      assert.ok(err?.code, `${e.file}@${e.offset}: error.code`);
    }
  });
});
