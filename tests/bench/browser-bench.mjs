// Browser benchmarks: the app's hidden /bench routes, in headless Chromium at
// phone width, against the real release server. Prints the figures.
//   /bench           10,000 synthetic groups: search per keystroke, IndexedDB write
//   /bench/calendar  20,000 synthetic events on the server: pull, store, month view, filter
//   /bench/drafts    one device syncs 500 new drafts through the app's outbox (a new
//                    phone and a new group account each run)
import { Server, launchBrowser, phoneContext } from '../e2e/fixtures.mjs';

const RUNS = 3;
// BENCH_PLAIN=1: the plain wasm (an engine without wasm SIMD: the loader's
// probe refused), to compare with the SIMD build the loader takes here.
const PLAIN = process.env.BENCH_PLAIN === '1';

async function bench(browser, path, prepare) {
  const server = new Server();
  try {
    if (prepare) await prepare(server);
    const url = await server.start();
    const context = await phoneContext(browser);
    if (PLAIN) await context.addInitScript(() => { WebAssembly.validate = () => false; });
    const page = await context.newPage();
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${url}${path}`);
      await page.waitForFunction(() => {
        const t = document.querySelector('[data-testid=bench-results]')?.textContent ?? '';
        try { JSON.parse(t); return true; } catch { return false; }
      }, null, { timeout: 300_000 });
      runs.push(JSON.parse(await page.locator('[data-testid=bench-results]').innerText()));
    }
    await context.close();
    console.log(`\n${path}${PLAIN ? ' (plain wasm, no SIMD)' : ''} (${RUNS} runs: median, then every run)`);
    for (const k of Object.keys(runs[0])) {
      const vals = runs.map((r) => r[k]);
      const median = [...vals].sort((a, b) => a - b)[Math.floor(RUNS / 2)];
      console.log(`${k.padEnd(24)} ${String(median).padStart(10)}   runs: ${vals.join(', ')}`);
    }
  } finally {
    await server.dispose();
  }
}

/** One run per fresh phone and group account: the sync of 500 drafts. */
async function benchDrafts(browser) {
  const server = new Server();
  try {
    const url = await server.start();
    const runs = [];
    for (const group of ['shijima-kizuna-chokai', 'porepore', 'nijinowa']) {
      const code = await server.invite(group);
      const context = await phoneContext(browser);
      const page = await context.newPage();
      await page.goto(`${url}/bench/drafts?code=${code}`);
      await page.waitForFunction(() => {
        const t = document.querySelector('[data-testid=bench-results]')?.textContent ?? '';
        try { JSON.parse(t); return true; } catch { return false; }
      }, null, { timeout: 300_000 });
      const r = JSON.parse(await page.locator('[data-testid=bench-results]').innerText());
      if (r.error) throw new Error(`/bench/drafts: ${r.error}`);
      runs.push(r);
      await context.close();
    }
    console.log(`\n/bench/drafts (${runs.length} runs: median, then every run)`);
    for (const k of Object.keys(runs[0])) {
      const vals = runs.map((r) => r[k]);
      const median = [...vals].sort((a, b) => a - b)[Math.floor(vals.length / 2)];
      console.log(`${k.padEnd(24)} ${String(median).padStart(10)}   runs: ${vals.join(', ')}`);
    }
  } finally {
    await server.dispose();
  }
}

const browser = await launchBrowser();
try {
  console.log(`chromium ${browser.version()}, viewport 360x800`);
  // BENCH_ONLY=drafts: the drafts figure alone (`cargo xtask bench --only sync`);
  // BENCH_ONLY=search: /bench alone (search and the IndexedDB write of groups).
  const only = process.env.BENCH_ONLY;
  if (only !== 'drafts') await bench(browser, '/bench');
  if (!only) await bench(browser, '/bench/calendar', (server) => server.admin('fill-synthetic-events', '20000'));
  if (only !== 'search') await benchDrafts(browser);
} finally {
  await browser.close();
}
