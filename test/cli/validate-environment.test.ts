/**
 * `goneaway validate` checks the environment the config names (issue 14): input files, the agent's state
 * directory, Elasticsearch (the recording stand-in ../shared/tools/es-stub.mjs, a closed port, a server
 * answering 401 as Elasticsearch's security layer does) and Kibana's /api/status. The tests run as root in
 * CI, where permission bits stop nothing: unreadable and unwritable are made with a path through a regular
 * file (ENOTDIR) and a directory where a file is expected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HAVE_STUB, freePort, run, startStub } from '../sinks/elasticsearch/stand-in.js';

function workDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ga-validate-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** a config file (JSON is YAML) in `dir` */
function config(dir: string, c: Record<string, unknown>): string {
  const f = path.join(dir, 'goneaway.yaml');
  writeFileSync(f, JSON.stringify(c));
  return f;
}

/** stderr lines that report a problem with `code` */
const lines = (stderr: string, code: string) => stderr.split('\n').filter((l) => l.includes(`${code}:`));

test('readable inputs, a writable state dir and no outputs: valid, exit 0', async (t) => {
  const dir = workDir(t);
  writeFileSync(path.join(dir, 'haproxy.log'), '');
  const f = config(dir, {
    haproxy: { files: [path.join(dir, 'haproxy.log')] },
    // a free port, not the default 127.0.0.1:9477: validate binds agent.http, which may be taken on this machine
    agent: { state_dir: path.join(dir, 'state', 'nested'), http: `127.0.0.1:${await freePort()}` },
  });
  const r = await run(['validate', '--config', f]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /valid; environment checked/);
  // the probe left nothing behind: the state dir it created is gone again
  assert.equal(existsSync(path.join(dir, 'state')), false);
});

test('an input under a regular file or naming a directory is an error naming key, path and fix; exit 3', async (t) => {
  const dir = workDir(t);
  writeFileSync(path.join(dir, 'plain'), 'x\n');
  mkdirSync(path.join(dir, 'logs'));
  const f = config(dir, {
    haproxy: { files: [path.join(dir, 'plain', 'haproxy.log')] },
    mysql: { instances: [{ server: 'replica1', error_log: [path.join(dir, 'logs')] }] },
  });
  const r = await run(['validate', '--config', f]);
  assert.equal(r.code, 3, r.stderr);
  const bad = lines(r.stderr, 'GA_ERR_FILE_UNREADABLE');
  assert.equal(bad.length, 2, r.stderr);
  assert.match(bad[0]!, /haproxy\.files\[0\] = ".*plain\/haproxy\.log".*not a directory.*fix:/);
  assert.match(bad[1]!, /mysql\.instances\[0\]\.error_log\[0\] = ".*logs".*is a directory.*fix: name the log files/);
  assert.match(r.stderr, /the file itself is valid/);
});

test(
  'a state_dir under /proc is GA_ERR_STATE_DIR at once (a recursive mkdir there never returned)',
  { skip: !existsSync('/proc/self') },
  async (t) => {
    const dir = workDir(t);
    const f = config(dir, { agent: { state_dir: '/proc/goneaway-nope/state', http: `127.0.0.1:${await freePort()}` } });
    const r = await run(['validate', '--config', f]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /GA_ERR_STATE_DIR: .*agent\.state_dir = "\/proc\/goneaway-nope\/state".*fix:/);
  },
);

test('a glob that matches nothing is a warning (files may appear later), not an error', async (t) => {
  const dir = workDir(t);
  const f = config(dir, {
    app: { files: [path.join(dir, 'app-*.log')] },
    agent: { http: `127.0.0.1:${await freePort()}` },
  });
  const r = await run(['validate', '--config', f]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: .*app\.files\[0\] = ".*app-\*\.log": the glob matches no file now.*appear later/);
});

test('what a glob matches must be readable: a matched directory entry that is a directory is not taken', async (t) => {
  const dir = workDir(t);
  writeFileSync(path.join(dir, 'a.log'), '');
  mkdirSync(path.join(dir, 'b.log'));
  const f = config(dir, { haproxy: { files: [path.join(dir, '*.log')] } });
  const r = await run(['validate', '--config', f]);
  // tinyglobby's onlyFiles leaves the directory out, as the agent's scan does: one readable match, no warning
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /warning|GA_ERR/);
});

