// Used by goneaway.js, in the first process: node built-ins only (nothing the re-spawned process loads again).

/**
 * `correlate` compiles its per-line path with a smaller inlining budget than V8's default (920 bytes of bytecode
 * inlined into one optimized function). On an HAProxy-only run most of the CPU beyond lnav's is a warm-up, not
 * a cost per line: the first ~20k lines run before TurboFan has compiled their path, and compiling it took
 * ~0.35 CPU-s of V8's helper threads. With 150 the helper threads did ~0.4 instead of ~0.56 CPU-s on the 200k-line
 * file and the cost per line did not grow (paired whole-process runs, docs/performance.md "Warm-up").
 */
export const INLINE = '--max-inlined-bytecode-size-cumulative=150';

/** the V8 flags this package sets for `command`, unless the node options given (execArgv, NODE_OPTIONS) set them */
export function compileFlags(command, given) {
  if (command !== 'correlate' || given.some((a) => a.includes('max-inlined-bytecode-size-cumulative'))) return [];
  return [INLINE];
}
