/**
 * Which log format does each frontend write? Read from haproxy.cfg (USER_PAIN #7):
 * - `log-format`, `option tcplog [clf]`, `option httplog [clf]`, `option httpslog` — inside one section
 *   the LAST one wins, even `option httplog` after a `log-format` (haproxy/haproxy#1715, "works as
 *   designed");
 * - a frontend/listen inherits them from the preceding `defaults` section (or `from <name>`) and its
 *   own lines override;
 * - `option httplog`/`httpslog` in a proxy that is not `mode http` falls back to tcplog (HAProxy warns
 *   "'option httplog' not usable with proxy … Falling back to 'option tcplog'").
 * Lines are tokenised like HAProxy's parser: `#` comments, "…" with backslash escapes, '…' literal,
 * `\ ` escapes outside quotes, and the documented `${HAPROXY_*_LOG_FMT}` variables.
 */
import { BUILTIN_FORMATS, ENV_FORMATS as ENV } from './format-string.js';

export interface FrontendLogFormat {
  frontend: string;
  mode: 'tcp' | 'http';
  format: string;
  source: string;
}

const SECTIONS = new Set([
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

interface Fmt {
  format: string;
  source: string;
  builtin?: 'http' | 'tcp';
}
interface Settings {
  mode?: 'tcp' | 'http' | 'other';
  modeSource?: string;
  fmt?: Fmt;
}

function optionFormat(args: string[]): { format: string; builtin: 'http' | 'tcp' } | undefined {
  const clf = args[2] === 'clf';
  switch (args[1]) {
    case 'tcplog':
      return { format: clf ? BUILTIN_FORMATS.tcpClf : BUILTIN_FORMATS.tcplog, builtin: 'tcp' };
    case 'httplog':
      return { format: clf ? BUILTIN_FORMATS.httpClf : BUILTIN_FORMATS.httplog, builtin: 'http' };
    case 'httpslog':
      return { format: BUILTIN_FORMATS.httpslog, builtin: 'http' };
    default:
      return undefined;
  }
}

/** Effective log format of every frontend / listen section that logs traffic with one. */
export function logFormatsFromConfig(haproxyCfgText: string): FrontendLogFormat[] {
  const out: FrontendLogFormat[] = [];
  if (typeof haproxyCfgText !== 'string') return out;
  const defaults = new Map<string, Settings>();
  let lastDefaults: Settings = {};
  let section: { kind: string; name: string; s: Settings; line: number } | undefined;

  const close = () => {
    if (!section) return;
    if (section.kind === 'defaults') {
      lastDefaults = section.s;
      if (section.name) defaults.set(section.name, section.s);
    } else if ((section.kind === 'frontend' || section.kind === 'listen') && section.s.fmt) {
      const s = section.s;
      const mode: 'tcp' | 'http' = s.mode === 'http' ? 'http' : 'tcp';
      let { format, source } = s.fmt!;
      if (s.fmt!.builtin === 'http' && mode !== 'http') {
        format = BUILTIN_FORMATS.tcplog;
        source += ` → tcplog (not 'mode http': HAProxy falls back to 'option tcplog')`;
      }
      out.push({ frontend: section.name, mode, format, source });
    }
    section = undefined;
  };

  const lines = haproxyCfgText.split(/\r?\n/);
  for (let ln = 0; ln < lines.length; ln++) {
    const args = tokenizeConfigLine(lines[ln]!);
    if (args.length === 0) continue;
    const kw = args[0]!;
    if (SECTIONS.has(kw)) {
      close();
      const fromIdx = args.indexOf('from');
      const from = fromIdx > 0 ? args[fromIdx + 1] : undefined;
      const name = kw === 'defaults' ? (args[1] && args[1] !== 'from' ? args[1] : '') : (args[1] ?? '');
      const base = from !== undefined ? (defaults.get(from) ?? {}) : kw === 'defaults' ? {} : lastDefaults;
      const inherited: Settings = { ...base };
      if (inherited.fmt && kw !== 'defaults')
        inherited.fmt = { ...inherited.fmt, source: `${inherited.fmt.source} (inherited from defaults)` };
      section = { kind: kw, name, s: kw === 'defaults' && from === undefined ? {} : inherited, line: ln + 1 };
      continue;
    }
    if (!section || !(section.kind === 'defaults' || section.kind === 'frontend' || section.kind === 'listen'))
      continue;
    const s = section.s;
    const where = `line ${ln + 1}`;
    if (kw === 'mode' && args[1]) {
      s.mode = args[1] === 'http' ? 'http' : args[1] === 'tcp' ? 'tcp' : 'other';
    } else if (kw === 'log-format' && args.length > 1) {
      // HAProxy wants a single argument; unescaped spaces split it — join them back (lenient)
      s.fmt = { format: args.slice(1).join(' '), source: `${where}: log-format` };
    } else if (kw === 'option' && args[1]) {
      const o = optionFormat(args);
      if (o) s.fmt = { format: o.format, builtin: o.builtin, source: `${where}: option ${args.slice(1).join(' ')}` };
    } else if (kw === 'no' && args[1] === 'option' && args[2]) {
      const o = optionFormat(args.slice(1));
      if (o && s.fmt && s.fmt.format === o.format) delete s.fmt;
    }
  }
  close();
  return out;
}
