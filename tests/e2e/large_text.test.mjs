// Large text and English at 360 px (issue 10, item 4): the navigation's
// labels and the brand stay on one line each (no Group/s, カレ/ンダ/ー), and
// the page never scrolls sideways. 200 % text is the browser's default
// font size doubled (what a phone's text-size setting does to rem).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, phoneContext, withApp } from './fixtures.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** How many lines each label's text takes, and the page's width. */
async function layout(page) {
  return page.evaluate(() => {
    const lines = (el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    };
    return {
      nav: [...document.querySelectorAll('.site-header nav a')].map((a) => [a.textContent.trim(), lines(a)]),
      brand: lines(document.querySelector('.brand-name')),
      langSwitch: lines(document.querySelector('[data-testid=lang-switch]')),
      pageWidth: document.scrollingElement.scrollWidth,
      viewport: window.innerWidth,
    };
  });
}

for (const size of [16, 32]) {
  for (const lang of ['ja', 'en']) {
    test(`labels on one line at ${size * 100 / 16} % text in ${lang}, no sideways scroll`, () => withApp(() => phoneContext(browser), async ({ page, app }) => {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Page.setFontSizes', { fontSizes: { standard: size, fixed: size } });
      await app.open('/groups');
      await app.waitStored();
      if (lang === 'en') {
        await app.switchLanguage();
        await page.locator('.site-header nav a', { hasText: 'Groups' }).waitFor();
      }
      const l = await layout(page);
      assert.equal(l.nav.length, 4, 'four places in the navigation');
      for (const [label, n] of l.nav) assert.equal(n, 1, `「${label}」 on one line`);
      assert.equal(l.brand, 1, 'the brand on one line');
      assert.equal(l.langSwitch, 1, 'the language switch on one line');
      assert.ok(l.pageWidth <= l.viewport, `no sideways scroll (${l.pageWidth} > ${l.viewport})`);
    }));
  }
}

// At 200 % text the offline notice was cut to 「接続で…」 and the last
// update to 「最終更新: …」: the state now takes two lines beside 再試行, and
// the last update the whole width, how old first. The bar keeps its height
// from オンライン to 接続できません (nothing moves).
test('at 200 % text the offline notice and the age of the data are readable', () => withApp(() => phoneContext(browser), async ({ server, page, app }) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: 32, fixed: 32 } });
  await app.open('/groups');
  await app.waitServiceWorker();
  await app.waitStored();
  const net = page.locator('[data-testid=net-status]');
  await net.filter({ hasText: 'オンライン' }).waitFor();
  const bar = page.locator('.status-bar');
  const onlineHeight = (await bar.boundingBox()).height;
  await server.stop();
  await page.reload();
  await app.waitCached();
  await net.filter({ hasText: '接続できません' }).waitFor({ timeout: 20_000 });
  assert.equal((await bar.boundingBox()).height, onlineHeight, 'the notice takes the space オンライン took');
  const shown = await page.evaluate(() => {
    const p = document.querySelector('[data-testid=net-status]');
    const box = p.getBoundingClientRect();
    const range = document.createRange();
    const text = p.firstChild;
    const at = text.textContent.indexOf('接続できません');
    range.setStart(text, at);
    range.setEnd(text, at + '接続できません'.length);
    const inside = [...range.getClientRects()].every((r) =>
      r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5);
    // How old the data is: the line's start up to the age, inside its box.
    const last = document.querySelector('[data-testid=last-updated]');
    const lastBox = last.getBoundingClientRect();
    const walker = document.createTreeWalker(last, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode()) && !node.textContent.includes('最終更新'));
    const age = node?.textContent.match(/最終更新: (たった今|\d+分前)/);
    if (!age) return { inside, age: last.textContent };
    const ageRange = document.createRange();
    ageRange.setStart(node, age.index);
    ageRange.setEnd(node, age.index + age[0].length);
    const ageInside = [...ageRange.getClientRects()].every((r) => r.right <= lastBox.right + 0.5);
    return { inside, age: age[0], ageInside, shown: last.innerText };
  });
  assert.ok(shown.inside, '「接続できません」 is shown whole, not cut');
  assert.ok(shown.ageInside, `how old the data is is shown whole: ${shown.age}`);
  assert.match(shown.shown, /^最終更新: (たった今|\d+分前)$/, 'the date is left out');
}));
