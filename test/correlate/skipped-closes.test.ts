// Normal closes the window drops (no app log, a server no MySQL log is read for) may be skipped unparsed by the
// reader (parsers/haproxy/precheck.ts, docs/performance.md): the events and the counts must be those of the run that
// parses every line and lets the Correlator drop them. Both ways a skipped close goes in are checked: as a
// SkippedClose through the merge with another log, and handed straight to the Correlator when the HAProxy log is
// read alone. Inputs: the bundled lab scenarios (rfc3164 syslog lines, which the precheck reads).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT } from '../cli/paths.js';
import { newStats, type CorrelateStats } from '../../src/correlate/engine.js';
import {
  correlateSources,
  fileSources,
  mergeSources,
  type CorrelateInput,
} from '../../src/correlate/correlate-batch.js';
import { unseenServers, type CorrelateSettings } from '../../src/correlate/settings.js';
import { SkippedClose } from '../../src/pipeline/parse-file.js';
import { makeZone } from '../../parsers/zones.js';

function inputOf(scenario: string, withReplica1Log: boolean): CorrelateInput {
  const f = (n: string) => path.join(ROOT, 'examples/lab', scenario, n);
  return {
    haproxy: [f('haproxy.log')],
    mysqlError: withReplica1Log ? [{ server: 'replica1', path: f('replica1-error.log') }] : [],
    mysqlGeneral: [],
    app: [],
    ctx: { zone: makeZone('UTC') },
    skew: 1000,
    maxLag: 900_000,
    settle: 5000,
  };
}

function settingsOf(input: CorrelateInput): CorrelateSettings {
  return { ...input, appLogs: false, mysqlServers: new Set(input.mysqlError.map((f) => f.server)) };
}

/** the events as JSON lines, and the counts, of a run with the reader skipping or not */
function run(input: CorrelateInput, skip: boolean): { events: string[]; stats: string } {
  const stats = newStats();
  const cfg = settingsOf(input);
  const src = skip ? fileSources(input, stats, unseenServers(cfg)) : fileSources(input, stats);
  const events = [...correlateSources(src, cfg, stats)].map((e) => JSON.stringify(e));
  return { events, stats: countsOf(stats) };
}

const countsOf = (s: CorrelateStats) =>
  JSON.stringify({ files: s.files, servers: [...s.servers], untimed: s.untimed, connections: s.connections });

for (const scenario of ['13_mixed', '01_haproxy_timeout_client', '09_haproxy_hard_stop']) {
  for (const withLog of [false, true]) {
    const how = withLog ? 'merged with replica1’s error log' : 'read alone';
    test(`${scenario}, HAProxy log ${how}: skipping the dropped normal closes unparsed changes no event or count`, () => {
      const input = inputOf(scenario, withLog);
      const parsed = run(input, false);
      const skipped = run(input, true);
      assert.ok(parsed.events.length > 0, 'the scenario has events');
      assert.deepEqual(skipped.events, parsed.events);
      assert.equal(skipped.stats, parsed.stats);
    });
  }
}

test('the reader does skip closes: the lab’s normal closes on replica2 come out unparsed', () => {
  const input = inputOf('13_mixed', true);
  const stats = newStats();
  let skipped = 0;
  for (const r of mergeSources(fileSources(input, stats, unseenServers(settingsOf(input))), stats))
    if (r instanceof SkippedClose) {
      assert.notEqual(r.server, 'replica1', 'a server whose MySQL log is read is never skipped');
      skipped++;
    }
  assert.ok(skipped > 10, `${skipped} closes skipped`);
});
