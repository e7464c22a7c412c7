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
