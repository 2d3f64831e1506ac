import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, openSync, closeSync, ftruncateSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ROOT } from './paths.js';

// bin/small-inputs.js decides whether `correlate` skips the heap-limit re-spawn (docs/performance.md "Start-up")
const { smallInputs } = (await import(pathToFileURL(path.join(ROOT, 'bin/small-inputs.js')).href)) as {
  smallInputs: (args: string[]) => boolean;
};

const dir = mkdtempSync(path.join(tmpdir(), 'ga-respawn-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const small = path.join(dir, 'haproxy.log');
writeFileSync(small, 'Nov 23 20:00:00 lb1 haproxy[1]: Proxy mysql_ro started.\n');
/** a text file of `mb` MB: four bytes of text, the rest a hole */
function textFileOf(name: string, mb: number): string {
  const p = path.join(dir, name);
  const fd = openSync(p, 'w');
  writeSync(fd, 'Nov ');
  ftruncateSync(fd, mb * 1024 * 1024);
  closeSync(fd);
  return p;
}

test('small plain files, given as options, SERVER=FILE or plain arguments, run in the first process', () => {
  assert.equal(smallInputs(['--haproxy', small, '--format', 'ndjson']), true);
  assert.equal(smallInputs(['--mysql-error', `replica1=${small}`, small, '--since', '-2h']), true);
});

test('inputs over 80 MB in all keep the re-spawn, counted across files', () => {
  const big = textFileOf('big.log', 50);
  assert.equal(smallInputs(['--haproxy', big]), true);
  assert.equal(smallInputs(['--haproxy', big, '--app', `10.0.0.1=${big}`]), false);
  assert.equal(smallInputs(['--haproxy', textFileOf('huge.log', 81)]), false);
});

test('a config, a stream or a compressed file keeps the re-spawn: their size says nothing', () => {
  assert.equal(smallInputs(['--haproxy', small, '--config', small]), false);
  assert.equal(smallInputs(['--haproxy', small, `--config=${small}`]), false);
  assert.equal(smallInputs(['--haproxy', '-']), false);
  assert.equal(smallInputs(['--haproxy=-']), false);
  assert.equal(smallInputs(['--mysql-error', 'replica1=-']), false);
  const gz = path.join(dir, 'haproxy.log.1');
  writeFileSync(gz, gzipSync('Nov 23 20:00:00 lb1 haproxy[1]: Proxy mysql_ro started.\n'));
  assert.equal(smallInputs(['--haproxy', gz]), false);
  const bz = path.join(dir, 'haproxy.log.2');
  writeFileSync(bz, 'BZh91AY&SY');
  assert.equal(smallInputs(['--haproxy', bz]), false);
});
