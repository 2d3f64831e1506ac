/**
 * Every verdict names the setting to change, with the values seen (LAB_FINDINGS §4: the fix for
 * a 2006 depends entirely on who closed the connection). Observed values come from the logs
 * (idle time between the thread's last query and the close); configured ones from haproxy.cfg.
 */
import type { Cause } from './model.js';
import type { HaproxySettings } from '../../parsers/haproxy/settings.js';
import { fmtMs } from './rules.js';

export interface Recommendation {
  setting: string;
  current?: string | undefined;
  observed?: string | undefined;
  text: string;
}

export class Observations {
  private idle = new Map<Cause, number[]>();
  private cache = new Map<Cause, { median: number; n: number }>();
  counts = new Map<Cause, number>();
  add(cause: Cause, idleMs: number | undefined): void {
    this.counts.set(cause, (this.counts.get(cause) ?? 0) + 1);
    if (idleMs === undefined) return;
    const l = this.idle.get(cause) ?? [];
    if (l.length < 10_000) l.push(idleMs);
    this.idle.set(cause, l);
  }
  /** median idle before the close for this cause, and how many sessions it is measured from
   *  (re-sorted only when the sample grew by an eighth: recommendations are built per event) */
  idleOf(cause: Cause): { median: number; n: number } | undefined {
    const l = this.idle.get(cause);
    if (!l || !l.length) return undefined;
    const c = this.cache.get(cause);
    if (c && l.length < c.n * 1.125 + 1) return { median: c.median, n: l.length };
    const s = [...l].sort((a, b) => a - b);
    const r = { median: s[s.length >> 1]!, n: s.length };
    this.cache.set(cause, r);
    return r;
  }
}

