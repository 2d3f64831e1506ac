/**
 * How well could any time-only rule do on the correlated scenario? An estimate of the best share of
 * right causes (the Bayes rate) for the errors of apps that log no local port (PHP, Python), from the
 * generated HAProxy log and truth.json alone:
 *
 * - The oracle sees what a time-only rule without app keys sees: every closure on the proxy (any client,
 *   any frontend) that ended from 60 s before the error to 2 s after its stamp, with two logged facts
 *   each: HAProxy's termination state and the lag from the close to the error, in whole seconds.
 * - It knows the world's laws, which no rule can: how often the closure an error met has each
 *   (state, lag) — read from the truth — and how often closures of each (state, lag) are around an
 *   error at all. A candidate's weight is the ratio of the two (the likelihood ratio of "this is the
 *   error's closure" to "this is background"), and the oracle answers the cause with the most weight.
 *   It knows each closure's story: an error's closure tells its true cause, another one the cause its
 *   state names (the rules read that right from the MySQL logs nearly always).
 * - It decides each error alone (no two errors are kept off one closure), and the laws are read from
 *   the same errors it is scored on: optimistic for rules that see only those facts, not a target to fit.
 * - A second run also sees each closure's origin (client address and frontend, per app): the key goneaway
 *   learns from an app's own errors (src/correlate/app-origin.ts). Neither run sees the MySQL logs (the KILL,
 *   the Aborted line, the restart that put a closure's first cause at the error) nor excludes the closures
 *   other errors took, so goneaway can beat both: they bound what time and HAProxy's own facts give, not
 *   what the logs as a whole give.
 *
 * Candidates that share state and lag are indistinguishable to it: where several of them tell
 * different stories, even the oracle guesses.
 */
import { readFileSync } from 'node:fs';
import type { TruthEntry } from './correlated/sinks.js';
import { APP_IP } from './correlated/session.js';
import type { App } from './correlated/world.js';

export interface OracleResult {
  /** time-only errors scored */
  errors: number;
  /** errors whose own closure is among the candidates */
  seen: number;
  right: number;
  /** the same oracle that also sees each closure's origin (client address and frontend), per app */
  rightWithOrigin: number;
  /** the ceiling of any rule (`ceilingOf`): the expected number of right causes, and the mean number of closures
   *  the logs cannot tell from each error's own */
  ceiling: number;
  meanTwins: number;
}

export interface Closure {
  key: string;
  end: number;
  state: string;
  /** client address and frontend: where the session came from */
  origin: string;
  /** backend/server: where it went */
  route: string;
}

const BEFORE = 60_000;
const AFTER = 2000;
const MON: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};
// the bench's own tcplog lines (haproxy-lines.ts tcplogLine), UTC: ip:port [accept] fe be/srv Tw/Tc/Tt bytes state
const TCPLOG =
  /: ([\d.]+):(\d+) \[(\d+)\/(\w+)\/(\d+):(\d+):(\d+):(\d+)\.(\d+)\] (\S+) (\S+) -?\d+\/-?\d+\/(\d+) \d+ (\S\S) /;
const STORY: Record<string, string> = {
  c: 'haproxy_timeout_client',
  s: 'haproxy_timeout_server',
  S: 'mysql_wait_timeout',
  K: 'haproxy_admin_kill',
  D: 'haproxy_server_down',
};

function closures(haproxyFile: string): Closure[] {
  const out: Closure[] = [];
  for (const line of readFileSync(haproxyFile, 'utf8').split('\n')) {
    const m = TCPLOG.exec(line);
    if (!m) continue;
    const state = m[13]!;
    // client-side closes and failed connects are not closures a dead-connection error can meet
    if (state[0] === 'C' || 'CQRT'.includes(state[1]!)) continue;
    const accept = Date.UTC(+m[5]!, MON[m[4]!]!, +m[3]!, +m[6]!, +m[7]!, +m[8]!, +m[9]!);
    out.push({ key: `${m[1]}:${m[2]}`, end: accept + +m[12]!, state, origin: `${m[1]} ${m[10]}`, route: m[11]! });
  }
  return out.sort((a, b) => a.end - b.end);
}

export interface Case {
  app: string;
  cause: string;
  cands: Array<{ c: Closure; lag: number }>;
  own: Closure | undefined;
}

