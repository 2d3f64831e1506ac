/**
 * Which HAProxy `server` a MySQL log given as a plain FILE belongs to (issue #3: "plain file arguments
 * with kinds sniffed, where the MySQL instance can be inferred"). The join needs it: an HAProxy session
 * reaches one server, and only that instance's lines can explain its end.
 *
 * Evidence, strongest first; a rule that finds several servers, or none, passes to the next:
 *  1. the file's name, then its folders' names, contain a server name as a whole word
 *     (`replica1-error.log`, `replica1/general.log`; the issue's convention: "the user names each MySQL
 *     log after the HAProxy server it is");
 *  2. the instance's TCP port (general-log header `Tcp port: 3312`, error-log `Version: … port: 3312`)
 *     equals the port of exactly one `server` line of haproxy.cfg (`--haproxy-config`);
 *  3. the syslog host of the file's lines (journald/rsyslog form) is a server's name or address;
 *  4. HAProxy knows exactly one server.
 * Server names come from haproxy.cfg and from the HAProxy logs themselves (traffic lines and
 * `Server b/s is DOWN` messages). Nothing found: the caller asks for SERVER=FILE, listing the names.
 */
import path from 'node:path';
import type { ParseContext } from '../../parsers/types.js';
import { parseHaproxyLine } from '../../parsers/haproxy/index.js';
import { parseEnvelope } from '../../parsers/syslog.js';
import { readLines } from './lines.js';
import type { HaproxySettings } from '../../parsers/haproxy/settings.js';

export interface KnownServers {
  names: Set<string>;
  cfg: HaproxySettings['servers'];
}

/** lines of each HAProxy log read for server names: enough for every server of a busy backend */
const HAPROXY_SAMPLE = 200_000;
/** lines of a MySQL log read for its port and syslog host */
const MYSQL_SAMPLE = 5_000;

export function knownServers(
  haproxyLogs: string[],
  ctx: ParseContext,
  settings: HaproxySettings | undefined,
): KnownServers {
  const names = new Set<string>();
  const cfg = settings?.servers ?? [];
  for (const s of cfg) names.add(s.name);
  for (const f of haproxyLogs) {
    let n = 0;
    for (const l of readLines(f)) {
      if (++n > HAPROXY_SAMPLE) break;
      const r = parseHaproxyLine(l.text, ctx);
      if (!r.ok) continue;
      const h = r.value.doc.haproxy as { server_name?: unknown; server_state?: { server?: unknown } } | undefined;
      const name = h?.server_name ?? h?.server_state?.server;
      // <NOSRV>, <STATS>, <CACHE>… are HAProxy's placeholders, not servers
      if (typeof name === 'string' && name !== '' && name !== '-' && !name.startsWith('<')) names.add(name);
    }
  }
  return { names, cfg };
}

/** `name` occurs in `text` with no letter or digit on either side */
function hasWord(text: string, name: string): boolean {
  const alnum = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);
  for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) {
    if (!alnum(text[i - 1]) && !alnum(text[i + name.length])) return true;
  }
  return false;
}

/** the longest names found as words in `text` (replica1 and replica1_b: the longer one) */
function namesIn(text: string, names: Iterable<string>): string[] {
  let best: string[] = [];
  for (const n of names) {
    if (!hasWord(text, n)) continue;
    if (best.length === 0 || n.length > best[0]!.length) best = [n];
    else if (n.length === best[0]!.length) best.push(n);
  }
  return best;
}

const PORT_RE =
  /^Tcp port: (\d+)|^Version: '.*'\s+socket: '.*'\s+port: (\d+)|\]: Version: '.*'\s+socket: '.*'\s+port: (\d+)/;

/** the instance's TCP port and the syslog hosts of its lines, from the file's first lines */
function mysqlHints(file: string): { port?: number; hosts: Set<string> } {
  const hosts = new Set<string>();
  let port: number | undefined;
  let n = 0;
  for (const l of readLines(file)) {
    if (++n > MYSQL_SAMPLE) break;
    const m = PORT_RE.exec(l.text);
    // port 0 = networking off (skip-networking): says nothing
    if (m && port === undefined && Number(m[1] ?? m[2] ?? m[3]) > 0) port = Number(m[1] ?? m[2] ?? m[3]);
    if (hosts.size < 4) {
      const e = parseEnvelope(l.text);
      if (e.host !== undefined && e.host !== '-' && e.format !== 'none' && e.format !== 'program') hosts.add(e.host);
    }
  }
  return { ...(port !== undefined ? { port } : {}), hosts };
}

export type ServerGuess = { server: string; how: string } | { server?: undefined; why: string };

export function inferServer(file: string, known: KnownServers): ServerGuess {
  const names = [...known.names];
  if (names.length === 0) return { why: 'no HAProxy server name is known (no HAProxy log or haproxy.cfg names one)' };
  // 1. the file's name, then each folder up to three levels
  let dir = file;
  for (let level = 0; level < 4; level++) {
    const base = level === 0 ? path.basename(file).replace(/\.(log|txt|gz)$/i, '') : path.basename(dir);
    const found = namesIn(base, names);
    if (found.length === 1) return { server: found[0]!, how: level === 0 ? 'file name' : `folder name '${base}'` };
    if (found.length > 1) return { why: `its name '${base}' names several servers (${found.join(', ')})` };
    dir = path.dirname(dir);
    if (dir === path.dirname(dir)) break;
  }
  const hints = mysqlHints(file);
  // 2. the port in haproxy.cfg
  if (hints.port !== undefined) {
    const byPort = [...new Set(known.cfg.filter((s) => s.port === hints.port).map((s) => s.name))];
    if (byPort.length === 1) return { server: byPort[0]!, how: `port ${hints.port} in haproxy.cfg` };
  }
  // 3. the syslog host
  for (const h of hints.hosts) {
    const byHost = [
      ...new Set([
        ...names.filter((n) => n === h),
        ...known.cfg.filter((s) => s.host === h || s.host.split('.')[0] === h).map((s) => s.name),
      ]),
    ];
    if (byHost.length === 1) return { server: byHost[0]!, how: `syslog host '${h}'` };
  }
  // 4. one server only
  if (names.length === 1) return { server: names[0]!, how: 'the only HAProxy server' };
  return {
    why: `neither its name${hints.port !== undefined ? `, its port ${hints.port}` : ''}${hints.hosts.size ? ' nor its syslog host' : ''} matches one of the servers ${names.slice(0, 8).join(', ')}${names.length > 8 ? ' …' : ''}`,
  };
}
