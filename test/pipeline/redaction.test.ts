/**
 * Issue 14: with redactSql no literal of a logged query reaches a record document (event.original, message,
 * mysql.general.argument) or a verdict's evidence; the records keep the file's byte offsets. The literals are
 * read from the raw lines of the lab's mixed scenario (examples/lab/13_mixed: MariaDB 10.11, PHP, Python).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { FileDecoder } from '../../src/pipeline/file-decoder.js';
import { newCounts, parseFile } from '../../src/pipeline/parse-file.js';
import { makeZone } from '../../parsers/zones.js';
import { goneaway, ROOT } from '../cli/paths.js';

const D = path.join(ROOT, 'examples/lab/13_mixed');
const GENERAL = ['replica1-general.log', 'replica2-general.log'].map((f) => path.join(D, f));
const ctx = (redactSql: boolean) => ({ zone: makeZone('UTC'), zoneGiven: true, redactSql });

/**
 * The literals of the raw queries, each with the text around it that makes it one (`= 186`, `'utf8mb4'`): a bare
 * number would also be found in offsets and thread ids. The quoted ones that the scenario's other lines also hold (the
 * server's `Access denied for user 'haproxy_check'@'127.0.0.1'`, which is no SQL) are left out; `= N` stays: the
 * apps log the same statements, and their SQL is redacted too.
 */
function rawLiterals(): Set<string> {
  const out = new Set<string>();
  const other: string[] = [];
  for (const f of fs.readdirSync(D).filter((n) => n.endsWith('.log')))
    for (const line of fs.readFileSync(path.join(D, f), 'utf8').split('\n')) {
      const q = /\s(?:Query|Prepare|Execute)\t(.*)$/.exec(line);
      if (!q || !f.includes('general')) other.push(line);
      else for (const m of q[1]!.matchAll(/= (\d+)|'([^']*)'/g)) out.add(m[0]);
    }
  for (const line of other) for (const l of out) if (line.includes(l) && !/= \d/.test(l)) out.delete(l);
  return out;
}

const LITERALS = rawLiterals();
const found = (s: string): string[] => [...LITERALS].filter((l) => s.includes(l));

test('the lab general logs hold literals to look for', () => {
  assert.ok(LITERALS.size > 50, `${LITERALS.size} literals`);
});

test('with redactSql no record document of the general logs holds a literal of the raw queries', () => {
  for (const f of GENERAL) {
    const kept: string[] = [];
    for (const r of parseFile(f, 'mysql_general', ctx(true), newCounts(f, 'mysql_general'))) {
      kept.push(...found(JSON.stringify(r.doc)));
      // the offsets are the file's: the raw record starts there, the next one after its raw bytes
      assert.equal(r.end > r.offset, true);
    }
    assert.deepEqual(kept, [], f);
  }
});

test('without redactSql the record documents hold the literals, byte for byte as read', () => {
  for (const f of GENERAL) {
    const bytes = fs.readFileSync(f);
    let hits = 0;
    for (const r of parseFile(f, 'mysql_general', ctx(false), newCounts(f, 'mysql_general'))) {
      hits += found(JSON.stringify(r.doc)).length;
      assert.equal(r.doc.event && (r.doc.event as { original: string }).original, r.text);
      assert.equal(bytes.subarray(r.offset, r.end).toString('utf8'), r.text);
    }
    assert.ok(hits > 0, f);
  }
});

test('redacted records keep the raw offsets: each ends where the file has the next one', () => {
  for (const f of GENERAL) {
    const plain = [...parseFile(f, 'mysql_general', ctx(false), newCounts(f, 'mysql_general'))];
    const red = [...parseFile(f, 'mysql_general', ctx(true), newCounts(f, 'mysql_general'))];
    assert.deepEqual(
      red.map((r) => [r.offset, r.end]),
      plain.map((r) => [r.offset, r.end]),
    );
    assert.ok(red.some((r, i) => r.text !== plain[i]!.text));
  }
});

