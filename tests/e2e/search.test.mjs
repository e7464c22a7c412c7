// Search the way people type Japanese (issue 11), offline: romaji (whole
// and half-typed), readings the server computed for the words in a group's
// description, a typo answered with もしかして, and a dead end that says
// what was searched and what to try.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, phoneContext, withApp, demoGroups } from './fixtures.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const nameOf = (id) => demoGroups().find((g) => g.id === id).name;

/** The directory loaded once online, then the server stopped and the page reloaded. */
async function offlineDirectory({ server, page, app }) {
  await app.open('/groups');
  await app.waitServiceWorker();
  await app.waitStored();
  await server.stop();
  await page.reload();
  await app.waitCached();
}

/** Waits until the first result is `name` (results follow each keystroke). */
async function firstResultIs(app, name) {
  await app.resultLinks().first().filter({ hasText: name }).waitFor({ timeout: 10_000 });
}

test('offline, romaji and readings find groups; a typo offers もしかして', () => withApp(() => phoneContext(browser), async (env) => {
  const { app, page } = env;
  await offlineDirectory(env);
  const porepore = nameOf('porepore');

  // Romaji, whole and as typed so far.
  for (const typed of ['porepore', 'porep', 'PorePore']) {
    await app.search(typed);
    await firstResultIs(app, porepore);
  }

  // 子育て is in にじのわ's description; `こそだて` and `kosodate` find it
  // only through the reading the server computed at import.
  for (const typed of ['こそだて', 'kosodate']) {
    await app.search(typed);
    await page.locator('[data-testid=group-link][href="/groups/nijinowa"]').waitFor({ timeout: 10_000 });
  }

  // 四十万 reads しじま (the override list): romaji finds the 町会 there.
  await app.search('shijima');
  await firstResultIs(app, nameOf('shijima-kizuna-chokai'));

  // One kana off: もしかして ポレポレ; a tap searches for it.
  await app.search('ぽれぽら');
  const suggestion = page.locator('[data-testid=did-you-mean] [data-testid=suggestion]').first();
  await suggestion.waitFor({ timeout: 10_000 });
  const offered = await suggestion.innerText();
  assert.match(offered, /ポレポレ|ぽれぽれ/, 'the closest name is offered');
  await suggestion.click();
  assert.equal(await page.locator('#group-search').inputValue(), offered, 'the box shows what is searched');
  await firstResultIs(app, porepore);
}));

test('a search that finds nothing says what was searched and offers all kinds', () => withApp(() => phoneContext(browser), async (env) => {
  const { app, page } = env;
  await offlineDirectory(env);
  // ポレポレ is an NPO: searched among 町会 only, it is not there.
  await app.filterKind('community');
  await app.search('ポレポレ');
  const noMatch = page.locator('[data-testid=no-match]');
  await noMatch.waitFor({ timeout: 10_000 });
  assert.match(await noMatch.innerText(), /「ポレポレ」に合う団体は見つかりませんでした/);
  assert.match(await noMatch.innerText(), /ローマ字/, 'what else to try');
  await page.locator('[data-testid=clear-kind]').click();
  await firstResultIs(app, nameOf('porepore'));
  assert.equal(await page.locator('#kind-filter').inputValue(), '', 'the kind filter is cleared');
}));

test("the English placeholder's examples find groups", () => withApp(() => phoneContext(browser), async (env) => {
  const { app, page } = env;
  await offlineDirectory(env);
  await app.switchLanguage();
  const placeholder = await page.locator('#group-search').getAttribute('placeholder');
  const examples = placeholder.replace(/^e\.g\.\s*/, '').replace(/\(.*?\)/g, '').split(',').map((s) => s.trim()).filter(Boolean);
  assert.ok(examples.length >= 2, `examples in "${placeholder}"`);
  for (const example of examples) {
    await app.search(example);
    await app.resultLinks().first().waitFor({ timeout: 10_000 });
    assert.ok(await app.resultLinks().count() >= 1, `"${example}" finds a group`);
  }
}));

test("the agenda's text filter is the same engine: romaji, and the placeholder's examples", () => withApp(() => phoneContext(browser), async ({ url, page }) => {
  await page.addInitScript(() => localStorage.setItem('tsunagari.lang', 'en'));
  await page.goto(`${url}/events`);
  await page.locator('html[data-events=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  // The demo events are all past: show them.
  await page.locator('[data-testid=show-past]').click();
  const links = page.locator('[data-testid=agenda] [data-testid=event-link]');
  const placeholder = await page.locator('#event-search').getAttribute('placeholder');
  const examples = placeholder.replace(/^e\.g\.\s*/, '').split(',').map((s) => s.trim()).filter(Boolean);
  assert.ok(examples.length >= 2, `examples in "${placeholder}"`);
  for (const example of examples) {
    await page.locator('#event-search').fill(example);
    await links.first().waitFor({ timeout: 10_000 });
  }
  // Romaji for a title in kana: まちなか学生まつり.
  await page.locator('#event-search').fill('machinaka');
  await links.filter({ hasText: 'まちなか学生まつり' }).waitFor({ timeout: 10_000 });
  assert.equal(await links.count(), 1, 'only the festival');
}));
