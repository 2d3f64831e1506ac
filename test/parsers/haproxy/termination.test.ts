import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTermination } from '../../../parsers/haproxy/index.js';

test('first char = initiator and side, second char = phase (HAP-DOC §8.5)', () => {
  const table: Array<[string, string, string, string]> = [
    ['--', 'normal', 'complete', 'none'],
    ['cD', 'client_timeout', 'data', 'client'],
    ['CD', 'client_abort', 'data', 'client'],
    ['sD', 'server_timeout', 'data', 'server'],
    ['SD', 'server_abort', 'data', 'server'],
    ['sC', 'server_timeout', 'connect', 'server'],
    ['SC', 'server_abort', 'connect', 'server'],
    ['sQ', 'server_timeout', 'queue', 'server'],
    ['sH', 'server_timeout', 'headers', 'server'],
    ['cR', 'client_timeout', 'request', 'client'],
    ['CT', 'client_abort', 'tarpit', 'client'],
    ['CL', 'client_abort', 'last_data', 'client'],
    ['PR', 'proxy_deny', 'request', 'proxy'],
    ['LR', 'proxy_local', 'request', 'proxy'],
    ['RC', 'proxy_resource', 'connect', 'proxy'],
    ['ID', 'internal_error', 'data', 'proxy'],
    ['D-', 'server_down', 'complete', 'proxy'],
    ['U-', 'server_up_backup_killed', 'complete', 'proxy'],
    ['K-', 'admin_kill', 'complete', 'proxy'],
  ];
  for (const [s, initiator, phase, side] of table) {
    const d = decodeTermination(s);
    assert.deepEqual([d.state, d.initiator, d.phase, d.side], [s, initiator, phase, side], s);
    assert.ok(d.description.length > 10, s);
  }
});

test('descriptions answer "who hung up" for the lab states', () => {
  assert.match(decodeTermination('cD').description, /`timeout client` expired during the data phase/);
  assert.match(decodeTermination('sD').description, /`timeout server`/);
  assert.match(decodeTermination('SD').description, /server closed or reset/);
  assert.match(decodeTermination('K-').description, /shutdown session.*hard-stop-after|hard-stop-after/);
  assert.match(decodeTermination('D-').description, /marked DOWN.*on-marked-down shutdown-sessions/);
  assert.match(decodeTermination('D-').description, /docs\/lab-findings\.md/);
  assert.match(decodeTermination('--').description, /KILL/);
  assert.doesNotMatch(decodeTermination('cD').description, /docs\/lab-findings\.md/, 'caveats only on -- and D-');
});

test('4-char states keep the 4 chars and describe the cookie', () => {
  const d = decodeTermination('--VN');
  assert.equal(d.state, '--VN');
  assert.equal(d.initiator, 'normal');
  assert.match(d.description, /valid cookie/);
  assert.equal(decodeTermination('SC--').phase, 'connect');
});

test('unknown characters are "unknown", never an exception; results are independent objects', () => {
  const d = decodeTermination('Z?');
  assert.equal(d.initiator, 'unknown');
  assert.equal(d.phase, 'unknown');
  assert.equal(decodeTermination('').initiator, 'unknown');
  const a = decodeTermination('cD');
  (a as { description: string }).description = 'mutated';
  assert.notEqual(decodeTermination('cD').description, 'mutated');
});
