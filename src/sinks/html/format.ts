/**
 * Escaping and formatting for the HTML report. Every value that reaches the page comes from
 * untrusted log lines (app messages carry user SQL), so nothing is inserted without `esc`.
 */
import type { EvidenceDoc, VerdictEvent } from '../../correlate/event.js';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape for text content and (quoted) attribute values alike; also drops NUL and lone surrogates. */
export function esc(v: unknown): string {
  const s =
    v === undefined || v === null
      ? ''
      : typeof v === 'string'
        ? v
        : typeof v === 'number' || typeof v === 'boolean'
          ? String(v)
          : (JSON.stringify(v) ?? '');
  return s
    .replace(/[&<>"']/g, (c) => ESC[c]!)
    .replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** Escaped text with `backtick` spans as <code> (recommendations and why sentences use them). */
export function withCode(v: unknown): string {
  return esc(v).replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** a field's value as display text (events read back from a file may hold anything) */
export const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
export const numeric = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};
/** epoch ms of an ISO field, or undefined when absent or unparsable */
export const instant = (v: unknown): number | undefined => {
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
};

/** the evidence lines of an event, whatever shape the field has */
export function evidenceOf(e: VerdictEvent): EvidenceDoc[] {
  const v: unknown = e.goneaway?.evidence;
  return Array.isArray(v)
    ? v.filter((x): x is EvidenceDoc => x !== null && typeof x === 'object' && !Array.isArray(x))
    : [];
}

/** Component colours: the same hue for a terminator, its evidence lines and its legend entry. */
export { TERMINATORS } from '../../correlate/causes.js';
import { TERMINATORS } from '../../correlate/causes.js';
export function termClass(term: string | undefined): string {
  return (TERMINATORS as readonly string[]).includes(term ?? '') ? `t-${term}` : 't-unknown';
}
export function evidenceClass(kind: string | undefined): string {
  if (kind === 'haproxy') return 't-haproxy';
  if (kind === 'mysql_error' || kind === 'mysql_general' || kind === 'mysql') return 't-mysql';
  if (kind === 'app') return 't-app';
  return 't-unknown';
}

/** "850 ms", "3.0 s", "4 min 05 s", "2 h 13 min" */
export function fmtDur(ms: number): string {
  const a = Math.abs(ms);
  const sign = ms < 0 ? '−' : '';
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  if (a < 60_000) return `${sign}${(a / 1000).toFixed(a < 10_000 ? 2 : 1)} s`;
  if (a < 3_600_000)
    return `${sign}${Math.floor(a / 60_000)} min ${String(Math.round((a % 60_000) / 1000)).padStart(2, '0')} s`;
  if (a < 86_400_000)
    return `${sign}${Math.floor(a / 3_600_000)} h ${String(Math.round((a % 3_600_000) / 60_000)).padStart(2, '0')} min`;
  return `${sign}${(a / 86_400_000).toFixed(1)} d`;
}

/** wall clock in UTC: "20:21:24.130" (the report states UTC once, in the header) */
export function fmtClock(t: number, ms = true): string {
  if (!Number.isFinite(t)) return '?';
  const iso = new Date(t).toISOString();
  return ms ? iso.slice(11, 23) : iso.slice(11, 19);
}
export function fmtDateTime(t: number): string {
  if (!Number.isFinite(t)) return '?';
  return new Date(t).toISOString().replace('T', ' ').slice(0, 23);
}

export function fmtConf(c: number | undefined): string {
  return c === undefined ? '?' : c.toFixed(2);
}

/** a small confidence meter (width from 0..1) with its number */
export function confMeter(c: number | undefined): string {
  const v = c === undefined ? 0 : Math.max(0, Math.min(1, c));
  const level = v >= 0.8 ? 'hi' : v >= 0.5 ? 'mid' : 'lo';
  return `<span class="conf conf-${level}" title="confidence ${esc(fmtConf(c))}"><span class="conf-bar"><span style="width:${Math.round(v * 100)}%"></span></span><span class="conf-num">${esc(fmtConf(c))}</span></span>`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
