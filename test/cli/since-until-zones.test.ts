/**
 * --since/--until name one instant (src/cli/common.ts `timeRangeArg`): zone-less, they are read in the zone of
 * the logs they cut (HAProxy and app logs), and refused when those logs are in different zones. Inputs are the
 * lab logs with their stamps rewritten to Berlin's wall clock (zone-rewrite.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { goneaway } from './paths.js';
import { haproxyRfc3339, LAB, localStamps, rewrite, tmpDir, verdicts } from './zone-rewrite.js';
import { timeRangeArg } from '../../src/cli/common.js';
import { makeZone } from '../../parsers/zones.js';

const dir = tmpDir();
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const PY_BERLIN = rewrite(dir, 'app-python.log', 'python-berlin.log', (s) => localStamps(s, 'Europe/Berlin'));
const HA_BERLIN = rewrite(dir, 'haproxy.log', 'haproxy-berlin.log', (s) => haproxyRfc3339(s, 'Europe/Berlin'));
const HA = path.join(LAB, 'haproxy.log');
const PY = path.join(LAB, 'app-python.log');

// the lab's incident runs 23:43:25–23:45 UTC on 24 Nov 2026: 00:43–00:45 on the 25th in Berlin (UTC+1)
const inUtc = ['--since', '2026-11-24T23:43:50Z', '--until', '2026-11-24T23:44:20Z'];
const inBerlinWallClock = ['--since', '2026-11-25 00:43:50', '--until', '2026-11-25 00:44:20'];

test('a zone-less --since/--until is read in the zone of the logs it cuts, not the machine’s', () => {
  const original = goneaway(['correlate', '--format', 'json', '--haproxy', HA, '--app', PY, ...inUtc]);
  const berlin = goneaway([
    'correlate',
    '--format',
    'json',
    '--haproxy',
    HA_BERLIN,
    '--app',
    PY_BERLIN,
    '--timezone',
    `${HA_BERLIN}=Europe/Berlin`,
    '--timezone',
    `${PY_BERLIN}=Europe/Berlin`,
    ...inBerlinWallClock,
  ]);
  for (const r of [original, berlin]) assert.equal(r.code, 0, r.stderr);
  const all = goneaway(['correlate', '--format', 'json', '--haproxy', HA, '--app', PY]);
  const cut = verdicts(original.stdout);
  assert.ok(cut.length > 0 && cut.length < verdicts(all.stdout).length, `${cut.length} events in the window`);
  assert.deepEqual(verdicts(berlin.stdout), cut);
});

test('a zone-less --since is refused, naming the zones, when the logs it cuts are in different zones', () => {
  const args = ['correlate', '--haproxy', HA, '--app', PY_BERLIN, '--timezone', 'UTC'];
  const r = goneaway([...args, '--timezone', `${PY_BERLIN}=Europe/Berlin`, '--since', '2026-11-25 00:43:50']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /GA_ERR_TIME_RANGE: --since "2026-11-25 00:43:50" has no zone.*UTC.*Europe\/Berlin.*fix: /);
  // with its offset it is one instant whatever the zones
  const ok = goneaway([...args, '--timezone', `${PY_BERLIN}=Europe/Berlin`, '--since', '2026-11-25T00:43:50+01:00']);
  assert.equal(ok.code, 0, ok.stderr);
});

test('timeRangeArg: one instant when every zone reads it alike, relative and offset values as they are', () => {
  const utc = makeZone('UTC');
  const berlin = makeZone('Europe/Berlin');
  const now = Date.UTC(2026, 10, 24, 12);
  assert.equal(timeRangeArg('2026-11-24 10:00:00', '--since', [berlin, berlin], utc), Date.UTC(2026, 10, 24, 9));
  assert.equal(timeRangeArg('2026-11-24 10:00:00', '--since', [], berlin), Date.UTC(2026, 10, 24, 9));
  assert.equal(timeRangeArg('2026-11-24T10:00:00Z', '--since', [utc, berlin], utc), Date.UTC(2026, 10, 24, 10));
  assert.equal(timeRangeArg('-2h', '--since', [utc, berlin], utc, now), now - 7_200_000);
  assert.equal(timeRangeArg(undefined, '--since', [utc, berlin], utc), undefined);
  assert.throws(() => timeRangeArg('2026-11-24', '--until', [utc, berlin], utc), /GA_ERR_TIME_RANGE|different zones/);
});
