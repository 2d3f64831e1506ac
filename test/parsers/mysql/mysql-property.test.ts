/**
 * Property tests (fast-check): the parsers and record-start functions never throw on arbitrary input;
 * generated MariaDB/MySQL lines parse back to the values they were built from; redactSql never leaves
 * a quoted literal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseMysqlErrorRecord, isMysqlErrorRecordStart } from '../../../parsers/mysql/error.js';
import {
  parseMysqlGeneralRecord,
  isMysqlGeneralRecordStart,
  newGeneralLogState,
} from '../../../parsers/mysql/general.js';
import { redactSql } from '../../../parsers/mysql/redact.js';
import { parseEnvelope } from '../../../parsers/syslog.js';
import { isoCached } from '../../../parsers/mysql/stamp.js';
import { ctx, my, docOf } from './helpers.js';

const UTC = ctx('UTC');
const pad = (n: number, w: number, c = '0') => String(n).padStart(w, c);

/** arbitrary text biased toward the characters and prefixes these parsers look at */
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({
    unit: fc.constantFrom(
      '0',
      '1',
      '9',
      '-',
      ':',
      ' ',
      '\t',
      '\n',
      '[',
      ']',
      'T',
      'Z',
      '{',
      '}',
      '"',
      "'",
      '\\',
      'Q',
      'u',
      'e',
      'r',
      'y',
      '.',
      '(',
      ')',
      'M',
      'Y',
    ),
    maxLength: 120,
  }),
  fc
    .tuple(
      fc.constantFrom(
        '2019-10-16 17:24:15 0 [Note] ',
        '191015  9:46:45\t',
        '\t\t    13 ',
        '06:37:41 UTC - ',
        '{ "',
        '2016-12-09T12:08:33.335060Z 0 [System] [MY-',
        'Aborted connection ',
        '/x, Version: ',
      ),
      fc.string({ maxLength: 120 }),
    )
    .map(([a, b]) => a + b),
);

test('no parser or record-start function throws on arbitrary strings', () => {
  fc.assert(
    fc.property(
      nasty,
      fc.boolean(),
      fc.option(fc.integer({ min: -1e13, max: 1e13 }), { nil: undefined }),
      (s, redact, refTime) => {
        const c = ctx('Europe/Paris', { redactSql: redact, refTime });
        isMysqlErrorRecordStart(s);
        isMysqlGeneralRecordStart(s);
        const e = parseMysqlErrorRecord(s, c);
        const g = parseMysqlGeneralRecord(s, c, newGeneralLogState());
        for (const r of [e, g]) {
          if (r.ok) assert.ok(r.value.t === undefined || Number.isFinite(r.value.t));
          else assert.equal(typeof r.issue.code, 'string');
        }
        redactSql(s);
      },
    ),
    { numRuns: 3000 },
  );
});

const stamp = fc.record({
  y: fc.integer({ min: 2000, max: 2099 }),
  mo: fc.integer({ min: 1, max: 12 }),
  d: fc.integer({ min: 1, max: 28 }),
  h: fc.integer({ min: 0, max: 23 }),
  mi: fc.integer({ min: 0, max: 59 }),
  s: fc.integer({ min: 0, max: 59 }),
  us: fc.integer({ min: 0, max: 999999 }),
});
const word = fc.stringMatching(/^[a-z_][a-z0-9_]{0,11}$/);
const host = fc.oneof(fc.ipV4(), word);
const level = fc.constantFrom('Note', 'Warning', 'ERROR');
const tid = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const reason = fc.constantFrom(
  ['Got timeout reading communication packets', 'timeout_reading'],
  ['Got an error reading communication packets', 'error_reading'],
  ['Got an error writing communication packets', 'error_writing'],
  ['KILLED', 'killed'],
  ["Got a packet bigger than 'max_allowed_packet' bytes", 'packet_too_large'],
  ['Unknown error', 'other'],
);

