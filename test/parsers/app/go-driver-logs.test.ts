import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile, docFor, get, one, groupRecords, UTC } from './helpers.js';
import { parseAppRecord } from '../../../parsers/app/index.js';

test('Go: every line is a record; 8 lost-connection lines among noise', () => {
  const f = parseFile('go.log');
  assert.equal(f.records.length, 14);
  assert.equal(f.docs.filter(Boolean).length, 8);
});

test('go-sql-driver logger v1.9 shape: `[mysql] 2024/06/04 19:12:35 packets.go:58 unexpected EOF`', () => {
  const d = one('[mysql] 2024/06/04 19:12:35 packets.go:58 unexpected EOF');
  assert.equal(get(d, '@timestamp'), '2024-06-04T19:12:35.000Z');
  assert.equal(get(d, 'error.code'), 'unexpected_eof');
  assert.equal(get(d, 'error.message'), 'unexpected EOF');
  assert.equal(get(d, 'app.error.driver'), 'go-sql-driver');
  assert.equal(get(d, 'app.error.language'), 'go');
  const old = one('[mysql] 2019/01/10 12:00:00 packets.go:36: unexpected EOF');
  assert.equal(get(old, 'error.message'), 'unexpected EOF');
});

test('Go: invalid connection, bad idle connection, driver: bad connection, 4031 in logfmt', () => {
  const f = parseFile('go.log');
  assert.equal(get(docFor(f, 'query orders: invalid connection'), 'error.code'), 'invalid_connection');
  assert.equal(get(docFor(f, 'closing bad idle connection'), 'error.code'), 'bad_idle_connection');
  assert.equal(get(docFor(f, 'connection.go:173'), 'error.code'), 'bad_connection');
  const lf = docFor(f, 'Error 4031');
  assert.equal(get(lf, 'error.code'), '4031');
  assert.equal(get(lf, 'app.error.class'), 'interaction_timeout');
  assert.equal(get(lf, 'log.level'), 'error');
  assert.equal(get(lf, '@timestamp'), '2026-11-23T20:21:33.000Z');
  assert.match(String(get(lf, 'error.message')), /^Error 4031 \(HY000\): The client was disconnected/);
});

test('Go net errors give the client port and server address (read tcp a:p->b:q)', () => {
  const f = parseFile('go.log');
  const r = docFor(f, 'connection reset by peer');
  assert.equal(get(r, 'error.code'), 'ECONNRESET');
  assert.equal(get(r, 'app.error.class'), 'reset');
  assert.deepEqual(get(r, 'app.db'), { local_port: 47064, host: '10.0.0.5', port: 3306 });
  const t = docFor(f, 'i/o timeout');
  assert.equal(get(t, '@timestamp'), '2026-11-23T20:21:39.123Z');
  assert.equal(get(t, 'app.db.local_port'), 47070);
});

test('Go: HTTP unexpected EOF, refused dial, TLS handshake EOF, duplicate key → null', () => {
  const f = parseFile('go.log');
  assert.equal(docFor(f, 'upstream http://billing'), null);
  assert.equal(docFor(f, 'connect: connection refused'), null);
  assert.equal(docFor(f, 'TLS handshake error'), null);
  assert.equal(docFor(f, 'Error 1062'), null);
});

/** records of a text as the pipeline groups them, each with its parse result */
function recordsOf(text: string) {
  return groupRecords(text).map((r) => {
    const out = parseAppRecord(r, UTC);
    assert.ok(out.ok, JSON.stringify(out));
    return { text: r, doc: out.value?.doc ?? null };
  });
}