/**
 * The best any rule could do on these errors, however it weighs time: for each error, the closures the logs
 * cannot tell from its own — ended in the same second (HAProxy's log has ms, but an app's stamp has whole seconds
 * (PHP) and the lag from a close to the app's next use is spread over seconds, docs/confidence.md), from the
 * same client address through the same frontend (so, in the bench's world, of the same app and MySQL user:
 * `APP_IP`, `userOf`), to the same backend and server. A rule that knew the error's own closure was one of
 * them, and nothing more, is right at best with the share of the commonest story among them (each closure's
 * story: its error's cause, else the one its state names; closures with none, the clean `--` closes, left
 * out). Optimistic: it knows the second of the error's closure, which no log says for a first-use error.
 */
export function ceilingOf(
  cases: readonly Case[],
  storyOf: ReadonlyMap<Closure, string>,
): { ceiling: number; meanTwins: number } {
  let ceiling = 0,
    twins = 0;
  for (const k of cases) {
    const own = k.own;
    if (!own) continue;
    const by = new Map<string, number>();
    let n = 0;
    for (const { c } of k.cands) {
      if (c.origin !== own.origin || c.route !== own.route) continue;
      if (Math.floor(c.end / 1000) !== Math.floor(own.end / 1000)) continue;
      const story = storyOf.get(c) ?? STORY[c.state[0]!];
      if (story === undefined) continue;
      by.set(story, (by.get(story) ?? 0) + 1);
      n++;
    }
    ceiling += Math.max(...by.values()) / n;
    twins += n;
  }
  return { ceiling, meanTwins: twins / Math.max(1, cases.length) };
}

export function timeOnlyOracle(truthFile: string, haproxyFile: string): OracleResult {
  const truth = (JSON.parse(readFileSync(truthFile, 'utf8')) as TruthEntry[]).filter((t) => t.app !== 'node');
  const all = closures(haproxyFile);
  const lo = (t: number) => {
    let a = 0,
      b = all.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (all[m]!.end < t) a = m + 1;
      else b = m;
    }
    return a;
  };
  const cases: Case[] = [];
  const storyOf = new Map<Closure, string>();
  for (const t of truth) {
    const at = Date.parse(t.t);
    const res = at % 1000 === 0 ? 1000 : 0;
    const mid = at + res / 2;
    const key = `${APP_IP[t.app as App]}:${t.client_port}`;
    const cands: Case['cands'] = [];
    let own: Closure | undefined;
    for (let i = lo(at - BEFORE); i < all.length && all[i]!.end <= at + res + AFTER; i++) {
      const c = all[i]!;
      cands.push({ c, lag: Math.max(-3, Math.min(60, Math.floor((mid - c.end) / 1000))) });
      if (c.key === key) own = c; // the latest closure of that client port before the error
    }
    if (own) storyOf.set(own, t.cause);
    cases.push({ app: t.app, cause: t.cause, cands, own });
  }
  const score = (feature: (k: Case, c: Closure, lag: number) => string): number => {
    // the world's laws, counted over every error: features of the errors' own closures, and of the rest
    const ownF = new Map<string, number>();
    const bgF = new Map<string, number>();
    for (const k of cases)
      for (const { c, lag } of k.cands) {
        const m = c === k.own ? ownF : bgF;
        const f = feature(k, c, lag);
        m.set(f, (m.get(f) ?? 0) + 1);
      }
    let right = 0;
    for (const k of cases) {
      const mass = new Map<string, number>();
      for (const { c, lag } of k.cands) {
        const f = feature(k, c, lag);
        const w = ((ownF.get(f) ?? 0) + 0.5) / ((bgF.get(f) ?? 0) + 0.5);
        const story = storyOf.get(c) ?? STORY[c.state[0]!] ?? 'unknown';
        mass.set(story, (mass.get(story) ?? 0) + w);
      }
      let best = '',
        bestW = -1;
      for (const [s, w] of mass)
        if (w > bestW) {
          best = s;
          bestW = w;
        }
      if (best === k.cause) right++;
    }
    return right;
  };
  const twins = ceilingOf(cases, storyOf);
  return {
    ...twins,
    errors: cases.length,
    seen: cases.filter((k) => k.own).length,
    right: score((_k, c, lag) => `${c.state}|${lag}`),
    // the laws per app: which origins its errors' closures come from (what goneaway learns from its errors)
    rightWithOrigin: score((k, c, lag) => `${k.app}|${c.origin}|${c.state}|${lag}`),
  };
}
