/**
 * General-log pieces: the command-name table, the `Connect` argument, KILL detection and header lines.
 * (docs/mysql-logs.md §3; docs/lab-findings.md §3, scenario 04 for the `KILL 12` / pt-kill `KILL '10'` statements.)
 */
import { localizedAccessDenied } from './localized.js';

/**
 * Command names as printed by `command_name[]` (MySQL sql_parse.cc) and MariaDB (which adds
 * `Bulk_execute`, `Slave_*`). Longest first inside each first letter so that `Connect Out` wins over
 * `Connect` and `Binlog Dump GTID` over `Binlog Dump` when the log uses spaces instead of TABs
 * (Datadog sample, docs/mysql-logs.md §3).
 */
export const GENERAL_COMMANDS: readonly string[] = [
  'Query',
  'Connect',
  'Quit',
  'Init DB',
  'Field List',
  'Prepare',
  'Execute',
  'Close stmt',
  'Reset stmt',
  'Ping',
  'Statistics',
  'Processlist',
  'Kill',
  'Change user',
  'Binlog Dump',
  'Binlog Dump GTID',
  'Connect Out',
  'Sleep',
  'Shutdown',
  'Refresh',
  'Create DB',
  'Drop DB',
  'Debug',
  'Time',
  'Delayed insert',
  'Table Dump',
  'Register Slave',
  'Long Data',
  'Set option',
  'Fetch',
  'Daemon',
  'Reset Connection',
  'Error',
  'Bulk_execute',
  'Slave_worker',
  'Slave_IO',
  'Slave_SQL',
  'Com_multi',
  'Clone',
  'Group Replication Data Stream',
];

const BY_FIRST = new Map<number, string[]>();
for (const c of GENERAL_COMMANDS) {
  const k = c.charCodeAt(0);
  const list = BY_FIRST.get(k) ?? [];
  list.push(c);
  list.sort((a, b) => b.length - a.length);
  BY_FIRST.set(k, list);
}

/**
 * Known command name starting at p and followed by TAB, space, newline or the end → the name; else undefined.
 */
export function knownCommandAt(s: string, p: number): string | undefined {
  // the hot case first: most general-log lines are Query
  if (s.charCodeAt(p) === 81 && s.startsWith('Query', p) && endsCommand(s.charCodeAt(p + 5))) return 'Query';
  const list = BY_FIRST.get(s.charCodeAt(p));
  if (!list) return undefined;
  for (const c of list) if (s.startsWith(c, p) && endsCommand(s.charCodeAt(p + c.length))) return c;
  return undefined;
}

function endsCommand(c: number): boolean {
  return c === 9 || c === 32 || c === 10 || c === 13 || Number.isNaN(c);
}

export interface ConnectInfo {
  user: string;
  host: string;
  db: string;
  transport?: string;
  as_user?: string;
}

/**
 * `user@host on <db> using <TCP/IP|Socket|…>` (5.6+; `db` empty → two spaces), `user@host as proxied on db`
 * (5.5/proxy users), or MariaDB's failed login `Access denied for user 'u'@'h' (using password: YES)`
 * (in English or translated).
 */
export function parseConnect(arg: string): {
  connect?: ConnectInfo;
  access_denied?: { user: string; host: string; using_password?: boolean };
} {
  if (arg.startsWith('Access denied for user ')) {
    const m = /^Access denied for user '(.*)'@'([^']*)'(?: \(using password: (YES|NO)\))?/.exec(arg);
    if (!m) return {};
    const ad: { user: string; host: string; using_password?: boolean } = { user: m[1]!, host: m[2]! };
    if (m[3]) ad.using_password = m[3] === 'YES';
    return { access_denied: ad };
  }
  const line = firstLine(arg);
  // the same failed login in the server's lc_messages language (ER_ACCESS_DENIED_ERROR is translated:
  // `Acceso negado para usuario: 'root'@'localhost' (Usando clave: NO)`, a MySQL 5.7 general log): a
  // login is `user@host on …` and never quotes its user, so a quoted `'u'@'h'` pair is this message
  const q = line.indexOf("'@'");
  if (q > 0) {
    // the translation table (localized.ts) reads the password flag too; any other quoted pair still counts
    const ad = localizedAccessDenied(line);
    if (ad) return { access_denied: ad };
    const m = /'([^']*)'@'([^']*)'/.exec(line);
    if (m) return { access_denied: { user: m[1]!, host: m[2]! } };
  }
  const on = line.indexOf(' on ');
  const left = on >= 0 ? line.slice(0, on) : line.trimEnd();
  const asAt = left.indexOf(' as ');
  const userHost = asAt >= 0 ? left.slice(0, asAt) : left;
  const at = userHost.lastIndexOf('@');
  if (at < 0) return {};
  const info: ConnectInfo = { user: userHost.slice(0, at), host: userHost.slice(at + 1), db: '' };
  if (asAt >= 0) info.as_user = left.slice(asAt + 4);
  if (on >= 0) {
    const right = line.slice(on + 4);
    const using = right.lastIndexOf(' using ');
    if (using >= 0 || right.startsWith('using ')) {
      const u = using >= 0 ? using : -1;
      info.db = u > 0 ? right.slice(0, u) : '';
      info.transport = right.slice(u + 7).trimEnd();
    } else {
      info.db = right.trimEnd();
    }
  }
  return { connect: info };
}

