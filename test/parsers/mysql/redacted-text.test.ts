/**
 * The record's shown text (Parsed.text → event.original, evidence) under ctx.redactSql (docs/redaction.md): the raw
 * record with the redacted argument in place, so no literal of the statement survives anywhere; without redaction
 * the parser gives no text of its own and the record is shown byte for byte as read.
 * Line shapes: MariaDB 10.11's general log as the lab wrote it (examples/lab/13_mixed/replica1-general.log),
 * MySQL 5.7+'s ISO form (https://dev.mysql.com/doc/refman/8.0/en/query-log.html), Datadog's TAB-less copy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseMysqlGeneralRecord, newGeneralLogState, unparsedGeneralText } from '../../../parsers/mysql/general.js';
import { parseMysqlErrorRecord } from '../../../parsers/mysql/error.js';
import type { ParseResult } from '../../../parsers/types.js';
import { ctx } from './helpers.js';

/** a string or number literal; its content is what must not survive */
const literal = fc.oneof(
  fc.stringMatching(/^[a-z0-9 @._-]{0,12}$/).map((s) => `'${s}'`),
  fc.stringMatching(/^[a-z0-9 ]{0,12}$/).map((s) => `"${s}"`),
  fc.nat().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: 0 }).map(String),
  fc.nat().map((n) => '0x' + n.toString(16)),
);
const token = fc.oneof(
  { arbitrary: literal, weight: 3 },
  { arbitrary: fc.constantFrom('select', 'from', 'where', '=', ',', '(', ')', 'and', 'in', '@v', '?', '*'), weight: 4 },
  { arbitrary: fc.stringMatching(/^[a-z_]{1,8}$/), weight: 2 },
  { arbitrary: fc.stringMatching(/^[a-z ]{1,8}$/).map((s) => '`' + s + '`'), weight: 1 },
);
/** a statement of one or more lines (the general log writes multi-line statements raw) */
const statement = fc
  .tuple(fc.array(token, { minLength: 1, maxLength: 20 }), fc.array(fc.constantFrom(' ', '\n', '\t'), { minLength: 1 }))
  .map(([ts, seps]) => ts.map((t, i) => (i === 0 ? t : seps[i % seps.length] + t)).join(''));
/** the record's head, up to the argument: every shape of the file log */
const head = fc
  .tuple(fc.integer({ min: 1, max: 99999 }), fc.constantFrom('Query', 'Prepare', 'Execute'))
  .chain(([id, cmd]) =>
    fc.constantFrom(
      `2026-11-24T23:43:26.123456Z\t${String(id).padStart(5)} ${cmd}\t`,
      `261124 23:43:25\t${String(id).padStart(6)} ${cmd}\t`,
      `\t\t${String(id).padStart(6)} ${cmd}\t`,
      `${id} ${cmd}\t`,
    ),
  );

/** the statement part with names and @variables left out: what may hold a literal */
const outsideNames = (s: string): string => s.replace(/`[^`]*`/g, '').replace(/@@?\w+/g, '');

function shownOf(r: ParseResult, raw: string): string {
  assert.ok(r.ok, JSON.stringify(!r.ok && r.issue));
  return r.value.text ?? raw;
}

test('property: with redactSql no literal of the statement survives in the shown text or message', () => {
  fc.assert(
    fc.property(head, statement, fc.constantFrom('', '\r'), (h, sql, cr) => {
      const raw = h + sql + cr;
      const r = parseMysqlGeneralRecord(raw, ctx('UTC', { redactSql: true }), newGeneralLogState());
      const shown = shownOf(r, raw);
      // the head (time, thread id, command) and a CR the file had are kept as they were
      assert.ok(shown.startsWith(h), JSON.stringify(shown));
      assert.ok(shown.endsWith(cr));
      const tail = outsideNames(shown.slice(h.length));
      assert.ok(!/['"0-9]/.test(tail), `${JSON.stringify(raw)} shown as ${JSON.stringify(shown)}`);
      const message = r.ok ? String(r.value.doc.message) : '';
      assert.ok(!/['"0-9]/.test(outsideNames(message.slice(message.indexOf('\t') + 1))), message);
    }),
    { numRuns: 1500 },
  );
});

test('property: without redactSql the parser gives no text of its own (the raw record is shown byte for byte)', () => {
  fc.assert(
    fc.property(head, statement, fc.constantFrom('', '\r'), (h, sql, cr) => {
      const r = parseMysqlGeneralRecord(h + sql + cr, ctx('UTC'), newGeneralLogState());
      assert.ok(r.ok);
      assert.equal(r.value.text, undefined);
    }),
    { numRuns: 500 },
  );
});

test('a statement without literals keeps the raw text (no shown text of its own)', () => {
  const raw = '\t\t     6 Query\tselect connection_id(), @@port';
  const r = parseMysqlGeneralRecord(raw, ctx('UTC', { redactSql: true }), newGeneralLogState());
  assert.ok(r.ok);
  assert.equal(r.value.text, undefined);
});

test('a Connect or Quit is not SQL: its text stays as read', () => {
  const raw = '261124 23:43:25\t     3 Connect\tapp@10.0.1.11 on shop using TCP/IP';
  const r = parseMysqlGeneralRecord(raw, ctx('UTC', { redactSql: true }), newGeneralLogState());
  assert.ok(r.ok);
  assert.equal(r.value.text, undefined);
});

test("a general_log table export's row: its text is the row with the argument redacted in place", () => {
  // mysqldump of mysql.general_log (docs/formats/general-log-table.md)
  const raw =
    "('2026-11-24 23:43:26.000000','app[app] @  [10.0.1.11]',6,1,'Query','select id from products where id = 186')";
  const r = parseMysqlGeneralRecord(raw, ctx('UTC', { redactSql: true }), newGeneralLogState());
  assert.equal(
    shownOf(r, raw),
    "('2026-11-24 23:43:26.000000','app[app] @  [10.0.1.11]',6,1,'Query','select id from products where id = ?')",
  );
});

test('an unparsed general-log record (a statement cut from its head) is redacted as SQL, only with redactSql', () => {
  const raw = "  and email = 'alice@example.com'\n  limit 10";
  assert.equal(unparsedGeneralText(raw, ctx('UTC', { redactSql: true })), '  and email = ?\n  limit ?');
  assert.equal(unparsedGeneralText(raw, ctx('UTC')), raw);
});

test('a query dumped into the MariaDB error log: its text is the line with the argument redacted', () => {
  // a general-log line in the error log (docs/mysql-logs.md §2.2)
  const raw = "2026-11-24 23:43:26 12 Query\tselect * from users where email = 'alice@example.com' and id = 7";
  const r = parseMysqlErrorRecord(raw, ctx('UTC', { redactSql: true }));
  assert.equal(shownOf(r, raw), '2026-11-24 23:43:26 12 Query\tselect * from users where email = ? and id = ?');
  const plain = parseMysqlErrorRecord(raw, ctx('UTC'));
  assert.ok(plain.ok);
  assert.equal(plain.value.text, undefined);
});

test('the same query in the journal: the envelope is kept, the argument redacted', () => {
  const raw =
    "2026-11-24T23:43:26+00:00 db1 mariadbd[812]: 2026-11-24 23:43:26 12 Query\tselect 1 from t where name = 'bob'";
  const r = parseMysqlErrorRecord(raw, ctx('UTC', { redactSql: true }));
  assert.equal(
    shownOf(r, raw),
    '2026-11-24T23:43:26+00:00 db1 mariadbd[812]: 2026-11-24 23:43:26 12 Query\tselect ? from t where name = ?',
  );
});
