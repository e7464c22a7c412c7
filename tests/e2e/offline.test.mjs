// The offline notice clears (issue 10, item 6): after a reload with the
// server down, 接続できません shows with a 再試行 button and how old the
// data is; when the server is back, the notice clears without the browser's
// `online` event (the network never went away for the browser, only the
// server did): by the button, or by the app trying again by itself. The
// status line keeps its height throughout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, phoneContext, withApp } from './fixtures.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** The status line as a resident sees it. */
class StatusLine {
  constructor(page) { this.page = page; }
  // actions
  async retry() { await this.page.getByRole('button', { name: '再試行' }).click(); }
  // results
  net() { return this.page.locator('[data-testid=net-status]'); }
  lastUpdated() { return this.page.locator('[data-testid=last-updated]'); }
  async waitNet(text) { await this.net().filter({ hasText: text }).waitFor({ timeout: 20_000 }); }
  async height() { return (await this.page.locator('.status-bar').boundingBox()).height; }
}

/** Loads the app online and stores the data; then stops the server and reloads. */
async function offlineReload({ server, url, page, app }) {
  await app.open();
  await app.waitServiceWorker();
  await app.waitStored();
  const status = new StatusLine(page);
  await status.waitNet('オンライン');
  const onlineHeight = await status.height();
  await server.stop();
  await page.reload();
  await app.waitCached();
  await status.waitNet('接続できません');
  assert.equal(await status.height(), onlineHeight, 'the notice takes the same space as オンライン');
  assert.match(await status.lastUpdated().innerText(), /最終更新: (たった今|\d+分前)（\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}）/);
  return status;
}

test('after an offline reload, 再試行 clears the notice once the server is back', () => withApp(() => phoneContext(browser), async (env) => {
  const status = await offlineReload(env);
  await env.server.start();
  await status.retry();
  await status.waitNet('オンライン');
  assert.equal(await env.page.getByRole('button', { name: '再試行' }).count(), 0, 'nothing to retry');
  assert.match(await status.lastUpdated().innerText(), /最終更新: たった今（/);
}));

test('after an offline reload, the app tries again by itself and the notice clears', () => withApp(() => phoneContext(browser), async (env) => {
  // The first wait before trying again is 30 s; a test sets it shorter.
  await env.page.addInitScript(() => localStorage.setItem('tsunagari.retry-first-ms', '300'));
  const status = await offlineReload(env);
  await env.server.start();
  await status.waitNet('オンライン');
}));
