/**
 * The one table of causes. Everything that lists causes derives from it: the `Cause` type, who
 * terminated (`TERMINATOR_OF`), the recommendation text (recommend.ts), the HTML labels, the
 * Elasticsearch mapping's keyword values and the README's verdict table (`npm run docs:causes`).
 * A cause added here without a label, a terminator or a recommendation does not compile.
 * How each cause shows up in the logs: HAProxy manual §8.5 and docs/lab-findings.md §2.
 *
 * No runtime imports: model.ts re-exports from here and rules.ts imports model.ts.
 */

export type Terminator = 'haproxy' | 'mysql' | 'app' | 'network' | 'unknown';

export interface Recommendation {
  setting: string;
  current?: string | undefined;
  observed?: string | undefined;
  text: string;
}

/** What recommend.ts knows when it writes a recommendation; durations are already formatted. */
export interface RecommendContext {
  /** median idle before the close, with its sample size, as a sentence fragment */
  seen: string | undefined;
  /** the median idle alone */
  idle: string | undefined;
  /** HAProxy `timeout client` / `timeout server` of the session's frontend / backend (or defaults) */
  timeoutClient: string | undefined;
  timeoutServer: string | undefined;
  /** `timeout tunnel` of a TCP-mode backend: it supersedes both once a session is established */
  timeoutTunnel: string | undefined;
  hardStopAfter: string | undefined;
  backend: string | undefined;
  /** the thread that sent the KILL, when the logs tell */
  killer: string | undefined;
}

export interface CauseInfo {
  terminator: Terminator;
  /** short human label (HTML report); backticks become <code> */
  label: string;
  /** README columns: what HAProxy and MySQL/MariaDB log for it, and the setting to look at */
  haproxyState: string;
  mysqlEvidence: string;
  setting: string;
  /** README's terminated_by column when it says more than `terminator` */
  terminatorNote?: string;
  recommend: (c: RecommendContext) => Recommendation;
}

function haproxyTimeout(which: 'client' | 'server', c: RecommendContext): Recommendation {
  if (c.timeoutTunnel !== undefined) {
    // in TCP mode `timeout tunnel` replaces both timeouts once the session is established:
    // raising `timeout client`/`timeout server` would change nothing (HAProxy manual, `timeout tunnel`)
    const current = c.timeoutTunnel;
    return {
      setting: 'HAProxy `timeout tunnel`',
      current,
      observed: c.seen,
      text: `HAProxy \`timeout tunnel\` (${current} in haproxy.cfg${c.backend !== undefined ? ` for backend ${c.backend}` : ''}) closed sessions idle on the ${which} side${c.seen ? ` after ${c.seen}` : ''}: in TCP mode it supersedes \`timeout client\` and \`timeout server\` once a session is established, so those two change nothing here. Raise \`timeout tunnel\` above the pool's idle time, or make the pool test/recycle connections before ${current}.`,
    };
  }
  const current = which === 'client' ? c.timeoutClient : c.timeoutServer;
  return {
    setting: `HAProxy \`timeout ${which}\``,
    current,
    observed: c.seen,
    text: `HAProxy \`timeout ${which}\`${current ? ` (${current} in haproxy.cfg)` : ''}${c.seen ? ` closed sessions after ${c.seen}` : ''}: it is shorter than the app's idle gaps. Raise \`timeout client\` and \`timeout server\` above the pool's idle time, or make the pool test/recycle connections before ${current ?? c.idle ?? 'that timeout'}${which === 'server' ? '; a long query also needs `timeout server` above its run time' : ''}.`,
  };
}

