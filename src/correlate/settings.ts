/**
 * The correlator's settings: one type, one name (`cfg`), read by the rules, the matcher, the
 * Correlator and its drivers. The values come from `correlate.*` in the config or the command line
 * (README, "goneaway correlate"); durations are in ms.
 */
import type { HaproxySettings } from '../../parsers/haproxy/settings.js';

export interface CorrelateSettings {
  /** tolerated clock difference between hosts (log resolution comes on top) */
  skew: number;
  /** the window: longest time from a closure to the app's first use of the dead connection */
  maxLag: number;
  /** how long after an app error to wait for late lines before deciding */
  settle: number;
  /** only app errors and closures from `since` to `until` are reported */
  since?: number | undefined;
  until?: number | undefined;
  /** per app log (as shown in log.file.path): the client addresses its connections come from */
  appClients?: Map<string, ReadonlySet<string>> | undefined;
  /** per app log: the MySQL users it connects as (`app.files[].mysql_user`): other users' threads are not its */
  appUsers?: Map<string, ReadonlySet<string>> | undefined;
  /** per app log: the HAProxy frontends its connections come through (`app.files[].frontends`) */
  appFrontends?: Map<string, ReadonlySet<string>> | undefined;
  /**
   * false: no app log is read, so no app error will be pushed and no closure can be claimed by one. The
   * window then keeps a session only as long as its own verdict needs (window.ts `shortHorizon`), not
   * `max_error_lag` and the retry (docs/correlator.md "What the window keeps"). Default: true.
   */
  appLogs?: boolean | undefined;
  /**
   * The HAProxy server names a MySQL log (error or general) is read for. Given, with `appLogs: false`, a
   * normal (`--`) close on any other server can never be reported (rules.ts: no thread, Aborted line,
   * KILL, shutdown or crash can explain it), and the window counts it and does not store it
   * (docs/correlator.md "What the window keeps"). Undefined: every session is stored.
   */
  mysqlServers?: ReadonlySet<string> | undefined;
  /** what haproxy.cfg says, quoted by the recommendations */
  haproxySettings?: HaproxySettings | undefined;
}

/**
 * The servers whose normal closes the window counts and does not store (`mysqlServers` above, with no app log):
 * undefined when it stores every session. The Correlator's rule, which the batch driver applies before parsing.
 */
export function unseenServers(cfg: CorrelateSettings): ((server: string) => boolean) | undefined {
  const mysql = cfg.appLogs === false ? cfg.mysqlServers : undefined;
  return mysql && ((server) => !mysql.has(server));
}

/** is `t` inside --since / --until? */
export function inRange(t: number, cfg: CorrelateSettings): boolean {
  return (cfg.since === undefined || t >= cfg.since) && (cfg.until === undefined || t <= cfg.until);
}
