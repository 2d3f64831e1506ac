/**
 * `agent.idle_after`: a duration (5 s by default), 1 s at least, and a warning from `goneaway validate` when it is
 * too long for the agent's promise (a verdict indexed at most `correlate.settle` + 15 s after its line:
 * src/config/idle-after.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configSchema, validateConfig } from '../../src/config/schema.js';
import { idleAfterWarning, latestVerdict } from '../../src/config/idle-after.js';
import { run } from '../sinks/elasticsearch/stand-in.js';

test('agent.idle_after takes the duration syntax of the other duration keys', () => {
  for (const [v, ms] of [
    ['8s', 8000],
    ['1500ms', 1500],
    ['0.5m', 30_000],
    [2000, 2000],
  ] as const) {
    const r = validateConfig({ agent: { idle_after: v } });
    assert.ok(r.ok, JSON.stringify(v));
    if (r.ok) assert.equal(r.config.agent.idle_after, ms);
  }
});

test('a bad agent.idle_after is a problem naming the key, the value and the fix', () => {
  for (const [v, why] of [
    ['soon', /not a duration; fix: write idle_after as e\.g\. "2s"/],
    ['500ms', /below 1s; fix: write at least "1s"/],
    [0, /below 1s; fix:/],
  ] as const) {
    const r = validateConfig({ agent: { idle_after: v } });
    assert.equal(r.ok, false, JSON.stringify(v));
    if (r.ok) continue;
    assert.deepEqual([r.problems[0]!.key, r.problems[0]!.value], ['agent.idle_after', JSON.stringify(v)]);
    assert.match(r.problems[0]!.message, why);
  }
});

const config = (agent: object, correlate: object = {}) => configSchema.parse({ agent, correlate });

test('the defaults keep a verdict within correlate.settle + 15 s; a longer idle_after is warned about', () => {
  const defaults = config({});
  assert.ok(latestVerdict(defaults) <= defaults.correlate.settle + 15_000);
  assert.equal(idleAfterWarning(defaults), undefined);
  // the longest idle_after without a warning at the default settle and skew: the retry of an error decided
  // "unknown" (10 s after it) waits for a quiet input, then a turn and the write
  assert.equal(idleAfterWarning(config({ idle_after: '8s' })), undefined);
  const long = idleAfterWarning(config({ idle_after: '9s' }));
  assert.match(long ?? '', /^agent\.idle_after = "9s": .* up to 21s after its line, beyond correlate\.settle \+ 15 s/);
  assert.match(long ?? '', /fix: write at most "8s" \(or raise correlate\.settle\)/);
  // a longer settle leaves room for a longer idle_after
  assert.equal(idleAfterWarning(config({ idle_after: '9s' }, { settle: '10s' })), undefined);
});

test('goneaway validate prints the warning for an agent config and still exits 0', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ga-idle-after-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const f = path.join(dir, 'goneaway.yaml');
  writeFileSync(f, JSON.stringify({ agent: { idle_after: '30s' } }));
  const r = await run(['validate', '--no-env', '--config', f]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: .*agent\.idle_after = "30s": .*beyond correlate\.settle \+ 15 s.*fix:/);
  writeFileSync(f, JSON.stringify({ agent: { idle_after: '200ms' } }));
  const bad = await run(['validate', '--no-env', '--config', f]);
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stderr, /GA_ERR_CONFIG_INVALID: .*agent\.idle_after = "200ms": below 1s; fix:/);
});
