// Accessibility (issue 10, item 7): axe-core finds nothing on any page, in
// Japanese and English, signed out and signed in as a group member; every
// tap target is at least 44×44 px and no text is under 14 px.
//
// axe runs in the page through the DevTools protocol (`page.evaluate` of its
// source), which the page's Content-Security-Policy does not block: no
// script is added to the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launchBrowser, phoneContext, withApp, DraftsApp, eventually } from './fixtures.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** The public pages: every route a resident opens without signing in. */
function publicRoutes() {
  return ['/', '/groups', '/groups/shijima-kizuna-chokai', '/groups/kyodo-shimin-kaigi', '/calendar', '/events',
    '/events/machinaka-gakusei-matsuri-2021', '/signin', '/drafts', '/staff', '/no-such-page'];
}

/** Opens `path` and waits until the app has taken over and drawn it. */
async function open(page, url, path) {
  await page.goto(url + path);
  await page.locator('html[data-directory=stored], html[data-directory=cached]').waitFor({ state: 'attached', timeout: 20_000 }).catch(() => {});
  await page.locator('#ssr').waitFor({ state: 'detached', timeout: 20_000 }).catch(() => {});
  const h1 = await page.locator('h1').first().waitFor({ timeout: 10_000 }).then(() => true, () => false);
  await page.waitForTimeout(300);
  return h1;
}

/** axe's violations on the page as `rule: target (summary)` lines. */
async function violations(page) {
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => v.nodes.map((n) => `${v.id}: ${n.html.slice(0, 70)} — ${n.failureSummary?.split('\n')[1]?.trim().slice(0, 120) ?? ''}`)).flat();
  });
  return found;
}

/** Tap targets under 44×44 px and text under 14 px, as a person meets them. */
async function sizes(page) {
  return page.evaluate(() => {
    const small = [];
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !el.closest('.visually-hidden, [hidden]');
    };
    for (const el of document.querySelectorAll('a[href], button, select, input:not([type=hidden]), textarea, summary, [role=button]')) {
      if (!visible(el)) continue;
      // A link inside running text is not a tap target of its own (WCAG 2.5.8's inline exception).
      if (el.tagName === 'A' && el.closest('p, li, dd, td') && !el.matches('.button, nav a, .back a') && el.parentElement.textContent.trim() !== el.textContent.trim()) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 44 - 0.5 || r.height < 44 - 0.5) small.push(`tap target under 44×44: <${el.tagName.toLowerCase()} class="${el.className}"> ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set();
    while (walker.nextNode()) {
      const el = walker.currentNode.parentElement;
      if (!walker.currentNode.textContent.trim() || seen.has(el) || !visible(el)) continue;
      seen.add(el);
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (px < 14 - 0.01) small.push(`text under 14 px: <${el.tagName.toLowerCase()} class="${el.className}"> ${px}px`);
    }
    return small;
  });
}

async function check(page, url, path, what, problems) {
  if (!await open(page, url, path)) problems.push(`${what} ${path}: no h1`);
  // One line per kind of problem and page (a list of 52 cards repeats one).
  const found = [...await violations(page), ...await sizes(page)];
  for (const p of new Set(found)) problems.push(`${what} ${path}: ${p}`);
}

async function switchTo(page, lang) {
  const now = await page.evaluate(() => document.documentElement.lang);
  if (now !== lang) {
    await page.locator('[data-testid=lang-switch]').click();
    await page.locator(`html[lang=${lang}]`).waitFor({ state: 'attached' });
  }
}

test('axe finds nothing on any page, ja and en, signed out and in; taps ≥ 44 px, text ≥ 14 px', () => withApp(() => phoneContext(browser), async ({ server, url, page }) => {
  const problems = [];
  for (const lang of ['ja', 'en']) {
    await open(page, url, '/groups');
    await switchTo(page, lang);
    for (const path of publicRoutes()) await check(page, url, path, `${lang} signed out`, problems);
  }
  // Signed in as a member, with a draft and its five steps and print view.
  await open(page, url, '/groups');
  await switchTo(page, 'ja');
  const drafts = new DraftsApp(page, url);
  await drafts.redeem(await server.invite(), 'axe-tester');
  await drafts.newDraft();
  await drafts.type('事業名', '竹灯籠の夕べ');
  await drafts.waitSaved();
  const draft = new URL(page.url()).pathname;
  const signedIn = [...publicRoutes(), ...[1, 2, 3, 4, 5].map((n) => `${draft}?step=${n}`), `${draft}/print`];
  for (const lang of ['ja', 'en']) {
    await open(page, url, '/groups');
    await switchTo(page, lang);
    for (const path of signedIn) await check(page, url, path, `${lang} signed in`, problems);
  }
  assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
}));

test('after moving to another page in the app, the focus is on its heading', () => withApp(() => phoneContext(browser), async ({ page, url, app }) => {
  await open(page, url, '/groups');
  const focused = () => page.evaluate(() => ({ tag: document.activeElement.tagName, text: document.activeElement.textContent.trim() }));
  await app.search('ポレポレ');
  await page.locator('[data-testid=group-link]').first().click();
  await page.waitForURL(/\/groups\/porepore$/, { waitUntil: 'commit' });
  await eventually(async () => (await focused()).tag === 'H1', 'the focus moves to the h1');
  assert.match((await focused()).text, /ポレポレ/);
  // Inside the full app: the calendar, then the agenda from the navigation.
  await open(page, url, '/calendar');
  await page.locator('.site-header nav a', { hasText: /^予定$/ }).click();
  await page.waitForURL(/\/events$/, { waitUntil: 'commit' });
  await eventually(async () => (await focused()).tag === 'H1', 'the agenda\'s h1 has the focus');
  // Tab goes on from the heading, not from the top of the page.
  await page.keyboard.press('Tab');
  assert.ok(await page.evaluate(() => document.querySelector('main').contains(document.activeElement)), 'the next stop is in the page');
}));

test('on English pages the Japanese names are marked lang="ja"', () => withApp(() => phoneContext(browser), async ({ page, url }) => {
  await open(page, url, '/groups');
  await switchTo(page, 'en');
  assert.equal(await page.locator('[data-testid=group-link] .group-name').first().getAttribute('lang'), 'ja');
  await open(page, url, '/events/machinaka-gakusei-matsuri-2021');
  assert.equal(await page.locator('main h1').getAttribute('lang'), 'ja', 'the event\'s title');
  assert.equal(await page.locator('[data-testid=organiser-link]').getAttribute('lang'), 'ja');
  await open(page, url, '/groups/machizukuri-gakusei-kaigi');
  assert.equal(await page.locator('[data-testid=event-link] .event-title').first().getAttribute('lang'), 'ja', 'an event in a list');
}));
