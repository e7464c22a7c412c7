// Two builds of each bundle's wasm (xtask/src/precache.rs, "Wasm SIMD" in
// ARCHITECTURE.md): the loader fetches the SIMD one where the browser runs
// wasm SIMD, the plain one where it does not (iOS 15's Safari); the service
// worker keeps only the one this browser uses. Chromium runs SIMD, so the
// older engine is played by a `WebAssembly.validate` that refuses the probe:
// the plain wasm is then really compiled and run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, phoneContext, withApp, eventually } from './fixtures.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const isSimd = (url) => url.endsWith('.simd.wasm');
const isPlain = (url) => url.endsWith('_bg.wasm');

/** The wasm files the page itself requests, by kind. */
function wasmRequests(page) {
  const seen = { simd: [], plain: [] };
  page.on('request', (r) => {
    const url = new URL(r.url()).pathname;
    if (isSimd(url)) seen.simd.push(url);
    else if (isPlain(url)) seen.plain.push(url);
  });
  return seen;
}

/** The wasm files in the service worker's cache, by kind. */
async function cachedWasm(page) {
  const urls = await page.evaluate(async () => {
    const out = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const req of await cache.keys()) out.push(new URL(req.url).pathname);
    }
    return out;
  });
  return { simd: urls.filter(isSimd), plain: urls.filter(isPlain) };
}

async function searchFindsPorepore(app) {
  await app.search('ぽれぽれ');
  await eventually(async () => {
    const names = await app.resultNames();
    return names.length > 0 && /ポレポレ/.test(names[0]);
  }, 'ぽれぽれ → ポレポレ first');
}

test('where wasm SIMD runs, the SIMD wasm starts the app and only it is kept offline', () => withApp(() => phoneContext(browser), async ({ page, app }) => {
  const seen = wasmRequests(page);
  await app.open('/groups');
  await app.waitServiceWorker();
  await app.waitStored();
  await searchFindsPorepore(app);
  assert.equal(seen.plain.length, 0, `plain wasm fetched: ${seen.plain}`);
  assert.ok(seen.simd.length >= 1, 'the SIMD wasm is fetched');
  await eventually(async () => (await cachedWasm(page)).simd.length === 2, 'both bundles\' SIMD wasm precached', 20_000);
  const cached = await cachedWasm(page);
  assert.deepEqual(cached.plain, [], 'the plain wasm is not precached');
}));

test('where it does not, the plain wasm starts the same app', () => withApp(async () => {
  const context = await phoneContext(browser);
  // An engine without SIMD: the probe does not validate.
  await context.addInitScript(() => { WebAssembly.validate = () => false; });
  return context;
}, async ({ page, app }) => {
  const seen = wasmRequests(page);
  await app.open('/groups');
  await app.waitStored();
  await searchFindsPorepore(app);
  assert.equal(seen.simd.length, 0, `SIMD wasm fetched: ${seen.simd}`);
  assert.ok(seen.plain.length >= 1, 'the plain wasm is fetched');
  // The full app too (the calendar is its page).
  await page.goto(new URL('/calendar', page.url()).href);
  await page.locator('html[data-directory=stored], html[data-directory=cached]').waitFor({ state: 'attached', timeout: 20_000 });
  assert.equal(seen.simd.length, 0, `SIMD wasm fetched: ${seen.simd}`);
  assert.ok(seen.plain.length >= 2, `both bundles' plain wasm fetched: ${seen.plain}`);
}));
