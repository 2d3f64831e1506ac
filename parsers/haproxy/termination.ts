/**
 * HAProxy session/stream state at disconnection (`%ts` 2 chars, `%tsc` 4 chars) — HAProxy
 * configuration manual §8.5, tabulated in docs/haproxy-logs.md §1.10. The first char says who/what ended the
 * session, the second where it was. Descriptions are written for someone asking "who hung up?";
 * the lab caveats (docs/lab-findings.md §4.1) are attached to `--` and `D-` only, as short notes.
 */
import type { TerminationDecoded } from '../types.js';

type Initiator = TerminationDecoded['initiator'];
type Phase = TerminationDecoded['phase'];
type Side = TerminationDecoded['side'];

const FIRST: Record<string, { initiator: Initiator; side: Side; text: string }> = {
  '-': { initiator: 'normal', side: 'none', text: 'the session ended normally' },
  C: { initiator: 'client_abort', side: 'client', text: 'the client aborted or closed the connection' },
  c: { initiator: 'client_timeout', side: 'client', text: "HAProxy's `timeout client` expired" },
  S: { initiator: 'server_abort', side: 'server', text: 'the server aborted, reset or refused the connection' },
  s: { initiator: 'server_timeout', side: 'server', text: "HAProxy's `timeout server` expired" },
  P: {
    initiator: 'proxy_deny',
    side: 'proxy',
    text: 'HAProxy aborted it (limit, deny rule, security check or invalid response)',
  },
  L: {
    initiator: 'proxy_local',
    side: 'proxy',
    text: 'HAProxy handled it locally (redirect, return, stats, cache, applet)',
  },
  R: {
    initiator: 'proxy_resource',
    side: 'proxy',
    text: 'HAProxy ran out of a resource (memory, sockets, source ports)',
  },
  I: { initiator: 'internal_error', side: 'proxy', text: 'HAProxy hit an internal error' },
  D: {
    initiator: 'server_down',
    side: 'proxy',
    text: 'HAProxy killed it because the server was marked DOWN (`on-marked-down shutdown-sessions`)',
  },
  U: {
    initiator: 'server_up_backup_killed',
    side: 'proxy',
    text: 'HAProxy killed it on a backup server because an active server came UP',
  },
  K: {
    initiator: 'admin_kill',
    side: 'proxy',
    text: 'HAProxy killed it: admin request (`shutdown session(s)`) or `hard-stop-after` at a reload',
  },
};

const SECOND: Record<string, { phase: Phase; text: string }> = {
  R: { phase: 'request', text: 'while waiting for a complete, valid request from the client' },
  Q: { phase: 'queue', text: 'while waiting in the queue for a server slot' },
  C: { phase: 'connect', text: 'while connecting to the server' },
  H: { phase: 'headers', text: 'while waiting for the complete response headers from the server' },
  D: { phase: 'data', text: 'during the data phase' },
  L: { phase: 'last_data', text: 'while sending the last data to the client' },
  T: { phase: 'tarpit', text: 'while the request was tarpitted' },
  '-': { phase: 'complete', text: 'after the end of the data' },
};

/** Pairs whose meaning is more precise than "first text + second text" (HAP-DOC §8.5 common combos). */
const SPECIAL: Record<string, string> = {
  '--': 'normal termination; note: a MySQL KILL, restart or crash can also end as `--` (docs/lab-findings.md §4)',
  'D-': 'HAProxy killed the session because the server was marked DOWN (`on-marked-down shutdown-sessions`); note: the server may already have closed it (docs/lab-findings.md §4)',
  DD: 'HAProxy killed the session during the data phase because the server was marked DOWN (`on-marked-down shutdown-sessions`)',
  'K-': 'HAProxy killed the session: admin request (`shutdown session` / `shutdown sessions server`) or `hard-stop-after` expiring at a reload',
  KD: 'HAProxy killed the session during the data phase: admin request or `hard-stop-after` at a reload',
  cD: "HAProxy's `timeout client` expired during the data phase (the client side was idle)",
  sD: "HAProxy's `timeout server` expired during the data phase (the server sent nothing in time)",
  SD: 'the server closed or reset the connection during the data phase (e.g. MySQL wait_timeout, max_allowed_packet, crash)',
  CD: 'the client closed or reset the connection during the data phase',
  cR: "HAProxy's `timeout http-request` (or `timeout client`) expired before a complete request arrived",
  sC: "HAProxy's `timeout connect` expired while connecting to the server",
  SC: 'the server (or something in between) refused the connection (RST / ICMP)',
  sQ: "HAProxy's `timeout queue` expired while the request waited for a server slot",
  sH: "HAProxy's `timeout server` expired before the server sent complete response headers",
  SH: 'the server aborted before sending complete response headers (or crashed)',
};

const COOKIE_REQ: Record<string, string> = {
  N: 'no persistence cookie',
  I: 'invalid cookie',
  D: 'cookie for a DOWN server',
  V: 'valid cookie',
  E: 'expired cookie',
  O: 'too old cookie',
  U: 'cookie present but unused',
  '-': '',
};

const cache = new Map<string, TerminationDecoded>();

function decode(state: string): TerminationDecoded {
  const f = FIRST[state.charAt(0)];
  const s = SECOND[state.charAt(1)];
  const initiator: Initiator = f ? f.initiator : 'unknown';
  const phase: Phase = s ? s.phase : 'unknown';
  const side: Side = f ? f.side : 'none';
  const pair = state.slice(0, 2);
  let description =
    SPECIAL[pair] ?? (f && s ? `${f.text} ${s.text}` : `unknown termination state '${state}' (HAProxy manual §8.5)`);
  if (state.length >= 3) {
    const ck = COOKIE_REQ[state.charAt(2)];
    if (ck) description += `; ${ck}`;
  }
  return { state, initiator, phase, side, description };
}

/** Decode a 2- or 4-char termination state. Unknown chars give 'unknown', never an exception. */
export function decodeTermination(state: string): TerminationDecoded {
  const key = typeof state === 'string' ? state : String(state);
  let d = cache.get(key);
  if (d === undefined) {
    d = decode(key);
    if (cache.size < 4096) cache.set(key, d);
  }
  // a fresh object per document: consumers may annotate it
  return { state: d.state, initiator: d.initiator, phase: d.phase, side: d.side, description: d.description };
}
