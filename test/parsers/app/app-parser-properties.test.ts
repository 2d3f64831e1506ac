import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  compileAppPattern,
  isAppRecordStart,
  parseAppRecord,
  redactSqlLiterals,
  LOST_ERRNO,
} from '../../../parsers/app/index.js';
import { compileTimeFormat } from '../../../parsers/app/timefmt.js';
import { makeZone } from '../../../parsers/zones.js';
import type { AppOutcome } from '../../../parsers/types.js';
import { get, groupRecords } from './helpers.js';

const ctx = { zone: makeZone('Europe/Paris'), redactSql: true, refTime: Date.UTC(2026, 10, 23) };

// fragments that steer random input into the interesting branches
const FRAGS = [
  '[2026-11-23 20:21:26] production.ERROR: ',
  '[24-Nov-2026 10:00:00 UTC] PHP Warning:  ',
  '[24-Nov-2026 10:00:00 Nowhere/X] PHP Fatal error:  ',
  '2026-11-23 20:21:26,198 ERROR [w] a.b: ',
  '2026-13-45 99:99:99 ERROR ',
  '[mysql] 2024/06/04 19:12:35 packets.go:58 ',
  'E, [2026-11-23T20:21:26.1 #1] ERROR -- : ',
  'Nov 23 20:21:24 h app[1]: ',
  '{"level":50,"time":',
  '{"err":{"code":',
  '"db":{"localPort":',
  '}',
  '{',
  '"',
  '\\',
  '\n',
  '\n\tat x.Y(Z.java:1)',
  '\nTraceback (most recent call last):',
  'SQLSTATE[HY000]: General error: 2006 MySQL server has gone away',
  "(2013, 'Lost connection to MySQL server during query')",
  'SQLSTATE[08S01]',
  "(SQL: select 'x' from t where a = 1)",
  '(Connection: mysql, Host: h, Port: 99999, SQL: ',
  '[SQL: ',
  ']',
  'PROTOCOL_CONNECTION_LOST',
  'EPIPE',
  'mysql',
  'Communications link failure',
  'errno',
  '"errno":',
  '4031',
  'read tcp 1.2.3.4:5->6.7.8.9:10',
  'Connection refused',
  'time="',
  'level=error ',
  'Error 1062 (23000): ',
];
const messy = fc
  .array(fc.oneof(fc.string(), fc.constantFrom(...FRAGS), fc.string({ unit: 'binary', maxLength: 8 })), {
    maxLength: 14,
  })
  .map((a) => a.join(''));

const internal = (r: AppOutcome) => !r.ok && r.issue.message.startsWith('internal error');

test('no function throws (or hits the internal-error guard) on arbitrary input', () => {
  fc.assert(
    fc.property(messy, (s) => {
      assert.equal(typeof isAppRecordStart(s), 'boolean');
      const r = parseAppRecord(s, ctx);
      assert.equal(typeof r.ok, 'boolean');
      assert.ok(!internal(r), JSON.stringify(r));
      if (r.ok && r.value) {
        assert.equal(r.value.kind, 'app_error');
        assert.equal(typeof get(r.value.doc, 'error.code'), 'string');
        if (r.value.t !== undefined) assert.ok(Number.isFinite(r.value.t));
      }
      assert.equal(typeof redactSqlLiterals(s), 'string');
    }),
    { numRuns: 3000 },
  );
});

test('compileAppPattern / compileTimeFormat never throw', () => {
  fc.assert(
    fc.property(fc.string(), fc.option(fc.string()), fc.string(), (regex, tf, line) => {
      const p = compileAppPattern({ name: 'x', regex, ...(tf === null ? {} : { time_format: tf }) });
      if (!('error' in p)) {
        const r = parseAppRecord(line, { ...ctx, appPatterns: [p] });
        assert.ok(!internal(r));
      }
      compileTimeFormat(tf ?? regex);
    }),
    { numRuns: 1500 },
  );
});