// go-sql-driver logs its read error, then database/sql returns ErrBadConn, which the app prints bare
// (log.Fatal/panic print no stamp): https://github.com/bxcodec/go-clean-arch/pull/102 and
// https://github.com/go-sql-driver/mysql/issues/583
test('go-sql-driver: a stamp-less `driver: bad connection` / `panic: …` line is a record of its own', () => {
  const recs = recordsOf(
    [
      '[mysql] 2022/02/04 19:18:05 packets.go:37: unexpected EOF',
      'panic: driver: bad connection',
      '',
      'goroutine 1 [running]:',
      'main.main()',
      '\t/app/main.go:42 +0x1d4',
      '[mysql] 2017/05/02 16:48:51 packets.go:66: unexpected EOF',
      '[mysql] 2017/05/02 16:48:52 packets.go:412: busy buffer',
      'driver: bad connection',
      '[mysql] 2017/05/02 16:48:52 connection.go:319: invalid connection',
    ].join('\n'),
  );
  assert.deepEqual(
    recs.map((r) => r.text.split('\n')[0]),
    [
      '[mysql] 2022/02/04 19:18:05 packets.go:37: unexpected EOF',
      'panic: driver: bad connection',
      '[mysql] 2017/05/02 16:48:51 packets.go:66: unexpected EOF',
      '[mysql] 2017/05/02 16:48:52 packets.go:412: busy buffer',
      'driver: bad connection',
      '[mysql] 2017/05/02 16:48:52 connection.go:319: invalid connection',
    ],
  );
  assert.equal(get(recs[0]!.doc!, 'error.code'), 'unexpected_eof', 'the driver line keeps its own code');
  assert.equal(get(recs[1]!.doc!, 'error.code'), 'bad_connection');
  assert.match(recs[1]!.text, /goroutine 1 \[running\]:\n/, "the panic's goroutine dump stays with it");
  assert.equal(recs[3]!.doc, null, 'busy buffer is not a lost connection');
  assert.equal(get(recs[4]!.doc!, 'error.code'), 'bad_connection');
  assert.equal(get(recs[5]!.doc!, 'error.code'), 'invalid_connection');
});

// drivers before about 2016 logged with the prefix `[MySQL] ` and ErrInvalidConn read "Invalid Connection":
// https://github.com/go-sql-driver/mysql/issues/185, https://github.com/beego/beego/issues/578
test('go-sql-driver before 2016: `[MySQL] … packets.go:30: EOF` and `statement.go:24: Invalid Connection`', () => {
  const recs = recordsOf(
    [
      '[MySQL] 2013/12/05 22:17:19 packets.go:30: EOF',
      '[MySQL] 2013/12/05 22:17:19 statement.go:24: Invalid Connection',
    ].join('\n'),
  );
  assert.equal(recs.length, 2);
  const [eof, inv] = recs.map((r) => r.doc!);
  assert.equal(get(eof!, '@timestamp'), '2013-12-05T22:17:19.000Z');
  assert.equal(get(eof!, 'error.code'), 'eof');
  assert.equal(get(eof!, 'error.message'), 'EOF');
  assert.equal(get(eof!, 'app.error.driver'), 'go-sql-driver');
  assert.equal(get(inv!, 'error.code'), 'invalid_connection');
  assert.equal(get(inv!, 'error.message'), 'Invalid Connection');
  assert.equal(get(inv!, 'app.error.driver'), 'go-sql-driver');
});

test('an EOF that is not the driver reading a packet is not a lost MySQL connection', () => {
  for (const line of [
    '2026/11/23 20:21:36 proxy.go:51: Post "http://billing:8080/charge": EOF',
    '[MySQL] 2013/12/05 22:17:19 packets.go:30: EOF while reading the config file',
  ])
    assert.equal(recordsOf(line)[0]!.doc, null, line);
});

test('a `driver: <name>` line of a config dump continues its record; only ErrBadConn text starts one', () => {
  const recs = recordsOf(
    [
      '2026-11-23 20:21:26 ERROR SQLSTATE[HY000]: General error: 2006 MySQL server has gone away',
      'driver: pdo_mysql',
    ].join('\n'),
  );
  assert.equal(recs.length, 1);
  assert.equal(get(recs[0]!.doc!, 'error.code'), '2006');
});

test('a stamp-less `driver: bad connection` takes the time the caller gives for the record before it, and says so', () => {
  // docs/client-errors.md "Lines without a stamp" (https://github.com/go-sql-driver/mysql/issues/583)
  const before = Date.UTC(2017, 4, 2, 16, 48, 52);
  const r = parseAppRecord('driver: bad connection', { ...UTC, previousRecordTime: () => before });
  assert.ok(r.ok && r.value);
  assert.equal(r.value.t, before);
  assert.equal(get(r.value.doc, '@timestamp'), '2017-05-02T16:48:52.000Z');
  assert.equal(get(r.value.doc, 'app.time_from'), 'previous_record');
  const none = parseAppRecord('driver: bad connection', { ...UTC, previousRecordTime: () => undefined });
  assert.ok(none.ok && none.value);
  assert.equal(none.value.t, undefined, 'no record before with a time: no time');
  assert.equal(get(none.value.doc, 'app.time_from'), undefined);
  // a record with its own stamp keeps it
  const own = parseAppRecord('[mysql] 2017/05/02 16:48:51 packets.go:66: unexpected EOF', {
    ...UTC,
    previousRecordTime: () => before,
  });
  assert.ok(own.ok && own.value);
  assert.equal(own.value.t, Date.UTC(2017, 4, 2, 16, 48, 51));
  assert.equal(get(own.value.doc, 'app.time_from'), undefined);
});
