// The build's last step (`npm run bundle`, part of `npm run build`): dist/src/cli/main.js, compiled by tsc, and
// every project module it imports, bundled into dist/bundle/main.js (esbuild, ESM for Node 20). Modules imported
// with import() (the validate, setup and agent commands, the report writers, the Elasticsearch output) become
// chunks loaded when they are; packages stay in node_modules. bin/cli-entry.js picks the bundle when it is not
// older than the compile. Why: docs/performance.md "One bundle".
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Bundles the compiled CLI (and any other compiled modules given, paths from the repo root) into outdir. */
export async function bundleCli(outdir = 'dist/bundle', entries = ['dist/src/cli/main.js']) {
  rmSync(new URL(outdir, new URL('..', import.meta.url)), { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: entries,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await bundleCli();
