/**
 * One card per event: what the app saw, the timeline, the why sentence, the join (how the error
 * was tied to a session and among how many candidates: docs/lab-findings.md §5, PHP/Python join by time
 * only), and the evidence lines verbatim with file@offset so that a reader can check them.
 */
import { evidenceText, terminationOf, type EvidenceDoc, type VerdictEvent } from '../../correlate/event.js';
import {
  confMeter,
  esc,
  evidenceClass,
  evidenceOf,
  fmtClock,
  fmtDateTime,
  fmtDur,
  numeric,
  plural,
  text,
  termClass,
  instant,
  withCode,
} from './format.js';
import { causeLabel, termChip } from './summary-section.js';
import { timelineSvg } from './timeline.js';
import { AMBIGUOUS_BELOW, isAmbiguous } from '../../correlate/likelihood.js';

const JOIN_HELP: Record<string, string> = {
  client_port: "exact: the app's local port equals HAProxy's client port (%cp)",
  thread_id: 'exact: the MySQL thread id the app logged',
  time: 'by time window only (the app log carries no port or thread id)',
  time_instant: 'by time: a session that ended at the instant of the error',
  time_half_open: 'by time: a half-open session that HAProxy logged when the app wrote',
  time_first_use: 'by time: the first use after an earlier close',
  mysql_time: 'by time to a MySQL log line; no HAProxy session matched',
  app_error_code: "from the app's own error code",
  haproxy_session: 'the HAProxy session itself',
  none: 'nothing could be joined',
};

const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n) + '…' : s);

function fact(name: string, value: string | undefined, title?: string): string {
  return value ? `<div${title ? ` title="${esc(title)}"` : ''}><dt>${esc(name)}</dt><dd>${value}</dd></div>` : '';
}

function facts(e: VerdictEvent): string {
  const method = text(e.goneaway?.join?.method);
  const cands = numeric(e.goneaway?.join?.candidates);
  const ip = text(e.source?.ip),
    port = text(e.source?.port);
  const fe = text(e.haproxy?.frontend_name),
    be = text(e.haproxy?.backend_name),
    srv = text(e.haproxy?.server_name);
  const st = text(e.haproxy?.termination_state);
  const desc = text(terminationOf(e)?.description);
  const tt = numeric(e.haproxy?.total_time_ms);
  const bytes = numeric(e.haproxy?.bytes_read);
  const inst = text(e.mysql?.instance),
    tid = text(e.mysql?.thread_id),
    user = text(e.mysql?.user);
  const end = instant(e.haproxy?.session_end),
    lastQ = instant(e.mysql?.last_query_at);
  const errT = e.goneaway?.kind === 'app_error' ? instant(e['@timestamp']) : undefined;
  const http = e.goneaway?.impact?.http;
  const file = text(e.log?.file?.path),
    off = text(e.log?.offset);
  return `<dl class="facts">${[
    fact(
      'join',
      method
        ? `<code>${esc(method)}</code>${cands !== undefined ? ` · ${esc(plural(cands, 'candidate'))}` : ''}`
        : undefined,
      method ? JOIN_HELP[method] : undefined,
    ),
    fact('client', ip ? `<code>${esc(ip)}${port ? ':' + esc(port) : ''}</code>` : undefined),
    fact(
      'route',
      fe || be || srv
        ? `<code>${esc(fe ?? '?')}</code> → <code>${esc(be ?? '?')}/${esc(srv ?? '?')}</code>`
        : undefined,
    ),
    fact('HAProxy state', st ? `<code class="state">${esc(st)}</code>${desc ? ` ${esc(desc)}` : ''}` : undefined),
    fact(
      'session',
      tt !== undefined
        ? `${esc(fmtDur(tt))}${bytes !== undefined ? ` · ${esc(bytes.toLocaleString('en-US'))} bytes read` : ''}`
        : undefined,
    ),
    fact(
      'MySQL',
      inst || tid
        ? `${esc(inst ?? '?')}${tid ? ` · thread <code>${esc(tid)}</code>` : ''}${user ? ` · ${esc(user)}` : ''}`
        : undefined,
    ),
    fact(
      'idle gap',
      end !== undefined && lastQ !== undefined && end >= lastQ ? esc(fmtDur(end - lastQ)) : undefined,
      'last query → close',
    ),
    fact('lag', end !== undefined && errT !== undefined ? esc(fmtDur(errT - end)) : undefined, 'close → app error'),
    fact(
      'HTTP impact',
      http
        ? `<code>${esc(http.status_code ?? '?')}</code> ${esc(http.request ?? '')} <span class="muted">(${esc(http.frontend ?? '')})</span>`
        : undefined,
    ),
    fact('record', file ? `<code>${esc(file)}@${esc(off ?? '?')}</code>` : undefined),
  ].join('')}</dl>`;
}

