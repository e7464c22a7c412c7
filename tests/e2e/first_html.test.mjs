// The content in the first HTML (issue 9, items 1, 2 and 4): the public
// pages are readable with JavaScript off; the app takes over without a
// visible change, keeping what was typed into the search box before the
// wasm ran; the group and event pages do not move while they load.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, phoneContext, withApp, demoGroups, ROOT, observeShifts, importEvents, jstDate } from './fixtures.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const groups = demoGroups();
const group = groups.find((g) => g.activities?.length && g.programs?.length);
const event = JSON.parse(readFileSync(join(ROOT, 'data/events.json'), 'utf8')).events[0];

function noScriptContext() {
  return browser.newContext({
    viewport: { width: 360, height: 800 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo',
    javaScriptEnabled: false,
  });
}

test('with JavaScript off, a group page shows its name, activities and programs', () => withApp(noScriptContext, async ({ url, page }) => {
  const answer = await page.goto(`${url}/groups/${group.id}`);
  assert.equal(answer.status(), 200);
  assert.equal(await page.locator('main h1').innerText(), group.name);
  const body = await page.locator('main').innerText();
  for (const activity of group.activities) assert.ok(body.includes(activity), `activity ${activity}`);
  const history = page.locator('[data-testid=program-history]');
  for (const program of group.programs) {
    assert.ok((await history.innerText()).includes(program.title), `program ${program.title}`);
  }
  assert.equal(await page.title(), `${group.name} | つながり`);
  const og = await page.locator('meta[property="og:title"]').getAttribute('content');
  assert.equal(og, `${group.name} | つながり`);
}));

test('with JavaScript off, an event page shows its title and date', () => withApp(noScriptContext, async ({ url, page }) => {
  await page.goto(`${url}/events/${event.id}`);
  assert.equal(await page.locator('main h1').innerText(), event.title);
  const [y, m, d] = event.start.date.split('-').map(Number);
  const when = await page.locator('[data-testid=event-when]').innerText();
  assert.ok(when.includes(`${y}年${m}月${d}日`), when);
  assert.ok(when.includes('令和'), `和暦: ${when}`);
  assert.ok((await page.locator('[data-testid=event-place]').innerText()).includes(event.place));
}));

test('with JavaScript off, / lists the directory', () => withApp(noScriptContext, async ({ url, page }) => {
  await page.goto(url + '/');
  // textContent: cards below the fold are not rendered (content-visibility), so their innerText is empty.
  const names = await page.locator('[data-testid=group-link] .group-name').allTextContents();
  assert.equal(names.length, Math.min(60, groups.length));
  assert.deepEqual(new Set(names), new Set(groups.map((g) => g.name).filter((n) => names.includes(n))));
  assert.ok(names.includes(groups[0].name) || names.length === 60);
  // An unknown group: a page that says so, answered 404.
  const missing = await page.goto(url + '/groups/no-such-group');
  assert.equal(missing.status(), 404);
  assert.ok((await page.locator('main').innerText()).includes('お探しの団体は見つかりませんでした'));
}));

test('text typed before the app starts is kept, focused and searched', () => withApp(() => phoneContext(browser), async ({ url, page }) => {
  // Hold the wasm back: the server's page is there, the app is not.
  let release;
  const held = new Promise((ok) => { release = ok; });
  await page.route('**/*.wasm', async (route) => { await held; await route.continue(); });
  await page.goto(url + '/');
  const box = page.locator('#group-search');
  await box.click();
  const typed = group.name.slice(0, 3);
  await page.keyboard.type(typed);
  assert.equal(await page.locator('#ssr').count(), 1, 'still the server\'s page');
  release();
  await page.locator('html[data-directory=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  await page.locator('#ssr').waitFor({ state: 'detached', timeout: 10_000 });
  assert.equal(await box.inputValue(), typed);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'group-search');
  // textContent: cards below the fold are not rendered (content-visibility), so their innerText is empty.
  const names = await page.locator('[data-testid=group-link] .group-name').allTextContents();
  assert.ok(names.includes(group.name), `${group.name} in ${names}`);
  assert.ok(names.length < groups.length, `the list is searched: ${names.length} of ${groups.length}`);
  // Typing goes on in the app's box.
  await page.keyboard.press('End');
  await page.keyboard.type('zzzz');
  assert.equal(await box.inputValue(), typed + 'zzzz');
}));

// Two coming events in one month, imported as the city does (open-data CSV).
const fair = { id: 'first-html-fair', title: '金沢まちづくりフェア', date: jstDate(20), start: '10:00', end: '15:00', place: '金沢市役所', organiser: '金沢市' };
const salon = { id: 'first-html-salon', title: 'ポレポレ冬のサロン', date: jstDate(21), start: '13:30', place: '近江町交流プラザ', organiser: 'ポレポレ' };

/** What a reader sees in `main`: every element without child elements (and
 * each select), with its text (a select's value) and its box. */
function seen(page) {
  return page.evaluate(() => [...document.querySelectorAll('main *')]
    .filter((e) => e.children.length === 0 || e.matches('select'))
    .map((e) => {
      const r = e.getBoundingClientRect();
      const text = e.matches('select, input') ? `=${e.value}` : e.textContent.trim();
      return [e.tagName.toLowerCase(), text, ...[r.top, r.left, r.width, r.height].map(Math.round)].join(' ');
    }));
}

test('a month with events: the app\'s calendar is the server\'s, element for element', () => withApp(() => phoneContext(browser), async ({ server, url, page }) => {
  await importEvents(server, [fair, salon]);
  const month = fair.date.slice(0, 7);
  const path = `/calendar?m=${month}`;
  const plain = await noScriptContext();
  const serverPage = await plain.newPage();
  await serverPage.goto(url + path);
  const listed = serverPage.locator('[data-testid=month-events] [data-testid=event-link]');
  assert.ok(await listed.count() >= 1, 'the server lists the month\'s events');
  assert.match(await serverPage.locator('[data-testid=month-events]').innerText(), /金沢まちづくりフェア/);
  const before = await seen(serverPage);
  await plain.close();

  await page.goto(url + path);
  await page.locator('html[data-events=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  await page.locator('#ssr').waitFor({ state: 'detached', timeout: 20_000 });
  await page.waitForTimeout(500);
  assert.deepEqual(await seen(page), before);
  // A chosen day shows its events instead of the month's.
  await page.locator(`[data-testid=day][data-date="${salon.date}"]`).click();
  assert.match(await page.locator('[data-testid=day-events]').innerText(), /ポレポレ冬のサロン/);
  assert.equal(await page.locator('[data-testid=month-events]').count(), 0);
}));

test('text typed into the agenda\'s filter before the app starts is kept, focused and searched', () => withApp(() => phoneContext(browser), async ({ server, url, page }) => {
  await importEvents(server, [fair, salon]);
  let release;
  const held = new Promise((ok) => { release = ok; });
  await page.route('**/*.wasm', async (route) => { await held; await route.continue(); });
  await page.goto(url + '/events');
  const agenda = page.locator('[data-testid=agenda] [data-testid=event-link]');
  assert.equal(await agenda.count(), 2, 'the server lists both coming events');
  const box = page.locator('#event-search');
  await box.click();
  await page.keyboard.type('フェア');
  assert.equal(await page.locator('#ssr').count(), 1, 'still the server\'s page');
  release();
  await page.locator('html[data-events=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  await page.locator('#ssr').waitFor({ state: 'detached', timeout: 10_000 });
  assert.equal(await box.inputValue(), 'フェア');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'event-search');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=agenda] [data-testid=event-link]').length === 1);
  assert.match(await agenda.innerText(), /金沢まちづくりフェア/);
  // Typing goes on in the app's box.
  await page.keyboard.press('End');
  await page.keyboard.type('zzzz');
  assert.equal(await box.inputValue(), 'フェアzzzz');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=agenda] [data-testid=event-link]').length === 0);
}));

for (const path of [`/groups/${group.id}`, `/events/${event.id}`]) {
  test(`${path} does not move while it loads and the app takes over (first visit and reload)`, () => withApp(() => phoneContext(browser), async ({ url, page }) => {
    await page.addInitScript(observeShifts);
    for (const visit of ['first visit', 'reload']) {
      if (visit === 'first visit') await page.goto(url + path);
      else await page.reload();
      await page.locator('#ssr').waitFor({ state: 'detached', timeout: 20_000 });
      await page.waitForTimeout(1500);
      const shifts = await page.evaluate(() => window.__shifts);
      const total = shifts.reduce((sum, s) => sum + s.value, 0);
      assert.ok(total <= 0.01, `${path} (${visit}) shifted ${total.toFixed(3)}: ${JSON.stringify(shifts)}`);
      assert.equal(await page.locator('main h1').count(), 1);
    }
  }));
}
