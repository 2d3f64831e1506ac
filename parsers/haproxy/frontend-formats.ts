/**
 * Which log format does each frontend write? Read from haproxy.cfg's sections (config.ts; docs/parsing-pitfalls.md #7):
 * - `log-format`, `option tcplog [clf]`, `option httplog [clf]`, `option httpslog` — inside one section
 *   the LAST one wins, even `option httplog` after a `log-format` (haproxy/haproxy#1715, "works as
 *   designed");
 * - a frontend/listen inherits them from its defaults section (config.ts: `from <name>`, else the last
 *   `defaults` above it) and its own lines override;
 * - `option httplog`/`httpslog` in a proxy that is not `mode http` falls back to tcplog (HAProxy warns
 *   "'option httplog' not usable with proxy … Falling back to 'option tcplog'").
 */
import { readHaproxyConfig, type ConfigSection } from './config.js';
import { BUILTIN_FORMATS } from './format-string.js';

export interface FrontendLogFormat {
  frontend: string;
  mode: 'tcp' | 'http';
  format: string;
  source: string;
}

interface Fmt {
  format: string;
  source: string;
  builtin?: 'http' | 'tcp';
}
interface Settings {
  mode?: 'tcp' | 'http' | 'other';
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

/** A defaults, frontend or listen section's mode and format: its defaults section's, then its own lines. */
function settingsOf(section: ConfigSection): Settings {
  const s: Settings = section.base ? { ...settingsOf(section.base) } : {};
  if (s.fmt && section.kind !== 'defaults') s.fmt = { ...s.fmt, source: `${s.fmt.source} (inherited from defaults)` };
  for (const { args, line } of section.lines) {
    const kw = args[0];
    const where = `line ${line}`;
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
  return s;
}

/** Effective log format of every frontend / listen section that logs traffic with one. */
export function logFormatsFromConfig(haproxyCfgText: string): FrontendLogFormat[] {
  const out: FrontendLogFormat[] = [];
  for (const section of readHaproxyConfig(haproxyCfgText)) {
    if (section.kind !== 'frontend' && section.kind !== 'listen') continue;
    const s = settingsOf(section);
    if (!s.fmt) continue;
    const mode: 'tcp' | 'http' = s.mode === 'http' ? 'http' : 'tcp';
    let { format, source } = s.fmt;
    if (s.fmt.builtin === 'http' && mode !== 'http') {
      format = BUILTIN_FORMATS.tcplog;
      source += ` → tcplog (not 'mode http': HAProxy falls back to 'option tcplog')`;
    }
    out.push({ frontend: section.name, mode, format, source });
  }
  return out;
}
