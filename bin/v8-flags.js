// Used by goneaway.js, in the first process: node built-ins only (nothing the re-spawned process loads again).

/**
 * `correlate` compiles its per-line path with a smaller inlining budget than V8's default (920 bytes of bytecode
 * inlined into one optimized function). On an HAProxy-only run most of the CPU beyond lnav's is a warm-up, not
 * a cost per line: the first ~20k lines run before TurboFan has compiled their path, and compiling it took
 * ~0.35 CPU-s of V8's background threads. With less inlined there is less to compile: 0.88-0.92x the CPU on the
 * 200k-line tcplog file in five sets of paired whole-process runs, 0.90-1.00x on 1M lines, where a slightly dearer
 * steady state meets the cheaper warm-up (docs/performance.md "Warm-up").
 */
export const INLINE = '--max-inlined-bytecode-size-cumulative=150';

/** the V8 flags this package sets for `command`, unless the node options given (execArgv, NODE_OPTIONS) set them */
export function compileFlags(command, given) {
  if (command !== 'correlate' || given.some((a) => a.includes('max-inlined-bytecode-size-cumulative'))) return [];
  return [INLINE];
}