test('a state_dir under a regular file cannot be created: GA_ERR_STATE_DIR with key and fix', async (t) => {
  const dir = workDir(t);
  writeFileSync(path.join(dir, 'plain'), 'x\n');
  const f = config(dir, { agent: { state_dir: path.join(dir, 'plain', 'state') } });
  const r = await run(['validate', '--config', f]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(lines(r.stderr, 'GA_ERR_STATE_DIR')[0] ?? '', /agent\.state_dir = ".*plain\/state".*fix:/);
});

test('an existing state_dir is written to and left as found', async (t) => {
  const dir = workDir(t);
  const state = path.join(dir, 'state');
  mkdirSync(state);
  writeFileSync(path.join(state, 'checkpoints.json'), '{}');
  const f = config(dir, { agent: { state_dir: state, http: `127.0.0.1:${await freePort()}` } });
  const r = await run(['validate', '--config', f]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(state), ['checkpoints.json']);
});

test('--no-env checks the file only: a missing input, a bad state dir and a closed port pass', async (t) => {
  const dir = workDir(t);
  writeFileSync(path.join(dir, 'plain'), 'x\n');
  const f = config(dir, {
    haproxy: { files: [path.join(dir, 'missing.log')] },
    agent: { state_dir: path.join(dir, 'plain', 'state'), http: `127.0.0.1:${await freePort()}` },
    output: { elasticsearch: { hosts: [`http://127.0.0.1:${await freePort()}`] } },
  });
  const r = await run(['validate', '--no-env', '--config', f]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /--no-env/);
  // the same file with the environment checked finds all three
  const full = await run(['validate', '--config', f]);
  assert.equal(full.code, 3, full.stderr);
  assert.match(full.stderr, /3 problem\(s\) in the environment/);
});

test('a syntax problem is exit 1 even when the environment has problems too', async (t) => {
  const dir = workDir(t);
  const f = config(dir, {
    haproxy: { log_format: '%[bad', files: [path.join(dir, 'missing.log')] },
  });
  const r = await run(['validate', '--config', f]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /GA_ERR_LOG_FORMAT: .*haproxy\.log_format = "%\[bad"/);
  assert.match(r.stderr, /GA_ERR_FILE_UNREADABLE/);
});

test('Elasticsearch on a closed port: GA_ERR_ES_UNREACHABLE naming the host key', async (t) => {
  const dir = workDir(t);
  const url = `http://127.0.0.1:${await freePort()}`;
  const f = config(dir, { output: { elasticsearch: { hosts: [url] } } });
  const r = await run(['validate', '--config', f]);
  assert.equal(r.code, 3, r.stderr);
  const bad = lines(r.stderr, 'GA_ERR_ES_UNREACHABLE');
  assert.equal(bad.length, 1, r.stderr);
  assert.match(bad[0]!, /output\.elasticsearch\.hosts\[0\] = ".*".*ECONNREFUSED.*fix: check the URL/);
});

for (const version of ['8.15.0', '9.1.0']) {
  test(`Elasticsearch ${version} (the stand-in) is reachable and accepted; Kibana's /api/status too`, async (t) => {
    if (!HAVE_STUB) return t.skip('no ../shared/tools/es-stub.mjs here');
    const stub = await startStub(version);
    t.after(() => stub.stop());
    const dir = workDir(t);
    const f = config(dir, { output: { elasticsearch: { hosts: [stub.url] }, kibana: { url: stub.url } } });
    const r = await run(['validate', '--config', f]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`hosts\\[0\\]: Elasticsearch ${version.replace(/\./g, '\\.')}`));
    assert.match(r.stdout, /output\.kibana\.url: Kibana available/);
  });
}

test('Elasticsearch 7 is named as the wrong version, not as unreachable', async (t) => {
  if (!HAVE_STUB) return t.skip('no ../shared/tools/es-stub.mjs here');
  const stub = await startStub('7.17.0');
  t.after(() => stub.stop());
  const dir = workDir(t);
  const r = await run(['validate', '--config', config(dir, { output: { elasticsearch: { hosts: [stub.url] } } })]);
  assert.equal(r.code, 3, r.stderr);
  const line = lines(r.stderr, 'GA_ERR_ES_VERSION')[0] ?? '';
  assert.match(line, /7\.17\.0.*8\.x and 9\.x/);
  // the message is not prefixed with the URL again (it was "= URL: URL: URL runs Elasticsearch 7.17.0")
  assert.ok(!line.includes(`${stub.url}: ${stub.url}`), line);
});

/**
 * A server answering as Elasticsearch's security layer does: 401 with WWW-Authenticate and a
 * security_exception body, as a real 8.x cluster answered `GET /` without credentials
 * (https://github.com/elastic/elasticsearch/issues/21399: "missing authentication credentials for REST
 * request [/]"); 403 plays valid credentials lacking the privilege (`action [cluster:monitor/main] is
 * unauthorized`). Kibana's /api/status gets the same status.
 */
async function refusing(status: number): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const reason =
      status === 401
        ? `missing authentication credentials for REST request [${req.url ?? '/'}]`
        : 'action [cluster:monitor/main] is unauthorized for user [goneaway]';
    const header = { 'WWW-Authenticate': 'Basic realm="security" charset="UTF-8"' };
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-elastic-product': 'Elasticsearch',
      ...(status === 401 ? header : {}),
    });
    const error = { type: 'security_exception', reason, header };
    res.end(JSON.stringify({ error: { root_cause: [error], ...error }, status }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

for (const status of [401, 403]) {
  test(`Elasticsearch and Kibana answering ${status}: GA_ERR_*_AUTH, told apart from unreachable`, async (t) => {
    const { url, server } = await refusing(status);
    t.after(() => server.close());
    const dir = workDir(t);
    const es = { hosts: [url], username: 'goneaway', password: 'wrong' };
    const f = config(dir, { output: { elasticsearch: es, kibana: { url } } });
    const r = await run(['validate', '--config', f]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(lines(r.stderr, 'GA_ERR_ES_AUTH')[0] ?? '', new RegExp(`HTTP ${status}.*fix:`));
    assert.match(lines(r.stderr, 'GA_ERR_KIBANA_AUTH')[0] ?? '', new RegExp(`HTTP ${status}`));
    assert.equal(lines(r.stderr, 'GA_ERR_ES_UNREACHABLE').length, 0, r.stderr);
    // the password is never printed
    assert.doesNotMatch(r.stderr + r.stdout, /wrong/);
    if (status === 403) assert.match(r.stderr, /privilege monitor/);
  });
}
