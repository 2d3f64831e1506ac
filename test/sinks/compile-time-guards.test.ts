// The issue asks that a new cause without a label, or a new event field without a mapping, fail to
// compile. The @ts-expect-error lines below are that failure: if the guard stopped working, they
// would no longer be errors and `tsc` (hence every test run) would fail on them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAUSES, type CauseInfo } from '../../src/correlate/causes.js';
import type { VerdictEvent } from '../../src/correlate/event.js';
import { VERDICT_FIELDS, type VerdictPath } from '../../src/sinks/elasticsearch/mappings.js';
import type { LeafPath, Property } from '../../src/sinks/elasticsearch/field-types.js';

test('a cause without a label does not compile', () => {
  const withNew = {
    ...CAUSES,
    // @ts-expect-error no label, no README columns, no recommendation
    proxy_sql_kill: { terminator: 'mysql' },
  } satisfies Record<string, CauseInfo>;
  assert.ok('proxy_sql_kill' in withNew);
});

test('an event field without a mapping does not compile', () => {
  type Grown = VerdictEvent & { goneaway: { retries: number } };
  type GrownPath = Exclude<LeafPath<Grown>, `goneaway.evidence.${string}`> | 'goneaway.evidence';
  // @ts-expect-error goneaway.retries has no entry in the field table
  const table: Record<GrownPath, Property> = VERDICT_FIELDS;
  const same: Record<VerdictPath, Property> = VERDICT_FIELDS;
  assert.equal(table, same);
});
