/**
 * What the agent bench's writer appends: live log lines stamped with the time they are written, built
 * with the bench generators' own pieces (tcpSessionFor + tcplogLine for HAProxy, the MariaDB error- and
 * general-log renderers of mysql-lines.ts). Every record is one physical line here — the agent indexes
 * one document per record, so a multi-line record (a restart block, a multi-line SQL statement) would
 * make "lines written" and "documents indexed" differ for reasons that are not speed.
 */
import path from 'node:path';
import { Rng, Weighted } from '../prng.js';
import { timeFormats, type TimeFormats } from '../timefmt.js';
import { tcpSessionFor } from '../gen-haproxy.js';
import { tcplogLine } from '../haproxy-lines.js';
import { REASON, abortedMessage, mariadbErrorLine, MariadbGeneralStamp } from '../mysql-lines.js';

export type LiveKind = 'haproxy' | 'mysql_error' | 'mysql_general';

export interface LiveFile {
  path: string;
  kind: LiveKind;
  /** the HAProxy `server` name of a MySQL log's instance ('' for HAProxy) */
  server: string;
  /** renders the next line of this file at epoch ms t (no '\n') */
  next(t: number): string;
}

/** share of HAProxy tcplog lines; the rest is spread evenly over the MariaDB files */
export const HAPROXY_SHARE = 0.85;
const SERVERS = ['replica1', 'replica2'] as const;

function haproxySource(rng: Rng): (t: number) => string {
  const f = timeFormats();
  return (t) => tcplogLine(f, tcpSessionFor(rng, t, 3968));
}

const ERR_CASES = new Weighted<'read' | 'timeout' | 'unauth' | 'denied'>([
  ['read', 50],
  ['timeout', 25],
  ['unauth', 10],
  ['denied', 15],
]);

function mariadbErrorSource(rng: Rng, f: TimeFormats): (t: number) => string {
  let thread = 8;
  return (t) => {
    thread += rng.int(1, 5);
    const host = `10.0.0.${rng.int(2, 9)}`;
    const warn = (msg: string) => mariadbErrorLine(f, t, thread, 'Warning', msg);
    switch (ERR_CASES.pick(rng)) {
      case 'read':
        return warn(abortedMessage(thread, 'shop', 'app', host, REASON.errorReading));
      case 'timeout':
        return warn(abortedMessage(thread, 'shop', 'app', host, REASON.timeoutReading));
      case 'unauth':
        return warn(abortedMessage(thread, 'unconnected', 'unauthenticated', host, REASON.unauthenticated));
      case 'denied':
        return warn(`Access denied for user 'app'@'${host}' (using password: YES)`);
    }
  };
}

/** the connections a replica's pool keeps open (bench load: about what the random walk before wandered around) */
export const POOL_SIZE = 600;

/**
 * A connection pool of POOL_SIZE: Connect until it is full, then single-line queries and a Quit one line in ten,
 * each Quit followed by the Connect that replaces it (MariaDB general-log layout). A pool's size is what the
 * application sets, so it stays put: the random walk of Connect and Quit at 10 % each used before wandered
 * (470-830 connections per file in 30 minutes, more in an hour), and the MySQL threads the agent's window holds
 * wandered with it — growth in a soak that was the load's, not the agent's.
 */
function mariadbGeneralSource(rng: Rng, f: TimeFormats): (t: number) => string {
  const stamp = new MariadbGeneralStamp(f);
  const pool: number[] = [];
  let nextId = 10;
  return (t) => {
    if (pool.length < POOL_SIZE) {
      const id = nextId++;
      pool.push(id);
      return stamp.line(t, id, 'Connect', `app@10.0.0.${rng.int(2, 9)} on shop using TCP/IP`);
    }
    const i = rng.int(0, pool.length - 1);
    const id = pool[i]!;
    if (rng.next() < 0.1) {
      pool.splice(i, 1);
      return stamp.line(t, id, 'Quit', '');
    }
    return stamp.line(t, id, 'Query', `SELECT id, name, price FROM products WHERE id = ${rng.int(1, 99999)}`);
  };
}

/** The bench's files in `dir`: one HAProxy tcplog, and an error and a general log per MariaDB replica. */
export function liveFiles(dir: string, seed: number): LiveFile[] {
  const rng = new Rng(seed);
  const out: LiveFile[] = [
    { path: path.join(dir, 'haproxy.log'), kind: 'haproxy', server: '', next: haproxySource(rng) },
  ];
  for (const server of SERVERS) {
    const f = timeFormats();
    out.push(
      { path: path.join(dir, `${server}-error.log`), kind: 'mysql_error', server, next: mariadbErrorSource(rng, f) },
      {
        path: path.join(dir, `${server}-general.log`),
        kind: 'mysql_general',
        server,
        next: mariadbGeneralSource(rng, timeFormats()),
      },
    );
  }
  return out;
}

/** Which file each line goes to: HAProxy with HAPROXY_SHARE, the others evenly (weights for Weighted). */
export function fileWeights(files: readonly LiveFile[]): Array<[number, number]> {
  const others = files.length - 1;
  return files.map((f, i) => [i, f.kind === 'haproxy' ? HAPROXY_SHARE : (1 - HAPROXY_SHARE) / Math.max(1, others)]);
}
