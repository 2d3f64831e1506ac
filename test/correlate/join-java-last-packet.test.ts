import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Doc } from '../../parsers/types.js';
import { Incident, T0, ga } from './scenario.js';

// Connector/J says how long ago the dead connection last received a packet ("The last packet
// successfully received from the server was 55,000 milliseconds ago", docs/client-errors.md §3): its
// session was open then. A Java log carries no port and no thread id, so among earlier closures
// this is what tells the app's connection from the others.
const S = T0 + 10_000;
const port = (e: Doc) => (e.source as Doc | undefined)?.port;

function incident(lastReceivedMs?: number) {
  return (
    new Incident()
      // the app's pooled connection: last used at S + 5 s, closed by timeout client 5 s later
      .session({ port: 40001, accept: S, tt: 10_000, state: 'cD' })
      // another client's connection, closed later by wait_timeout: newer, so a time-only guess takes it
      .session({ port: 40002, accept: S + 35_000, tt: 5_000, state: 'SD' })
      .javaLinkFailure(S + 60_000, lastReceivedMs)
      .session({ port: 40003, accept: S + 90_000, tt: 100, state: '--' })
  );
}

test('the session open when the driver last heard from the server is the one, not the newest closure', () => {
  const { appErrors } = incident(55_000).run();
  assert.equal(appErrors.length, 1);
  assert.equal(port(appErrors[0]!), 40001);
  assert.equal(ga(appErrors[0]!).cause, 'haproxy_timeout_client');
  assert.equal((ga(appErrors[0]!).join as Doc).candidates, 1, 'the other closure is ruled out, not merely outweighed');
  // without the timing sentence the newest earlier closure is taken (the behaviour this improves on)
  assert.equal(port(incident().run().appErrors[0]!), 40002);
});

test('a timing no closure fits leaves the error unexplained rather than joined to a session closed before it', () => {
  // 5 s ago: the connection was alive at S + 55 s, after both closures
  const { appErrors, connections } = incident(5_000).run();
  assert.equal(ga(appErrors[0]!).cause, 'unknown');
  assert.equal(connections.length, 2);
});
