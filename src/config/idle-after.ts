/**
 * `agent.idle_after` against the agent's promise that an app error's verdict is indexed at most
 * `correlate.settle` + 15 s after its line is written (docs/agent-inputs.md "Quiet inputs: agent.idle_after").
 *
 * An error is first decided once the stream is `settle` + `clock_skew` + its stamp's resolution (1 s) + EXACT_FIRST
 * past it, and one decided `unknown` then is decided again RETRY_AFTER after it (window.ts). The merge can hold either
 * back for an input whose last line came just before then, until that input has been quiet for `idle_after`; then
 * come the turn (1 s) and the write (~1 s). So the latest verdict comes
 *   max(settle + clock_skew + 1 s + EXACT_FIRST, RETRY_AFTER) + idle_after + 2 s
 * after its line, and the promise holds while that is at most `settle` + 15 s.
 */
import { EXACT_FIRST, RETRY_AFTER } from '../correlate/window.js';
import type { Config } from './schema.js';

/** the promise: a verdict indexed at most `settle` + this after its line (issue "Streaming correlation") */
const PROMISE = 15_000;
/** a stamp's resolution (whole seconds), and the turn and the write after the decision */
const RESOLUTION = 1000;
const TURN_AND_WRITE = 2000;

/** the latest an app error's verdict can be indexed after its line, with the config's timings (see above) */
export function latestVerdict(c: Config): number {
  const decided = Math.max(c.correlate.settle + c.correlate.clock_skew + RESOLUTION + EXACT_FIRST, RETRY_AFTER);
  return decided + c.agent.idle_after + TURN_AND_WRITE;
}

/** a warning when `agent.idle_after` is too long for the promise, as `key = value: message; fix: …` */
export function idleAfterWarning(c: Config): string | undefined {
  const latest = latestVerdict(c);
  const bound = c.correlate.settle + PROMISE;
  if (latest <= bound) return undefined;
  const most = c.agent.idle_after - (latest - bound);
  return (
    `agent.idle_after = ${JSON.stringify(secs(c.agent.idle_after))}: an app error's verdict can be indexed up to ` +
    `${secs(latest)} after its line, beyond correlate.settle + 15 s (${secs(bound)}); fix: ` +
    (most >= 1000
      ? `write at most "${secs(most)}" (or raise correlate.settle), or accept later verdicts`
      : 'raise correlate.settle or lower correlate.clock_skew, or accept later verdicts')
  );
}

const secs = (ms: number) => `${Math.round(ms / 100) / 10}s`;
