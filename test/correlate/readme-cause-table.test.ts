// The README's verdict table is written from src/correlate/causes.ts (`npm run docs:causes`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CAUSES, CAUSE_NAMES, TERMINATOR_OF } from '../../src/correlate/causes.js';
import { causeTableMarkdown, withCauseTable } from '../../src/correlate/causes-readme.js';
import { ROOT as REPO } from '../cli/paths.js';

test('README.md verdict table is up to date with the table of causes (run npm run docs:causes)', () => {
  const readme = readFileSync(`${REPO}/README.md`, 'utf8');
  const regenerated = withCauseTable(readme);
  assert.ok(regenerated !== undefined, 'README.md lacks the causes:begin / causes:end markers');
  assert.equal(readme, regenerated);
});

test('the generated table has one row per cause, naming its terminator', () => {
  const rows = causeTableMarkdown().split('\n').slice(2);
  assert.equal(rows.length, CAUSE_NAMES.length);
  for (const [i, c] of CAUSE_NAMES.entries()) {
    assert.ok(rows[i]!.startsWith(`| \`${c}\` | ${TERMINATOR_OF[c]}`), rows[i]);
  }
});

test('every cause has a label, a setting and a recommendation text of its own', () => {
  const texts = new Set<string>();
  const ctx = {
    seen: undefined,
    idle: undefined,
    timeoutClient: undefined,
    timeoutServer: undefined,
    timeoutTunnel: undefined,
    hardStopAfter: undefined,
    backend: undefined,
    killer: undefined,
  };
  for (const c of CAUSE_NAMES) {
    const info = CAUSES[c];
    assert.ok(info.label.length > 0 && info.setting.length > 0, c);
    const r = info.recommend(ctx);
    assert.ok(r.text.length > 40 && r.setting.length > 0, c);
    texts.add(r.text);
  }
  assert.equal(texts.size, CAUSE_NAMES.length);
});
