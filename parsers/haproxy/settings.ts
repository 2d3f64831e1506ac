/**
 * The timeouts a verdict's recommendation quotes, read from haproxy.cfg (`--haproxy-config`):
 * `timeout client|server|tunnel`, `hard-stop-after`, and whether servers use
 * `on-marked-down shutdown-sessions`. Later sections override `defaults`, as HAProxy does.
 */
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

export function readHaproxySettings(text: string): HaproxySettings {
  const out: HaproxySettings = { proxies: new Map(), servers: [] };
  let section = '';
  let name = '';
  let defaults: ProxyTimeouts = {};
  const named = new Map<string, ProxyTimeouts>();
  let cur: ProxyTimeouts = {};
  for (const raw of text.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const w = line.split(/\s+/);
    if (
      [
        'global',
        'defaults',
        'frontend',
        'backend',
        'listen',
        'peers',
        'resolvers',
        'userlist',
        'program',
        'http-errors',
        'ring',
        'cache',
        'mailers',
      ].includes(w[0]!)
    ) {
      section = w[0]!;
      name = w[1] ?? '';
      // `defaults NAME` (HAProxy >= 2.4) can be picked by `frontend x from NAME`; a proxy without
      // `from` takes the last defaults section above it, as before
      const from = w[2] === 'from' && w[3] ? named.get(w[3]) : undefined;
      if (section === 'defaults') {
        const base = w[1] === 'from' && w[2] ? named.get(w[2]) : from;
        defaults = { ...base };
        cur = defaults;
        if (name && name !== 'from') named.set(name, defaults);
      } else if (section === 'frontend' || section === 'backend' || section === 'listen') {
        cur = { ...(from ?? defaults) };
        out.proxies.set(name, cur);
      }
      continue;
    }
    if (w[0] === 'hard-stop-after' && w[1]) out.hardStopAfter = haproxyTime(w[1]);
    if (w[0] === 'timeout' && w[2]) {
      const v = haproxyTime(w[2]);
      if (v === undefined) continue;
      // `timeout tunnel` is a backend setting that supersedes client and server once a TCP session is
      // established (manual, `timeout tunnel`; checked on HAProxy 2.6: `timeout client 1s` + backend
      // `timeout tunnel 3s` closed an idle session after 3.0 s, logged `cD`)
      const key = TIMEOUT_KEYS[w[1]!];
      if (key) {
        cur[key] = v;
        if (section === 'defaults' || out[key] === undefined) out[key] = v;
      }
    }
    if (w[0] === 'server' && w[1] && w[2] && (section === 'backend' || section === 'listen')) {
      // ADDR:PORT, [v6]:PORT or a bare address; the port may be absent (then the frontend's is used)
      const m = /^(\[[^\]]+\]|.*?)(?::(\d+))?$/.exec(w[2])!;
      out.servers.push({
        backend: name,
        name: w[1],
        host: m[1]!.replace(/^\[|\]$/g, ''),
        ...(m[2] ? { port: Number(m[2]) } : {}),
      });
    }
    if ((w[0] === 'server' || w[0] === 'default-server') && /on-marked-down\s+shutdown-sessions/.test(line))
      out.shutdownSessionsOnDown = true;
  }
  return out;
}