export function recommend(
  cause: Cause,
  obs: Observations,
  cfg: HaproxySettings | undefined,
  killer?: string,
  proxies?: { frontend: string; backend: string; mode: 'tcp' | 'http' },
): Recommendation {
  const idle = obs.idleOf(cause);
  const seen = idle
    ? `${fmtMs(idle.median)}, measured from ${idle.n} session(s) that ended that long after their last query`
    : undefined;
  const cfgv = (v: number | undefined) => (v === undefined ? undefined : fmtMs(v));
  switch (cause) {
    case 'haproxy_timeout_client':
    case 'haproxy_timeout_server': {
      const which = cause === 'haproxy_timeout_client' ? 'client' : 'server';
      const tunnel =
        proxies?.mode !== 'http' && cfg ? (cfg.proxies.get(proxies?.backend ?? '') ?? cfg).timeoutTunnel : undefined;
      if (tunnel !== undefined) {
        // in TCP mode `timeout tunnel` replaces both timeouts once the session is established:
        // raising `timeout client`/`timeout server` would change nothing (HAProxy manual, `timeout tunnel`)
        const current = fmtMs(tunnel);
        return {
          setting: 'HAProxy `timeout tunnel`',
          current,
          observed: seen,
          text: `HAProxy \`timeout tunnel\` (${current} in haproxy.cfg${proxies ? ` for backend ${proxies.backend}` : ''}) closed sessions idle on the ${which} side${seen ? ` after ${seen}` : ''}: in TCP mode it supersedes \`timeout client\` and \`timeout server\` once a session is established, so those two change nothing here. Raise \`timeout tunnel\` above the pool's idle time, or make the pool test/recycle connections before ${current}.`,
        };
      }
      // `timeout client` is the frontend's, `timeout server` the backend's (each inherits defaults)
      const own = proxies && cfg ? cfg.proxies.get(which === 'client' ? proxies.frontend : proxies.backend) : undefined;
      const current = cfgv(
        which === 'client' ? (own?.timeoutClient ?? cfg?.timeoutClient) : (own?.timeoutServer ?? cfg?.timeoutServer),
      );
      return {
        setting: `HAProxy \`timeout ${which}\``,
        current,
        observed: seen,
        text: `HAProxy \`timeout ${which}\`${current ? ` (${current} in haproxy.cfg)` : ''}${seen ? ` closed sessions after ${seen}` : ''}: it is shorter than the app's idle gaps. Raise \`timeout client\` and \`timeout server\` above the pool's idle time, or make the pool test/recycle connections before ${current ?? (idle ? fmtMs(idle.median) : 'that timeout')}${which === 'server' ? '; a long query also needs `timeout server` above its run time' : ''}.`,
      };
    }
    case 'mysql_wait_timeout':
      return {
        setting: 'MySQL `wait_timeout`',
        observed: seen,
        text: `MySQL/MariaDB \`wait_timeout\`${seen ? ` (about ${seen})` : ''} closed idle connections the app still held. Raise \`wait_timeout\` (and \`interactive_timeout\`) above the pool's idle time, or set the pool's max idle/lifetime below it, or validate connections before use.`,
      };
    case 'haproxy_server_down':
      return {
        setting: 'HAProxy health check + `on-marked-down shutdown-sessions`',
        text: 'HAProxy marked the server DOWN and `on-marked-down shutdown-sessions` cut its sessions. Fix what failed the health check (see the DOWN reason in the evidence), or drop `shutdown-sessions` if killing live sessions is worse than the failing check; the app should retry on 2006/2013.',
      };
    case 'haproxy_admin_kill':
      return {
        setting: 'HAProxy runtime API (`shutdown session`, `shutdown sessions server`)',
        text: "Someone or something killed sessions through HAProxy's runtime API. Find who (automation, maintenance script); prefer `set server … state drain` before maintenance so sessions end on their own.",
      };
    case 'haproxy_hard_stop':
      return {
        setting: 'HAProxy `hard-stop-after`',
        current: cfgv(cfg?.hardStopAfter),
        text: `A reload's old process hit \`hard-stop-after\`${cfg?.hardStopAfter !== undefined ? ` (${fmtMs(cfg.hardStopAfter)})` : ''} and closed the sessions it still held. Raise \`hard-stop-after\` above the pool's connection lifetime, or give the pool a max lifetime below it.`,
      };
    case 'mysql_kill':
      return {
        setting: 'MySQL `KILL` (DBA, pt-kill, query killer)',
        text: `The connection was killed on the server${killer ? ` by ${killer}` : ''}. Review the kill rules (pt-kill --busy-time/--idle-time, DBA scripts); the app must reconnect and retry on 2006/2013.`,
      };
    case 'mysql_max_allowed_packet':
      return {
        setting: 'MySQL `max_allowed_packet`',
        text: 'A query or row was bigger than `max_allowed_packet`. Raise it on the server (and in the client library), or send smaller statements/batches.',
      };
    case 'mysql_shutdown':
      return {
        setting: 'MySQL restart procedure',
        text: 'The MySQL server was shut down under live connections. Drain it in HAProxy first (`set server … state drain`, wait for sessions to end), then restart; the app must retry on 2006/2013.',
      };
    case 'mysql_crash':
      return {
        setting: 'MySQL server stability',
        text: 'The MySQL server died without a shutdown (kill -9, OOM killer, crash: see crash recovery in its error log). Find why it died (dmesg for OOM, the error log for a signal); the app must retry on 2006/2013.',
      };
    case 'app_closed':
      return {
        setting: 'application connection handling',
        text: "The application side closed the connection without COM_QUIT (process exit, crash, or its own read timeout). Check the app's socket/read timeouts and shutdown path.",
      };
    case 'network_reset':
      return {
        setting: 'network path between app, HAProxy and MySQL',
        text: 'The TCP connection was reset between the components (firewall/conntrack idle timeout, NAT, middlebox). Enable TCP keepalive (`option clitcpka`/`srvtcpka`) or keep connections busier than the middlebox idle timeout.',
      };
    default:
      return {
        setting: 'unknown',
        text: 'No log line names the cause. Add the MySQL general log (shows KILL and Quit) and set log_warnings=4 / log_error_verbosity=3 on MySQL so aborted connections and kills are logged.',
      };
  }
}
