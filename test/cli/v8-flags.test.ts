import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './paths.js';

// bin/v8-flags.js: the inlining budget `correlate` runs with (docs/performance.md "Warm-up")
const { compileFlags, INLINE } = (await import(pathToFileURL(path.join(ROOT, 'bin/v8-flags.js')).href)) as {
  compileFlags: (command: string | undefined, given: string[]) => string[];
  INLINE: string;
};

test('correlate runs with the smaller inlining budget, whether re-spawned or not', () => {
  assert.match(INLINE, /^--max-inlined-bytecode-size-cumulative=\d+$/);
  assert.deepEqual(compileFlags('correlate', []), [INLINE]);
  assert.deepEqual(compileFlags('correlate', ['--max-old-space-size=384', '']), [INLINE]);
});

test('the other commands keep V8 defaults: the agent runs for days, its warm-up does not count', () => {
  for (const command of ['agent', 'parse', 'validate', 'setup', undefined])
    assert.deepEqual(compileFlags(command, []), []);
});

test('an inlining budget given in the node options is left as given', () => {
  assert.deepEqual(compileFlags('correlate', ['--max-inlined-bytecode-size-cumulative=920']), []);
  assert.deepEqual(compileFlags('correlate', ['', '--max-inlined-bytecode-size-cumulative=40 --stack-size=900']), []);
});
