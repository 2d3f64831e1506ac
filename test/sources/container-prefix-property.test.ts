/**
 * Properties of the container prefixes (docs/formats/containers.md): whatever the names compose or swarm
 * print, the prefix is recognised and removed exactly (the record's text and offset come back), and an
 * app's `LEVEL | message` columns are never taken for a container name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sniffContainerPrefix, stripContainerPrefix } from '../../src/sources/container-prefix.js';

const ident = (min: number, max: number) =>
  fc.stringMatching(new RegExp(`^[a-z0-9][a-z0-9_-]{${min - 1},${max - 1}}$`)).filter((s) => !/^\d+$/.test(s));
const RECORDS = [
  '10.0.1.5:51234 [25/Nov/2026:01:24:57.123] mysql_ro mariadb_replicas/replica1 1/0/5001 1234 cD 6/4/5/2/0 0/0',
  "2026-11-25  1:25:02 5 [Warning] Aborted connection 5 to db: 'shop' user: 'app' host: '10.0.0.3' (Got timeout reading communication packets)",
  '2024-04-08T15:24:06.212428Z 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld 8.3.0) starting as process 1',
  '[2026-11-23 20:21:26] production.ERROR: SQLSTATE[HY000]: General error: 2006 MySQL server has gone away',
];
const lines = (texts: string[]) => texts.map((text, i) => ({ text, offset: i * 4096, lineNo: i + 1 }));

/** what each tool writes before a line, for a name of `width` columns */
const swarm = fc
  .tuple(ident(1, 20), fc.integer({ min: 1, max: 40 }), fc.option(fc.stringMatching(/^[a-z0-9]{12}$/)), ident(1, 20))
  .map(([svc, slot, task, node]) => `${svc}.${slot}${task === null ? '' : '.' + task}@${node}`);
const named = ident(2, 24).filter(
  (n) => !/^(?:error|warn|warning|info|debug|trace|notice|fatal|crit|alert|log)$/i.test(n),
);

for (const [name, gen, expected] of [
  ['swarm', swarm, 'swarm'],
  ['compose container_name', named, 'compose-named'],
] as const) {
  test(`property: a ${name} prefix on every line is recognised and removed exactly`, () => {
    fc.assert(
      fc.property(gen, fc.integer({ min: 1, max: 8 }), fc.constantFrom(...RECORDS), (label, pad, rec) => {
        const pre = `${label}${' '.repeat(pad)}| `;
        const sample = [pre + rec, pre + rec, pre + rec];
        const got = sniffContainerPrefix(sample, 'auto');
        // a container_name ending in `-<n>` reads as a generated name: the same prefix either way
        if (expected === 'compose-named' && /[-_]\d+$/.test(label)) assert.equal(got, 'compose');
        else assert.equal(got, expected);
        const out = [...stripContainerPrefix(lines(sample), got!)];
        for (const [i, l] of out.entries()) {
          assert.equal(l.text, rec);
          assert.equal(l.offset, i * 4096 + Buffer.byteLength(pre));
        }
      }),
    );
  });
}

test('property: app columns `LEVEL | message` never sniff as a container prefix', () => {
  const level = fc.constantFrom('ERROR', 'WARN', 'WARNING', 'INFO', 'DEBUG', 'TRACE', 'NOTICE', 'CRITICAL', 'FATAL');
  fc.assert(
    fc.property(
      fc.array(fc.tuple(level, fc.integer({ min: 1, max: 4 }), fc.string({ maxLength: 60 })), {
        minLength: 1,
        maxLength: 30,
      }),
      (rows) => {
        const sample = rows.map(([lv, pad, msg]) => `${lv}${' '.repeat(pad)}| ${msg}`);
        assert.equal(sniffContainerPrefix(sample, 'app'), undefined);
      },
    ),
  );
});
