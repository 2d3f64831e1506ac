/** redactSql: literals → '?', everything else byte for byte. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactSql } from '../../../parsers/mysql/redact.js';

const cases: Array<[string, string, string]> = [
  [
    'strings and numbers',
    "select * from t where a = 'x' and b = 12 and c = 1.5e-3",
    'select * from t where a = ? and b = ? and c = ?',
  ],
  ['backslash escapes', "select 'it\\'s', 'a\\\\' , 'b'", 'select ?, ? , ?'],
  ['doubled quotes', 'select \'it\'\'s\', "say ""hi"""', 'select ?, ?'],
  [
    'hex, bit and prefixed literals',
    "select 0x1F, X'0F', x'ab', b'0101', 0b11, N'abc', _utf8mb4'é'",
    'select ?, ?, ?, ?, ?, ?, ?',
  ],
  [
    'identifiers with digits stay',
    'select t1.col2, `weird 1`, 1abc from db3.tab4',
    'select t1.col2, `weird 1`, 1abc from db3.tab4',
  ],
  [
    'backtick names with quotes stay',
    "select `it's` from `a``b` where x = 'y'",
    "select `it's` from `a``b` where x = ?",
  ],
  [
    'comments untouched',
    "select /*!50002 GLOBAL */ 1 -- it's 5\n, 2 # 'x' 7\n/* 'c' 9 */",
    "select /*!50002 GLOBAL */ ? -- it's 5\n, ? # 'x' 7\n/* 'c' 9 */",
  ],
  [
    'variables and placeholders stay',
    'select @@version_comment, @v1, ? from t where id = ?',
    'select @@version_comment, @v1, ? from t where id = ?',
  ],
  ['negative number keeps the minus', 'select -5, 3-2', 'select -?, ?-?'],
  ['unterminated literal is redacted to the end', "insert into t values ('abc", 'insert into t values (?'],
  ['multi-line', "insert into t values\n(1, 'a'),\n(2, 'b')", 'insert into t values\n(?, ?),\n(?, ?)'],
  ['no literal: same string', 'SHOW FULL PROCESSLIST', 'SHOW FULL PROCESSLIST'],
  ['dash-dash without space is not a comment', 'select 5--2', 'select ?--?'],
  ['decimal starting with a dot', 'select .5 + a.b', 'select ? + a.b'],
];

for (const [name, input, expected] of cases) {
  test(`redactSql: ${name}`, () => {
    assert.equal(redactSql(input), expected);
  });
}

test('redactSql is idempotent on the cases above', () => {
  for (const [, input] of cases) assert.equal(redactSql(redactSql(input)), redactSql(input));
});
