import type { CompiledLineParser } from '../../parsers/types.js';
import { compileAppPattern } from '../../parsers/app/index.js';
import { GoneawayError } from '../errors.js';

export interface AppPatternConfig {
  name: string;
  regex: string;
  time_format?: string | undefined;
}

/** Compiles the config's `app.patterns`; the first bad one is reported with its key and fix. */
export function compileAppPatterns(patterns: ReadonlyArray<AppPatternConfig>): CompiledLineParser[] {
  return patterns.map((p, i) => {
    const c = compileAppPattern(
      p.time_format === undefined
        ? { name: p.name, regex: p.regex }
        : { name: p.name, regex: p.regex, time_format: p.time_format },
    );
    if ('error' in c) {
      throw new GoneawayError('GA_ERR_APP_PATTERN', `app.patterns[${i}] (${p.name}): ${c.error.key}`, {
        key: c.error.key || `app.patterns[${i}]`,
        value: c.error.value,
        fix: c.error.fix,
      });
    }
    return c;
  });
}
