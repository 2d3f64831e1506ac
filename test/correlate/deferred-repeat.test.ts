/**
 * A repeat decided "unknown" is deferred (decided again 10 s later, correlator.ts decideReady) without letting go of
 * the closure it names: that closure is the earlier error's, whose verdict was indexed already. When the repeat was
 * first decided after the earlier error's final verdict — its line came behind the watermark, as a stalled writer's
 * does in the agent — letting go of it left the closure unclaimed, and it was reported a second time, as a closure
 * nobody noticed (a `connection` event beside the error that names it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Correlator } from '../../src/correlate/correlator.js';
import { newStats } from '../../src/correlate/engine.js';
import type { Doc } from '../../parsers/types.js';
import { Incident, T0, ga } from './scenario.js';
import { timedRecords } from './incident-records.js';

const S = T0 + 30_000;
const PORT = 40100;

test('a deferred repeat keeps the closure of the error it repeats: it is not reported again', () => {
  // go-sql-driver's own line, then the app's "invalid connection" (a repeat of it: repeats.ts), both at one closure
  // the server made 0.5 s after the accept, which no log explains: "unknown", so both are decided again later
  const inc = new Incident()
    .session({ port: PORT, accept: S - 300, tt: 500, state: 'SD' })
    .goLine(S + 200, 'unexpected EOF')
    .goLine(S + 200, 'query failed: invalid connection', false)
    .session({ port: 40300, accept: S + 60_000, tt: 10, state: '--' });
  const all = timedRecords(inc);
  const repeat = all.find((r) => JSON.stringify(r.rec.doc).includes('invalid connection'))!;
  const c = new Correlator({ skew: 1000, maxLag: 900_000, settle: 5000 }, newStats());
  const events: Doc[] = [];
  for (const r of all) if (r !== repeat) c.push(r);
  // past the driver's line's retry (10 s after it): its verdict is final, the closure its own
  events.push(...c.advance(S + 30_000));
  // the repeat comes now, behind the watermark: decided "unknown" as the line it repeats, and deferred
  c.push(repeat);
  events.push(...c.advance(S + 31_000), ...c.finish());

  const app = events.filter((e) => ga(e).kind === 'app_error');
  assert.equal(app.length, 2);
  assert.deepEqual(
    app.map((e) => [(ga(e).join as Doc).method, (e.source as Doc | undefined)?.port]),
    [
      ['time_at_error', PORT],
      ['same_connection_repeat', PORT],
    ],
  );
  const again = events.filter((e) => ga(e).kind === 'connection' && (e.source as Doc | undefined)?.port === PORT);
  assert.deepEqual(again, [], 'the closure the errors name is not reported as a closure nobody noticed');
});