function evidence(e: VerdictEvent, open: boolean): string {
  const evs = evidenceOf(e);
  if (!evs.length) return `<p class="muted noev">No evidence line.</p>`;
  const items = evs.map((v: EvidenceDoc & { note?: unknown }) => {
    const t = instant(v['@timestamp']);
    return `<li><div class="ev-h"><span class="chip ${evidenceClass(text(v.kind))}"><span class="sw"></span>${esc(text(v.kind) ?? '?')}</span><code class="loc">${esc(text(v.file) ?? '?')}@${esc(text(v.offset) ?? '?')}</code>${t !== undefined ? `<span class="muted">${esc(fmtClock(t))}</span>` : ''}${v.note ? `<span class="muted">${esc(v.note)}</span>` : ''}</div><pre>${esc(clip(String(evidenceText(e, v) ?? ''), 4000))}</pre></li>`;
  });
  return `<details class="evidence"${open ? ' open' : ''}><summary>Evidence (${evs.length} line${evs.length === 1 ? '' : 's'})</summary><ol>${items.join('')}</ol></details>`;
}

export function card(e: VerdictEvent, openEvidence: boolean): string {
  const kind = text(e.goneaway?.kind) ?? '';
  const term = text(e.goneaway?.terminated_by) ?? 'unknown';
  const cause = text(e.goneaway?.cause) ?? 'unknown';
  const t = instant(e['@timestamp']);
  const code = text(e.error?.code);
  const msg = text(e.error?.message);
  const type = text(e.error?.type);
  const why = text(e.goneaway?.why);
  return `<article class="card ${termClass(term)}" data-kind="${esc(kind)}" data-cause="${esc(cause)}" data-term="${esc(term)}">
<header class="card-h"><time>${esc(t !== undefined ? fmtDateTime(t) : String(e['@timestamp'] ?? '?'))}</time>${code ? `<code class="errcode">${esc(code)}</code>` : ''}<span class="cause">${causeLabel(cause)}</span>${termChip(term, `closed by ${term}`)}${confMeter(numeric(e.goneaway?.confidence))}${isAmbiguous(numeric(e.goneaway?.confidence)) ? `<span class="ambiguous" title="confidence below ${AMBIGUOUS_BELOW}: another explanation is as likely (see Why)">ambiguous</span>` : ''}</header>
${msg ? `<p class="msg">${type ? `<span class="muted">${esc(type)}:</span> ` : ''}${esc(clip(msg, 600))}</p>` : ''}
<div class="tl-wrap">${timelineSvg(e)}</div>
${why ? `<p class="why"><b>Why:</b> ${withCode(why)}</p>` : ''}
${facts(e)}
${evidence(e, openEvidence)}
</article>`;
}

/** a list of cards capped at `max` timelines; says how many were left out (the summary counts all) */
export function cardList(events: readonly VerdictEvent[], max: number, noun: string): string {
  const shown = events.slice(0, max);
  const open = events.length <= 20;
  const omitted = events.length - shown.length;
  return `<div class="cards">${shown.map((e) => card(e, open)).join('\n')}</div>${omitted > 0 ? `<p class="omitted" data-omitted="${omitted}">${esc(plural(omitted, `more ${noun}`))} not drawn: only the first ${esc(max.toLocaleString('en-US'))} are shown; the summary above counts all ${esc(events.length.toLocaleString('en-US'))}. Use <code>--format ndjson</code> for the full list.</p>` : ''}`;
}
