/**
 * The timeouts a verdict's recommendation quotes, read from haproxy.cfg (`--haproxy-config`):
 * `timeout client|server|tunnel`, `hard-stop-after`, and whether servers use
 * `on-marked-down shutdown-sessions`. Later sections override `defaults`, as HAProxy does. A consumer
 * of config.ts's sections: only `global`, `defaults` and proxies are read.
 */
import { isProxySection, readHaproxyConfig, type ConfigSection } from './config.js';

export interface ProxyTimeouts {
  timeoutClient?: number;
  timeoutServer?: number;
  timeoutTunnel?: number;
}
export interface HaproxySettings extends ProxyTimeouts {
  hardStopAfter?: number;
  shutdownSessionsOnDown?: boolean;
  /** per proxy name */
  proxies: Map<string, ProxyTimeouts>;
  /** `server NAME ADDR[:PORT]` lines of backend/listen sections (src/sources/server-of.ts names MySQL logs with them)
   * */
  servers: Array<{ backend: string; name: string; host: string; port?: number }>;
}

const TIMEOUT_KEYS: Record<string, keyof ProxyTimeouts | undefined> = {
  client: 'timeoutClient',
  server: 'timeoutServer',
  tunnel: 'timeoutTunnel',
};

const UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** HAProxy time format: a number with an optional unit, milliseconds by default (manual §2.5). */
export function haproxyTime(v: string): number | undefined {
  const m = /^(\d+)(us|ms|s|m|h|d)?$/.exec(v);
  return m ? Number(m[1]) * UNITS[m[2] ?? 'ms']! : undefined;
}

/** A proxy's timeouts: its defaults section's (config.ts), then its own `timeout` lines. */
function timeoutsOf(section: ConfigSection): ProxyTimeouts {
  const t: ProxyTimeouts = section.base ? { ...timeoutsOf(section.base) } : {};
  for (const { args } of section.lines) {
    const key = args[0] === 'timeout' ? TIMEOUT_KEYS[args[1]!] : undefined;
    const v = key && args[2] ? haproxyTime(args[2]) : undefined;
    if (key && v !== undefined) t[key] = v;
  }
  return t;
}

const SERVER = /^(\[[^\]]+\]|.*?)(?::(\d+))?$/;

export function readHaproxySettings(text: string): HaproxySettings {
  const out: HaproxySettings = { proxies: new Map(), servers: [] };
  for (const section of readHaproxyConfig(text)) {
    if (section.kind === 'global') {
      for (const { args } of section.lines)
        if (args[0] === 'hard-stop-after' && args[1]) out.hardStopAfter = haproxyTime(args[1]);
      continue;
    }
    // only proxies and defaults: a ring's `timeout server` or a log-forward's `timeout client` is its own
    if (!isProxySection(section)) continue;
    if (section.kind !== 'defaults') out.proxies.set(section.name, timeoutsOf(section));
    for (const { args } of section.lines) {
      if (args[0] === 'timeout' && args[2]) {
        // `timeout tunnel` is a backend setting that supersedes client and server once a TCP session is
        // established (manual, `timeout tunnel`; checked on HAProxy 2.6: `timeout client 1s` + backend
        // `timeout tunnel 3s` closed an idle session after 3.0 s, logged `cD`). The proxy-less figure is
        // the defaults' value, else the first one set.
        const key = TIMEOUT_KEYS[args[1]!];
        const v = haproxyTime(args[2]);
        if (key && v !== undefined && (section.kind === 'defaults' || out[key] === undefined)) out[key] = v;
      }
      if (args[0] === 'server' && args[1] && args[2] && section.kind !== 'defaults' && section.kind !== 'frontend') {
        // ADDR:PORT, [v6]:PORT or a bare address; the port may be absent (then the frontend's is used)
        const m = SERVER.exec(args[2])!;
        out.servers.push({
          backend: section.name,
          name: args[1],
          host: m[1]!.replace(/^\[|\]$/g, ''),
          ...(m[2] ? { port: Number(m[2]) } : {}),
        });
      }
      if (args[0] === 'server' || args[0] === 'default-server') {
        const at = args.indexOf('on-marked-down');
        if (at > 0 && args[at + 1] === 'shutdown-sessions') out.shutdownSessionsOnDown = true;
      }
    }
  }
  return out;
}
