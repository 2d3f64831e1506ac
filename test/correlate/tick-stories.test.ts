/**
 * A time-only join decides its candidate closures (time-candidates.ts `storyFor`): the errors due at one tick are
 * weighed first (decide-together.ts) and then joined for real, and a closure's decision is made once for both while
 * no claim was applied on its server (claims.ts `claimsMark`); a claim there (another error took the thread) makes
 * it decided again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0, errorAt } from './scenario.js';
import { Store } from '../../src/correlate/store.js';
import { ingestGeneral } from '../../src/correlate/ingest-mysql.js';
import { decideSession } from '../../src/correlate/rules.js';
import { applyClaims, threadOfClaims } from '../../src/correlate/claims.js';
import { closeTickStories, openTickStories, storyFor } from '../../src/correlate/time-candidates.js';
import type { Session } from '../../src/correlate/model.js';

const cfg = { skew: 1000, maxLag: 900_000, settle: 5000 };

/** two sessions accepted in one second on replica1, and one app thread that connected then: it fits both */
function twoSessionsOneThread(): { store: Store; sessions: Session[] } {
  const src = new Incident()
    .connect('replica1', T0, 5)
    .session({ port: 40001, accept: T0 + 100, tt: 3000, state: 'cD' })
    .session({ port: 40002, accept: T0 + 200, tt: 3000, state: 'cD' })
    .sources();
  const store = new Store();
  for (const l of src.mysqlGeneral) for (const r of l) ingestGeneral(store, r.server, r.rec);
  for (const l of src.haproxy) for (const r of l) store.addSession(r.rec);
  const sessions: Session[] = [];
  store.sessions.eachInRange(-Infinity, Infinity, (s) => sessions.push(s));
  return { store, sessions };
}

test('a candidate closure is decided once in a tick while nothing on its server was claimed', () => {
  const { store, sessions } = twoSessionsOneThread();
  const e = errorAt(T0 + 4000);
  openTickStories();
  try {
    const first = storyFor(store, sessions[0]!, cfg, e);
    assert.ok(threadOfClaims(first.claims), 'the thread that connected in the accept second is mapped');
    assert.equal(storyFor(store, sessions[0]!, cfg, e), first);
  } finally {
    closeTickStories();
  }
});

test("a candidate closure is decided again once its thread was claimed by another closure's decision", () => {
  const { store, sessions } = twoSessionsOneThread();
  const [a, b] = sessions as [Session, Session];
  const e = errorAt(T0 + 4000);
  openTickStories();
  try {
    const th = threadOfClaims(storyFor(store, a, cfg, e).claims);
    assert.ok(th);
    // another error's join keeps b's decision, which binds the thread to b
    applyClaims([{ kind: 'thread', thread: th, session: b }]);
    const again = storyFor(store, a, cfg, e);
    assert.notEqual(threadOfClaims(again.claims), th, 'the thread now bound to another session is not mapped again');
    assert.equal(again.verdict.why, decideSession(store, a, cfg, e).verdict.why);
  } finally {
    closeTickStories();
  }
});
