import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isoUtc, parseHaproxyDate, parseIsoAt, closestYear } from '../../parsers/time.js';
import { makeZone } from '../../parsers/zones.js';

test('isoUtc formats exactly as Date#toISOString for every instant of years 1000-9999', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: -30610224000000, max: 253402300799999 }),
      (t) => isoUtc(t) === new Date(t).toISOString(),
    ),
    { numRuns: 20000 },
  );
});

test('zone-less times convert through the zone, DST included', () => {
  const paris = makeZone('Europe/Paris');
  assert.equal(new Date(parseHaproxyDate('23/Nov/2026:20:21:21.257', paris)).toISOString(), '2026-11-23T19:21:21.257Z');
  assert.equal(new Date(parseHaproxyDate('01/Jul/2026:12:00:00.000', paris)).toISOString(), '2026-07-01T10:00:00.000Z');
  assert.equal(
    new Date(parseHaproxyDate('01/Jul/2026:12:00:00.000', makeZone('+05:30'))).toISOString(),
    '2026-07-01T06:30:00.000Z',
  );
  const r = parseIsoAt('2020-08-07T10:02:00.832521-05:00', 0, paris);
  assert.equal(new Date(r!.t).toISOString(), '2020-08-07T15:02:00.832Z');
});

test('year-less dates take the year closest to the reference, never the current one blindly', () => {
  const utc = makeZone('UTC');
  assert.equal(closestYear(12, 31, 23, 59, 0, Date.UTC(2027, 0, 1, 0, 5), utc), 2026);
  assert.equal(closestYear(1, 1, 0, 1, 0, Date.UTC(2026, 11, 31, 23, 58), utc), 2027);
  assert.equal(closestYear(6, 1, 0, 0, 0, Date.UTC(2026, 5, 2), utc), 2026);
});
