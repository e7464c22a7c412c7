// Browser benchmark: the app's hidden /bench route, in headless Chromium at
// phone width, against the real release server. Prints the figures.
import { Server, launchBrowser, phoneContext } from '../e2e/fixtures.mjs';

const server = new Server();
const url = await server.start();
const browser = await launchBrowser();
try {
  const context = await phoneContext(browser);
  const page = await context.newPage();
  const runs = [];
  for (let i = 0; i < 3; i++) {
    await page.goto(`${url}/bench`);
    const pre = page.locator('[data-testid=bench-results]');
    await pre.waitFor({ timeout: 120_000 });
    await page.waitForFunction(() => {
      const t = document.querySelector('[data-testid=bench-results]')?.textContent ?? '';
      try { JSON.parse(t); return true; } catch { return false; }
    }, null, { timeout: 120_000 });
    runs.push(JSON.parse(await pre.innerText()));
  }
  const keys = Object.keys(runs[0]);
  console.log(`chromium ${browser.version()}, viewport 360x800, 3 runs (median shown, then all runs)`);
  for (const k of keys) {
    const vals = runs.map((r) => r[k]);
    const sorted = [...vals].sort((a, b) => a - b);
    console.log(`${k.padEnd(24)} ${String(sorted[1]).padStart(10)}   runs: ${vals.join(', ')}`);
  }
} finally {
  await browser.close();
  await server.dispose();
}
