// What the Lighthouse scripts share (visits.mjs, diagnose.mjs, tasks.mjs):
// Debian Chromium with a DevTools port, and the public pages they measure.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Debian Chromium with a fresh profile and a DevTools port Lighthouse drives. */
export async function startChromium() {
  const profile = mkdtempSync(join(tmpdir(), 'tsunagari-lh-'));
  const proc = spawn(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--no-first-run', '--disable-quic', `--user-data-dir=${profile}`,
    '--remote-debugging-port=0', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await new Promise((ok, fail) => {
    let err = '';
    const timer = setTimeout(() => fail(new Error(`chromium did not start:\n${err}`)), 30_000);
    proc.stderr.on('data', (d) => {
      err += d;
      const m = err.match(/DevTools listening on ws:\/\/[^:]+:(\d+)\//);
      if (m) { clearTimeout(timer); ok(Number(m[1])); }
    });
  });
  return {
    port,
    async close() {
      await new Promise((ok) => { proc.on('exit', ok); proc.kill('SIGKILL'); });
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

/** The public pages measured: home, a group, the calendar and an event. */
export async function publicPages(url) {
  const feed = await (await fetch(`${url}/api/events`)).json();
  const event = feed.items.find((e) => !e.deleted) ?? feed.items[0];
  return ['/', '/groups/porepore', '/calendar', `/events/${encodeURIComponent(event.id)}`];
}