test('generated MariaDB and MySQL 8 Aborted-connection lines parse back to their values', () => {
  fc.assert(
    fc.property(
      stamp,
      fc.boolean(),
      tid,
      tid,
      word,
      word,
      host,
      level,
      reason,
      (st, mysql8, col, victim, db, user, h, lvl, [rs, rc]) => {
        const line = mysql8
          ? `${st.y}-${pad(st.mo, 2)}-${pad(st.d, 2)}T${pad(st.h, 2)}:${pad(st.mi, 2)}:${pad(st.s, 2)}.${pad(st.us, 6)}Z ${col} [${lvl}] [MY-010914] [Server] Aborted connection ${victim} to db: '${db}' user: '${user}' host: '${h}' (${rs}).`
          : `${st.y}-${pad(st.mo, 2)}-${pad(st.d, 2)} ${pad(st.h, 2, ' ')}:${pad(st.mi, 2)}:${pad(st.s, 2)} ${col} [${lvl}] Aborted connection ${victim} to db: '${db}' user: '${user}' host: '${h}' (${rs})`;
        const r = parseMysqlErrorRecord(line, UTC);
        assert.ok(r.ok, line);
        assert.equal(
          r.value.t,
          Date.UTC(st.y, st.mo - 1, st.d, st.h, st.mi, st.s, mysql8 ? Math.floor(st.us / 1000) : 0),
        );
        const m = my(r);
        assert.equal(m.thread_id, col);
        assert.equal(m.error_type, 'aborted_connection');
        assert.equal(m.aborted.thread_id, victim);
        assert.equal(m.aborted.db, db);
        assert.equal(m.aborted.user, user);
        assert.equal(m.aborted.host, h);
        assert.equal(m.aborted.reason, rs);
        assert.equal(m.aborted.reason_code, rc);
        assert.equal(m.aborted.killer_thread_id, rc === 'killed' && col !== 0 && col !== victim ? col : undefined);
        assert.equal(m.aborted.by_shutdown, rc === 'killed' && col === 0 ? true : undefined);
        assert.equal((docOf(r).log as { level: string }).level, lvl);
        if (mysql8) assert.deepEqual(docOf(r).event, { code: 'MY-010914', provider: 'Server' });
      },
    ),
    { numRuns: 500 },
  );
});

test('generated 5.5-style error lines parse back (YYMMDD, space-padded hour, 20YY)', () => {
  fc.assert(
    fc.property(stamp, level, fc.stringMatching(/^[A-Za-z][ -~]{0,60}$/), (st, lvl, msg) => {
      const line = `${pad(st.y % 100, 2)}${pad(st.mo, 2)}${pad(st.d, 2)} ${pad(st.h, 2, ' ')}:${pad(st.mi, 2)}:${pad(st.s, 2)} [${lvl}] ${msg}`;
      const r = parseMysqlErrorRecord(line, UTC);
      assert.ok(r.ok);
      assert.equal(r.value.t, Date.UTC(st.y, st.mo - 1, st.d, st.h, st.mi, st.s));
      assert.equal(docOf(r).message, msg);
      assert.equal(isMysqlErrorRecordStart(line), true);
    }),
    { numRuns: 500 },
  );
});

const command = fc.constantFrom(
  'Query',
  'Connect',
  'Quit',
  'Init DB',
  'Field List',
  'Prepare',
  'Execute',
  'Close stmt',
  'Ping',
  'Change user',
  'Binlog Dump',
  'Statistics',
);
const argument = fc.stringMatching(/^[ -~]{0,80}$/).filter((a) => !a.startsWith(' '));

test('generated MariaDB general-log lines (stamped and \\t\\t) parse back, time carried', () => {
  fc.assert(
    fc.property(stamp, tid, command, argument, fc.integer({ min: 1, max: 4 }), (st, id, cmd, arg, repeat) => {
      const state = newGeneralLogState();
      const t = Date.UTC(st.y, st.mo - 1, st.d, st.h, st.mi, st.s);
      const idTxt = pad(id, 6, ' ');
      const lines = [
        `${pad(st.y % 100, 2)}${pad(st.mo, 2)}${pad(st.d, 2)} ${pad(st.h, 2, ' ')}:${pad(st.mi, 2)}:${pad(st.s, 2)}\t${idTxt} ${cmd}\t${arg}`,
      ];
      for (let i = 1; i < repeat; i++) lines.push(`\t\t${idTxt} ${cmd}\t${arg}`);
      lines.forEach((line, i) => {
        assert.equal(isMysqlGeneralRecordStart(line), true, line);
        const r = parseMysqlGeneralRecord(line, UTC, state);
        assert.ok(r.ok, line);
        assert.equal(r.value.t, t);
        const m = my(r);
        assert.equal(m.thread_id, id);
        assert.equal(m.general.command, cmd);
        assert.equal(m.general.argument, arg);
        assert.equal(m.general.time_carried, i > 0 ? true : undefined);
      });
    }),
    { numRuns: 500 },
  );
});

test('generated MySQL 5.7+ general-log lines (ISO, TAB or space variant) parse back', () => {
  fc.assert(
    fc.property(
      stamp,
      tid,
      command,
      argument.filter((a) => a.length > 0),
      fc.boolean(),
      (st, id, cmd, arg, spaces) => {
        const iso = `${st.y}-${pad(st.mo, 2)}-${pad(st.d, 2)}T${pad(st.h, 2)}:${pad(st.mi, 2)}:${pad(st.s, 2)}.${pad(st.us, 6)}Z`;
        const line = spaces
          ? `${iso}    ${pad(id, 5, ' ')} ${cmd}     ${arg}`
          : `${iso}\t${pad(id, 5, ' ')} ${cmd}\t${arg}`;
        assert.equal(isMysqlGeneralRecordStart(line), true);
        const r = parseMysqlGeneralRecord(line, UTC, newGeneralLogState());
        assert.ok(r.ok, line);
        assert.equal(r.value.t, Date.UTC(st.y, st.mo - 1, st.d, st.h, st.mi, st.s, Math.floor(st.us / 1000)));
        assert.equal(my(r).thread_id, id);
        assert.equal(my(r).general.command, cmd);
        assert.equal(my(r).general.argument, arg);
      },
    ),
    { numRuns: 500 },
  );
});

