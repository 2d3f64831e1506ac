/**
 * `output.elasticsearch` / `output.kibana` (src/config/output-schema.ts): every problem names key, value
 * and fix like every other key, and a secret is never printed — not in a validation error, not in a
 * failed request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateConfig } from '../../src/config/schema.js';
import { readSecret, resolveAuth } from '../../src/config/secrets.js';
import { isGoneawayError } from '../../src/errors.js';
import { goneaway } from '../cli/paths.js';
import { run, scenario } from '../sinks/elasticsearch/stand-in.js';

const SECRET = 'pw-Zq8wX2-never-shown';
const dir = () => mkdtempSync(path.join(tmpdir(), 'goneaway-out-'));

test('defaults: namespace default, tls_verify on, max_retry_time 5 min, retention 90 days', () => {
  const r = validateConfig({ output: { elasticsearch: { hosts: ['https://es1:9200'] } } });
  assert.ok(r.ok);
  if (!r.ok) return;
  const es = r.config.output.elasticsearch!;
  assert.equal(es.namespace, 'default');
  assert.equal(es.tls_verify, true);
  assert.equal(es.max_retry_time, 5 * 60_000);
  assert.equal(es.retention, 90 * 86_400_000);
});

test('each wrong key is named with its value and a fix; a secret value is not shown', () => {
  const r = validateConfig({
    output: {
      elasticsearch: { hosts: ['es1:9200'], namespace: 'prod-eu', tls_verify: 'no', password: 42, username: 'u' },
      kibana: { url: 'https://kibana:5601', usernme: 'x' },
    },
  });
  assert.equal(r.ok, false);
  if (r.ok) return;
  const byKey = new Map(r.problems.map((p) => [p.key, p]));
  assert.match(byKey.get('output.elasticsearch.hosts[0]')!.message, /fix: write the Elasticsearch address/);
  assert.equal(byKey.get('output.elasticsearch.hosts[0]')!.value, '"es1:9200"');
  assert.match(byKey.get('output.elasticsearch.namespace')!.message, /no "-"/);
  assert.match(byKey.get('output.elasticsearch.tls_verify')!.message, /expected boolean/);
  assert.equal(byKey.get('output.elasticsearch.password')!.value, '(secret, not shown)');
  assert.match(byKey.get('output.kibana')!.message, /unknown key.*"usernme"/);
});

test('an API key and a user at once, or a user without a password, are refused', () => {
  const r = validateConfig({
    output: { elasticsearch: { hosts: ['https://es1:9200'], api_key: 'k', username: 'u', password: 'p' } },
  });
  assert.equal(r.ok, false);
  const r2 = validateConfig({ output: { kibana: { url: 'https://kibana:5601', username: 'u' } } });
  assert.equal(r2.ok, false);
  if (!r2.ok) assert.match(r2.problems[0]!.message, /fix: add password/);
});

test('secrets come from ${ENV_VAR}, file: or a *_file key; an unset variable is a coded error without a value', () => {
  const d = dir();
  writeFileSync(path.join(d, 'pw'), `${SECRET}\n`);
  process.env.GA_TEST_SECRET = SECRET;
  assert.equal(readSecret('k', '${GA_TEST_SECRET}'), SECRET);
  assert.equal(readSecret('k', `file:${path.join(d, 'pw')}`), SECRET);
  assert.deepEqual(resolveAuth({ username: 'u', password_file: path.join(d, 'pw') }, 'output.kibana'), {
    username: 'u',
    password: SECRET,
  });
  delete process.env.GA_TEST_UNSET;
  assert.throws(
    () => readSecret('output.elasticsearch.api_key', '${GA_TEST_UNSET}'),
    (e: unknown) => isGoneawayError(e) && e.code === 'GA_ERR_SECRET' && /GA_TEST_UNSET/.test(e.oneLine()),
  );
});

test('goneaway validate reports an unset secret variable', () => {
  const d = dir();
  const f = path.join(d, 'c.yaml');
  writeFileSync(
    f,
    'output:\n  elasticsearch:\n    hosts: [https://es1:9200]\n    api_key: ${GA_TEST_NOT_SET_EITHER}\n',
  );
  const r = goneaway(['validate', '--no-files', '--config', f]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /output\.elasticsearch\.api_key.*GA_TEST_NOT_SET_EITHER, which is not set/);
});

test('the password reaches Elasticsearch as Basic auth and never stderr, even when the cluster refuses it', async () => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers.authorization ?? '');
    req.resume();
    req.on('end', () => {
      res.writeHead(401, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
      res.end(
        JSON.stringify({
          error: { type: 'security_exception', reason: 'unable to authenticate user [u]' },
          status: 401,
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const d = dir();
    writeFileSync(path.join(d, 'pw'), SECRET);
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const cfg = path.join(d, 'c.yaml');
    writeFileSync(
      cfg,
      JSON.stringify({
        output: {
          elasticsearch: {
            hosts: [url],
            username: 'u',
            password_file: path.join(d, 'pw'),
            leftover_file: path.join(d, 'left.ndjson'),
          },
        },
      }),
    );
    const r = await run([...scenario('01_haproxy_timeout_client'), '--config', cfg]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /GA_ERR_ES_REQUEST: .*HTTP 401: unable to authenticate user \[u\]/);
    assert.ok(!r.stderr.includes(SECRET) && !r.stdout.includes(SECRET));
    assert.ok(seen.includes(`Basic ${Buffer.from(`u:${SECRET}`).toString('base64')}`));
  } finally {
    server.close();
  }
});
