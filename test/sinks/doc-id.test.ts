/**
 * Deterministic document ids (src/sinks/doc-id.ts, docs/elasticsearch.md#ids): what an id depends on and
 * what it must not depend on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { docId, fileIdentity, IdentityCache, identityOfText, IDENTITY_BYTES } from '../../src/sinks/doc-id.js';
import { toOutDoc } from '../../src/sinks/elasticsearch/streams.js';
import { readableInput } from '../../src/cli/common.js';
import { tempDir } from './elasticsearch/stand-in.js';

// MariaDB's general log starts every file with the same header (../ MariaDB 10.11 in examples/lab)
const HEADER = '/usr/sbin/mariadbd, Version: 10.11.14-MariaDB-0+deb12u2-log (Debian 12). started with:\n';

test('a copy, a rotated .1 and a .gz of a log have the identity of the live file', () => {
  const dir = tempDir();
  const text =
    'Nov 24 23:42:12 db-lb-01 haproxy[13805]: 127.0.0.1:38310 [24/Nov/2026:23:42:09.285] a b/c 1/0/3 5 cD\nnext\n';
  writeFileSync(path.join(dir, 'haproxy.log'), text);
  writeFileSync(path.join(dir, 'haproxy.log.1'), text + 'more lines written before rotation\n');
  writeFileSync(path.join(dir, 'haproxy.log.2.gz'), gzipSync(text));
  const live = fileIdentity(path.join(dir, 'haproxy.log'));
  assert.equal(fileIdentity(path.join(dir, 'haproxy.log.1')), live);
  assert.equal(fileIdentity(readableInput(path.join(dir, 'haproxy.log.2.gz'), 'FILE')), live);
});

test('the identity reads the first line only, and at most 1,024 bytes of it', () => {
  const long = 'x'.repeat(IDENTITY_BYTES);
  assert.equal(identityOfText(Buffer.from(`${long}AAA\n`)), identityOfText(Buffer.from(`${long}BBB\n`)));
  assert.notEqual(identityOfText(Buffer.from('first\nsame')), identityOfText(Buffer.from('other\nsame')));
  assert.equal(identityOfText(Buffer.from('first\r\nrest')), identityOfText(Buffer.from('first\nrest')));
});

test('two general logs with the same header line: records at the same offset get different ids when their text differs', () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'replica1-general.log'), HEADER + '\t\t    11 Connect\tapp@127.0.0.1 on shop\n');
  writeFileSync(path.join(dir, 'replica2-general.log'), HEADER + '\t\t    78 Connect\tapp@127.0.0.1 on shop\n');
  const a = fileIdentity(path.join(dir, 'replica1-general.log'));
  const b = fileIdentity(path.join(dir, 'replica2-general.log'));
  assert.equal(a, b, 'the same first line gives the same file identity');
  const off = HEADER.length;
  assert.notEqual(
    docId(a, 'mysql_general', off, '\t\t    11 Connect\tapp@127.0.0.1 on shop'),
    docId(b, 'mysql_general', off, '\t\t    78 Connect\tapp@127.0.0.1 on shop'),
  );
});

test('two replicas whose logs start alike: the same record at the same offset gets one id per server', () => {
  // replicas started in the same second write the same header and the same first Connect at the same
  // offsets (the lab's two MariaDB servers do): without the server's name in the identity one is lost
  const dir = tempDir();
  const same = '\t\t    3 Connect\troot@localhost on  using Socket';
  for (const r of ['replica1', 'replica2']) writeFileSync(path.join(dir, `${r}-general.log`), HEADER + same + '\n');
  const id = (r: string, label: string) =>
    docId(fileIdentity(path.join(dir, `${r}-general.log`), label), 'mysql_general', HEADER.length, same);
  assert.notEqual(id('replica1', 'replica1'), id('replica2', 'replica2'));
  assert.equal(id('replica1', 'replica1'), id('replica2', 'replica1'), 'the file content and label make the id');
  assert.equal(id('replica1', ''), id('replica2', ''), 'unlabelled (parse): one id, as before');
  const cache = new IdentityCache();
  cache.add('r1.log', path.join(dir, 'replica1-general.log'), 'replica1');
  assert.equal(cache.of('r1.log'), fileIdentity(path.join(dir, 'replica1-general.log'), 'replica1'));
});

test('an id depends on identity, kind, offset and text, and on nothing else', () => {
  const arb = fc.tuple(fc.string(), fc.constantFrom('app_error', 'connection', 'haproxy'), fc.nat(), fc.string());
  fc.assert(
    fc.property(arb, arb, (x, y) => {
      const same = JSON.stringify(x) === JSON.stringify(y);
      // computed twice, at different moments: never the clock, never a counter
      assert.equal(docId(...x), docId(...x));
      assert.equal(docId(...x) === docId(...y), same);
    }),
  );
});

test('a verdict and the record it is about never share an id; an app error and a connection event neither', () => {
  const dir = tempDir();
  const file = path.join(dir, 'app.log');
  writeFileSync(file, 'PDOException: SQLSTATE[HY000]: General error: 2006 MySQL server has gone away\n');
  const ids = new IdentityCache();
  ids.add('app.log', file);
  const doc = {
    log: { file: { path: 'app.log' }, offset: 0 },
    event: { original: 'PDOException: SQLSTATE[HY000]: General error: 2006 MySQL server has gone away' },
  };
  const verdict = toOutDoc('goneaway.verdicts', 'default', ids, doc, 'app_error');
  const record = toOutDoc('goneaway.records', 'default', ids, doc, 'app_error');
  const connection = toOutDoc('goneaway.verdicts', 'default', ids, doc, 'connection');
  assert.equal(new Set([verdict.id, record.id, connection.id]).size, 3);
  assert.equal(verdict.stream, 'logs-goneaway.verdicts-default');
  assert.deepEqual(verdict.position, { file: 'app.log', offset: 0 });
  assert.equal(toOutDoc('goneaway.verdicts', 'default', ids, doc, 'app_error').id, verdict.id);
});

test('document ids stay the ids earlier runs indexed under (the _id scheme is a contract with the indexes)', () => {
  // computed by the two-update createHash form the ids were first made with; a lone surrogate in the text (a
  // low one right after the head's NUL) must hash as it did
  const known: Array<[Parameters<typeof docId>, string]> = [
    [['Xq3', 'haproxy', 0, 'line'], 'p0enYmLMINEhIyqn2SATqIh7bIP'],
    [
      [
        'abcdefghijklmnopqrstuv',
        'goneaway.verdicts:connection',
        123456789,
        'Dec  7 00:26:17 lb haproxy[3968]: 10.0.2.9:33579 [07/Dec/2026:00:26:17.123] mysql_ro mariadb_replicas/replica1 1/0/3029 710 cD 8/8/7/4/0 0/0',
      ],
      'kLQUoJ2LhvwBpcZeTmSd5Iksvc_',
    ],
    [['', 'goneaway.records:app_error', 7, 'é ü \u{1F600} \ud800 end'], 'KMgHQ1li5ifUdwwOut3BKmsEDMh'],
    [['id', 'k', 1, '\udc00 starts low'], 'pcbAafx9hdFqg7U5D3EvHTwDey3'],
  ];
  for (const [args, id] of known) assert.equal(docId(...args), id, JSON.stringify(args));
});
