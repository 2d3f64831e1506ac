/**
 * `correlate --format ndjson` writes a `connection` event from its draft (src/correlate/event.ts ConnectionDraft:
 * the closure, verdict, thread and recommendation) with cached byte pieces (src/sinks/event-bytes.ts), following
 * the key order in which `toEvent` builds its object. These tests make the drafts with event.ts itself
 * (`connectionDraft`, one RecommendationMemo for the run, as the Correlator does) from random sessions, verdicts
 * and threads, and hold the bytes to `JSON.stringify(draft.toEvent()) + '\n'`, line after line through the real
 * output buffer (a cached piece must never carry one event's bytes into the next), and send what the pieces do
 * not cover to the generic writer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { written } from './lines-written.js';
import { writeEventLine } from '../../src/sinks/event-bytes.js';
import {
  asEvent,
  connectionDraft,
  connectionEvent,
  type Emitted,
  type VerdictEvent,
} from '../../src/correlate/event.js';
import { RecommendationMemo } from '../../src/correlate/event-recommendation.js';
import { Observations } from '../../src/correlate/recommend.js';
import type { Session, Verdict } from '../../src/correlate/model.js';
import { connection } from './draft-arbitraries.js';

/** what the writer wrote, and JSON.stringify of each value's event object (or of `refs`, built apart) */
function both(values: readonly Emitted[], refs: readonly Emitted[] = values): { got: string; want: string } {
  const { got } = written(writeEventLine, values);
  return { got, want: refs.map((v) => `${JSON.stringify(asEvent(v))}\n`).join('') };
}

test('property: a connection event is written as JSON.stringify writes it, for runs of random events', () => {
  fc.assert(
    fc.property(fc.array(connection, { minLength: 1, maxLength: 20 }), (rs) => {
      // one Observations for the run: the recommendations' measured idle time changes from event to event
      const obs = new Observations();
      const memo = new RecommendationMemo();
      // the reference events are built at the same moment without the run's memo: a recommendation it kept
      // after what it quotes changed would show
      const refs: VerdictEvent[] = [];
      const drafts = rs.map(({ s, v, th, idle }) => {
        obs.add(v.cause, idle);
        refs.push(connectionEvent({ s, v, th }, obs, undefined));
        return connectionDraft({ s, v, th }, obs, undefined, memo);
      });
      const { got, want } = both(drafts, refs);
      assert.equal(got, want);
    }),
    { numRuns: 300 },
  );
});

test('events the pieces do not cover are written whole by the generic writer: app errors, unknown fields, long lines, event objects', () => {
  const obs = new Observations();
  const s: Session = {
    accept: 1_763_890_000_000,
    end: 1_763_890_001_000,
    state: 'cD',
    clientIp: '10.0.2.9',
    clientPort: 33579,
    frontend: 'mysql_ro',
    backend: 'mariadb_replicas',
    server: 'replica1',
    mode: 'tcp',
    pid: 3968,
    status: undefined,
    bytesRead: 89,
    ev: { kind: 'haproxy', file: 'h.log', offset: 7, text: 'line', t: 1_763_890_001_000 },
    claimed: false,
    termination: undefined,
    backendSource: { ip: '10.0.0.1', port: 40000 },
    request: undefined,
  };
  const v: Verdict = {
    cause: 'haproxy_timeout_client',
    terminatedBy: 'haproxy',
    confidence: 0.9,
    why: 'why',
    evidence: [s.ev],
  };
  const withSource = connectionDraft({ s, v, th: undefined }, obs, undefined);
  const plain = connectionDraft({ s: { ...s, backendSource: undefined }, v, th: undefined }, obs, undefined);
  // a line longer than the room the pieces reserve (json-bytes.ts ROOM)
  const long = connectionDraft(
    { s: { ...s, backendSource: undefined, ev: { ...s.ev, text: 'é'.repeat(70_000) } }, v, th: undefined },
    obs,
    undefined,
  );
  const object = plain.toEvent();
  const app = {
    ...object,
    goneaway: { ...object.goneaway, kind: 'app_error' as const },
    error: { code: '2006', message: 'gone' },
  };
  const { got, want } = both([withSource, plain, app, long, object, plain]);
  assert.equal(got, want);
  assert.ok(
    got.includes('"backend_source":{"ip":"10.0.0.1","port":40000}'),
    'the field the pieces do not know is kept',
  );
  assert.ok(got.includes('é'.repeat(70_000)), 'the long line is written whole');
});