export const CAUSES = {
  haproxy_timeout_client: {
    terminator: 'haproxy',
    label: 'HAProxy `timeout client` expired',
    haproxyState: '`cD` (accept + Tt = last byte + timeout)',
    mysqlEvidence: '"Got an error reading communication packets"',
    setting: '`timeout client`',
    recommend: (c) => haproxyTimeout('client', c),
  },
  haproxy_timeout_server: {
    terminator: 'haproxy',
    label: 'HAProxy `timeout server` expired',
    haproxyState: '`sD`',
    mysqlEvidence: '"error reading" (idle) / "error writing" (query running)',
    setting: '`timeout server`',
    recommend: (c) => haproxyTimeout('server', c),
  },
  haproxy_server_down: {
    terminator: 'haproxy',
    label: 'HAProxy marked the server DOWN',
    haproxyState: '`D-` after `Server … is DOWN`',
    mysqlEvidence: 'Access denied for the check user…',
    setting: 'health check, `on-marked-down shutdown-sessions`',
    recommend: () => ({
      setting: 'HAProxy health check + `on-marked-down shutdown-sessions`',
      text: 'HAProxy marked the server DOWN and `on-marked-down shutdown-sessions` cut its sessions. Fix what failed the health check (see the DOWN reason in the evidence), or drop `shutdown-sessions` if killing live sessions is worse than the failing check; the app should retry on 2006/2013.',
    }),
  },
  haproxy_admin_kill: {
    terminator: 'haproxy',
    label: 'HAProxy session killed (runtime API)',
    haproxyState: '`K-`',
    mysqlEvidence: '"error reading"',
    setting: 'runtime API `shutdown session(s)`',
    recommend: () => ({
      setting: 'HAProxy runtime API (`shutdown session`, `shutdown sessions server`)',
      text: "Someone or something killed sessions through HAProxy's runtime API. Find who (automation, maintenance script); prefer `set server … state drain` before maintenance so sessions end on their own.",
    }),
  },
  haproxy_hard_stop: {
    terminator: 'haproxy',
    label: 'HAProxy reload hit `hard-stop-after`',
    haproxyState: '`K-` from the old pid after `performing a hard-stop`',
    mysqlEvidence: '"error reading"',
    setting: '`hard-stop-after`',
    recommend: (c) => ({
      setting: 'HAProxy `hard-stop-after`',
      current: c.hardStopAfter,
      text: `A reload's old process hit \`hard-stop-after\`${c.hardStopAfter !== undefined ? ` (${c.hardStopAfter})` : ''} and closed the sessions it still held. Raise \`hard-stop-after\` above the pool's connection lifetime, or give the pool a max lifetime below it.`,
    }),
  },
  mysql_wait_timeout: {
    terminator: 'mysql',
    label: 'MySQL `wait_timeout` expired',
    haproxyState: '`SD`',
    mysqlEvidence: '"Got timeout reading communication packets"; app 4031',
    setting: '`wait_timeout`',
    recommend: (c) => ({
      setting: 'MySQL `wait_timeout`',
      observed: c.seen,
      text: `MySQL/MariaDB \`wait_timeout\`${c.seen ? ` (about ${c.seen})` : ''} closed idle connections the app still held. Raise \`wait_timeout\` (and \`interactive_timeout\`) above the pool's idle time, or set the pool's max idle/lifetime below it, or validate connections before use.`,
    }),
  },
  mysql_kill: {
    terminator: 'mysql',
    label: 'MySQL `KILL` of the thread',
    haproxyState: '**`--`** (or `cD` if the app stayed idle)',
    mysqlEvidence: "general log `KILL n` / `KILL '<n>'`; `(KILLED)` at log_warnings=4",
    setting: 'the killer (DBA, pt-kill)',
    recommend: (c) => ({
      setting: 'MySQL `KILL` (DBA, pt-kill, query killer)',
      text: `The connection was killed on the server${c.killer ? ` by ${c.killer}` : ''}. Review the kill rules (pt-kill --busy-time/--idle-time, DBA scripts); the app must reconnect and retry on 2006/2013.`,
    }),
  },
  mysql_max_allowed_packet: {
    terminator: 'mysql',
    label: 'MySQL `max_allowed_packet` exceeded',
    haproxyState: '`SD` right after the query',
    mysqlEvidence: `"Got a packet bigger than 'max_allowed_packet'"; app 1153`,
    setting: '`max_allowed_packet`',
    recommend: () => ({
      setting: 'MySQL `max_allowed_packet`',
      text: 'A query or row was bigger than `max_allowed_packet`. Raise it on the server (and in the client library), or send smaller statements/batches.',
    }),
  },
  mysql_shutdown: {
    terminator: 'mysql',
    label: 'MySQL server shut down',
    haproxyState: '`--` or `D-`',
    mysqlEvidence: '`Normal shutdown` during the session',
    setting: 'restart procedure (drain first)',
    recommend: () => ({
      setting: 'MySQL restart procedure',
      text: 'The MySQL server was shut down under live connections. Drain it in HAProxy first (`set server … state drain`, wait for sessions to end), then restart; the app must retry on 2006/2013.',
    }),
  },
  mysql_crash: {
    terminator: 'mysql',
    label: 'MySQL server crashed / was killed',
    haproxyState: '`--` or `D-`',
    mysqlEvidence: 'nothing, then crash recovery / signal at restart',
    setting: 'server stability',
    recommend: () => ({
      setting: 'MySQL server stability',
      text: 'The MySQL server died without a shutdown (kill -9, OOM killer, crash: see crash recovery in its error log). Find why it died (dmesg for OOM, the error log for a signal); the app must retry on 2006/2013.',
    }),
  },
  app_closed: {
    terminator: 'app',
    label: 'the app closed its side',
    haproxyState: "`CD` and no app error (or the app's own timeout)",
    mysqlEvidence: '"error reading"',
    setting: 'app connection handling',
    recommend: () => ({
      setting: 'application connection handling',
      text: "The application side closed the connection without COM_QUIT (process exit, crash, or its own read timeout). Check the app's socket/read timeouts and shutdown path.",
    }),
  },
  network_reset: {
    terminator: 'network',
    label: 'network reset between components',
    haproxyState: '`SD`/`CD` with "error reading" on both sides and no other cause',
    mysqlEvidence: '',
    setting: 'keepalive, middlebox timeouts',
    recommend: () => ({
      setting: 'network path between app, HAProxy and MySQL',
      text: 'The TCP connection was reset between the components (firewall/conntrack idle timeout, NAT, middlebox). Enable TCP keepalive (`option clitcpka`/`srvtcpka`) or keep connections busier than the middlebox idle timeout.',
    }),
  },
  unknown: {
    terminator: 'unknown',
    terminatorNote: 'unknown / the side that closed',
    label: 'cause unknown',
    haproxyState: 'nothing conclusive',
    mysqlEvidence: '',
    setting: 'log more (general log, log_warnings=4)',
    recommend: () => ({
      setting: 'unknown',
      text: 'No log line names the cause. Add the MySQL general log (shows KILL and Quit) and set log_warnings=4 / log_error_verbosity=3 on MySQL so aborted connections and kills are logged.',
    }),
  },
} satisfies Record<string, CauseInfo>;

export type Cause = keyof typeof CAUSES;

/** every cause, in the table's order */
export const CAUSE_NAMES = Object.keys(CAUSES) as Cause[];

/** derived: who terminated, per cause */
export const TERMINATOR_OF = Object.fromEntries(CAUSE_NAMES.map((c) => [c, CAUSES[c].terminator])) as Record<
  Cause,
  Terminator
>;

export const TERMINATORS: readonly Terminator[] = ['haproxy', 'mysql', 'app', 'network', 'unknown'];

export function isCause(v: string): v is Cause {
  return Object.prototype.hasOwnProperty.call(CAUSES, v);
}
