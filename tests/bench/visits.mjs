// Visits on a phone (`cargo xtask bench --only visits`), in Debian Chromium
// against the real release server and the shipped bundle:
//
// 1. First visit: Lighthouse (mobile defaults: a mid-range phone, simulated
//    slow 4G, 4x CPU slowdown) on the public pages with the demo data, RUNS
//    times each; medians and every run. Each run is a first visit:
//    Lighthouse clears the origin's storage and service worker first.
// 2. Repeat visit offline with 10,000 groups stored: from the navigation's
//    start to the first card shown, and to the search answering a query
//    typed the moment the list is there (timed inside the page).
//    `VISITS_AB=distA,distB` compares builds instead: a phone each, their
//    runs taking turns, so that a machine's slow minutes fall on all alike
//    (this machine's medians drift by 50 ms from one round to the next).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lighthouse from 'lighthouse';
import { writeFileSync } from 'node:fs';
import { Server, demoGroups, persistentPhoneContext } from '../e2e/fixtures.mjs';
import { publicPages, startChromium } from './chromium.mjs';

const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 3);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function firstVisit() {
  const server = new Server();
  const chrome = await startChromium();
  try {
    const url = await server.start();
    const pages = await publicPages(url);
    const version = await (await fetch(`http://127.0.0.1:${chrome.port}/json/version`)).json();
    console.log(`Lighthouse 13 (mobile defaults, simulated throttling), ${version.Browser}; ${RUNS} runs per page`);
    console.log('page                      score   LCP ms   TBT ms     CLS    FCP ms    runs (score/LCP/TBT/CLS)');
    for (const path of pages) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) {
        const result = await lighthouse(`${url}${path}`, {
          port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'],
        });
        const a = result.lhr.audits;
        if (result.lhr.runtimeError) throw new Error(`${path}: ${result.lhr.runtimeError.message}`);
        runs.push({
          score: Math.round(result.lhr.categories.performance.score * 100),
          lcp: Math.round(a['largest-contentful-paint'].numericValue),
          tbt: Math.round(a['total-blocking-time'].numericValue),
          cls: Number(a['cumulative-layout-shift'].numericValue.toFixed(3)),
          fcp: Math.round(a['first-contentful-paint'].numericValue),
        });
      }
      const m = (k) => median(runs.map((r) => r[k]));
      console.log(`${path.slice(0, 24).padEnd(24)} ${String(m('score')).padStart(6)} ${String(m('lcp')).padStart(8)} `
        + `${String(m('tbt')).padStart(8)} ${m('cls').toFixed(3).padStart(7)} ${String(m('fcp')).padStart(9)}    `
        + runs.map((r) => `${r.score}/${r.lcp}/${r.tbt}/${r.cls}`).join(', '));
    }
    console.log('Targets: score ≥ 95, LCP ≤ 1500 ms, TBT ≤ 150 ms, CLS ≤ 0.01 on each page.');
  } finally {
    await chrome.close();
    await server.dispose();
}
}

/** The demo groups and copies of them, `n` in all, as an `import-groups` file. */
function manyGroups(n) {
  const demo = demoGroups();
  const groups = [...demo];
  for (let i = 0; groups.length < n; i++) {
    const g = demo[i % demo.length];
    groups.push({ ...g, id: `${g.id}-${i}`, name: `${g.name} ${i}`, reading: g.reading ? `${g.reading}${i}` : g.reading });
  }
  return { groups };
}

/**
 * A phone that has visited `/groups` with the groups of `file` stored (the
 * service worker and the kept search index in place), the server stopped:
 * each `time()` reloads offline and answers, timed inside the page from the
 * navigation's start (`performance.now()`), the first card shown, and
 * ぽれぽれ typed at once answered with ポレポレ first.
 */
async function offlinePhone(file, dist) {
  const server = new Server(dist ? { dist } : {});
  await server.admin('import-groups', file);
  const url = await server.start();
  const context = await persistentPhoneContext();
  const page = await context.newPage();
  await page.goto(`${url}/groups`);
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.locator('html[data-directory=stored]').waitFor({ state: 'attached', timeout: 120_000 });
  await page.reload();
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);
  await page.locator('html[data-directory=stored]').waitFor({ state: 'attached', timeout: 120_000 });
  await server.stop();
  await page.addInitScript(() => {
    const t = {};
    const seen = () => {
      const first = document.querySelector('[data-testid=group-link]');
      if (!first) return;
      if (t.list === undefined) {
        t.list = performance.now();
        const input = document.querySelector('#group-search');
        input.value = 'ぽれぽれ';
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }
      if (t.search === undefined && first.textContent.includes('ポレポレ')) {
        t.search = performance.now();
        window.__visit = t;
      }
    };
    new MutationObserver(seen).observe(document, { childList: true, subtree: true, characterData: true });
  });
  const list = [];
  const search = [];
  return {
    list,
    search,
    async time() {
      await page.reload();
      await page.waitForFunction(() => window.__visit, null, { timeout: 60_000 });
      const r = await page.evaluate(() => window.__visit);
      list.push(Math.round(r.list));
      search.push(Math.round(r.search));
      // What the page does once idle (keeping the index, folding it for
      // romaji) is over before the next visit, as it would be for a person.
      await page.waitForTimeout(500);
    },
    async dispose() {
      await context.dispose();
      await server.dispose();
    },
  };
}

/** `VISITS_AB=distA,distB,…`: the builds' repeat visits, one phone each, taking turns. */
async function repeatVisitTakingTurns(file, dists) {
  const phones = [];
  try {
    for (const dist of dists) phones.push(await offlinePhone(file, dist));
    for (const p of phones) await p.time(); // a first run each, not counted
    for (const p of phones) { p.list.length = 0; p.search.length = 0; }
    for (let i = 0; i < RUNS; i++) {
      for (let k = 0; k < phones.length; k++) await phones[(k + i) % phones.length].time();
    }
    console.log(`\nRepeat visit offline, 10,000 groups stored, builds taking turns (${RUNS} runs each: median, then every run)`);
    dists.forEach((dist, k) => {
      console.log(`${dist}\n  list shown ${String(median(phones[k].list)).padStart(5)} ms   search answering ${String(median(phones[k].search)).padStart(5)} ms   runs: ${phones[k].search.join(', ')}`);
    });
  } finally {
    for (const p of phones) await p.dispose();
  }
}

async function repeatVisitOffline() {
  const dir = mkdtempSync(join(tmpdir(), 'tsunagari-groups-'));
  const file = join(dir, 'groups.json');
  writeFileSync(file, JSON.stringify(manyGroups(10_000)));
  try {
    if (process.env.VISITS_AB) {
      await repeatVisitTakingTurns(file, process.env.VISITS_AB.split(','));
      return;
    }
    const phone = await offlinePhone(file);
    try {
      for (let i = 0; i < RUNS; i++) await phone.time();
    } finally {
      await phone.dispose();
    }
    console.log(`\nRepeat visit offline, 10,000 groups stored (${RUNS} runs: median, then every run)`);
    console.log(`navigation → list shown       ${String(median(phone.list)).padStart(6)} ms   runs: ${phone.list.join(', ')}`);
    console.log(`navigation → search answering ${String(median(phone.search)).padStart(6)} ms   runs: ${phone.search.join(', ')}`);
    console.log('Target: ≤ 300 ms.');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env.VISITS_ONLY !== 'repeat') await firstVisit();
if (process.env.VISITS_ONLY !== 'first') await repeatVisitOffline();
