import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { Doc } from '../../parsers/types.js';
import { renderHtml, DEFAULT_MAX_TIMELINES } from '../../src/sinks/report-html.js';
import { esc } from '../../src/sinks/html/format.js';
import { timelineSvg } from '../../src/sinks/html/timeline.js';
import { summarize } from '../../src/sinks/summary.js';
import { asEvents, fakeStats, HOSTILE, manyEvents, reportEvents, summaryOf } from '../fixtures/report/fixture.js';

const count = (s: string, re: RegExp) =>
  (s.match(new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g')) ?? []).length;
const kindOf = (e: Doc) => (e.goneaway as Doc).kind;
const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
/** the markup of each card, split on the card start tag */
const cardsOf = (html: string, section: 'errors' | 'silent') => {
  const start = html.indexOf(section === 'errors' ? '<section id="errors">' : '<details class="silent" id="silent"');
  if (start < 0) return [];
  const end =
    section === 'errors'
      ? html.indexOf('</section>', start)
      : html.indexOf('</details>\n<section class="inputs"', start);
  return html
    .slice(start, end < 0 ? undefined : end)
    .split('<article class="card ')
    .slice(1);
};

test('the page is self-contained: one inline style, one inline script, nothing fetched', () => {
  const events = reportEvents();
  const html = renderHtml(summaryOf(events), asEvents(events));
  assert.match(html, /^<!doctype html>/);
  assert.equal(count(html, /<style>/), 1);
  assert.equal(count(html, /<script/i), 1, "only the report's own script");
  assert.doesNotMatch(html, /<script[^>]*\ssrc=/i);
  assert.doesNotMatch(html, /<link\b/i);
  assert.doesNotMatch(html, /(?:src|href)="(?:https?:)?\/\//i);
  assert.doesNotMatch(html, /url\((?!#)/i, 'CSS url() only to in-page SVG defs');
  assert.doesNotMatch(html, /@import/i);
  // the CSP allows exactly the script that is in the page
  const js = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
  const hash = createHash('sha256').update(js).digest('base64');
  assert.ok(html.includes(`script-src 'sha256-${hash}'`), 'CSP hash matches the inline script');
  for (const id of ['answer', 'causes', 'fixes', 'errors', 'silent', 'inputs'])
    assert.ok(html.includes(`id="${id}"`), `section #${id}`);
});

test('one card with a timeline per app error and per silent closure, in time order', () => {
  const events = reportEvents();
  const html = renderHtml(summaryOf(events), asEvents(events));
  const errs = events.filter((e) => kindOf(e) === 'app_error');
  const sil = events.filter((e) => kindOf(e) === 'connection');
  const errCards = cardsOf(html, 'errors'),
    silCards = cardsOf(html, 'silent');
  assert.equal(errCards.length, errs.length);
  assert.equal(silCards.length, sil.length);
  for (const c of [...errCards, ...silCards]) assert.equal(count(c, /<svg class="timeline"/), 1);
  const times = errCards.map((c) => /<time>([^<]+)<\/time>/.exec(c)![1]!);
  assert.deepEqual(times, [...times].sort());
  // every evidence line of every event is shown with its file@offset
  for (const e of events) {
    for (const ev of (e.goneaway as Doc).evidence as Doc[])
      assert.ok(html.includes(`${esc(ev.file)}@${ev.offset}`), `${ev.file}@${ev.offset}`);
  }
});

test("the counts shown are the summary's", () => {
  const events = reportEvents();
  const s = summaryOf(events);
  const html = renderHtml(s, asEvents(events));
  assert.equal(/data-count="app_errors">([^<]+)</.exec(html)![1], s.app_errors.toLocaleString('en-US'));
  assert.equal(/data-count="connections">([^<]+)</.exec(html)![1], s.connections.toLocaleString('en-US'));
  const shownTerms = Object.fromEntries(
    [...html.matchAll(/data-term-count="([^"]+)">([^<]+)</g)].map((m) => [m[1], Number(m[2])]),
  );
  assert.deepEqual(shownTerms, s.by_terminator);
  assert.equal(count(html, /<tr data-cause="/), s.causes.length);
  for (const c of s.causes) {
    const row = new RegExp(`<tr data-cause="${c.cause}">[\\s\\S]*?</tr>`).exec(html)![0];
    const nums = [...row.matchAll(/<td class="num">([^<]+)</g)].map((m) => Number(m[1]));
    assert.deepEqual(nums, [c.app_errors, c.connections], c.cause);
    assert.ok(row.includes(c.mean_confidence.toFixed(2)), `${c.cause} mean confidence`);
    if (c.recommendation)
      assert.ok(
        html.includes(esc(c.recommendation.text).replace(/`([^`]+)`/g, '<code>$1</code>')),
        `fix for ${c.cause}`,
      );
  }
});

test('the summary still counts every event when the cards are capped', () => {
  const events = manyEvents(1200);
  const s = summaryOf(events);
  const html = renderHtml(s, asEvents(events));
  assert.equal(s.app_errors, 1200);
  assert.equal(/data-count="app_errors">([^<]+)</.exec(html)![1], '1,200');
  assert.equal(cardsOf(html, 'errors').length, DEFAULT_MAX_TIMELINES);
  assert.match(html, /data-omitted="700">700 more app errors not drawn/);
  assert.equal(cardsOf(html, 'silent').length, s.connections, 'below the cap: all drawn');
  const small = renderHtml(s, asEvents(events), { maxTimelines: 10 });
  assert.equal(cardsOf(small, 'errors').length, 10);
  assert.match(small, /data-omitted="1190"/);
  assert.match(small, new RegExp(`data-omitted="${s.connections - 10}">`));
});

test('no events: says so, draws nothing, still valid', () => {
  const s = summarize([], fakeStats([{ path: '/var/log/haproxy.log', kind: 'haproxy', records: 10 }]));
  const html = renderHtml(s, asEvents([]));
  assert.match(html, /No failed connections found/);
  assert.equal(count(html, /<article class="card/), 0);
  assert.equal(count(html, /<svg class="timeline"/), 0);
  assert.doesNotMatch(html, /id="errors"|id="silent"|id="fixes"/);
  assert.match(html, /\/var\/log\/haproxy\.log/);
  assert.match(html, /<\/html>\n$/);
});

test('untrusted text is inert: no tag or attribute from a log line survives', () => {
  const events = reportEvents();
  const html = renderHtml(summaryOf(events), asEvents(events));
  assert.ok(
    events.some((e) => String((e.error as Doc | undefined)?.message).includes(HOSTILE)),
    'the fixture carries the payload',
  );
  assert.ok(!html.includes('<script>window.__pwned'));
  assert.ok(!html.includes('<img src=x'));
  assert.doesNotMatch(html, /<[^>]*\sonerror=/i);
  assert.ok(html.includes(esc(HOSTILE)), 'shown as text');
});

test('property: any string in any field stays text', () => {
  const evil = fc
    .tuple(
      fc.string(),
      fc.constantFrom(
        '<x-evil a="1">',
        '"><x-evil>',
        "'><x-evil>",
        '</svg><x-evil>',
        '</script><x-evil>',
        '`<x-evil>`',
      ),
      fc.string(),
    )
    .map(([a, b, c]) => a + b + c);
  fc.assert(
    fc.property(
      evil,
      fc.array(
        fc.constantFrom(
          'msg',
          'why',
          'ev',
          'file',
          'cause',
          'term',
          'state',
          'code',
          'rec',
          'setting',
          'path',
          'ip',
          'kind',
        ),
        { minLength: 1 },
      ),
      (payload, where) => {
        const events = reportEvents().slice(0, 6);
        const w = new Set(where);
        for (const e of events) {
          const g = e.goneaway as Doc;
          if (w.has('msg') && e.error) (e.error as Doc).message = payload;
          if (w.has('code') && e.error) (e.error as Doc).code = payload;
          if (w.has('why')) g.why = payload;
          if (w.has('cause')) g.cause = payload;
          if (w.has('term')) g.terminated_by = payload;
          if (w.has('rec')) (g.recommendation as Doc).text = payload;
          if (w.has('setting')) (g.recommendation as Doc).setting = payload;
          if (w.has('ev') || w.has('file') || w.has('kind'))
            for (const v of g.evidence as Doc[]) {
              if (w.has('ev')) v.text = payload;
              if (w.has('file')) v.file = payload;
              if (w.has('kind')) v.kind = payload;
            }
          if (w.has('state') && e.haproxy) (e.haproxy as Doc).termination_state = payload;
          if (w.has('ip') && e.source) (e.source as Doc).ip = payload;
        }
        const s = summarize(
          asEvents(events),
          fakeStats(w.has('path') ? [{ path: payload, kind: payload, records: 1 }] : undefined),
        );
        const html = renderHtml(s, asEvents(events));
        return !/<x-evil/i.test(html) && count(html, /<script/i) === 1 && count(html, /<\/script/i) === 1;
      },
    ),
    { numRuns: 150 },
  );
});

test('property: esc() leaves no markup character and round-trips', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      const e = esc(s);
      return !/[<>"']/.test(e) && unescape(e) === s.replace(/\u0000/g, '\ufffd');
    }),
  );
});

test('missing and malformed optional fields do not break the page', () => {
  const odd: Doc[] = [
    { goneaway: { kind: 'app_error' } },
    {
      '@timestamp': 'not a date',
      goneaway: { kind: 'app_error', evidence: 'nope', join: null, confidence: 'x' },
      error: { code: 2006 },
    },
    {
      '@timestamp': '2026-11-23T20:00:00.000Z',
      goneaway: { kind: 'connection', cause: 'unknown', evidence: [null, { kind: 'haproxy' }] },
      haproxy: { accept_date: '2026-11-23T20:00:05.000Z', session_end: '2026-11-23T19:00:00.000Z' },
    },
    {
      '@timestamp': '2026-11-23T20:00:00.000Z',
      goneaway: { kind: 'app_error', terminated_by: 'haproxy', cause: 'haproxy_timeout_client', confidence: 0.9 },
      haproxy: { accept_date: '2026-11-23T19:59:00.000Z', session_end: '2026-11-23T20:00:00.000Z' },
      mysql: { last_query_at: '2026-11-23T21:00:00.000Z' },
    },
  ];
  const html = renderHtml(summaryOf(odd), asEvents(odd));
  assert.equal(cardsOf(html, 'errors').length, 3);
  assert.equal(cardsOf(html, 'silent').length, 1);
  // (the summary's own rows are summary.ts's business: only the cards are checked here)
  for (const c of [...cardsOf(html, 'errors'), ...cardsOf(html, 'silent')])
    assert.doesNotMatch(c, /NaN|undefined|\[object Object\]|Infinity/);
});

/** numbers of one attribute of the first element with that class */
function attr(svg: string, cls: string, name: string): number {
  const el = new RegExp(`<[a-z]+ class="${cls}"[^>]*>`).exec(svg);
  assert.ok(el, `element .${cls}`);
  return Number(new RegExp(`\\s${name}="([-\\d.]+)"`).exec(el[0])![1]);
}

test('timeline: session, idle gap, closure by terminator and the error point in time order, lag labelled', () => {
  const e = reportEvents().find(
    (x) =>
      (x.goneaway as Doc).cause === 'haproxy_timeout_client' &&
      kindOf(x) === 'app_error' &&
      (x.goneaway as Doc).join &&
      ((x.goneaway as Doc).join as Doc).method !== 'client_port',
  )!;
  const svg = timelineSvg(asEvents([e])[0]!);
  const h = e.haproxy as Doc;
  const xa = attr(svg, 'tl-session', 'x'),
    wa = attr(svg, 'tl-session', 'width');
  const xi = attr(svg, 'tl-idle', 'x'),
    wi = attr(svg, 'tl-idle', 'width');
  const xc = attr(svg, 'tl-close', 'x1');
  const xr = Number(/class="tl-error" d="M([-\d.]+) /.exec(svg)![1]);
  assert.ok(xa < xi && xi < xc && xc < xr, `${xa} < ${xi} < ${xc} < ${xr}`);
  assert.ok(Math.abs(xa + wa - xc) < 0.2 && Math.abs(xi + wi - xc) < 0.2, 'session and idle gap end at the closure');
  const accept = Date.parse(h.accept_date as string),
    end = Date.parse(h.session_end as string),
    lastQ = Date.parse((e.mysql as Doc).last_query_at as string),
    t = Date.parse(e['@timestamp'] as string);
  // linear axis: pixel distances proportional to time
  assert.ok(Math.abs((xc - xi) / (xc - xa) - (end - lastQ) / (end - accept)) < 0.01);
  assert.match(svg, new RegExp(`<g class="t-haproxy"><line class="tl-close"`));
  assert.ok(svg.includes(`closed by haproxy (${h.termination_state})`));
  const lagS = (t - end) / 1000;
  assert.match(
    svg,
    new RegExp(
      `noticed ${Math.floor(lagS / 60)} min ${String(Math.round(lagS % 60)).padStart(2, '0')} s after the close`,
    ),
  );
});

test('timeline: no session still shows the error; silent closure has no error point; long sessions get an axis break', () => {
  const events = reportEvents();
  const lone = events.find((x) => !x.haproxy && kindOf(x) === 'app_error')!;
  const a = timelineSvg(asEvents([lone])[0]!);
  assert.doesNotMatch(a, /tl-session|tl-close/);
  assert.match(a, /class="tl-error"/);
  assert.match(a, /no HAProxy session joined/);
  const silent = events.find((x) => kindOf(x) === 'connection')!;
  const b = timelineSvg(asEvents([silent])[0]!);
  assert.match(b, /tl-session/);
  assert.doesNotMatch(b, /tl-error/);
  assert.match(b, /closed silently/);
  // hard stop: accepted 25 min before a close that the app noticed 11 s later
  const hs = events.find((x) => (x.goneaway as Doc).cause === 'haproxy_hard_stop')!;
  const c = timelineSvg(asEvents([hs])[0]!);
  assert.match(c, /class="tl-break"/);
  assert.match(c, /not to scale/);
  const xi = attr(c, 'tl-idle', 'x'),
    xc = attr(c, 'tl-close', 'x1');
  assert.ok(xc - xi > 200, 'the last half minute is readable, not squashed by the 25 minutes before it');
  assert.doesNotMatch(timelineSvg(asEvents([events[0]!])[0]!), /tl-break/, 'a short session keeps a plain linear axis');
});
