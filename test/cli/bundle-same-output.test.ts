/**
 * The CLI bundle (bin/bundle-cli.js, `npm run build`) runs the same program as the compiled modules: every
 * output format of `correlate` and `parse` on a lab scenario is byte-identical, exit status and stderr included,
 * and a bundled module still finds the package's own files (config/kibana). The bundle is built here, into its
 * own folder under dist/, from the modules this test run compiled (npm run test:quick runs tsc only).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './paths.js';

const OUT = `dist/test-bundle-${process.pid}`;
const D = path.join(ROOT, 'examples/lab/13_mixed');
const all = [
  '--haproxy',
  `${D}/haproxy.log`,
  '--haproxy-config',
  `${D}/haproxy.cfg`,
  '--mysql-error',
  `replica1=${D}/replica1-error.log`,
  '--mysql-general',
  `replica1=${D}/replica1-general.log`,
  `${D}/replica2-error.log`,
  `${D}/replica2-general.log`,
  '--app',
  `${D}/app-php.log`,
  `${D}/app-node.log`,
  `${D}/app-python.log`,
];

before(async () => {
  const { bundleCli } = (await import(pathToFileURL(path.join(ROOT, 'bin/bundle-cli.js')).href)) as {
    bundleCli: (outdir: string, entries: string[]) => Promise<void>;
  };
  await bundleCli(OUT, ['dist/src/cli/main.js']);
  // alone, at the depth of the CLI bundle's chunks (dist/bundle/*.js), where `setup` reads config/kibana from
  await bundleCli(`${OUT}-kibana`, ['dist/src/sinks/kibana/objects.js']);
  const runner = "import { main } from 'MAIN'; main(process.argv);\n";
  writeFileSync(path.join(ROOT, OUT, 'bundled.mjs'), runner.replace('MAIN', './main.js'));
  writeFileSync(path.join(ROOT, OUT, 'compiled.mjs'), runner.replace('MAIN', '../src/cli/main.js'));
});

after(() => {
  rmSync(path.join(ROOT, OUT), { recursive: true, force: true });
  rmSync(path.join(ROOT, `${OUT}-kibana`), { recursive: true, force: true });
});

function run(which: 'bundled' | 'compiled', args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, OUT, `${which}.mjs`), ...args], {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the bundled CLI prints what the compiled one prints, in every format of correlate and parse', () => {
  const cases = [
    ...['ndjson', 'json', 'table', 'html'].map((f) => ['correlate', ...all, '--format', f]),
    ['correlate', '--haproxy', `${D}/haproxy.log`, '--format', 'ndjson'],
    ...['ndjson', 'json', 'table'].map((f) => [
      'parse',
      `${D}/haproxy.log`,
      `${D}/replica1-general.log`,
      '--format',
      f,
    ]),
    ['correlate', '--haproxy', `${D}/no-such.log`],
  ];
  for (const args of cases) {
    const b = run('bundled', args);
    const c = run('compiled', args);
    assert.ok(c.stdout.length > 0 || c.code !== 0, `${args.join(' ')}: the compiled CLI printed nothing`);
    assert.deepEqual(b, c, args.join(' '));
  }
});

test('a bundled module finds config/kibana of the package, as the compiled one does', async () => {
  const load = async (p: string) =>
    ((await import(pathToFileURL(path.join(ROOT, p)).href)) as { defaultObjectsDir: () => string }).defaultObjectsDir();
  const bundled = await load(`${OUT}-kibana/objects.js`);
  assert.equal(bundled, path.join(ROOT, 'config', 'kibana'));
  assert.equal(bundled, await load('dist/src/sinks/kibana/objects.js'));
});
