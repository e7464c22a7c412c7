// 文字サイズ (issue 10, item 4): the header's choice (標準 / 大 / 特大) beside
// the language switch scales the text, is kept with the language on the
// device (gloo-storage's record) and in a cookie the server reads, so the
// next page's first HTML has it; and at 特大, and at 200 % browser text, in
// Japanese and English at 360 px, every public page holds: no sideways
// scroll, no word or number broken across lines (nor from its 年, 月, 日),
// no heading wider than its box, short labels on one line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, phoneContext, withApp } from './fixtures.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const ROUTES = ['/', '/groups', '/groups/machizukuri-gakusei-kaigi', '/groups/minna-no-hatake', '/calendar', '/events',
  '/events/machinaka-gakusei-matsuri-2021', '/signin', '/drafts'];

async function openTakenOver(page, url, path) {
  await page.goto(url + path);
  await page.locator('#ssr').waitFor({ state: 'detached', timeout: 20_000 }).catch(() => {});
  await page.locator('main h1').first().waitFor({ timeout: 20_000 });
}

/**
 * The layout's faults as a person would name them: a sideways scroll, a
 * Latin word or number split over two lines, a short label (navigation,
 * buttons, badges, day numbers, the header's choices; up to six characters)
 * on more than one line.
 */
async function faults(page) {
  return page.evaluate(() => {
    const out = [];
    const width = document.scrollingElement.scrollWidth;
    if (width > window.innerWidth) out.push(`sideways scroll: ${width} > ${window.innerWidth}`);
    const visible = (el) => el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'
      && !el.closest('.visually-hidden, [hidden], select');
    const range = document.createRange();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const text = node.textContent;
      if (!/[A-Za-z0-9]{2}/.test(text) || !visible(node.parentElement)) continue;
      let prev = null;
      for (let i = 0; i < text.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const r = range.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) { prev = null; continue; }
        // A word, a number, or a number from its unit of date (2025年6 / 月).
        if (prev && r.top >= prev.bottom - 2 && /[A-Za-z0-9年月日]/.test(text[i]) && /[A-Za-z0-9]/.test(text[i - 1])) {
          const word = text.slice(Math.max(0, i - 12), i + 12).trim();
          out.push(`word broken: 「${word}」 at ${text[i - 1]}/${text[i]}`);
        }
        prev = r;
      }
    }
    // A heading wider than its box runs under what is beside it (the
    // month's name under the › button).
    for (const h of document.querySelectorAll('main h1')) {
      if (visible(h) && h.scrollWidth > h.clientWidth + 1) out.push(`heading runs out of its box: 「${h.textContent.trim()}」 ${h.scrollWidth} > ${h.clientWidth}`);
    }
    // The lines its text takes (text nodes only: an empty comment Leptos
    // leaves would count as a place of its own).
    const lines = (el) => {
      const tops = new Set();
      const texts = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      while (texts.nextNode()) {
        const r = document.createRange();
        r.selectNodeContents(texts.currentNode);
        for (const x of r.getClientRects()) if (x.width > 0) tops.add(Math.round(x.top));
      }
      return tops.size;
    };
    for (const el of document.querySelectorAll('.site-header nav a, .brand-name, .lang-switch, .text-size-label, button, a.button, .badge, .day .num, .weekday')) {
      if (!visible(el)) continue;
      const label = el.textContent.trim();
      // Up to six characters (団体, カレンダー, 今日, 31, Groups): one line.
      // Longer labels may wrap, between words (the check above).
      if (label.length === 0 || label.length > 6) continue;
      if (lines(el) > 1) out.push(`label on ${lines(el)} lines: 「${label}」`);
    }
    return [...new Set(out)];
  });
}

test('特大 scales the text, is kept with the language, and the next first HTML has it', () => withApp(() => phoneContext(browser), async ({ page, url, app }) => {
  await openTakenOver(page, url, '/groups');
  const root = () => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  assert.equal(await root(), 16);
  const choice = page.getByLabel('文字サイズ');
  assert.deepEqual(await choice.locator('option').allInnerTexts(), ['標準', '大', '特大']);
  await choice.selectOption({ label: '特大' });
  assert.equal(await root(), 24, '150 %');
  await app.switchLanguage();
  await page.locator('html[lang=en]').waitFor({ state: 'attached' });
  assert.deepEqual(await page.getByLabel('Text size').locator('option').allInnerTexts(), ['Standard', 'Large', 'Extra large']);
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('tsunagari.preferences')));
  assert.deepEqual(stored, { lang: 'en', text_size: 'xlarge' });

  // The server's HTML for the next page (with the browser's cookies) has both.
  const first = await (await page.context().request.get(`${url}/calendar`)).text();
  assert.match(first, /<html lang="en" data-text-size="xlarge">/);
  assert.match(first, /<option value="xlarge" selected>Extra large<\/option>/);
  await page.reload();
  await page.locator('#ssr').waitFor({ state: 'detached', timeout: 20_000 });
  assert.equal(await root(), 24, 'still 特大 after a reload');
  assert.equal(await page.getByLabel('Text size').inputValue(), 'xlarge');

  await page.getByLabel('Text size').selectOption({ label: 'Standard' });
  assert.equal(await root(), 16);
  assert.equal(await page.evaluate(() => document.documentElement.hasAttribute('data-text-size')), false);
}));

for (const [what, fontPx, size] of [['特大', 16, 'xlarge'], ['200 % browser text', 32, 'standard']]) {
  for (const lang of ['ja', 'en']) {
    test(`every public page holds at ${what} in ${lang} at 360 px`, () => withApp(() => phoneContext(browser), async ({ page, url, context }) => {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Page.setFontSizes', { fontSizes: { standard: fontPx, fixed: fontPx } });
      await context.addCookies([
        { name: 'lang', value: lang, url },
        { name: 'text_size', value: size, url },
      ]);
      await page.goto(url + '/groups');
      await page.evaluate(([l, s]) => localStorage.setItem('tsunagari.preferences', JSON.stringify({ lang: l, text_size: s })), [lang, size]);
      const problems = [];
      for (const path of ROUTES) {
        await openTakenOver(page, url, path);
        await page.waitForTimeout(200);
        for (const f of await faults(page)) problems.push(`${path}: ${f}`);
      }
      assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
    }));
  }
}

// With nothing stored on the device (storage cleared, or a first visit
// with cookies from before), the app takes the language and the size the
// server's page has, so the takeover does not redraw the page in another
// language.
test('with no stored preference the app keeps the first HTML\'s language and size', () => withApp(() => phoneContext(browser), async ({ page, url, context }) => {
  await context.addCookies([
    { name: 'lang', value: 'en', url },
    { name: 'text_size', value: 'large', url },
  ]);
  await page.goto(url + '/');
  await page.locator('#ssr').waitFor({ state: 'detached', timeout: 20_000 });
  assert.equal(await page.locator('main h1').first().innerText(), 'Groups and events');
  assert.equal(await page.locator('[data-testid=lang-switch]').innerText(), '日本語');
  assert.equal(await page.evaluate(() => document.documentElement.getAttribute('data-text-size')), 'large');
  assert.equal(await page.locator('[data-testid=text-size]').inputValue(), 'large');
  assert.deepEqual(JSON.parse(await page.evaluate(() => localStorage.getItem('tsunagari.preferences'))),
    { lang: 'en', text_size: 'large' });
}));
