/**
 * Node's own report of an uncaught exception (docs/formats/node-crash.md): the `file.js:NN` position,
 * the source line, a caret, then `Error: …` and the stack. The process prints it on stderr, straight
 * after whatever the app wrote with console.log — a line no logger stamped — so it must start a record
 * of its own instead of being glued to that line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAppRecordStart, parseAppRecord } from '../../../parsers/app/index.js';
import { get, groupRecords, UTC } from './helpers.js';

// mysqljs/mysql#478 (https://github.com/mysqljs/mysql/issues/478): a console line, then the crash
const MYSQLJS_478 = [
  'This works.',
  '/var/www/public/js/modules/store.js:41',
  '                        if (err) throw err;',
  '                                       ^',
  'Error: Connection lost: The server closed the connection.',
  '    at Protocol.end (/var/www/node_modules/mysql/lib/protocol/Protocol.js:73:13)',
  '    at Socket.onend (stream.js:79:10)',
  '    at Socket.EventEmitter.emit (events.js:117:20)',
].join('\n');

// the modern form (an unhandled 'error' event; serverless-mysql#57 shows the same header after
// `Connected to the MySQL server.`: https://github.com/jeremydaly/serverless-mysql/issues/57)
const UNHANDLED_EVENT = [
  'Server is running on port http://localhost:3000',
  'Connected to the MySQL server.',
  'node:events:491',
  "      throw er; // Unhandled 'error' event",
  '      ^',
  'Error: Connection lost: The server closed the connection.',
  '    at Protocol.end (/app/node_modules/mysql/lib/protocol/Protocol.js:112:13)',
  '    at Socket.<anonymous> (/app/node_modules/mysql/lib/Connection.js:94:28)',
  "Emitted 'error' event on Connection instance at:",
  '    at Connection._handleProtocolError (/app/node_modules/mysql/lib/Connection.js:423:8)',
  '  fatal: true,',
  "  code: 'PROTOCOL_CONNECTION_LOST'",
  '}',
  '',
  'Node.js v18.12.0',
].join('\n');

test('a Node source position line (path.js:NN, node:events:NN, C:\\… , file:///…) starts a record', () => {
  for (const l of [
    '/var/www/public/js/modules/store.js:41',
    'node:events:491',
    'node:internal/process/promises:288',
    'C:\\Users\\me\\node_modules\\mysql\\lib\\protocol\\Parser.js:80',
    'file:///app/src/db.mjs:12',
    '/app/dist/db.cjs:7',
  ])
    assert.equal(isAppRecordStart(l), true, l);
});

test('stack frames, Ruby backtraces and paths inside text still continue their record', () => {
  for (const l of [
    '    at Protocol.end (/app/node_modules/mysql/lib/protocol/Protocol.js:112:13)',
    "/app/vendor/bundle/ruby/3.2.0/gems/mysql2-0.5.6/lib/mysql2/client.rb:151:in `_query'",
    '/app/src/db.js:12:7',
    '/app/src/db.js:12 something else',
  ])
    assert.equal(isAppRecordStart(l), false, l);
});

test('the crash is one record of its own after an unrelated console line', () => {
  const recs = groupRecords(MYSQLJS_478);
  assert.equal(recs.length, 2);
  assert.equal(recs[0], 'This works.');
  assert.ok(recs[1]!.startsWith('/var/www/public/js/modules/store.js:41\n'));
  assert.ok(recs[1]!.includes('Error: Connection lost'));
});

test("an unhandled 'error' event report (node:events header) keeps its Error line, stack and properties", () => {
  const recs = groupRecords(UNHANDLED_EVENT);
  // the two console lines carry no start of their own: they are one (skipped) record
  assert.equal(recs.length, 2);
  assert.ok(recs[1]!.startsWith('node:events:491\n'));
  assert.ok(recs[1]!.endsWith('Node.js v18.12.0'));
  const r = parseAppRecord(recs[1]!, UTC);
  assert.ok(r.ok && r.value);
  assert.equal(get(r.value.doc, 'error.code'), 'PROTOCOL_CONNECTION_LOST');
});

test('the crash record is a Node lost-connection error whose message is the Error line, not the path', () => {
  const recs = groupRecords(MYSQLJS_478);
  const r = parseAppRecord(recs[1]!, UTC);
  assert.ok(r.ok && r.value);
  const d = r.value.doc;
  assert.equal(get(d, 'app.error.language'), 'node');
  assert.equal(get(d, 'app.error.class'), 'lost');
  assert.equal(get(d, 'message'), 'Error: Connection lost: The server closed the connection.');
  assert.equal(get(d, 'error.message'), 'Connection lost: The server closed the connection.');
  assert.equal(get(d, 'error.type'), 'Error');
  // nothing in Node's report carries a time: none is invented
  assert.equal(get(d, '@timestamp'), undefined);
  const before = parseAppRecord(recs[0]!, UTC);
  assert.ok(before.ok);
  assert.equal(before.value, null);
});

test('a bare `Error: …` line (console.error(err)) after a console line starts its own record too', () => {
  const text = [
    'listening on 3000',
    'Error: Connection lost: The server closed the connection.',
    '    at x (/a.js:1:1)',
  ].join('\n');
  const recs = groupRecords(text);
  assert.equal(recs.length, 2);
  assert.equal(isAppRecordStart('Error [ERR_STREAM_DESTROYED]: Cannot call write after a stream was destroyed'), true);
  // …but not Python's builtin exception line that ends a traceback
  assert.equal(isAppRecordStart('ConnectionResetError: [Errno 104] Connection reset by peer'), false);
});
