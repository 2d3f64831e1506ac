/**
 * Runs a Node CLI script inside this process and records this process's peak RSS when it exits,
 * for systems without GNU /usr/bin/time. (process.resourceUsage() only covers the calling
 * process, so the script must run in-process rather than as a grandchild.)
 *
 *   node dist/bench/rss-wrap.js <result.json> <script.js> [args…]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [resultFile, script, ...rest] = process.argv.slice(2);
if (!resultFile || !script) {
  process.stderr.write('usage: rss-wrap.js <result.json> <script.js> [args...]\n');
  process.exit(2);
}
process.on('exit', (code) => {
  const u = process.resourceUsage();
  writeFileSync(
    resultFile,
    JSON.stringify({ code, maxRssKB: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }),
  );
});
const abs = path.resolve(script);
process.argv = [process.argv[0]!, abs, ...rest];
await import(pathToFileURL(abs).href);