const lostErrnos = [...LOST_ERRNO.keys()];
const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) });
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const wall = (t: number) => {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};
const UTC = { zone: makeZone('UTC') };

test('generated Laravel lines parse back to their time, errno and port', () => {
  fc.assert(
    fc.property(instant, fc.constantFrom(...lostErrnos), fc.integer({ min: 1, max: 65535 }), (t, errno, port) => {
      const s = Math.floor(t / 1000) * 1000;
      const line = `[${wall(s)}] production.ERROR: SQLSTATE[HY000]: General error: ${errno} some driver text (Connection: mysql, Host: db1, Port: ${port}, Database: d, SQL: select 1) {"exception":"[object] (Illuminate\\\\Database\\\\QueryException(code: HY000): x at /a.php:1)"} `;
      const r = parseAppRecord(line, UTC);
      assert.ok(r.ok && r.value, line);
      if (r.ok && r.value) {
        assert.equal(r.value.t, s);
        assert.equal(get(r.value.doc, 'error.code'), String(errno));
        assert.equal(get(r.value.doc, 'app.db.port'), port);
      }
    }),
    { numRuns: 500 },
  );
});

test('generated Python records parse back to their ms time, worker and errno', () => {
  fc.assert(
    fc.property(
      instant,
      fc.constantFrom(2006, 2013, 1153, 4031),
      fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/),
      (t, errno, worker) => {
        const rec = `${wall(t)},${pad(t % 1000, 3)} ERROR [${worker}] app.db: failed\nTraceback (most recent call last):\n  File "/x.py", line 1, in f\npymysql.err.OperationalError: (${errno}, 'driver text')`;
        const r = parseAppRecord(rec, UTC);
        assert.ok(r.ok && r.value, rec);
        if (r.ok && r.value) {
          assert.equal(r.value.t, t);
          assert.equal(get(r.value.doc, 'app.worker'), worker);
          assert.equal(get(r.value.doc, 'app.error.errno'), errno);
        }
      },
    ),
    { numRuns: 500 },
  );
});

test('generated pino JSON lines parse back to their time, code, local port and thread id', () => {
  const codes = ['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE', 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR'];
  fc.assert(
    fc.property(
      instant,
      fc.constantFrom(...codes),
      fc.integer({ min: 1, max: 65535 }),
      fc.nat(10_000_000),
      (t, code, lp, tid) => {
        const line = JSON.stringify({
          level: 50,
          time: t,
          msg: 'mysql error',
          err: { type: 'Error', code, fatal: true, message: 'x' },
          db: { localPort: lp, threadId: tid },
        });
        const r = parseAppRecord(line, UTC);
        assert.ok(r.ok && r.value, line);
        if (r.ok && r.value) {
          assert.equal(r.value.t, t);
          assert.equal(get(r.value.doc, 'error.code'), code);
          assert.deepEqual(get(r.value.doc, 'app.db'), { local_port: lp, thread_id: tid });
        }
      },
    ),
    { numRuns: 500 },
  );
});

test('property: a Node crash report after any console lines is a record of its own, the lines before untouched', () => {
  // console output a logger did not stamp (no record start of its own), then Node's report
  const consoleLine = fc
    .string({ minLength: 1, maxLength: 40 })
    .map((s) => 'x' + s.replace(/[\r\n]/g, ' '))
    .filter((s) => !isAppRecordStart(s));
  const position = fc.constantFrom('/app/src/db.js:41', 'node:events:491', 'file:///srv/a.mjs:3', 'C:\\app\\db.js:9');
  fc.assert(
    fc.property(fc.array(consoleLine, { minLength: 1, maxLength: 4 }), position, (before, pos) => {
      const crash = [pos, '    throw err;', '    ^', 'Error: Connection lost: The server closed the connection.'];
      const recs = groupRecords([...before, ...crash].join('\n'));
      assert.equal(recs.length, 2);
      assert.equal(recs[0], before.join('\n'));
      assert.equal(recs[1], crash.join('\n'));
    }),
    { numRuns: 200 },
  );
});
