// Events that lead somewhere and following a group (issue 10): the home
// page's next events (imported as the city does, from the open-data CSV),
// a past event's 終了しました with no calendar button, the demo data's
// plain "nothing planned", the 購読 links, and お気に入り kept on the phone
// offline and shown on the home page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launchBrowser, phoneContext, withApp, demoGroups, importEvents, jstDate } from './fixtures.mjs';

const events = JSON.parse(readFileSync(join(ROOT, 'data/events.json'), 'utf8')).events;
const festival = events.find((e) => e.title.includes('まちなか学生まつり'));
const porepore = demoGroups().find((g) => g.id === 'porepore');
const soonDate = jstDate(40);
const soon = { id: 'porepore-salon-soon', title: 'ポレポレ冬のサロン', date: soonDate, start: '10:00', end: '12:30', place: '泉野公民館', organiser: porepore.name };

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const [y, m, d] = soonDate.split('-').map(Number);

test('the home page shows the next event with its time; a past event says it has ended and offers no calendar button', () => withApp(() => phoneContext(browser), async ({ server, url, page }) => {
  await importEvents(server, [soon]);
  await page.goto(url + '/');
  // In the server's first HTML, and still there once the app has taken over.
  const upcoming = page.locator('[data-testid=home-upcoming]');
  assert.match(await upcoming.innerText(), new RegExp(`${y}年${m}月${d}日\\(.\\) 10:00–12:30`));
  assert.match(await upcoming.innerText(), /ポレポレ冬のサロン/);
  await page.locator('html[data-directory=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  await page.locator('#ssr').waitFor({ state: 'detached', timeout: 20_000 });
  assert.match(await upcoming.innerText(), /ポレポレ冬のサロン[\s\S]*泉野公民館/);
  assert.equal(await upcoming.getByText('終了しました').count(), 0);
  // The search box comes first, the directory after.
  const order = await page.evaluate(() => ['#group-search', '[data-testid=home-upcoming]', '[data-testid=group-link]']
    .map((s) => document.querySelector(s).getBoundingClientRect().top));
  assert.ok(order[0] < order[1] && order[1] < order[2], `search, events, directory: ${order}`);

  await upcoming.getByRole('link', { name: /ポレポレ冬のサロン/ }).click();
  await page.locator('main h1', { hasText: 'ポレポレ冬のサロン' }).waitFor();
  await page.locator('[data-testid=ics-download]').waitFor();
  assert.equal(await page.locator('[data-testid=event-ended]').count(), 0);

  // A past event: 終了しました, and no カレンダーに追加.
  await page.goto(`${url}/events/${festival.id}`);
  await page.locator('html[data-events=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  assert.equal(await page.locator('[data-testid=event-ended]').innerText(), '終了しました');
  assert.equal(await page.getByRole('button', { name: /カレンダーに追加/ }).count(), 0);

  // The agenda: the coming event without the mark, past ones with it.
  await page.goto(`${url}/events`);
  await page.locator('html[data-events=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  const agenda = page.locator('[data-testid=agenda]');
  await agenda.locator('[data-testid=event-link]', { hasText: 'ポレポレ冬のサロン' }).waitFor();
  assert.equal(await agenda.locator('[data-testid=event-ended]').count(), 0);
  await page.locator('[data-testid=show-past]').click();
  const past = agenda.locator('[data-testid=event-link]', { hasText: 'まちなか学生まつり' });
  assert.match(await past.innerText(), /終了しました/);
  // 購読: the feed, explained.
  const subscribe = page.locator('[data-testid=subscribe]');
  assert.equal(await subscribe.locator('a').getAttribute('href'), '/calendar.ics');
  assert.match(await subscribe.innerText(), /カレンダーアプリ/);
  const feed = await page.request.get(url + '/calendar.ics');
  assert.equal(feed.status(), 200);
  assert.match(await feed.text(), /SUMMARY:ポレポレ冬のサロン/);

  // The calendar's nearest month looks forward first: the coming event's month.
  await page.goto(`${url}/calendar?m=${jstDate(0).slice(0, 7)}`);
  await page.locator('html[data-events=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  const monthOf = soonDate.slice(0, 7);
  if (jstDate(0).slice(0, 7) !== monthOf) {
    assert.equal(await page.locator('[data-testid=nearest-month]').getAttribute('href'), `/calendar?m=${monthOf}`);
  }
  assert.equal(await page.locator('[data-testid=subscribe] a').getAttribute('href'), '/calendar.ics');

  // A group's page subscribes to its own events.
  await page.goto(`${url}/groups/${porepore.id}`);
  await page.locator('html[data-events=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  const own = page.locator('[data-testid=group-events] [data-testid=subscribe] a');
  assert.equal(await own.getAttribute('href'), `/calendar.ics?group=${porepore.id}`);
  const groupFeed = await (await page.request.get(url + `/calendar.ics?group=${porepore.id}`)).text();
  assert.match(groupFeed, /SUMMARY:ポレポレ冬のサロン/);
  assert.doesNotMatch(groupFeed, /まちなか学生まつり/);
}));

test('with nothing upcoming (the demo data) the home page, agenda and calendar say so and lead to the past events', () => withApp(() => phoneContext(browser), async ({ url, page }) => {
  await page.goto(url + '/');
  const nothing = page.locator('[data-testid=home-upcoming] [data-testid=nothing-upcoming]');
  assert.match(await nothing.innerText(), /いま予定されているイベントはありません。/);
  assert.match(await nothing.innerText(), /オープンデータ.*「イベント一覧」\(CSV\)/);
  await page.locator('html[data-directory=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  await page.locator('#ssr').waitFor({ state: 'detached', timeout: 20_000 });
  await nothing.locator('[data-testid=see-past]').click();
  await page.waitForURL(/\/events\?past=1$/);
  await page.locator('html[data-events=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  const past = page.locator('[data-testid=agenda] [data-testid=event-link]');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=agenda] [data-testid=event-link]').length === n, events.length);
  for (const text of await past.allInnerTexts()) assert.match(text, /終了しました/);

  // The agenda without the past: nothing to save as .ics.
  await page.goto(`${url}/events`);
  await page.locator('html[data-events=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  await page.locator('[data-testid=agenda] [data-testid=nothing-upcoming]').waitFor();
  assert.equal(await page.locator('[data-testid=ics-list-download]').count(), 0);
  assert.equal((await page.locator('main').innerText()).includes('4件'), false, 'no count of events that are not shown');

  // The server's agenda (filters included) puts its parts where the app does.
  const showPastTop = (p) => p.evaluate(() => document.querySelector('[data-testid=show-past]').getBoundingClientRect().top);
  const plain = await browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'ja-JP', javaScriptEnabled: false });
  const serverPage = await plain.newPage();
  await serverPage.goto(`${url}/events`);
  assert.match(await serverPage.locator('main').innerText(), /いま予定されているイベントはありません。/);
  assert.equal(await serverPage.locator('[data-testid=ics-list-download]').count(), 0);
  const serverTop = await showPastTop(serverPage);
  await plain.close();
  assert.equal(await showPastTop(page), serverTop);

  // The calendar: the plain sentence, and the nearest month (backwards: nothing ahead).
  await page.goto(`${url}/calendar`);
  await page.locator('html[data-events=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  await page.locator('[data-testid=empty-month] [data-testid=nothing-upcoming]').waitFor();
  const latest = events.map((e) => (e.end?.date ?? e.start.date).slice(0, 7)).sort().at(-1);
  assert.equal(await page.locator('[data-testid=nearest-month]').getAttribute('href'), `/calendar?m=${latest}`);
}));

test('following a group works offline and shows it, with its next event, on the home page after reload', () => withApp(() => phoneContext(browser), async ({ server, url, page, app }) => {
  await importEvents(server, [soon]);
  await page.goto(`${url}/groups/${porepore.id}`);
  await page.locator('html[data-events=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  await app.waitServiceWorker();
  // Every page of the shell is cached: open home once online.
  await page.goto(url + '/');
  await page.locator('html[data-directory=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  assert.equal(await page.locator('[data-testid=home-followed]').count(), 0);
  await page.goto(`${url}/groups/${porepore.id}`);
  await page.locator('#ssr').waitFor({ state: 'detached', timeout: 20_000 });

  await server.stop(); // really offline
  const follow = page.getByRole('button', { name: 'お気に入り' });
  assert.equal(await follow.getAttribute('aria-pressed'), 'false');
  const box = await follow.boundingBox();
  assert.ok(box.height >= 44 && box.width >= 44, `a 44 px target: ${JSON.stringify(box)}`);
  await follow.click();
  await page.waitForFunction(() => document.querySelector('[data-testid=follow]')?.getAttribute('aria-pressed') === 'true');

  await page.reload();
  await page.locator('html[data-directory=cached], html[data-directory=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  await page.waitForFunction(() => document.querySelector('[data-testid=follow]')?.getAttribute('aria-pressed') === 'true');
  await page.goto(url + '/');
  const followed = page.locator('[data-testid=home-followed]');
  await followed.waitFor({ timeout: 20_000 });
  const card = followed.locator('[data-testid=followed-group]');
  // The app draws its page hidden, then shows it (takeover.rs): the card's
  // text is read once it is on screen.
  await card.waitFor({ state: 'visible', timeout: 20_000 });
  assert.match(await card.innerText(), new RegExp(porepore.name.replace(/[「」]/g, '.')));
  assert.match(await card.innerText(), new RegExp(`次の予定: ${y}年${m}月${d}日\\(.\\) 10:00–12:30 ポレポレ冬のサロン`));

  // Back online: the server's first HTML has the followed group too (the
  // cookie), and the app's page puts the directory where the server's did.
  // (The swap puts new nodes in, which the layout-shift API does not
  // count, and the service worker's cached wasm cannot be held back: the
  // server's page is measured in a browser without JavaScript instead.)
  await server.start();
  const html = await (await page.request.get(url + '/')).text();
  assert.match(html, /data-testid="home-followed"/);
  const firstCard = (p) => p.evaluate(() => document.querySelector('[data-testid=group-link]').getBoundingClientRect().top);
  const plain = await browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'ja-JP', javaScriptEnabled: false });
  await plain.addCookies([{ name: 'follows', value: porepore.id, url }]);
  const serverPage = await plain.newPage();
  await serverPage.goto(url + '/');
  assert.equal(await serverPage.locator('#ssr [data-testid=home-followed] [data-testid=followed-group]').count(), 1);
  const before = await firstCard(serverPage);
  await plain.close();
  await page.goto(`${url}/groups`);
  await page.locator('html[data-directory=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  await page.goto(url + '/');
  await page.locator('html[data-directory=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  await followed.waitFor();
  await page.waitForTimeout(500);
  assert.equal(await firstCard(page), before, 'the directory is where the server put it');

  // Unfollow: gone from the home page.
  await page.goto(`${url}/groups/${porepore.id}`);
  await page.locator('html[data-directory=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  await page.getByRole('button', { name: 'お気に入り' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=follow]')?.getAttribute('aria-pressed') === 'false');
  await page.goto(url + '/');
  await page.locator('html[data-directory=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  assert.equal(await followed.count(), 0);
}));
