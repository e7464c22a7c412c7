// A new release takes over cleanly: the user is told, reloads on request,
// and the old release's cache is deleted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Server, launchBrowser, phoneContext, DirectoryPage } from './fixtures.mjs';

test('a new release shows the update banner and replaces the old cache', async () => {
  const server = Server.withOwnDist();
  const url = await server.start();
  const browser = await launchBrowser();
  try {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    const app = new DirectoryPage(page, url);
    await app.open('/groups');
    await app.waitServiceWorker();
    const before = await page.evaluate(() => caches.keys());
    assert.equal(before.length, 1, `one cache: ${before}`);
    assert.equal(await page.locator('[data-testid=update-banner]').count(), 0, 'no banner before a release');

    // Release 2: the worker's cache version changes (as the build hook does
    // whenever any shell file changes).
    const swPath = join(server.dist, 'sw.js');
    const sw = readFileSync(swPath, 'utf8');
    const version = sw.match(/const VERSION = '([0-9a-f]+)';/);
    assert.ok(version, 'the built sw.js carries a generated cache version');
    writeFileSync(swPath, sw.replace(version[0], "const VERSION = 'feedfacefeedface';"));
    await page.evaluate(async () => { await (await navigator.serviceWorker.getRegistration()).update(); });

    const banner = page.locator('[data-testid=update-banner]');
    await banner.waitFor({ timeout: 20_000 });
    assert.match(await banner.innerText(), /新しいバージョン/);
    await Promise.all([
      page.waitForEvent('load', { timeout: 20_000 }),
      banner.click(),
    ]);
    await page.waitForFunction(async () => {
      const keys = await caches.keys();
      return keys.length === 1 && keys[0] === 'tsunagari-feedfacefeedface';
    }, null, { timeout: 20_000 });
    assert.equal(await page.locator('[data-testid=update-banner]').count(), 0, 'banner gone after the reload');
  } finally {
    await browser.close();
    await server.dispose();
  }
});
