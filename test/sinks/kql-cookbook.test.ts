// The README's KQL cookbook must only name mapped fields, and the values it quotes for
// goneaway.cause / goneaway.terminated_by / goneaway.kind must be ones goneaway writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT } from '../cli/paths.js';
import { verdictMappings } from '../../src/sinks/elasticsearch/mappings.js';
import { CAUSE_NAMES, TERMINATORS } from '../../src/correlate/causes.js';
import { kqlTerms, unmappedFields } from './kql.js';

function cookbook(): string[] {
  const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
  const i = readme.indexOf('<!-- kql:begin -->');
  const j = readme.indexOf('<!-- kql:end -->');
  assert.ok(i !== -1 && j > i, 'README.md lacks the kql:begin / kql:end markers');
  return [...readme.slice(i, j).matchAll(/^- `([^`]+)`/gm)].map((m) => m[1]!);
}

const KNOWN: Record<string, readonly string[]> = {
  'goneaway.cause': CAUSE_NAMES,
  'goneaway.terminated_by': TERMINATORS,
  'goneaway.kind': ['app_error', 'connection'],
};

test('the README has at least 8 KQL queries, each on mapped fields with values goneaway writes', () => {
  const queries = cookbook();
  assert.ok(queries.length >= 8, `${queries.length} queries`);
  for (const q of queries) {
    assert.ok(kqlTerms(q).length > 0, q);
    assert.deepEqual(unmappedFields(verdictMappings, q), [], q);
    for (const [f, v] of kqlTerms(q)) if (KNOWN[f]) assert.ok(KNOWN[f].includes(v), `${q}: ${f} is never "${v}"`);
  }
});

test('a query with a misspelt field or an unknown cause is caught', () => {
  assert.deepEqual(unmappedFields(verdictMappings, 'goneaway.caus : "mysql_kill"'), ['goneaway.caus']);
  const [[f, v]] = kqlTerms('goneaway.cause : "mysql_killed"') as [[string, string]];
  assert.ok(!KNOWN[f]!.includes(v));
});
