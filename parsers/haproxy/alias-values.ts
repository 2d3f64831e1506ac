/**
 * What the items of a HAProxy log-format line fill (docs/haproxy-logs.md §1.8): the kinds of value an alias takes,
 * the record and date texts a line fills, and the coercion of a value (absent, integer or hex, address,
 * escaped text) that the alias table (aliases.ts) and the sample fetches (sample-fetches.ts) share.
 */
import { intAt } from './fields.js';
import type { TrafficRec } from './traffic-rec.js';

export type Kind =
  'ip' | 'port' | 'int' | 'date' | 'datetz' | 'ts' | 'ms' | 'name' | 'str' | 'state' | 'hdr' | 'hdrl' | 'req';

/** Raw date texts collected while filling a record; resolved once all items are read. */
export interface TimeParts {
  acceptLocal?: string;
  acceptTz?: string;
  acceptTs?: string;
  acceptMs?: string;
  reqLocal?: string;
  reqTz?: string;
}

export interface Fill {
  rec: TrafficRec;
  tp: TimeParts;
}

export interface AliasSpec {
  kind: Kind;
  /** HTTP-only alias (the "H" column): a format using one is an HTTP format */
  http?: boolean;
  set(f: Fill, v: string, hex: boolean): void;
}

/* ---------------------------------------------------------------- value coercion */

export function isAbsent(v: string): boolean {
  return v === '' || v === '-';
}

/** Decimal (or hex with the X flag); sets rec.logasap on a '+' prefix when `asap`. */
export function int(f: Fill, v: string, hex: boolean, asap = false): number | undefined {
  if (isAbsent(v)) return undefined;
  if (hex) {
    const n = /^[0-9A-Fa-f]{1,12}$/.test(v) ? parseInt(v, 16) : NaN;
    return Number.isNaN(n) ? undefined : n;
  }
  const n = intAt(v, 0, v.length);
  if (Number.isNaN(n)) return undefined;
  if (asap && v.charCodeAt(0) === 43 /* + */) f.rec.logasap = true;
  return n;
}

/** `%{+X}ci` prints the address in hex: 8 digits IPv4, 32 digits IPv6. */
export function ip(v: string, hex: boolean): string | undefined {
  if (isAbsent(v)) return undefined;
  if (!hex) return v;
  if (/^[0-9A-Fa-f]{8}$/.test(v)) {
    return [0, 2, 4, 6].map((i) => parseInt(v.slice(i, i + 2), 16)).join('.');
  }
  if (/^[0-9A-Fa-f]{32}$/.test(v)) {
    const g: string[] = [];
    for (let i = 0; i < 32; i += 4) g.push(parseInt(v.slice(i, i + 4), 16).toString(16));
    return g.join(':');
  }
  return v;
}

/** HAProxy's `#XX` encoding of non-printables and of `"`/`#` (HAP-DOC §8.6), plus syslog-ng's `\"`. */
export function unescapeLog(v: string): string {
  if (v.indexOf('\\') >= 0) v = v.replace(/\\(["\\\]])/g, '$1');
  return v;
}

/** `%hrl`: captured headers CLF style (space separated, each quoted with +Q) → the `|` form of `%hr`. */
export function clfHeaders(v: string): string {
  const parts = v.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
  return parts.map((p) => (p.startsWith('"') ? p.slice(1, -1) : p)).join('|');
}

/** a time alias (%Th … %Tu): an integer, `+` marking logasap */
export const T = (
  k: keyof TrafficRec & ('Th' | 'Ti' | 'TR' | 'Tq' | 'Tw' | 'Tc' | 'Tr' | 'Td' | 'Ta' | 'Tt' | 'Tu'),
  http = false,
): AliasSpec => ({
  kind: 'int',
  http,
  set: (f, v, x) => {
    const n = int(f, v, x, true);
    if (n !== undefined) f.rec[k] = n;
  },
});
/** a count alias: an integer */
export const N = (k: 'ac' | 'fc' | 'bc' | 'sc' | 'sq' | 'bq' | 'status' | 'bytesUploaded' | 'pid'): AliasSpec => ({
  kind: 'int',
  set: (f, v, x) => {
    const n = int(f, v, x);
    if (n !== undefined) f.rec[k] = n;
  },
});
/** string items: a bare '-' is HAProxy's "no value" (lf_text without a value) — except cookies, kept as Elastic does */
export const S = (
  k:
    | 'reqCookie'
    | 'resCookie'
    | 'uniqueId'
    | 'hostname'
    | 'sslVersion'
    | 'sslCipher'
    | 'origin'
    | 'requestCounter'
    | 'method'
    | 'httpVersion',
  http = false,
): AliasSpec => ({
  kind: 'str',
  http,
  set: (f, v) => {
    if (v !== '' && (v !== '-' || k === 'reqCookie' || k === 'resCookie')) f.rec[k] = unescapeLog(v);
  },
});
