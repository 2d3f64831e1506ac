/**
 * The deprecated default format (no `option tcplog/httplog`, HAP-DOC §8.2.1, docs/haproxy-logs.md §1.2), logged at
 * accept time: `Connect from 10.0.1.2:33312 to 10.0.3.31:8012 (www/HTTP)`. It has no date of its own, so
 * its time is the envelope's (year from ctx.refTime when the envelope is year-less: docs/parsing-pitfalls.md #3).
 * UNIX sockets show `unix:<socket id>`. haproxy.mode is lower-cased like every other goneaway document
 * (Elastic keeps HAProxy's `HTTP`/`TCP`).
 */
import type { Doc, ParseContext, ParseResult } from '../types.js';
import type { Envelope } from '../syslog.js';
import { envelopeTime, isIp, messageDoc, splitHostPort } from './fields.js';

const CONNECT = /^Connect from (\S+) to (\S+) \(([^/\s)]+)\/(\w+)\)\s*$/;

function endpoint(text: string): Doc {
  const { host, port } = splitHostPort(text);
  const d: Doc = {};
  if (host === 'unix') {
    d.address = 'unix';
    if (port !== undefined) d.socket_id = port;
    return d;
  }
  if (host && host !== '-') {
    d.address = host;
    if (isIp(host)) d.ip = host;
  }
  if (port !== undefined) d.port = port;
  return d;
}

export function parseDefaultFormat(
  payload: string,
  env: Envelope | undefined,
  ctx: ParseContext,
): ParseResult | undefined {
  if (!payload.startsWith('Connect from ')) return undefined;
  const m = CONNECT.exec(payload);
  if (!m) return undefined;
  const t = env ? envelopeTime(env, ctx) : undefined;
  const doc = messageDoc('connect', payload, env, t, {
    log_format: 'default',
    frontend_name: m[3],
    mode: m[4]!.toLowerCase(),
  });
  delete doc.message; // a connection record, not a message
  doc.source = endpoint(m[1]!);
  doc.destination = endpoint(m[2]!);
  return { ok: true, value: { kind: 'haproxy', t, doc } };
}
