// What makes the LCP and the TBT: one Lighthouse run per public page (mobile
// defaults, as tests/bench/visits.mjs) against the release server and
// `dist/` (or TSUNAGARI_DIST / TSUNAGARI_SERVER_BIN), printing Lighthouse's
// own diagnostics: the LCP element and its parts, the main thread's work by
// kind, boot-up time per script, long tasks, render-blocking requests and the
// network requests. Each report is written whole to `${OUT}<page>.json`
// (default /tmp/tsunagari-diagnose…). PAGES=/,/calendar picks pages.
// Run after `cargo xtask bench --only visits` has installed Lighthouse:
//   node tests/bench/diagnose.mjs
import lighthouse from 'lighthouse';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from '../e2e/fixtures.mjs';
import { publicPages, startChromium } from './chromium.mjs';

const server = new Server();
const chrome = await startChromium();
const out = process.env.OUT ?? join(tmpdir(), 'tsunagari-diagnose');
try {
  const url = await server.start();
  const pages = process.env.PAGES?.split(',') ?? await publicPages(url);
  for (const path of pages) {
    const result = await lighthouse(`${url}${path}`, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] });
    const a = result.lhr.audits;
    const name = path.replace(/[^a-z]/g, '_');
    writeFileSync(`${out}${name}.json`, JSON.stringify(result.lhr));
    console.log(`\n=== ${path}: score ${Math.round(result.lhr.categories.performance.score * 100)} LCP ${Math.round(a['largest-contentful-paint'].numericValue)} TBT ${Math.round(a['total-blocking-time'].numericValue)} FCP ${Math.round(a['first-contentful-paint'].numericValue)} SI ${Math.round(a['speed-index'].numericValue)}`);
    for (const id of ['largest-contentful-paint-element', 'lcp-breakdown-insight', 'mainthread-work-breakdown', 'bootup-time', 'long-tasks', 'render-blocking-insight', 'network-requests']) {
      const au = a[id];
      if (!au) continue;
      console.log(`-- ${id}: ${au.displayValue ?? ''}`);
      const items = au.details?.items ?? [];
      for (const it of items.slice(0, 14)) {
        if (it.items) { for (const s of it.items) console.log('   ', JSON.stringify(s).slice(0, 260)); continue; }
        console.log('   ', JSON.stringify(it).slice(0, 260));
      }
    }
  }
} finally { await chrome.close(); await server.dispose(); }
