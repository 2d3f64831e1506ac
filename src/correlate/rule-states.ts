/**
 * The rules' cases (rules.ts), one per family of HAProxy's closing state (HAProxy manual §8.5): who closed the
 * last half names the family, and each case then reads what the other logs say (rule-context.ts).
 */
import type { Aborted, Evidence, Thread, Verdict } from './model.js';
import { decodeTermination } from '../../parsers/haproxy/termination.js';
import { abortedNear, abortedOf } from './aborted.js';
import { appHint, fmtMs, idleOf, mysqlFirst, verdict, withAt, type RuleContext } from './rule-context.js';

const APP_TIMEOUT = /timed? ?out|timeout/i;

/** the Aborted line of the session's close (joined without a thread, or its thread's near the end), as evidence */
function abortedAtEnd({ inst, th, s, cfg, claims, orphan, evidence }: RuleContext): Aborted | Thread['aborted'] {
  const ab = orphan ?? abortedNear(inst, th, s, cfg, claims);
  if (ab) evidence.push(ab.ev);
  return ab;
}

/** `K`: HAProxy killed the session (an admin's `shutdown session`, or an old process's hard-stop-after) */
function haproxyKill({ store, s, cfg, evidence }: RuleContext): Verdict {
  for (const h of store.haEvents.range(s.end - 5000 - cfg.skew, s.end + cfg.skew)) {
    if (h.type === 'hard_stop' && (h.pid === undefined || s.pid === undefined || h.pid === s.pid)) {
      evidence.push(h.ev);
      return verdict(
        'haproxy_hard_stop',
        0.95,
        `the old HAProxy process (pid ${s.pid ?? '?'}) hit hard-stop-after after a reload and killed the session (${s.state})`,
        evidence,
      );
    }
  }
  return verdict(
    'haproxy_admin_kill',
    0.9,
    `HAProxy killed the session (${s.state}): runtime API \`shutdown session(s)\` or equivalent`,
    evidence,
  );
}

/** `D`: HAProxy marked the server DOWN (unless a MySQL-side first cause came before) */
function serverDown(x: RuleContext): Verdict {
  const { store, s, cfg, evidence } = x;
  const m = mysqlFirst(x, 0.8);
  if (m) return m;
  let down: Evidence | undefined;
  for (const h of store.haEvents.range(s.end - 3000 - cfg.skew, s.end + cfg.skew + 1000))
    if (h.type === 'down' && (!h.server || h.server === s.server)) {
      down = h.ev;
    }
  if (down) evidence.push(down);
  return verdict(
    'haproxy_server_down',
    down ? 0.95 : 0.85,
    `HAProxy marked ${s.backend}/${s.server} DOWN and shut its sessions (on-marked-down shutdown-sessions)`,
    evidence,
  );
}

/** `U`: a backup server's session shut because an active one came UP */
function backupLeft({ s, evidence }: RuleContext): Verdict {
  return verdict(
    'haproxy_server_down',
    0.6,
    `HAProxy shut the session on a backup server because an active one came UP (${s.state})`,
    evidence,
  );
}

/** `c`: HAProxy's `timeout client` */
function clientTimeout(x: RuleContext): Verdict {
  const { th, s, evidence } = x;
  const m = mysqlFirst(x, 0.85);
  if (m) return m;
  const ab = abortedAtEnd(x);
  return verdict(
    'haproxy_timeout_client',
    ab ? 0.95 : 0.9,
    `HAProxy's \`timeout client\` expired (${s.state}) after ${fmtMs(idleOf(s, th))} without traffic`,
    evidence,
  );
}

/** `s`: HAProxy's `timeout server` (a KILL well before it is the first cause) */
function serverTimeout(x: RuleContext): Verdict {
  const { s, killed, evidence } = x;
  if (killed && killed.t < s.end - 1000) return mysqlFirst(x, 0.85)!;
  const ab = abortedAtEnd(x);
  return verdict(
    'haproxy_timeout_server',
    ab ? 0.95 : 0.9,
    `HAProxy's \`timeout server\` expired (${s.state})${ab?.reason === 'error_writing' ? ' while the server was still executing a query' : ''}`,
    evidence,
  );
}

