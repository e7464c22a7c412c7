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
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from '../e2e/fixtures.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
async function startChromium() {
  const profile = mkdtempSync(join(tmpdir(), 'tsunagari-lh-'));
  const proc = spawn(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--no-first-run', '--disable-quic', `--user-data-dir=${profile}`,
    '--remote-debugging-port=0', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await new Promise((ok) => {
    let err = '';
    proc.stderr.on('data', (d) => { err += d; const m = err.match(/DevTools listening on ws:\/\/[^:]+:(\d+)\//); if (m) ok(Number(m[1])); });
  });
  return { port, async close() { await new Promise((ok) => { proc.on('exit', ok); proc.kill('SIGKILL'); }); rmSync(profile, { recursive: true, force: true }); } };
}
const server = new Server();
const chrome = await startChromium();
const out = process.env.OUT ?? join(tmpdir(), 'tsunagari-diagnose');
try {
  const url = await server.start();
  const feed = await (await fetch(`${url}/api/events`)).json();
  const event = feed.items.find((e) => !e.deleted) ?? feed.items[0];
  const pages = (process.env.PAGES ?? `/,/groups/porepore,/calendar,/events/${encodeURIComponent(event.id)}`).split(',');
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
