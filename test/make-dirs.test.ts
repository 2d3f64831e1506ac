import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { makeDirs } from '../src/make-dirs.js';

function scratch(t: { after: (f: () => void) => void }): string {
  const d = mkdtempSync(path.join(tmpdir(), 'ga-mkdirs-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

test('missing levels are made and the topmost one made is returned', (t) => {
  const d = scratch(t);
  assert.equal(makeDirs(path.join(d, 'a', 'b', 'c')), path.join(d, 'a'));
  assert.ok(existsSync(path.join(d, 'a', 'b', 'c')));
  assert.equal(makeDirs(path.join(d, 'a', 'b')), undefined);
});

test('a path under /proc fails at once with ENOENT instead of spinning', { skip: !existsSync('/proc/self') }, () => {
  assert.throws(() => makeDirs('/proc/goneaway-nope/state'), { code: 'ENOENT' });
});

test('under a dangling symlink or a regular file: the system error, no loop', (t) => {
  const d = scratch(t);
  symlinkSync(path.join(d, 'gone'), path.join(d, 'dangling'));
  assert.throws(() => makeDirs(path.join(d, 'dangling', 'x')), { code: /ENOENT|EEXIST/ });
  writeFileSync(path.join(d, 'plain'), 'x');
  assert.throws(() => makeDirs(path.join(d, 'plain', 'x')), { code: 'ENOTDIR' });
  assert.throws(() => makeDirs(path.join(d, 'plain')), { code: 'EEXIST' });
});
