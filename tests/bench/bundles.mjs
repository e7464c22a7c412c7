// Do two bundles still earn their cost? (issue 9, item 5;
// `cargo xtask bench --only bundles`, or `node tests/bench/bundles.mjs`).
//
// The shipped `dist/` (two bundles: the directory shell `index.html`, the
// full app `app.html`) against the same build as one bundle (a copy of
// `dist/` whose `index.html` is the full app: every route in one wasm, links
// between pages routed in the page). On a throttled phone (Chrome DevTools
// throttling: 4x CPU, 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up),
// a fresh profile each run, RUNS runs, medians:
//
// - first-visit bytes: what the page loaded on `/` until the app took over
//   (the service worker's precache of both bundles afterwards not counted);
// - search answering: from the navigation to ポレポレ first in the app's
//   list, with ぽれぽれ typed into the server's box as soon as it is there;
// - directory → calendar: a tap on the header's カレンダー after the app
//   took over and the service worker has installed, to the month grid shown
//   (two bundles: a full page load, the server's HTML; one bundle: a route
//   change in the page) and to the calendar drawn by the app (two bundles:
//   app.html's wasm from the worker's cache, started and taken over).
import { cpSync, mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, ROOT, persistentPhoneContext } from '../e2e/fixtures.mjs';

const DIST = process.env.TSUNAGARI_DIST ?? join(ROOT, 'dist');
const RUNS = Number(process.env.BUNDLE_RUNS ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function oneBundleDist() {
  const dist = mkdtempSync(join(tmpdir(), 'tsunagari-one-bundle-'));
  cpSync(DIST, dist, { recursive: true });
  writeFileSync(join(dist, 'index.html'), readFileSync(join(dist, 'app.html')));
  return dist;
}

async function throttle(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  return { bytes: () => bytes };
}

async function visit(url) {
  const context = await persistentPhoneContext();
  try {
    const page = await context.newPage();
    const net = await throttle(page);
    await page.addInitScript(() => {
      const t = {};
      const seen = () => {
        const box = document.querySelector('#group-search');
        if (box && !t.typed) {
          t.typed = true;
          box.value = 'ぽれぽれ';
          box.dispatchEvent(new Event('input', { bubbles: true }));
        }
        const first = document.querySelector('#app-root [data-testid=group-link], body > [data-testid=group-link]')
          ?? (document.getElementById('ssr') ? null : document.querySelector('[data-testid=group-link]'));
        if (t.search === undefined && first && first.textContent.includes('ポレポレ')
            && document.querySelector('#group-search')?.value === 'ぽれぽれ') {
          t.search = performance.now();
          window.__search = t.search;
        }
      };
      new MutationObserver(seen).observe(document, { childList: true, subtree: true, characterData: true });
    });
    await page.goto(`${url}/`);
    await page.waitForFunction(() => window.__search, null, { timeout: 120_000 });
    const search = await page.evaluate(() => window.__search);
    const bytes = net.bytes();
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    // The worker has precached both bundles: wait until it controls the page's next load.
    await page.waitForFunction(async () => {
      const keys = await caches.keys();
      for (const k of keys) { const c = await caches.open(k); if ((await c.keys()).length > 5) return true; }
      return false;
    }, null, { timeout: 120_000, polling: 500 });
    await page.waitForTimeout(500);
    const start = Date.now();
    await page.locator('a[href="/calendar"]').first().click();
    await page.locator('[data-testid=month-grid]').first().waitFor({ timeout: 120_000 });
    const shown = Date.now() - start;
    // Drawn by the app: no server content left on the page.
    await page.waitForFunction(() => !document.getElementById('ssr') && document.querySelector('[data-testid=month-grid]'), null, { timeout: 120_000, polling: 'raf' });
    const calendar = Date.now() - start;
    return { bytes, search: Math.round(search), shown, calendar };
  } finally {
    await context.dispose();
  }
}

const one = oneBundleDist();
try {
  console.log(`Two bundles or one (${RUNS} runs each, throttled phone: 4x CPU, 150 ms RTT, 1.6 Mbit/s)`);
  console.log('build         first-visit KB   search answering ms   directory → calendar shown / drawn by the app ms');
  for (const [name, dist] of [['two bundles', DIST], ['one bundle', one]]) {
    const server = new Server({ dist });
    try {
      const url = await server.start();
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await visit(url));
      const m = (k) => median(runs.map((r) => r[k]));
      console.log(`${name.padEnd(12)} ${String(Math.round(m('bytes') / 1024)).padStart(15)} ${String(m('search')).padStart(21)} ${String(m('shown')).padStart(18)} / ${m('calendar')}    runs (KB/search/shown/drawn): `
        + runs.map((r) => `${Math.round(r.bytes / 1024)}/${r.search}/${r.shown}/${r.calendar}`).join(', '));
    } finally {
      await server.dispose();
    }
  }
} finally {
  rmSync(one, { recursive: true, force: true });
}
