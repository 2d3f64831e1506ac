import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { compileAppPattern, appPatternSchema, parseAppRecord } from '../../../parsers/app/index.js';
import { compileTimeFormat } from '../../../parsers/app/timefmt.js';
import { makeZone } from '../../../parsers/zones.js';
import { get, UTC } from './helpers.js';

const err = (p: { name: string; regex: string; time_format?: string }, i?: number) => {
  const r = compileAppPattern(p, i);
  assert.ok('error' in r, `expected an error for ${JSON.stringify(p)}`);
  return (r as { error: { key: string; value: string; fix: string; problem: string } }).error;
};

test('compile errors name the key, the value, the problem and the fix', () => {
  let e = err({ name: 'a', regex: '(?<message>.*' }, 0);
  assert.equal(e.key, 'app.patterns[0].regex');
  assert.equal(e.value, '(?<message>.*');
  assert.match(e.problem, /invalid regular expression/);
  e = err({ name: 'a', regex: '^(?<time>\\S+) (?<msg>.*)$' }, 2);
  assert.equal(e.key, 'app.patterns[2].regex');
  assert.match(e.problem, /unknown named group \(\?<msg>/);
  assert.match(e.fix, /message/);
  e = err({ name: 'a', regex: '^(?<time>\\S+) .*$' }, 1);
  assert.match(e.fix, /add a named group \(\?<message>…\)/);
  e = err({ name: 'a', regex: '^(?P<message>.*)$' }, 0);
  assert.match(e.fix, /\(\?<name>…\)/);
  e = err({ name: 'a', regex: '^(?<message>.*)$', time_format: 'yyyy-MM-dd' }, 0);
  assert.equal(e.key, 'app.patterns[0].time_format');
  assert.match(e.fix, /\(\?<time>…\)/);
  e = err({ name: 'a', regex: '^(?<time>\\S+) (?<message>.*)$', time_format: 'YYYY-MM-dd HH:mm:ss' }, 0);
  assert.match(e.problem, /week-numbering year/);
  e = err({ name: 'a', regex: '^(?<time>\\S+) (?<message>.*)$', time_format: 'yyyy-MM-dd HH:mm:ss Z' }, 0);
  assert.match(e.problem, /xx/);
  e = err({ name: '', regex: '(?<message>.*)' }, 3);
  assert.equal(e.key, 'app.patterns[3].name');
});

test('named groups inside character classes, escapes and lookbehinds are not groups', () => {
  const ok = compileAppPattern({ name: 'a', regex: '(?<=x)\\(?<y>[(?<z>]+(?<message>.*)' });
  assert.ok(!('error' in ok));
});

test('zod schema: same message as compileAppPattern, path ends at the field, nests under app.patterns[i]', () => {
  const r = appPatternSchema.safeParse({ name: 'x', regex: '^(?<time>\\S+) .*$' });
  assert.equal(r.success, false);
  if (!r.success) {
    assert.deepEqual(r.error.issues[0]!.path, ['regex']);
    assert.match(r.error.issues[0]!.message, /add a named group \(\?<message>…\)/);
  }
  const cfg = z.object({ app: z.object({ patterns: z.array(appPatternSchema) }) });
  const r2 = cfg.safeParse({
    app: {
      patterns: [
        { name: 'ok', regex: '(?<message>.*)' },
        { name: 'bad', regex: '(?<message>.*)', time_format: 'yyyy' },
      ],
    },
  });
  assert.equal(r2.success, false);
  if (!r2.success) assert.deepEqual(r2.error.issues[0]!.path, ['app', 'patterns', 1, 'time_format']);
  assert.equal(
    appPatternSchema.safeParse({
      name: 'ok',
      regex: '^(?<time>\\S+ \\S+) (?<message>.*)$',
      time_format: 'yyyy-MM-dd HH:mm:ss',
    }).success,
    true,
  );
  assert.equal(
    appPatternSchema.safeParse({ name: 'ok', regex: '(?<message>.*)', extra: 1 }).success,
    false,
    'unknown keys rejected',
  );
});

test('a custom pattern parses time / worker / level / port groups and detects on message + continuation', () => {
  const p = compileAppPattern(
    {
      name: 'shop',
      regex:
        '^(?<time>\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d) <(?<worker>[^>]+)> (?<level>\\w+) port=(?<local_port>\\d+) tid=(?<thread_id>\\d+) (?<message>.*)$',
      time_format: 'dd/MMM/yyyy:HH:mm:ss',
    },
    0,
  );
  assert.ok(!('error' in p));
  const ctx = { zone: makeZone('Europe/Paris'), appPatterns: [p] };
  const r = parseAppRecord(
    '23/Nov/2026:21:21:26 <lane-4> ERROR port=47064 tid=13 query failed\n  cause: Lost connection to MySQL server during query',
    ctx,
  );
  assert.ok(r.ok && r.value);
  const d = r.ok && r.value ? r.value.doc : null;
  assert.equal(get(d, '@timestamp'), '2026-11-23T20:21:26.000Z');
  assert.equal(get(d, 'error.code'), '2013');
  assert.equal(get(d, 'app.worker'), 'lane-4');
  assert.equal(get(d, 'log.level'), 'error');
  assert.deepEqual(get(d, 'app.db'), { local_port: 47064, thread_id: 13 });
  // matched but not ours → null; not matched → built-in parsers still run
  const n = parseAppRecord('23/Nov/2026:21:21:27 <lane-4> INFO port=1 tid=2 all good', ctx);
  assert.deepEqual(n, { ok: true, value: null });
  const b = parseAppRecord(
    '[2026-11-23 20:21:26] production.ERROR: SQLSTATE[HY000]: General error: 2006 MySQL server has gone away',
    ctx,
  );
  assert.ok(b.ok && b.value && get(b.value.doc, 'error.code') === '2006');
  // a bad stamp in a matched error → bad_timestamp
  const bad = parseAppRecord('99/Nov/2026:21:21:26 <l> ERROR port=1 tid=2 MySQL server has gone away', ctx);
  assert.equal(bad.ok, false);
});

test('code group: a lost errno or driver code decides; a non-lost numeric code is not ours', () => {
  const p = compileAppPattern({
    name: 'c',
    regex: '^(?<time>\\d+) code=(?<code>\\S+)(?: (?<message>.*))?$',
    time_format: 'epoch_ms',
  });
  assert.ok(!('error' in p));
  const ctx = { ...UTC, appPatterns: [p] };
  const a = parseAppRecord('1795465286198 code=2013', ctx);
  assert.ok(a.ok && a.value);
  if (a.ok && a.value) {
    assert.equal(a.value.t, 1795465286198);
    assert.equal(get(a.value.doc, 'app.error.class'), 'lost');
  }
  const b = parseAppRecord('1795465286198 code=PROTOCOL_CONNECTION_LOST', ctx);
  assert.ok(b.ok && b.value && get(b.value.doc, 'error.code') === 'PROTOCOL_CONNECTION_LOST');
  assert.deepEqual(parseAppRecord("1795465286198 code=1062 Duplicate entry 'MySQL server has gone away'", ctx), {
    ok: true,
    value: null,
  });
  // CompiledLineParser.parse (contract) reports no_match instead of null
  const pr = p.parse('nothing here', UTC);
  assert.equal(pr.ok, false);
});

test('time_format compiler: tokens, offsets, fractions, epochs, and date-fns cross-check', () => {
  const t = (fmt: string, s: string, zone = 'UTC') => {
    const c = compileTimeFormat(fmt);
    assert.ok('parse' in c, `${fmt}: ${JSON.stringify(c)}`);
    return (c as { parse: (s: string, ctx: { zone: ReturnType<typeof makeZone> }) => number | undefined }).parse(s, {
      zone: makeZone(zone),
    });
  };
  assert.equal(t('yyyy-MM-dd HH:mm:ss.SSS', '2026-11-23 20:21:26.198'), Date.UTC(2026, 10, 23, 20, 21, 26, 198));
  assert.equal(
    t('yyyy-MM-dd HH:mm:ss.SSS', '2026-11-23 21:21:26.198', 'Europe/Paris'),
    Date.UTC(2026, 10, 23, 20, 21, 26, 198),
  );
  assert.equal(t("yyyy-MM-dd'T'HH:mm:ssXXX", '2026-11-23T21:21:26+01:00'), Date.UTC(2026, 10, 23, 20, 21, 26));
  assert.equal(t("yyyy-MM-dd'T'HH:mm:ssXXX", '2026-11-23T20:21:26Z'), Date.UTC(2026, 10, 23, 20, 21, 26));
  assert.equal(t('dd/MMM/yyyy:HH:mm:ss xx', '23/Nov/2026:15:21:26 -0500'), Date.UTC(2026, 10, 23, 20, 21, 26));
  assert.equal(t('yyyy-MM-dd hh:mm:ss a', '2026-11-23 08:21:26 PM'), Date.UTC(2026, 10, 23, 20, 21, 26));
  assert.equal(t('epoch_s', '1795465286.5'), 1795465286500);
  assert.equal(t('iso', '2026-11-23T20:21:26.198Z'), Date.UTC(2026, 10, 23, 20, 21, 26, 198));
  assert.equal(t('yyyy-MM-dd HH:mm:ss', '2026-13-23 20:21:26'), undefined);
  assert.equal(t('yyyy-MM-dd HH:mm:ss', '2026-11-23 20:21:26 trailing'), undefined);
  for (const bad of ['HH:mm:ss', 'yyyy-MM-dd', 'yyyy-MM-dd HH:mm:ss q', "yyyy-MM-dd 'HH"])
    assert.ok('error' in compileTimeFormat(bad), bad);
});