test('property: lines pushed into the decoder give redacted event.original at the raw offsets, unparsed included', () => {
  const stmt = fc.tuple(fc.stringMatching(/^[a-z]{1,6}$/), fc.nat(), fc.stringMatching(/^[a-z@.]{0,10}$/));
  fc.assert(
    fc.property(fc.array(stmt, { minLength: 1, maxLength: 8 }), fc.boolean(), (stmts, orphan) => {
      // an orphan continuation first (a file read from a statement's middle), then multi-line statements
      const lines = orphan ? [`  and k = ${stmts[0]![1]}`] : [];
      stmts.forEach(([col, n, s], i) =>
        lines.push(`\t\t${String(i + 1).padStart(6)} Query\tselect ${col} from t`, `where ${col} = ${n} or x = '${s}'`),
      );
      const dec = new FileDecoder('mysql_general', 'g.log', ctx(true), newCounts('g.log', 'mysql_general'));
      const recs = [];
      let offset = 0;
      for (const text of lines) {
        recs.push(...dec.push({ text, offset, lineNo: 0 }));
        offset += Buffer.byteLength(text) + 1;
      }
      recs.push(...dec.flush());
      assert.equal(recs.length, stmts.length + (orphan ? 1 : 0));
      if (orphan) assert.equal(recs[0]!.kind, 'unparsed');
      for (const r of recs) {
        const original = (r.doc.event as { original: string }).original;
        const body = original.replace(/^\t\t +\d+ Query\t/, '');
        assert.ok(!/['0-9]/.test(body), original);
      }
      // every record ends where the next one starts (less the newline), the last at the end of the input
      const bounds = recs.map((r) => [r.offset, r.end]);
      for (let i = 1; i < bounds.length; i++) assert.equal(bounds[i - 1]![1] + 1, bounds[i]![0]);
      assert.equal(bounds.at(-1)![1] + 1, offset);
    }),
    { numRuns: 300 },
  );
});

/** `goneaway correlate` on the mixed scenario, all its logs, with `correlate.redact_sql` as given (unset: none) */
function correlate(redact: boolean | undefined): string {
  const args = ['correlate', '--haproxy', `${D}/haproxy.log`, '--haproxy-config', `${D}/haproxy.cfg`];
  for (const s of ['replica1', 'replica2'])
    args.push('--mysql-error', `${s}=${D}/${s}-error.log`, '--mysql-general', `${s}=${D}/${s}-general.log`);
  for (const a of ['php', 'node', 'python']) args.push('--app', `${D}/app-${a}.log`);
  if (redact !== undefined) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ga-redact-'));
    fs.writeFileSync(path.join(dir, 'c.yaml'), `correlate:\n  redact_sql: ${redact}\n`);
    args.push('--config', path.join(dir, 'c.yaml'));
  }
  const r = goneaway([...args, '--timezone', 'UTC', '--format', 'ndjson']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

/** the evidence texts and event.original of every verdict */
function shownTexts(ndjson: string): string[] {
  const out: string[] = [];
  for (const line of ndjson.split('\n').filter(Boolean)) {
    const e = JSON.parse(line) as { event?: { original?: string }; goneaway: { evidence: Array<{ text?: string }> } };
    if (e.event?.original !== undefined) out.push(e.event.original);
    for (const ev of e.goneaway.evidence) if (ev.text !== undefined) out.push(ev.text);
  }
  return out;
}

test('correlate with redact_sql: true quotes no literal of the raw queries, in evidence or anywhere', () => {
  const out = correlate(true);
  assert.ok(
    shownTexts(out).some((t) => / Query\t/.test(t)),
    'general-log lines are quoted',
  );
  assert.deepEqual(found(out), []);
});

test('correlate with redact_sql: false, and by default, quotes them as the logs have them', () => {
  for (const redact of [false, undefined]) {
    const texts = shownTexts(correlate(redact));
    assert.ok(
      texts.some((t) => / Query\t/.test(t) && found(t).length > 0),
      `redact_sql ${redact}`,
    );
  }
});
