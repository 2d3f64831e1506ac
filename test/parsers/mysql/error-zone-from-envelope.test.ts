/**
 * A MariaDB error log read from journald/rsyslog (Debian's default: no log_error file) carries the
 * server's zone-less local date inside a zoned syslog stamp of the same moment. Without a user-given
 * zone, the date takes the stamp's offset; a zoned server date (MySQL 8's `Z`) or a given zone is kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMysqlErrorRecord } from '../../../parsers/mysql/error.js';
import { makeZone } from '../../../parsers/zones.js';
import type { ParseContext } from '../../../parsers/types.js';

const machine: ParseContext = { zone: makeZone('UTC') };
const MARIA =
  "2026-11-23T10:40:00.123456+01:00 db1 mariadbd[1234]: 2026-11-23 10:40:00 12 [Warning] Aborted connection 12 to db: 'app' user: 'app' host: '10.0.0.5' (Got timeout reading communication packets)";

function at(text: string, ctx: ParseContext): { t: number | undefined; ts: unknown } {
  const r = parseMysqlErrorRecord(text, ctx);
  assert.ok(r.ok, JSON.stringify(r));
  return { t: r.value.t, ts: r.value.doc['@timestamp'] };
}

test("MariaDB's local date inside a +01:00 stamp is placed with that offset", () => {
  const r = at(MARIA, machine);
  assert.equal(r.ts, '2026-11-23T09:40:00.000Z');
  assert.equal(r.t, Date.parse('2026-11-23T09:40:00.000Z'));
});

test("a given zone, a zoned server date or an RFC3164 stamp keep the server's date as read", () => {
  assert.equal(at(MARIA, { ...machine, zoneGiven: true }).ts, '2026-11-23T10:40:00.000Z');
  const my8 =
    "2026-11-23T10:40:01+01:00 db1 mysqld[1]: 2026-11-23T09:40:01.000123Z 13 [Note] [MY-010914] [Server] Aborted connection 13 to db: 'app' user: 'app' host: '10.0.0.5' (Got an error reading communication packets).";
  assert.equal(at(my8, machine).ts, '2026-11-23T09:40:01.000Z');
  const bsd =
    "Nov 23 10:40:00 db1 mariadbd[1234]: 2026-11-23 10:40:00 12 [Warning] Aborted connection 12 to db: 'app' user: 'app' host: '10.0.0.5' (Got timeout reading communication packets)";
  assert.equal(at(bsd, machine).ts, '2026-11-23T10:40:00.000Z');
});