/** a string literal with escapes/doubled quotes around random content, plus the raw content */
const literal = fc
  .tuple(
    fc.constantFrom("'", '"'),
    fc.string({
      unit: fc.constantFrom('a', 'Z', '0', ' ', "'", '"', '\\', '\n', '%', 'é', '`', '#', '-', '/', '*'),
      maxLength: 20,
    }),
    fc.boolean(),
  )
  .map(([q, content, doubled]) => {
    let body = '';
    for (const ch of content) {
      if (ch === q) body += doubled ? q + q : '\\' + q;
      else if (ch === '\\') body += '\\\\';
      else body += ch;
    }
    return q + body + q;
  });
const sqlToken = fc.oneof(
  { arbitrary: literal, weight: 3 },
  {
    arbitrary: fc.constantFrom(
      'SELECT',
      'FROM',
      'WHERE',
      '=',
      ',',
      '(',
      ')',
      'AND',
      'IN',
      'LIKE',
      '+',
      '-',
      '@v',
      '@@x',
      '?',
      '*',
    ),
    weight: 4,
  },
  { arbitrary: fc.stringMatching(/^[a-z_][a-z_]{0,8}$/), weight: 2 },
  {
    arbitrary: fc.oneof(
      fc.nat().map(String),
      fc.double({ noNaN: true, noDefaultInfinity: true, min: 0 }).map((d) => String(d)),
      fc.nat().map((n) => '0x' + n.toString(16)),
    ),
    weight: 2,
  },
  { arbitrary: fc.stringMatching(/^[a-z ]{1,8}$/).map((s) => '`' + s + '`'), weight: 1 },
);

test('redactSql never leaves a quoted literal or a number (outside backtick names)', () => {
  fc.assert(
    fc.property(fc.array(sqlToken, { maxLength: 25 }), fc.constantFrom(' ', '\n', '\t'), (tokens, sep) => {
      const sql = tokens.join(sep);
      const out = redactSql(sql);
      const outside = out.replace(/`[^`]*`/g, '');
      assert.ok(!outside.includes("'") && !outside.includes('"'), `${sql} → ${out}`);
      assert.ok(!/[0-9]/.test(outside.replace(/@@?\w+/g, '')), `${sql} → ${out}`);
      assert.equal(redactSql(out), out);
    }),
    { numRuns: 2000 },
  );
});

test('isoCached (per-second memo) formats exactly like Date#toISOString, in any call order', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.integer({ min: -62135596800000, max: 253402300799999 }),
          fc.integer({ min: 1.7e12, max: 1.7e12 + 5000 }),
        ),
        { minLength: 1, maxLength: 20 },
      ),
      (ts) => {
        for (const t of ts) assert.equal(isoCached(t), new Date(t).toISOString());
      },
    ),
    { numRuns: 1000 },
  );
});

test('property: a journal line in any supported locale is dated by its own month, day and time', () => {
  // one locale per row, months in order (glibc abmon; docs/formats/mysql-localized.md)
  const LOCALES = [
    'Jan Feb Mär Apr Mai Jun Jul Aug Sep Okt Nov Dez',
    'janv. févr. mars avril mai juin juil. août sept. oct. nov. déc.',
    'ene feb mar abr may jun jul ago sep oct nov dic',
    'янв фев мар апр мая июн июл авг сен окт ноя дек',
    'sty lut mar kwi maj cze lip sie wrz paź lis gru',
  ].map((l) => l.split(' '));
  fc.assert(
    fc.property(
      fc.constantFrom(...LOCALES),
      fc.integer({ min: 0, max: 11 }),
      fc.integer({ min: 1, max: 28 }),
      fc.integer({ min: 0, max: 23 }),
      fc.integer({ min: 0, max: 59 }),
      (months, mi, day, h, m) => {
        const l = `${months[mi]} ${pad(day, 2)} ${pad(h, 2)}:${pad(m, 2)}:07 db1 mariadbd[812]: 2024-01-01 00:00:00 0 [Note] x`;
        const env = parseEnvelope(l);
        assert.deepEqual(env.date, { month: mi + 1, day, h, mi: m, s: 7 });
        assert.ok(isMysqlErrorRecordStart(l));
        const r = parseMysqlErrorRecord(l, UTC);
        assert.ok(r.ok);
        assert.deepEqual(r.value.doc.host, { hostname: 'db1' });
      },
    ),
    { numRuns: 300 },
  );
});
