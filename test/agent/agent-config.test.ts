/** The agent's configuration keys: defaults, sizes with units, and errors that name the key, value and fix. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, parseBytes, validateConfig } from '../../src/config/schema.js';
import { agentInputs } from '../../src/agent/inputs.js';

test('agent keys have their documented defaults', () => {
  assert.deepEqual(DEFAULT_CONFIG.agent, {
    state_dir: '/var/lib/goneaway',
    start_at: 'end',
    index_records: true,
    max_record_bytes: 1 << 20,
    spool_max_bytes: 1 << 30,
    http: '127.0.0.1:9477',
    health_stale_after: 60_000,
    idle_after: 5000,
    max_resident_records: 20_000,
  });
});

test('sizes: units and plain byte counts', () => {
  assert.equal(parseBytes('64KiB'), 65536);
  assert.equal(parseBytes('10MB'), 10_000_000);
  assert.equal(parseBytes('1 gib'), 1 << 30);
  assert.equal(parseBytes(4096), 4096);
  assert.equal(parseBytes('lots'), undefined);
  assert.equal(parseBytes(0), undefined);
});

test('agent config errors name the key, the value and the fix', () => {
  const r = validateConfig({
    agent: { start_at: 'middle', max_record_bytes: '12', http: 'localhost', spool_max_bytes: 'big', extra: 1 },
  });
  assert.equal(r.ok, false);
  if (r.ok) return;
  const byKey = new Map(r.problems.map((p) => [p.key, p]));
  assert.equal(byKey.get('agent.start_at')!.value, '"middle"');
  assert.match(byKey.get('agent.start_at')!.message, /fix: write "beginning" or "end"/);
  assert.match(byKey.get('agent.max_record_bytes')!.message, /at least 1024 bytes; fix:/);
  assert.match(byKey.get('agent.spool_max_bytes')!.message, /fix:/);
  assert.match(byKey.get('agent.http')!.message, /fix: write e.g. "127.0.0.1:9477"/);
  assert.match(byKey.get('agent')!.message, /unknown key\(s\) "extra"/);
  const small = validateConfig({ agent: { max_resident_records: 500 } });
  assert.equal(small.ok, false);
  if (!small.ok)
    assert.deepEqual([small.problems[0]!.key, small.problems[0]!.value], ['agent.max_resident_records', '500']);
  if (!small.ok) assert.match(small.problems[0]!.message, /below 6000; fix:/);
  const ok = validateConfig({ agent: { http: '[::1]:9100', max_record_bytes: '64KiB', start_at: 'beginning' } });
  assert.ok(ok.ok);
  if (ok.ok) assert.equal(ok.config.agent.max_record_bytes, 65536);
  const bound = validateConfig({ agent: { max_resident_records: 20_000 } });
  assert.ok(bound.ok && bound.config.agent.max_resident_records === 20_000);
});

test('app.files are read as correlate reads them: CLIENTS=FILE strings, mysql_user and frontends', () => {
  const r = validateConfig({
    app: {
      files: [
        '10.0.0.5,10.0.0.6=/var/log/shop.log',
        { path: '/var/log/api.log', mysql_user: 'api', frontends: ['mysql_ro'] },
        { path: '/var/log/plain.log' },
      ],
    },
  });
  assert.ok(r.ok);
  if (!r.ok) return;
  const apps = agentInputs(r.config).filter((i) => i.kind === 'app');
  const byPath = new Map(apps.map((a) => [a.paths[0], a]));
  assert.deepEqual([...byPath.get('/var/log/shop.log')!.clients!], ['10.0.0.5', '10.0.0.6']);
  assert.deepEqual([...byPath.get('/var/log/api.log')!.users!], ['api']);
  assert.deepEqual([...byPath.get('/var/log/api.log')!.frontends!], ['mysql_ro']);
  // no clients given is no restriction (an empty set would rule every session out)
  assert.equal(byPath.get('/var/log/plain.log')!.clients, undefined);
});
