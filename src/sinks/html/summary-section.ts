/**
 * The answer first (docs/lab-findings.md §4: the fix depends entirely on who closed the connection):
 * counts, app errors by terminator, the causes with their mean confidence, then the fixes.
 * All numbers come from the Summary, which counts every event even when the cards are capped.
 */
import { CAUSES, isCause } from '../../correlate/causes.js';
import type { CauseRow, Summary } from '../summary.js';
import { confMeter, esc, plural, termClass, TERMINATORS, withCode } from './format.js';

/** the cause's label from the one table of causes; a cause the table lacks shows as its name */
const labelOf = (c: string): string => (isCause(c) ? CAUSES[c].label : c);
export const causeLabel = (c: string) => withCode(labelOf(c));

export function termChip(term: string, text = term, filter = false): string {
  const attrs = filter
    ? ` role="button" tabindex="0" data-filter-term="${esc(term)}" title="show only errors closed by ${esc(term)}"`
    : '';
  return `<span class="chip ${termClass(term)}"${attrs}><span class="sw"></span>${esc(text)}</span>`;
}

function headline(s: Summary): string {
  const top = s.causes.find((c) => c.app_errors > 0);
  if (!top)
    return s.connections
      ? `No app error, but ${plural(s.connections, 'connection was', 'connections were')} closed abnormally without the app noticing.`
      : '';
  const share =
    top.app_errors === s.app_errors
      ? 'All'
      : `${top.app_errors.toLocaleString('en-US')} of ${s.app_errors.toLocaleString('en-US')}`;
  return `${share} app error${s.app_errors === 1 ? '' : 's'}: ${causeLabel(top.cause)} — the connection was closed by <strong class="${termClass(top.terminated_by)} tcol">${esc(top.terminated_by)}</strong>.`;
}

/** a stacked bar of app errors per terminator, with a clickable legend */
function terminatorBar(s: Summary): string {
  const total = Object.values(s.by_terminator).reduce((a, b) => a + b, 0);
  if (!total) return '';
  const order = [
    ...TERMINATORS,
    ...Object.keys(s.by_terminator).filter((k) => !(TERMINATORS as readonly string[]).includes(k)),
  ];
  const segs: string[] = [],
    legend: string[] = [];
  for (const t of order) {
    const n = s.by_terminator[t] ?? 0;
    if (!n) continue;
    const pct = (n / total) * 100;
    segs.push(
      `<span class="seg ${termClass(t)}" style="width:${pct.toFixed(2)}%" title="${esc(`${t}: ${n}`)}"></span>`,
    );
    legend.push(
      `<li>${termChip(t, t, true)} <b class="n" data-term-count="${esc(t)}">${n.toLocaleString('en-US')}</b> <span class="muted">${pct < 1 ? '<1' : Math.round(pct)}%</span></li>`,
    );
  }
  return `<div class="terms"><h3>App errors by who closed the connection</h3><div class="stack">${segs.join('')}</div><ul class="legend">${legend.join('')}</ul></div>`;
}

function causeTable(rows: CauseRow[]): string {
  const body = rows
    .map(
      (c) => `<tr data-cause="${esc(c.cause)}">
<td><span class="causename">${causeLabel(c.cause)}</span><span class="causeid">${esc(c.cause)}</span></td>
<td>${termChip(c.terminated_by)}</td>
<td class="num">${c.app_errors.toLocaleString('en-US')}</td>
<td class="num">${c.connections.toLocaleString('en-US')}</td>
<td>${confMeter(c.mean_confidence)}</td>
<td>${c.app_errors ? `<button type="button" class="linkbtn" data-filter-cause="${esc(c.cause)}">show errors</button>` : ''}</td></tr>`,
    )
    .join('\n');
  return `<table class="causes"><thead><tr><th>Cause</th><th>Closed by</th><th class="num">App errors</th><th class="num">Silent</th><th>Mean confidence</th><th></th></tr></thead><tbody>${body}</tbody></table>`;
}

function fixes(rows: CauseRow[]): string {
  const items = rows
    .filter((c) => c.recommendation && c.app_errors + c.connections > 0)
    .map((c) => {
      const r = c.recommendation!;
      const vals = [
        r.current ? `<div><dt>current</dt><dd>${withCode(r.current)}</dd></div>` : '',
        r.observed ? `<div><dt>observed</dt><dd>${withCode(r.observed)}</dd></div>` : '',
      ].join('');
      const n = [
        c.app_errors ? plural(c.app_errors, 'app error') : '',
        c.connections ? plural(c.connections, 'silent closure') : '',
      ]
        .filter(Boolean)
        .join(' + ');
      return `<li class="fix ${termClass(c.terminated_by)}"><div class="fix-h"><span class="setting">${withCode(r.setting)}</span><span class="muted">${esc(n)} · ${causeLabel(c.cause)}</span></div>
<p>${withCode(r.text)}</p>${vals ? `<dl class="vals">${vals}</dl>` : ''}</li>`;
    });
  if (!items.length) return '';
  return `<section class="fixes" id="fixes"><h2>Fixes to make</h2><ol>${items.join('\n')}</ol></section>`;
}

export function summarySection(s: Summary): string {
  const none = s.app_errors + s.connections === 0;
  const big = `<div class="bignums">
<div class="big err"><span class="num" data-count="app_errors">${s.app_errors.toLocaleString('en-US')}</span><span class="lbl">app error${s.app_errors === 1 ? '' : 's'}<br><small>2006 / 2013 / connection lost, explained</small></span></div>
<div class="big sil"><span class="num" data-count="connections">${s.connections.toLocaleString('en-US')}</span><span class="lbl">silent closure${s.connections === 1 ? '' : 's'}<br><small>abnormal, but no app error</small></span></div>
</div>`;
  if (none) {
    return `<section class="answer" id="answer">${big}<p class="nothing">No failed connections found: no app error and no abnormal closure in these logs.</p></section>`;
  }
  return `<section class="answer" id="answer"><p class="headline">${headline(s)}</p>${big}${terminatorBar(s)}</section>
<section class="causes-s" id="causes"><h2>Causes</h2>${causeTable(s.causes)}</section>
${fixes(s.causes)}`;
}

export function inputsSection(s: Summary): string {
  if (!s.files.length) return '';
  const rows = s.files
    .map(
      (f) =>
        `<tr><td class="path">${esc(f.path)}</td><td>${esc(f.kind)}</td><td class="num">${Number(f.records).toLocaleString('en-US')}</td><td class="num${f.unparsed ? ' warn' : ''}">${Number(f.unparsed).toLocaleString('en-US')}</td></tr>`,
    )
    .join('');
  return `<section class="inputs" id="inputs"><h2>Input files</h2><table><thead><tr><th>File</th><th>Kind</th><th class="num">Records</th><th class="num">Unparsed</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}
