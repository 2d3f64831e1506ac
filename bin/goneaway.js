#!/usr/bin/env node
// Entry point: the TypeScript sources are compiled to dist/ by `npm ci` (prepare) or `npm run build`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// `correlate` keeps a bounded window, but V8 grows its heap lazily up to a quarter of the machine's
// memory before collecting; a fixed old-space limit keeps the resident size near the live window
// (measured: 850 MB → 340 MB RSS on the 3.2M-line bench). Override with NODE_OPTIONS or
// GONEAWAY_HEAP_MB; GONEAWAY_HEAP_MB=0 disables the limit.
// The young generation gets 32 MB semi-spaces (V8's default is 16 MB): a record lives from its line to
// its decision, a little longer than 16 MB of allocation, so with the default most records were copied
// out of the young generation once more before dying (measured on the bench's 0.25-scale correlated set:
// scavenges took ~1.9 s of ~10 s; CPU 0.83x, peak RSS +30 MB with 32 MB). GONEAWAY_SEMI_MB overrides it.
const heapMb = process.env.GONEAWAY_HEAP_MB ?? '384';
const semiMb = process.env.GONEAWAY_SEMI_MB ?? '32';
const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''];
const limited = given.some((a) => a.includes('max-old-space-size'));
const young =
  given.some((a) => a.includes('semi-space-size')) || semiMb === '0' ? [] : [`--max-semi-space-size=${semiMb}`];
if (process.argv[2] === 'correlate' && !limited && heapMb !== '0') {
  const r = spawnSync(
    process.execPath,
    [
      `--max-old-space-size=${heapMb}`,
      ...young,
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit' },
  );
  process.exit(r.status ?? (r.signal ? 128 + 15 : 1));
}

const { main } = await import('../dist/src/cli/main.js');
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
main(process.argv);
