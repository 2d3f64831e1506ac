/**
 * The HTML report in a real browser (headless Chromium via playwright-core, opened from file://):
 * numbers and timelines are visible, the inline script runs without console errors, the hostile
 * fixture line stays text, filtering works, and a full-page screenshot is a real picture.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import type { Doc } from '../../parsers/types.js';
import { renderHtml } from '../../src/sinks/report-html.js';
import { asEvents, HOSTILE, reportEvents, summaryOf } from '../fixtures/report/fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

test('the HTML report renders in headless Chromium', { timeout: 720_000 }, async (t) => {
  if (process.env.GONEAWAY_SKIP_BROWSER === '1') {
    t.skip('GONEAWAY_SKIP_BROWSER=1: browser test skipped');
    return;
  }
  if (!existsSync(CHROMIUM) && process.getuid?.() === 0) {
    // Tests that need a real component install it themselves (Debian's chromium), as the lab does.
    spawnSync(
      'bash',
      [
        '-c',
        'export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium',
      ],
      { stdio: 'inherit', timeout: 600_000 },
    );
  }
  assert.ok(
    existsSync(CHROMIUM),
    `${CHROMIUM} not found: install it with \`apt-get install -y chromium\` (or set GONEAWAY_SKIP_BROWSER=1 to skip this test)`,
  );

  const events = reportEvents();
  const summary = summaryOf(events);
  const dir = mkdtempSync(path.join(tmpdir(), 'goneaway-report-'));
  const file = path.join(dir, 'report.html');
  const shot = path.join(dir, 'report.png');
  writeFileSync(file, renderHtml(summary, asEvents(events)));

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`request: ${r.url()}`);
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

    // the answer first: the summary's numbers, visible
    const appErrors = page.locator('[data-count="app_errors"]');
    assert.ok(await appErrors.isVisible());
    assert.equal((await appErrors.textContent())?.trim(), String(summary.app_errors));
    assert.equal((await page.locator('[data-count="connections"]').textContent())?.trim(), String(summary.connections));
    for (const [term, n] of Object.entries(summary.by_terminator)) {
      assert.equal((await page.locator(`[data-term-count="${term}"]`).textContent())?.trim(), String(n), term);
    }
    assert.ok(await page.locator('#fixes').isVisible());

    // one drawn timeline per app error, with its parts laid out (non-empty boxes)
    const nErr = events.filter((e) => (e.goneaway as Doc).kind === 'app_error').length;
    assert.equal(await page.locator('#errors svg.timeline').count(), nErr);
    const first = page.locator('#errors article.card').first();
    for (const sel of ['svg.timeline', '.tl-session', '.tl-idle', '.tl-close', '.tl-error', '.tl-laglabel']) {
      const box = await first.locator(sel).first().boundingBox();
      assert.ok(box && (box.width > 0 || box.height > 0), `${sel} is laid out`);
    }
    const svgBox = (await first.locator('svg.timeline').boundingBox())!;
    assert.ok(svgBox.width > 600 && svgBox.height > 60, `timeline size ${svgBox.width}x${svgBox.height}`);
    // the closure is drawn in its terminator's colour (CSS variables reach the SVG)
    const stroke = await first
      .locator('.tl-close')
      .evaluate(
        (el) =>
          (globalThis as unknown as { getComputedStyle(e: unknown): { stroke: string } }).getComputedStyle(el).stroke,
      );
    assert.equal(stroke, 'rgb(37, 99, 235)');

    // hostile log text is shown, not executed
    assert.equal(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await page.locator('img').count(), 0);
    const shown = await page.locator('#errors .card[data-cause="unknown"] .msg').textContent();
    assert.ok(shown?.includes(HOSTILE), 'payload visible as text');

    // the inline script works: filter the cards by a cause, then clear
    const kills = events.filter(
      (e) => (e.goneaway as Doc).kind === 'app_error' && (e.goneaway as Doc).cause === 'mysql_kill',
    ).length;
    await page.locator('[data-filter-cause="mysql_kill"]').click();
    assert.equal(await page.locator('#errors article.card:visible').count(), kills);
    assert.match((await page.locator('#filter-status').textContent()) ?? '', new RegExp(`Showing ${kills} of ${nErr}`));
    await page.locator('#filter-clear').click();
    assert.equal(await page.locator('#errors article.card:visible').count(), nErr);

    await page.screenshot({ path: shot, fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
  const png = readFileSync(shot);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  const width = png.readUInt32BE(16),
    height = png.readUInt32BE(20);
  assert.ok(width >= 1200 && height > 3000, `full page ${width}x${height}`);
  assert.ok(statSync(shot).size > 100_000, `non-trivial PNG (${statSync(shot).size} bytes)`);
  if (process.env.GONEAWAY_KEEP_SCREENSHOT) writeFileSync(process.env.GONEAWAY_KEEP_SCREENSHOT, png);
  rmSync(dir, { recursive: true, force: true });
});
