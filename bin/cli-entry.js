// Which build of the CLI this process runs: `npm run build` compiles dist/ (tsc) and then bundles
// dist/src/cli/main.js into dist/bundle/ (one module for everything `parse` and `correlate` load, the
// rarely used commands and outputs as chunks loaded when run). Loading ~130 modules one by one cost ~0.05
// CPU-s at every start (docs/performance.md "One bundle"). A bundle older than dist/src/cli/main.js was made
// from an earlier compile (`tsc` alone rewrites dist/ but not the bundle): then, or without a bundle, the
// compiled modules are loaded as they are. GONEAWAY_NO_BUNDLE=1 loads the compiled modules anyway: a test that
// preloads a patch of one compiled module (`node --import`) needs the process to run that module.
import { statSync } from 'node:fs';

const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
const bundled = new URL('../dist/bundle/main.js', import.meta.url);

/** the URL of the CLI module to import */
export function cliEntry() {
  if (process.env.GONEAWAY_NO_BUNDLE === '1') return compiled.href;
  const b = statSync(bundled, { throwIfNoEntry: false });
  const c = statSync(compiled, { throwIfNoEntry: false });
  return b && (!c || b.mtimeMs >= c.mtimeMs) ? bundled.href : compiled.href;
}
