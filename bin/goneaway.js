#!/usr/bin/env node
// Entry point: the TypeScript sources are compiled to dist/ by `npm ci` (prepare) or `npm run build`.
// This process may only re-spawn itself (below): it imports nothing that the re-spawned one would load again.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { smallInputs } from './small-inputs.js';
import { cliEntry } from './cli-entry.js';
import { compileFlags } from './v8-flags.js';

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
// Small inputs run here, without the second process (bin/small-inputs.js), unless GONEAWAY_HEAP_MB or
// GONEAWAY_SEMI_MB asks for a size explicitly.
const asked = process.env.GONEAWAY_HEAP_MB !== undefined || process.env.GONEAWAY_SEMI_MB !== undefined;
// a smaller inlining budget for `correlate`'s warm-up (bin/v8-flags.js)
const v8Flags = compileFlags(process.argv[2], given);
if (process.argv[2] === 'correlate' && !limited && heapMb !== '0' && (asked || !smallInputs(process.argv.slice(3)))) {
  const r = spawnSync(
    process.execPath,
    [
      `--max-old-space-size=${heapMb}`,
      ...young,
      ...v8Flags,
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit' },
  );
  process.exit(r.status ?? (r.signal ? 128 + 15 : 1));
}

// The agent can run under a heap limit too, GONEAWAY_AGENT_HEAP_MB (off by default: what it holds is bounded in
// records, and in soaks at 20,000 lines/s a limit cost more than it saved — 256 MB: 9,060 lines/s on 1.27 cores,
// RSS median 488 MB; 512 MB: 12,614 on 1.13, 561 MB; none: 15,816 on 0.96, 752 MB, flat; docs/benchmark-agent.md
// "The heap limit"). Unlike `correlate` it is a daemon, so with a limit this process stays its parent: it passes
// on the signals the agent acts on (SIGTERM, SIGINT stop it, SIGHUP reloads: systemd's $MAINPID is this process)
// and exits with its code; an IPC channel tells the agent when this process dies — `kill -9` of the PID a test
// or an operator knows must end the agent too, as it would end a single process.
const agentHeapMb = process.env.GONEAWAY_AGENT_HEAP_MB ?? '0';
if (process.argv[2] === 'agent' && !limited && agentHeapMb !== '0') {
  const child = spawn(
    process.execPath,
    [
      `--max-old-space-size=${agentHeapMb}`,
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      ...process.argv.slice(2),
    ],
    { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] },
  );
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  const { constants } = await import('node:os');
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 15) : 1)));
  child.on('error', (e) => {
    process.stderr.write(`goneaway: could not start the agent: ${e.message}\n`);
    process.exit(1);
  });
} else {
  await runHere();
}

async function runHere() {
  // GONEAWAY_AGENT_HEAP_GROWTH=25 lets the agent's old generation grow by 25 % over its live size instead of V8's own
  // factor (1.1-4): at 20,000 lines/s V8 held a median 223 MB of heap for 144 MB used, and RSS followed the heap. 25 %
  // took ~55-70 MB of RSS off a full window but cost ~25-35 % more CPU per line in paired soaks, as the heap limit
  // did: off unless set; the systemd unit sets it (docs/benchmark-agent.md "Memory and CPU together, 2026-12-07",
  // "Memory: where the bytes are"). V8 reads the factor at every
  // GC, so setting it here, before the window fills, works without a second process (a one-off check: a heap grown
  // with the flag set at run time stayed as small as with it on the command line).
  const growth = process.env.GONEAWAY_AGENT_HEAP_GROWTH ?? '0';
  if (process.argv[2] === 'agent' && growth !== '0' && !given.some((a) => a.includes('heap-growing-percent'))) {
    const { setFlagsFromString } = await import('node:v8');
    setFlagsFromString(`--heap-growing-percent=${growth}`);
  }
  if (process.send && process.channel) {
    // started by the lines above: the parent gone (killed with SIGKILL too), the agent goes the same way
    process.channel.unref();
    process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  }
  // before the CLI's modules load; the re-spawned process has them on its command line (`given`)
  if (v8Flags.length > 0) (await import('node:v8')).setFlagsFromString(v8Flags.join(' '));
  const { main } = await import(cliEntry());
  process.stdout.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  main(process.argv);
}
