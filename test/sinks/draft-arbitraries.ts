/**
 * Random closures, verdicts and threads of `connection` events (fast-check), for the tests of the writers that write
 * the events from their drafts (event-bytes.ts for `correlate`, elasticsearch/verdict-bytes.ts for the agent).
 */
import fc from 'fast-check';
import { CAUSES, type Cause } from '../../src/correlate/causes.js';
import type { Evidence, Session, Thread, Verdict } from '../../src/correlate/model.js';

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
export const connection = fc
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
