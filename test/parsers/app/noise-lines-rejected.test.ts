import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAppRecordStart, parseAppRecord } from '../../../parsers/app/index.js';
import { makeZone } from '../../../parsers/zones.js';

// Speed is measured by `npm run bench`, never asserted here; this checks the behaviour only.
test('ordinary log lines of every language are not lost-connection errors', () => {
  const ctx = { zone: makeZone('Europe/Paris') };
  const lines: string[] = [];
  for (let i = 0; i < 1000; i++) {
    lines.push(
      `2026-11-23 20:21:${String(i % 60).padStart(2, '0')},198 INFO [py-reports-p${i % 7}] reports.db: report ${i} done in ${i * 3} ms rows=${i % 45}`,
    );
    lines.push(
      `[2026-11-23 20:21:26] production.INFO: Job processed {"job":"App\\\\Jobs\\\\SendMail","id":${i},"queue":"default"} []`,
    );
    lines.push(
      `{"level":30,"time":${1795465286198 + i},"pid":4242,"hostname":"web-1","msg":"request completed","req":{"id":${i},"method":"GET","url":"/products/${i}"},"res":{"statusCode":200},"responseTime":${i % 90}}`,
    );
    lines.push(
      `2026-11-23 20:21:26.198  INFO 1234 --- [nio-8080-exec-${i % 9}] c.e.shop.OrderController : GET /orders/${i} 200 in ${i % 50}ms`,
    );
  }
  let found = 0;
  const run = (rounds: number) => {
    for (let k = 0; k < rounds; k++)
      for (const l of lines)
        if (isAppRecordStart(l)) {
          const r = parseAppRecord(l, ctx);
          if (r.ok && r.value) found++;
        }
  };
  run(1);
  assert.equal(found, 0);
});
