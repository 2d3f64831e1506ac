/**
 * `agent.state_dir/doc-identities.json` (src/agent/doc-identities.ts) does not grow without bound: the paths of
 * files that are gone and that no checkpoint or open file needs are dropped; the others keep their identity
 * (the lines read again after a restart keep their _ids).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { IDENTITIES_FILE, SavedIdentities } from '../../src/agent/doc-identities.js';
import { tmp } from './helpers.js';

const saved = (dir: string) => JSON.parse(readFileSync(path.join(dir, IDENTITIES_FILE), 'utf8')) as object;

test('identities of files gone and past every checkpoint are dropped; those still needed or present kept', () => {
  const dir = tmp('ids');
  const [live, gone, checkpointed] = ['live.log', 'gone.log', 'rotated.log'].map((n) => path.join(dir, n)) as [
    string,
    string,
    string,
  ];
  for (const f of [live, gone, checkpointed]) writeFileSync(f, `first line of ${f}\n`);
  const ids = new SavedIdentities(dir);
  for (const f of [live, gone, checkpointed]) ids.add(f, f);
  const before = { live: ids.of(live), checkpointed: ids.of(checkpointed) };
  rmSync(gone);
  rmSync(checkpointed); // deleted, but its checkpoint still has records to read (again) under that path
  assert.equal(
    ids.prune((p) => p === checkpointed),
    1,
  );
  assert.deepEqual(Object.keys(saved(dir)).sort(), [live, checkpointed].sort());
  // across a restart: the kept ones are the same identities
  const again = new SavedIdentities(dir);
  assert.equal(again.of(live), before.live);
  assert.equal(again.of(checkpointed), before.checkpointed);
  // once the checkpoint is done with, the deleted file's identity goes too
  assert.equal(
    again.prune(() => false),
    1,
  );
  assert.deepEqual(Object.keys(saved(dir)), [live]);
});
