/**
 * The one reader of haproxy.cfg: lines → arguments → sections. What the file means is read from its
 * output by consumers that know one subject each: frontend-formats.ts (which log format a frontend
 * writes) and settings.ts (timeouts, servers, hard-stop-after).
 * - Lines are tokenised like HAProxy's parser: `#` comments, "…" with backslash escapes, '…' literal,
 *   `\ ` escapes outside quotes, and the documented `${HAPROXY_*_LOG_FMT}` variables.
 * - A line whose first word is a section keyword opens a section and closes the one before: every
 *   keyword of HAProxy's manual (docs/haproxy-config-sections.md), so that a `log-forward` or `ring`
 *   section's own `timeout` lines are never credited to the proxy above it.
 * - `defaults [NAME] [from NAME]` and `frontend|backend|listen NAME [from NAME]` (HAProxy >= 2.4): a
 *   proxy takes its settings from the defaults section `from` names, else from the last `defaults`
 *   above it; a `defaults` without `from` starts afresh.
 */
import { ENV_FORMATS as ENV } from './format-string.js';

/** Section keywords (docs/haproxy-config-sections.md: HAProxy's configuration manual, §2–§10). */
export const SECTION_KEYWORDS: ReadonlySet<string> = new Set([
  'global',
  'defaults',
  'frontend',
  'backend',
  'listen',
  'peers',
  'resolvers',
  'userlist',
  'mailers',
  'program',
  'http-errors',
  'ring',
  'log-forward',
  'cache',
  'crt-store',
  'traces',
  'acme',
  'namespace_list',
  'fcgi-app',
]);

/** Expand `$NAME` / `${NAME}` at s[i]; returns [text, next index]. Unknown variables stay verbatim. */
function envAt(s: string, i: number): [string, number] {
  const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(s.slice(i));
  if (!m) return ['$', i + 1];
  const v = ENV[m[1] ?? m[2]!];
  return [v ?? m[0], i + m[0].length];
}

/** One config line → arguments, HAProxy style (cfgparse.c parse_line, simplified). */
export function tokenizeConfigLine(line: string): string[] {
  const args: string[] = [];
  let cur = '',
    inArg = false,
    quote = '';
  const push = () => {
    if (inArg) {
      args.push(cur);
      cur = '';
      inArg = false;
    }
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = '';
      else cur += c;
      continue;
    }
    if (c === '\\' && i + 1 < line.length) {
      const d = line[++i]!;
      cur += d === 't' ? '\t' : d === 'n' ? '\n' : d === 'r' ? '\r' : d;
      inArg = true;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = '';
      else if (c === '$') {
        const [v, j] = envAt(line, i);
        cur += v;
        i = j - 1;
      } else cur += c;
      continue;
    }
    if (c === '#') break;
    if (c === ' ' || c === '\t') {
      push();
      continue;
    }
    inArg = true;
    if (c === '"' || c === "'") quote = c;
    else if (c === '$') {
      const [v, j] = envAt(line, i);
      cur += v;
      i = j - 1;
    } else cur += c;
  }
  push();
  return args;
}

/** One keyword line of a section: its arguments (keyword first) and 1-based line number. */
export interface ConfigLine {
  args: string[];
  line: number;
}

export interface ConfigSection {
  /** the section keyword: `global`, `defaults`, `frontend`, `backend`, `listen`, `log-forward`, … */
  kind: string;
  /** '' when it has none (an unnamed `defaults`, `global`) */
  name: string;
  line: number;
  /**
   * defaults, frontend, backend, listen: the defaults section whose settings it starts from (see the
   * header); undefined when there is none, or when `from` names no defaults section above (HAProxy
   * refuses such a file, so nothing is inherited).
   */
  base: ConfigSection | undefined;
  lines: ConfigLine[];
}

const PROXY = new Set(['frontend', 'backend', 'listen']);

/** The sections of a haproxy.cfg, in file order. Lines before the first section belong to none. */
export function readHaproxyConfig(text: string): ConfigSection[] {
  const out: ConfigSection[] = [];
  if (typeof text !== 'string') return out;
  const named = new Map<string, ConfigSection>();
  let lastDefaults: ConfigSection | undefined;
  let cur: ConfigSection | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const args = tokenizeConfigLine(lines[i]!);
    if (args.length === 0) continue;
    const kind = args[0]!;
    if (!SECTION_KEYWORDS.has(kind)) {
      cur?.lines.push({ args, line: i + 1 });
      continue;
    }
    // `defaults from X` has no name; everywhere else the name comes first, then `from X`
    const unnamed = kind === 'defaults' && args[1] === 'from';
    const name = unnamed ? '' : (args[1] ?? '');
    const fromAt = unnamed ? 1 : 2;
    const from = args[fromAt] === 'from' ? args[fromAt + 1] : undefined;
    let base: ConfigSection | undefined;
    if (from !== undefined) base = named.get(from);
    else if (PROXY.has(kind)) base = lastDefaults;
    cur = { kind, name, line: i + 1, base, lines: [] };
    out.push(cur);
    if (kind === 'defaults') {
      lastDefaults = cur;
      if (name) named.set(name, cur);
    }
  }
  return out;
}

/** Does this section carry proxy settings (its own, and a defaults section's to inherit)? */
export function isProxySection(s: ConfigSection): boolean {
  return s.kind === 'defaults' || PROXY.has(s.kind);
}
