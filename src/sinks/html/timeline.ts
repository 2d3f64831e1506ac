/**
 * The mini-timeline of one event (inline SVG): the joined HAProxy session (accept → accept+Tt),
 * the idle gap after the thread's last query, the closure coloured by who closed it, and the
 * moment the app noticed. docs/lab-findings.md §4.2: the lag between closure and error is the whole story
 * (mysql2 reports at the closure, PDO/PyMySQL only at next use, up to the idle gap later), so the
 * lag is labelled. A session held for hours would squash the interesting seconds into a pixel:
 * then the early part of the axis is compressed behind a break.
 */
import { evidenceText, type EvidenceDoc, type VerdictEvent } from '../../correlate/event.js';
import { esc, evidenceClass, evidenceOf, fmtClock, fmtDur, text, termClass, instant } from './format.js';

const W = 900,
  L = 92,
  R = 20,
  H = 132;
const PLOT0 = L,
  PLOT1 = W - R;
const BREAK_W = 64,
  BREAK_GAP = 16;
const Y = { closeLabel: 12, band: 20, bandH: 18, lagLabel: 55, app: 63, appLabel: 81, ev: 96, axis: 108, tick: 122 };

interface Scale {
  x: (t: number) => number;
  start: number;
  end: number;
  cut: number | undefined;
}

/** linear over the core, with the part before `cut` (if any) squeezed into BREAK_W pixels */
function makeScale(points: number[], core: number[]): Scale {
  let c0 = Math.min(...core),
    c1 = Math.max(...core);
  const minSpan = 2000;
  if (c1 - c0 < minSpan) {
    const mid = (c0 + c1) / 2;
    c0 = mid - minSpan / 2;
    c1 = mid + minSpan / 2;
  }
  const pad = (c1 - c0) * 0.06;
  c0 -= pad;
  c1 += pad;
  const all0 = Math.min(...points),
    all1 = Math.max(...points);
  c1 = Math.max(c1, all1 + pad / 2);
  if (all0 >= c0 - 4 * (c1 - c0)) {
    // no break: one linear axis over everything
    const s = Math.min(all0 - pad / 2, c0),
      e = c1;
    return { x: (t) => PLOT0 + ((t - s) / (e - s)) * (PLOT1 - PLOT0), start: s, end: e, cut: undefined };
  }
  const s = all0,
    cut = c0;
  const x0 = PLOT0 + BREAK_W + BREAK_GAP;
  return {
    x: (t) => (t < cut ? PLOT0 + ((t - s) / (cut - s)) * BREAK_W : x0 + ((t - cut) / (c1 - cut)) * (PLOT1 - x0)),
    start: s,
    end: c1,
    cut,
  };
}

const STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 216e5,
  432e5, 864e5,
];

function axis(sc: Scale, band: boolean): string {
  const out: string[] = [];
  const from = sc.cut ?? sc.start;
  const x0 = sc.x(from);
  out.push(
    `<line class="tl-axis" x1="${f(sc.cut !== undefined ? PLOT0 : x0)}" y1="${Y.axis}" x2="${PLOT1}" y2="${Y.axis}"/>`,
  );
  const span = sc.end - from;
  const step = STEPS.find((s) => span / s <= 7) ?? STEPS[STEPS.length - 1]!;
  // right edge of the previous label: the head's start label (broken axis) takes room too
  let right = sc.cut !== undefined ? PLOT0 + fmtClock(sc.start, false).length * 5.6 : -Infinity;
  for (let t = Math.ceil(from / step) * step; t <= sc.end; t += step) {
    const x = sc.x(t);
    const half = (fmtClock(t, step < 1000).length * 5.6) / 2;
    if (x - half < right + 14 || x + half > W) continue;
    right = x + half;
    out.push(`<line class="tl-tick" x1="${f(x)}" y1="${Y.axis}" x2="${f(x)}" y2="${Y.axis + 4}"/>`);
    out.push(
      `<text class="tl-ticklabel" x="${f(x)}" y="${Y.tick}" text-anchor="middle">${esc(fmtClock(t, step < 1000))}</text>`,
    );
  }
  if (sc.cut !== undefined) {
    // the compressed head of the axis: its start time, then a gap with `//` marks on the band and the axis
    const gx = PLOT0 + BREAK_W,
      bx = gx + BREAK_GAP / 2;
    if (band)
      out.push(`<rect class="tl-gapmask" x="${gx}" y="${Y.band - 1}" width="${BREAK_GAP}" height="${Y.bandH + 2}"/>`);
    out.push(`<rect class="tl-gapmask" x="${gx}" y="${Y.axis - 2}" width="${BREAK_GAP}" height="6"/>`);
    for (const y of band ? [Y.band + Y.bandH / 2, Y.axis] : [Y.axis])
      out.push(`<path class="tl-break" d="M${bx - 7} ${y + 7} l6 -14 M${bx + 1} ${y + 7} l6 -14"/>`);
    out.push(
      `<text class="tl-ticklabel" x="${PLOT0}" y="${Y.tick}" text-anchor="start">${esc(fmtClock(sc.start, false))}</text>`,
    );
    out.push(
      `<text class="tl-note tl-small" x="${PLOT0}" y="${Y.band + Y.bandH + 12}">${esc(fmtDur(sc.cut - sc.start))} not to scale</text>`,
    );
  }
  return out.join('');
}

