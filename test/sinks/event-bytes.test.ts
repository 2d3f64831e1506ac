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
  RecommendationMemo,
  type Emitted,
  type VerdictEvent,
} from '../../src/correlate/event.js';
import { Observations } from '../../src/correlate/recommend.js';
import { CAUSES, type Cause } from '../../src/correlate/causes.js';
import type { Evidence, Session, Thread, Verdict } from '../../src/correlate/model.js';

/** what the writer wrote, and JSON.stringify of each value's event object (or of `refs`, built apart) */
function both(values: readonly Emitted[], refs: readonly Emitted[] = values): { got: string; want: string } {
  const { got } = written(writeEventLine, values);
  return { got, want: refs.map((v) => `${JSON.stringify(asEvent(v))}\n`).join('') };
}

// few values each, so that the cached pieces are hit, and strings JSON escapes or encodes differently
const text = fc.oneof(
  fc.constantFrom('replica1', 'mysql_ro', '/var/log/haproxy.log', 'a"b\\c', 'é\u0000', '\ud800', 'x'.repeat(40)),
  fc.string({ maxLength: 12 }),
);
const t = fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 });
const evidence = fc.record({
  kind: fc.constantFrom<Evidence['kind']>('haproxy', 'mysql_error', 'mysql_general'),
  file: text,
  offset: fc.nat(1e9),
  text: fc.oneof(text, fc.string({ maxLength: 300 })),
  t: fc.option(t, { nil: undefined }),
});
const session = fc
  .record({
    accept: t,
    tt: fc.nat(900_000),
    state: fc.constantFrom('cD', 'sD', 'SD', '--', 'CD', 'K-', 'D-', 'é-'),
    clientIp: fc.oneof(fc.constantFrom('10.0.2.9', '-', 'unix'), text),
    clientPort: fc.integer({ min: -1, max: 65535 }),
    frontend: text,
    backend: text,
    server: text,
    pid: fc.option(fc.nat(99999), { nil: undefined }),
    bytesRead: fc.option(fc.oneof(fc.nat(), fc.double()), { nil: undefined }),
    ev: evidence,
  })
  .map((r): Session => ({
    ...r,
    end: r.accept + r.tt,
    mode: 'tcp',
    status: undefined,
    claimed: false,
    termination: undefined,
    backendSource: undefined,
    request: undefined,
  }));
const thread = fc.option(
  fc.record({
    instance: text,
    id: fc.nat(1e6),
    user: fc.option(text, { nil: undefined }),
    connectT: fc.option(t, { nil: undefined }),
    lastQueryT: fc.option(t, { nil: undefined }),
  }),
  { nil: undefined },
);
const causes = Object.keys(CAUSES) as Cause[];
const connection = fc
  .record({
    s: session,
    cause: fc.constantFrom(...causes),
    confidence: fc.oneof(fc.constantFrom(0.2, 0.55, 0.9, 0.95, 1), fc.double({ min: 0, max: 1 })),
    why: fc.oneof(fc.constantFrom('normal termination', "HAProxy's `timeout client` expired (cD)"), text),
    // the session's own line (its entry then has no text) and others
    own: fc.boolean(),
    more: fc.array(evidence, { maxLength: 3 }),
    th: thread,
    idle: fc.option(fc.nat(3_600_000), { nil: undefined }),
  })
  .map(({ s, cause, confidence, why, own, more, th, idle }) => {
    const terminatedBy = CAUSES[cause].terminator;
    const v: Verdict = { cause, terminatedBy, confidence, why, evidence: own ? [s.ev, ...more] : more };
    return { s, v, th: th as Thread | undefined, idle };
  });

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
