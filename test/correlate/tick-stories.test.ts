/**
 * A time-only join decides its candidate closures (time-candidates.ts `storyFor`): the errors due at one tick are
 * weighed first (decide-together.ts) and then joined for real, and a closure's decision is made once for both while
 * no claim was applied on its server (claims.ts `ClaimMarks`); a claim there (another error took the thread) makes
 * it decided again. Each window (Store) keeps its own: another window's tick and claims change nothing of it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Incident, T0, errorAt } from './scenario.js';
import { Store } from '../../src/correlate/store.js';
import { ingestGeneral } from '../../src/correlate/ingest-mysql.js';
import { decideSession } from '../../src/correlate/rules.js';
import { applyClaims, threadOfClaims } from '../../src/correlate/claims.js';
import { storyFor } from '../../src/correlate/time-candidates.js';
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
  store.stories.open();
  try {
    const first = storyFor(store, sessions[0]!, cfg, e);
    assert.ok(threadOfClaims(first.claims), 'the thread that connected in the accept second is mapped');
    assert.equal(storyFor(store, sessions[0]!, cfg, e), first);
  } finally {
    store.stories.close();
  }
});

test("a candidate closure is decided again once its thread was claimed by another closure's decision", () => {
  const { store, sessions } = twoSessionsOneThread();
  const [a, b] = sessions as [Session, Session];
  const e = errorAt(T0 + 4000);
  store.stories.open();
  try {
    const th = threadOfClaims(storyFor(store, a, cfg, e).claims);
    assert.ok(th);
    // another error's join keeps b's decision, which binds the thread to b
    applyClaims(store.claims, [{ kind: 'thread', thread: th, session: b }]);
    const again = storyFor(store, a, cfg, e);
    assert.notEqual(threadOfClaims(again.claims), th, 'the thread now bound to another session is not mapped again');
    assert.equal(again.verdict.why, decideSession(store, a, cfg, e).verdict.why);
  } finally {
    store.stories.close();
  }
});

test("claims applied in another window leave a window's kept decisions standing", () => {
  const one = twoSessionsOneThread();
  const other = twoSessionsOneThread();
  const e = errorAt(T0 + 4000);
  one.store.stories.open();
  try {
    const first = storyFor(one.store, one.sessions[0]!, cfg, e);
    // the other window (same server name, its own thread) keeps a decision that binds its thread
    const [oa, ob] = other.sessions as [Session, Session];
    const th = threadOfClaims(decideSession(other.store, oa, cfg, e).claims);
    assert.ok(th);
    applyClaims(other.store.claims, [{ kind: 'thread', thread: th, session: ob }]);
    assert.equal(storyFor(one.store, one.sessions[0]!, cfg, e), first, 'nothing this window reads was claimed');
  } finally {
    one.store.stories.close();
  }
});

test('a tick open in another window keeps no decision in this one', () => {
  const one = twoSessionsOneThread();
  const other = twoSessionsOneThread();
  const e = errorAt(T0 + 4000);
  other.store.stories.open();
  try {
    const s = one.sessions[0]!;
    assert.notEqual(storyFor(one.store, s, cfg, e), storyFor(one.store, s, cfg, e));
  } finally {
    other.store.stories.close();
  }
});
