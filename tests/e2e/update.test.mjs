// A new release takes over cleanly: the user is told, reloads on request,
// and the old release's cache is deleted; a database upgrade and a tab of
// another release wait for each other without losing anything.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Server, launchBrowser, phoneContext, DirectoryPage, withApp, demoGroups, eventually } from './fixtures.mjs';

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

// IndexedDB schema upgrades between releases, with another tab open.
// A page of the same origin that is not the app plays the other tab: it
// holds its own connection, as an open tab of another release does.
const OLD_TAB = '/not-the-app.txt'; // a 404 page: same origin, no app code

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('an upgrade waits for a tab of the old release, says so, then moves the directory to the new schema', () => withApp(() => phoneContext(browser), async ({ url, context, page, app }) => {
  const groups = demoGroups();
  const oldTab = await context.newPage();
  await oldTab.goto(url + OLD_TAB);
  // The release before: schema version 3, one record per group, a stale cursor.
  await oldTab.evaluate(() => new Promise((resolve, reject) => {
    const req = indexedDB.open('tsunagari', 3);
    req.onupgradeneeded = () => {
      const db = req.result;
      db.createObjectStore('groups', { keyPath: 'id' }).createIndex('kind', 'kind');
      db.createObjectStore('meta');
      db.createObjectStore('events', { keyPath: 'id' }).createIndex('start', 'start.date');
      db.createObjectStore('drafts', { keyPath: 'draft.id' });
      req.transaction.objectStore('groups').put({ id: 'old-only', name: '旧版だけの団体', kind: 'civic' });
      req.transaction.objectStore('meta').put('0000000000000000.1', 'cursor');
    };
    req.onsuccess = () => { window.oldDb = req.result; resolve(); }; // kept open, no versionchange handler
    req.onerror = () => reject(req.error);
  }));

  await app.open('/groups');
  await page.locator('[data-testid=net-status]').filter({ hasText: 'ほかのタブ' }).waitFor({ timeout: 20_000 });
  assert.equal(await page.locator('html[data-directory]').count(), 0, 'nothing stored while the upgrade waits');

  await oldTab.evaluate(() => window.oldDb.close());
  await app.waitStored();
  // The first cards are drawn at once, the rest of the page a frame or two later.
  await eventually(async () => (await app.resultLinks().count()) === groups.length, 'the whole directory, pulled again after the upgrade');
  assert.ok(!(await app.resultNames()).some((n) => n.includes('旧版だけの団体')), 'the old store is gone');
  const schema = await page.evaluate(() => new Promise((resolve) => {
    const req = indexedDB.open('tsunagari');
    req.onsuccess = () => { const db = req.result; resolve({ version: db.version, stores: [...db.objectStoreNames] }); db.close(); };
  }));
  assert.equal(schema.version, 6);
  assert.ok(schema.stores.includes('group_buckets') && !schema.stores.includes('groups'), schema.stores.join());
}));

test('a newer release asking to upgrade shows the update banner and does not cut this tab off', () => withApp(() => phoneContext(browser), async ({ url, context, page, app }) => {
  await app.open('/groups');
  await app.waitStored();
  const newTab = await context.newPage();
  await newTab.goto(url + OLD_TAB);
  const outcome = newTab.evaluate(() => new Promise((resolve) => {
    const req = indexedDB.open('tsunagari', 7);
    req.onblocked = () => resolve('blocked');
    req.onsuccess = () => { req.result.close(); resolve('opened'); };
    req.onerror = () => resolve('error');
  }));
  assert.equal(await outcome, 'blocked', 'the app keeps its connection (a draft being typed keeps being saved)');
  const banner = page.locator('[data-testid=update-banner]');
  await banner.waitFor({ timeout: 10_000 });
  assert.match(await banner.innerText(), /新しいバージョン/);
}));