// `KILL [HARD|SOFT] [CONNECTION|QUERY] <id>`; pt-kill quotes the id (`KILL '10'`, docs/lab-findings.md §3, scenario
// 04).
// `KILL QUERY ID <query_id>` / `KILL USER <u>` name no thread and are left out on purpose.
const KILL_RE =
  /^\s*(?:\/\*[\s\S]*?\*\/\s*)*KILL\s+(?:(?:HARD|SOFT)\s+)?(?:(CONNECTION|QUERY)\s+)?(?:'(\d+)'|"(\d+)"|(\d+))\s*;?\s*$/i;

/** KILL statement in a Query argument → target thread + whether only the statement was killed. */
export function detectKill(sql: string): { target_thread_id: number; query_only: boolean } | undefined {
  // fast reject: first non-blank char must be K/k or '/' (leading comment)
  let i = 0;
  while (
    i < sql.length &&
    (sql.charCodeAt(i) === 32 || sql.charCodeAt(i) === 9 || sql.charCodeAt(i) === 10 || sql.charCodeAt(i) === 13)
  )
    i++;
  const c = sql.charCodeAt(i) | 0x20;
  if (c !== 107 /* k */ && c !== 0x2f /* / */) return undefined;
  if (sql.length > 300) return undefined;
  const m = KILL_RE.exec(sql);
  if (!m) return undefined;
  const id = Number(m[2] ?? m[3] ?? m[4]);
  if (!Number.isSafeInteger(id)) return undefined;
  return { target_thread_id: id, query_only: (m[1] ?? '').toUpperCase() === 'QUERY' };
}

/** Header line written at open / FLUSH LOGS (docs/mysql-logs.md §3; docs/parsing-pitfalls.md #9: never a query). */
export function isGeneralHeaderLine(line: string): boolean {
  const c = line.charCodeAt(0);
  if (c === 84 /* T */) {
    if (line.startsWith('Tcp port: ') || line.startsWith('TCP Port: ')) return true;
    if ((line.charCodeAt(4) === 32 || line.charCodeAt(4) === 9) && /^Time\s+Id\s+Command\s+Argument/.test(line))
      return true;
  }
  const v = line.indexOf(', Version: ');
  return v > 0 && line.includes('started with:', v);
}

export interface GeneralHeader {
  program?: string;
  version?: string;
  version_comment?: string;
  tcp_port?: number;
  unix_socket?: string;
  named_pipe?: string;
  columns?: boolean;
}

/** Fields of one header line (the caller knows it is one: isGeneralHeaderLine). */
export function parseGeneralHeader(line: string): GeneralHeader {
  const h: GeneralHeader = {};
  const v = line.indexOf(', Version: ');
  if (v > 0 && line.includes('started with:', v)) {
    h.program = line.slice(0, v);
    const rest = line.slice(v + 11);
    const sp = rest.indexOf(' ');
    h.version = sp >= 0 ? rest.slice(0, sp) : rest;
    const cm = /^\((.*)\)\.? started with:/.exec(sp >= 0 ? rest.slice(sp + 1) : '');
    if (cm) h.version_comment = cm[1]!;
    return h;
  }
  const port = /^(?:Tcp port|TCP Port): (\d+)/.exec(line);
  if (port) {
    h.tcp_port = Number(port[1]);
    const sock = /Unix socket: (\S.*?)\s*$/.exec(line);
    if (sock) h.unix_socket = sock[1]!;
    const pipe = /Named Pipe: (\S.*?)\s*$/.exec(line);
    if (pipe) h.named_pipe = pipe[1]!;
    return h;
  }
  h.columns = true;
  return h;
}

function firstLine(s: string): string {
  const nl = s.indexOf('\n');
  return nl < 0 ? s : s.slice(0, nl);
}