/** `S`: the server side closed: the Aborted line says why, else the app's code, else most often wait_timeout */
function serverClosed(x: RuleContext): Verdict {
  const { s, evidence } = x;
  const m = mysqlFirst(x, 0.85);
  if (m) return m;
  const ab = abortedAtEnd(x);
  if (ab) {
    if (ab.reason === 'timeout_reading')
      return withAt(
        ab.t,
        'mysql_wait_timeout',
        0.95,
        `${s.server} closed the idle connection: wait_timeout ("Got timeout reading communication packets")`,
        evidence,
      );
    if (ab.reason === 'packet_too_large')
      return withAt(
        ab.t,
        'mysql_max_allowed_packet',
        0.95,
        `${s.server} refused a packet bigger than max_allowed_packet and closed the connection`,
        evidence,
      );
    if (ab.reason === 'killed')
      return withAt(ab.t, 'mysql_kill', 0.85, `${s.server} logged the connection as KILLED`, evidence);
    if (ab.reason === 'error_reading' || ab.reason === 'error_writing')
      return withAt(
        ab.t,
        'network_reset',
        0.6,
        `both sides saw the connection fail (HAProxy ${s.state}, ${s.server} "${ab.reason.replace('_', ' ')}"): a reset between them`,
        evidence,
      );
  }
  const h = appHint(x);
  if (h) return h;
  if (s.state[1] === 'C')
    return verdict(
      'unknown',
      0.3,
      `${s.server} refused the connection (${s.state}): a connect failure, not a dead connection`,
      evidence,
      'mysql',
    );
  // wait_timeout is at least 1 s (MySQL/MariaDB minimum) of idleness, so a session the server
  // closed sooner after the accept was not idle-closed: too many connections, an auth or host
  // block, or an oversized first query, and no line here says which
  if (s.end - s.accept < 1000)
    return verdict(
      'unknown',
      0.3,
      `${s.server} closed the session ${fmtMs(s.end - s.accept)} after the accept (${s.state}): too soon for wait_timeout (≥ 1 s), and no MySQL log line names the reason`,
      evidence,
      'mysql',
    );
  return verdict(
    'mysql_wait_timeout',
    0.55,
    `the server side closed the session (${s.state}) and no MySQL log line names the reason; an idle close by the server is most often wait_timeout`,
    evidence,
  );
}

/** `C`: the client side closed (the app's own close or timeout, or a reset) */
function clientClosed({ s, err, evidence }: RuleContext): Verdict {
  if (!err)
    return verdict(
      'app_closed',
      0.8,
      `the client closed the connection without COM_QUIT (${s.state}): process exit, crash or its own timeout`,
      evidence,
    );
  if (APP_TIMEOUT.test(err.message))
    return verdict('app_closed', 0.7, `the app's own read/write timeout closed the connection (${s.state})`, evidence);
  return verdict(
    'network_reset',
    0.6,
    `the client side of the session was reset (${s.state}) although the app did not close it`,
    evidence,
  );
}

/** `--`: a normal-looking close, which is also what a KILL, a restart or a crash looks like to HAProxy */
function normalClose(x: RuleContext): Verdict {
  const { inst, th, s, cfg, err, claims, orphan, evidence } = x;
  const m = mysqlFirst(x, 0.9);
  if (m) return m;
  const h = appHint(x);
  if (h) return h;
  const ab = orphan ?? abortedOf(inst, th, claims);
  if (ab) {
    evidence.push(ab.ev);
    if (ab.reason === 'timeout_reading')
      return withAt(
        ab.t,
        'mysql_wait_timeout',
        0.8,
        'MySQL logged "Got timeout reading communication packets" for the thread: wait_timeout',
        evidence,
      );
    if (ab.reason === 'packet_too_large')
      return withAt(
        ab.t,
        'mysql_max_allowed_packet',
        0.85,
        'MySQL logged a packet bigger than max_allowed_packet for the thread',
        evidence,
      );
  }
  // The app process died or dropped its socket without COM_QUIT: the kernel's FIN looks like a
  // normal close to HAProxy (`--`), MySQL says the client vanished (lab 11: SIGKILLed workers).
  if (!err && ab && ab.reason === 'error_reading' && ab.t >= s.end - cfg.skew - 1000 && ab.t <= s.end + cfg.skew) {
    return withAt(
      ab.t,
      'app_closed',
      0.7,
      `the client closed without COM_QUIT: HAProxy saw a normal close (${s.state}), ${s.server} "Got an error reading communication packets" and no Quit`,
      evidence,
    );
  }
  if (!err) return verdict('unknown', 0.2, 'normal termination', evidence, 'unknown');
  return verdict(
    'unknown',
    0.3,
    `HAProxy logged a normal close (${s.state}) at the time of the error: the server side closed first, and no MySQL log says why (KILL at log_warnings<4 without a general log, restart without an error log?)`,
    evidence,
    'mysql',
  );
}

/** any other state: HAProxy ended the session itself */
function otherState({ s, evidence }: RuleContext): Verdict {
  return verdict(
    'unknown',
    0.4,
    `HAProxy ended the session itself (${s.state}): ${(s.termination as { description?: string } | undefined)?.description ?? decodeTermination(s.state).description}`,
    evidence,
    'haproxy',
  );
}

/** the case of a closing state, by its first letter */
const BY_STATE: ReadonlyMap<string, (x: RuleContext) => Verdict> = new Map([
  ['K', haproxyKill],
  ['D', serverDown],
  ['U', backupLeft],
  ['c', clientTimeout],
  ['s', serverTimeout],
  ['S', serverClosed],
  ['C', clientClosed],
  ['-', normalClose],
]);

/** the verdict of the session's closing state's case */
export function byState(x: RuleContext): Verdict {
  return (BY_STATE.get(x.s.state[0] ?? '?') ?? otherState)(x);
}
