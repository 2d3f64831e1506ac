/**
 * App timestamps that must be read (docs/formats/app-timestamps.md): Matomo/Piwik's file logger
 * (`WARNING [2019-04-09 11:40:15] 31996  …`, Piwik 2's `WARNING UsersManager[2015-02-19 14:52:10] …`)
 * and JavaScript's `Date.toString()` (`Tue Jul 21 2020 10:15:42 GMT+0000 (Coordinated Universal Time) - …`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { get, groupRecords, UTC } from './helpers.js';
import { isAppRecordStart, parseAppRecord } from '../../../parsers/app/index.js';
import { makeZone } from '../../../parsers/zones.js';
import type { Doc, ParseContext } from '../../../parsers/types.js';

function docsOf(text: string, ctx: ParseContext = UTC): Array<Doc | null> {
  return groupRecords(text).map((r) => {
    const out = parseAppRecord(r, ctx);
    assert.ok(out.ok, JSON.stringify(out));
    return out.value?.doc ?? null;
  });
}

// Matomo 3.9 core:archive output, https://github.com/matomo-org/matomo/issues/14329
const MATOMO3 =
  'WARNING [2019-04-09 11:40:15] 31996  /usr/share/nginx/html/libs/Zend/Db/Statement/Mysqli.php(70): Warning - mysqli::prepare(): MySQL server has gone away - Matomo 3.9.1 - Please report this message in the Matomo forums: https://forum.matomo.org (please do a search first as it might have been reported already)';
// Piwik 2.11, https://github.com/matomo-org/matomo/issues/7256
const PIWIK2 =
  'WARNING UsersManager[2015-02-19 14:52:10] /kunden/larsen-mdm.de/piwik/libs/Zend/Db/Statement/Mysqli.php(70): Warning - Error while sending STMT_PREPARE packet. PID=8974';

test('Matomo: `LEVEL [date time] pid  message` gives @timestamp, level and pid', () => {
  const [d] = docsOf(MATOMO3);
  assert.equal(get(d!, '@timestamp'), '2019-04-09T11:40:15.000Z');
  assert.equal(get(d!, 'error.code'), '2006');
  assert.equal(get(d!, 'log.level'), 'warning');
  assert.equal(get(d!, 'process.pid'), 31996);
});

test("Matomo's date is local time: it is placed with --timezone", () => {
  const [d] = docsOf(MATOMO3, { zone: makeZone('Europe/Berlin') });
  assert.equal(get(d!, '@timestamp'), '2019-04-09T09:40:15.000Z');
});

test('Piwik 2: `LEVEL Plugin[date time] message` gives @timestamp and the plugin as logger', () => {
  const [d] = docsOf(PIWIK2);
  assert.equal(get(d!, '@timestamp'), '2015-02-19T14:52:10.000Z');
  assert.equal(get(d!, 'error.code'), 'send_failed');
  assert.equal(get(d!, 'app.logger'), 'UsersManager');
});

// node-mysql's fatal error text as in https://github.com/C2FO/patio/issues/64, written after
// `${new Date()} - uncaughtException : ` by a process-level handler; Date.prototype.toString's layout:
// https://tc39.es/ecma262/#sec-date.prototype.tostring
const JS_LINES = [
  'Tue Jul 21 2020 10:15:42 GMT+0000 (Coordinated Universal Time) - uncaughtException : Error: Connection lost: The server closed the connection.',
  '    at Protocol.end (/app/node_modules/mysql/lib/protocol/Protocol.js:112:13)',
  '    at Socket.<anonymous> (/app/node_modules/mysql/lib/Connection.js:97:28)',
  'Tue Jul 21 2020 12:15:43 GMT+0200 (Central European Summer Time) - uncaughtException : Error: Connection lost: The server closed the connection.',
];

test('JavaScript Date.toString() stamps start a record and give @timestamp from their GMT offset', () => {
  assert.equal(isAppRecordStart(JS_LINES[0]!), true);
  assert.equal(isAppRecordStart(JS_LINES[1]!), false);
  const docs = docsOf(JS_LINES.join('\n'));
  assert.equal(docs.length, 2, 'the stack frames stay with their error, the next stamp starts a record');
  assert.equal(get(docs[0]!, '@timestamp'), '2020-07-21T10:15:42.000Z');
  assert.equal(get(docs[0]!, 'error.code'), 'PROTOCOL_CONNECTION_LOST');
  assert.equal(get(docs[1]!, '@timestamp'), '2020-07-21T10:15:43.000Z', 'the offset, not --timezone, places it');
});

test('a line after a Matomo record that is a Date.toString() stamp is not swallowed by it', () => {
  const docs = docsOf([PIWIK2, JS_LINES[0]!].join('\n'));
  assert.equal(docs.length, 2);
  assert.equal(get(docs[0]!, 'error.code'), 'send_failed');
  assert.equal(get(docs[1]!, 'error.code'), 'PROTOCOL_CONNECTION_LOST');
});

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** What Date.prototype.toString writes for instant `t` in a zone `offMin` minutes east of UTC */
function jsDateString(t: number, offMin: number, name: string): string {
  const w = new Date(t + offMin * 60_000); // wall clock, read with the UTC getters
  const sign = offMin < 0 ? '-' : '+';
  const a = Math.abs(offMin);
  return (
    `${DAYS[w.getUTCDay()]} ${MONTHS[w.getUTCMonth()]} ${p2(w.getUTCDate())} ${w.getUTCFullYear()} ` +
    `${p2(w.getUTCHours())}:${p2(w.getUTCMinutes())}:${p2(w.getUTCSeconds())} GMT${sign}${p2(Math.floor(a / 60))}${p2(a % 60)} (${name})`
  );
}

test('property: any Date.toString() stamp reads back as its instant (to the second), whatever the zone', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2099, 11, 31) }),
      fc.integer({ min: -12 * 4, max: 14 * 4 }).map((q) => q * 15),
      fc.constantFrom('Coordinated Universal Time', 'Central European Standard Time', 'GMT+05:30', 'PDT'),
      (t, off, name) => {
        const line = `${jsDateString(t, off, name)} - uncaughtException : Error: Connection lost: The server closed the connection.`;
        assert.equal(isAppRecordStart(line), true);
        const [d] = docsOf(line, { zone: makeZone('Asia/Tokyo') });
        assert.equal(get(d!, '@timestamp'), new Date(Math.floor(t / 1000) * 1000).toISOString());
      },
    ),
  );
});
