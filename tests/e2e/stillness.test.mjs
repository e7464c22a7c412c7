// The page never moves on its own (issue 9, item 4): while `/` and
// `/calendar` load (first visit, data pulled and stored, the status line
// going through 最新の情報を確認しています… and back), the layout shifts add
// up to at most 0.01 — a quick tap lands where the finger aimed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, phoneContext, withApp, observeShifts } from './fixtures.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

for (const [path, stored] of [['/', 'html[data-directory=stored]'], ['/calendar', 'html[data-events=stored]']]) {
  test(`${path} does not move while it loads (first visit and reload)`, () => withApp(() => phoneContext(browser), async ({ url, page }) => {
    await page.addInitScript(observeShifts);
    for (const visit of ['first visit', 'reload']) {
      if (visit === 'first visit') await page.goto(url + path);
      else await page.reload();
      await page.locator(stored).waitFor({ state: 'attached', timeout: 20_000 });
      // Let late parts (the status line's return to オンライン) settle.
      await page.waitForTimeout(1500);
      const shifts = await page.evaluate(() => window.__shifts);
      const total = shifts.reduce((sum, s) => sum + s.value, 0);
      assert.ok(total <= 0.01, `${path} (${visit}) shifted ${total.toFixed(3)}: ${JSON.stringify(shifts)}`);
    }
  }));
}