const f = (n: number) => (Math.round(n * 10) / 10).toString();

/** place a label at x without leaving the plot: anchor start/middle/end by position */
function label(x: number, y: number, cls: string, text: string, width: number): string {
  const anchor = x - width / 2 < PLOT0 - 60 ? 'start' : x + width / 2 > PLOT1 ? 'end' : 'middle';
  const xx = anchor === 'start' ? Math.max(x, 4) : anchor === 'end' ? Math.min(x, W - 4) : x;
  return `<text class="${cls}" x="${f(xx)}" y="${y}" text-anchor="${anchor}">${esc(text)}</text>`;
}
const textW = (s: string) => s.length * 6.2;

export function timelineSvg(e: VerdictEvent): string {
  const isApp = e.goneaway?.kind === 'app_error';
  const term = text(e.goneaway?.terminated_by) ?? 'unknown';
  const tc = termClass(term);
  const accept = instant(e.haproxy?.accept_date);
  const end = instant(e.haproxy?.session_end);
  const hasSession = accept !== undefined && end !== undefined && end >= accept;
  const lastQ = hasSession ? instant(e.mysql?.last_query_at) : undefined;
  const errT = isApp ? instant(e['@timestamp']) : undefined;
  const state = text(e.haproxy?.termination_state);
  const evs = evidenceOf(e);
  const evPts = evs
    .map((v) => ({ v, t: instant(v['@timestamp']) }))
    .filter((p): p is { v: EvidenceDoc; t: number } => p.t !== undefined && p.v.kind !== 'app');

  const points = [
    hasSession ? accept : undefined,
    hasSession ? end : undefined,
    lastQ,
    errT,
    ...evPts.map((p) => p.t),
  ].filter((t): t is number => t !== undefined);
  if (!points.length) return `<p class="tl-none">No timestamps to draw a timeline.</p>`;
  const core = [hasSession ? end : undefined, errT, lastQ].filter((t): t is number => t !== undefined);
  const sc = makeScale(points, core.length ? core : points);
  const out: string[] = [];
  const aria: string[] = [];
  // notes start after the axis break, if there is one
  const noteX = sc.cut !== undefined ? PLOT0 + BREAK_W + BREAK_GAP + 6 : L;

  out.push(`<text class="tl-lane" x="4" y="${Y.band + 13}">HAProxy</text>`);
  out.push(`<text class="tl-lane" x="4" y="${Y.app + 4}">app</text>`);
  if (evPts.length) out.push(`<text class="tl-lane" x="4" y="${Y.ev + 4}">log lines</text>`);

  if (hasSession) {
    const xa = sc.x(accept!),
      xe = Math.max(sc.x(end!), sc.x(accept!) + 2);
    out.push(
      `<rect class="tl-session" x="${f(xa)}" y="${Y.band}" width="${f(xe - xa)}" height="${Y.bandH}" rx="3"><title>${esc(`HAProxy session ${fmtClock(accept!)} → ${fmtClock(end!)} (${fmtDur(end! - accept!)})`)}</title></rect>`,
    );
    aria.push(`session ${fmtDur(end! - accept!)}`);
    // the session's own label goes after the axis break (if any), before the idle gap
    const xs = sc.cut !== undefined && sc.cut > accept! ? PLOT0 + BREAK_W + BREAK_GAP + 6 : xa + 6;
    let sessionText = xe - xs > 104;
    if (lastQ !== undefined && lastQ <= end!) {
      const xq = Math.max(sc.x(lastQ), xa);
      const idle = end! - lastQ;
      out.push(
        `<rect class="tl-idle" x="${f(xq)}" y="${Y.band}" width="${f(Math.max(1, xe - xq))}" height="${Y.bandH}"><title>${esc(`idle ${fmtDur(idle)}: last query ${fmtClock(lastQ)} → close ${fmtClock(end!)}`)}</title></rect>`,
      );
      out.push(
        `<line class="tl-lastq" x1="${f(xq)}" y1="${Y.band - 2}" x2="${f(xq)}" y2="${Y.band + Y.bandH + 2}"><title>${esc(`last query ${fmtClock(lastQ)}`)}</title></line>`,
      );
      const txt = `idle ${fmtDur(idle)}`;
      if (xe - xq > textW(txt) + 8) {
        out.push(
          `<text class="tl-idletext" x="${f((xq + xe) / 2)}" y="${Y.band + 13}" text-anchor="middle">${esc(txt)}</text>`,
        );
        sessionText &&= xq - xs > 104;
      } else if (xq - xs > textW(txt) + 6) {
        // too narrow to hold its label: write it just before the gap, inside the session band
        out.push(
          `<text class="tl-idletext tl-outside" x="${f(xq - 6)}" y="${Y.band + 13}" text-anchor="end">${esc(txt)}</text>`,
        );
        sessionText = false;
      }
      aria.push(txt);
    }
    if (sessionText)
      out.push(
        `<text class="tl-sessiontext" x="${f(xs)}" y="${Y.band + 13}">session ${esc(fmtDur(end! - accept!))}</text>`,
      );
    // the closure, coloured by who closed it
    out.push(
      `<g class="${tc}"><line class="tl-close" x1="${f(xe)}" y1="${Y.band - 4}" x2="${f(xe)}" y2="${errT !== undefined ? Y.app : Y.axis}"/><circle class="tl-closedot" cx="${f(xe)}" cy="${Y.band + Y.bandH / 2}" r="4.5"/>`,
    );
    const cl = `closed by ${term}${state ? ` (${state})` : ''} · ${fmtClock(end!)}`;
    out.push(label(xe, Y.closeLabel, 'tl-closelabel', cl, textW(cl)));
    out.push(`</g>`);
    aria.push(cl);
  } else {
    out.push(`<text class="tl-note" x="${noteX}" y="${Y.band + 13}">no HAProxy session joined</text>`);
  }

  if (errT !== undefined) {
    const xr = sc.x(errT);
    if (hasSession) {
      const xe = Math.max(sc.x(end!), sc.x(accept!) + 2);
      const lag = errT - end!;
      const lagTxt =
        Math.abs(lag) < 1
          ? 'same instant'
          : lag > 0
            ? `noticed ${fmtDur(lag)} after the close`
            : `error ${fmtDur(-lag)} before HAProxy logged the close`;
      if (Math.abs(xr - xe) > 1)
        out.push(`<line class="tl-lag" x1="${f(xe)}" y1="${Y.app}" x2="${f(xr)}" y2="${Y.app}"/>`);
      const lo = Math.min(xe, xr),
        hi = Math.max(xe, xr),
        w = textW(lagTxt);
      const short = lag >= 0 ? `+${fmtDur(lag)}` : fmtDur(lag);
      if (hi - lo >= w + 10) out.push(label((xe + xr) / 2, Y.lagLabel, 'tl-laglabel', lagTxt, w));
      else if (hi - lo >= textW(short) + 10)
        out.push(
          `<text class="tl-laglabel" x="${f((xe + xr) / 2)}" y="${Y.lagLabel}" text-anchor="middle"><title>${esc(lagTxt)}</title>${esc(short)}</text>`,
        );
      else if (lo - 8 - w >= PLOT0 - 40)
        out.push(
          `<text class="tl-laglabel" x="${f(lo - 8)}" y="${Y.lagLabel}" text-anchor="end">${esc(lagTxt)}</text>`,
        );
      else
        out.push(
          `<text class="tl-laglabel" x="${f(hi + 8)}" y="${Y.lagLabel}" text-anchor="start">${esc(lagTxt)}</text>`,
        );
      aria.push(lagTxt);
    }
    const code = text(e.error?.code);
    out.push(
      `<path class="tl-error" d="M${f(xr)} ${Y.app - 7} l7 7 l-7 7 l-7 -7 z"><title>${esc(`app error ${code ?? ''} at ${fmtClock(errT)}`)}</title></path>`,
    );
    const el = `app error${code ? ` ${code}` : ''} · ${fmtClock(errT)}`;
    out.push(label(xr, Y.appLabel, 'tl-errlabel', el, textW(el)));
    aria.push(el);
  } else if (!isApp) {
    out.push(`<text class="tl-note" x="${noteX}" y="${Y.app + 4}">no app error: closed silently</text>`);
  }

  for (const p of evPts) {
    const first = String(evidenceText(e, p.v) ?? '')
      .split('\n')[0]!
      .slice(0, 240);
    out.push(
      `<circle class="tl-ev ${evidenceClass(String(p.v.kind))}" cx="${f(Math.min(PLOT1, Math.max(PLOT0, sc.x(p.t))))}" cy="${Y.ev}" r="4"><title>${esc(`${p.v.kind} ${fmtClock(p.t)}: ${first}`)}</title></circle>`,
    );
  }
  out.push(axis(sc, hasSession));
  return `<svg class="timeline" viewBox="0 0 ${W} ${H}" preserveAspectRatio="xMinYMin meet" role="img" aria-label="${esc(aria.join('; '))}">${out.join('')}</svg>`;
}
