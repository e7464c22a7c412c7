// The event calendar end to end: load it online, go really offline (the
// server process is killed), reload, navigate to a month with seed events,
// open one, download its .ics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launchBrowser, phoneContext, withApp, importEvents, jstDate } from './fixtures.mjs';

const events = JSON.parse(readFileSync(join(ROOT, 'data/events.json'), 'utf8')).events;
const festival = events.find((e) => e.title.includes('まちなか学生まつり'));
// An all-day event still to come, imported as the city does (open-data CSV).
const coming = { id: 'kanazawa-coming-fair', title: '金沢まちづくりフェア', date: jstDate(20), place: '金沢市役所' };

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('the calendar works offline: month grid, day list, event page, .ics', () => withApp(() => phoneContext(browser), async ({ server, url, page, app }) => {
  assert.ok(festival, 'demo events include まちなか学生まつり');
  assert.equal(festival.start.date, '2021-10-23');
  await importEvents(server, [coming]);
  await page.goto(`${url}/calendar`);
  await page.locator('html[data-events=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  await app.waitServiceWorker();
  await page.locator('html[data-events=stored]').waitFor({ state: 'attached', timeout: 20_000 });

  await server.stop(); // really offline
  await page.goto(`${url}/calendar?m=2021-09`);
  await page.locator('html[data-events=cached], html[data-events=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  await page.locator('[data-testid=month-grid]').waitFor();

  // September 2021 has no events: the app says so and offers the nearest month.
  await page.locator('[data-testid=empty-month]').waitFor();
  await page.locator('[data-testid=nearest-month]').click();
  await page.locator('[data-testid=month-title]').filter({ hasText: '2021年10月' }).waitFor();

  const day = page.locator('[data-testid=day][data-date="2021-10-23"]');
  assert.equal(await day.getAttribute('data-has-events'), 'true');
  assert.notEqual(await page.locator('[data-testid=day][data-date="2021-10-22"]').getAttribute('data-has-events'), 'true',
    'a day without events is not marked');
  await day.click();
  const link = page.locator('[data-testid=day-events] [data-testid=event-link]').filter({ hasText: 'まちなか学生まつり' });
  await link.click();
  await page.locator('main h1').filter({ hasText: 'まちなか学生まつり' }).waitFor();
  assert.equal(new URL(page.url()).pathname, `/events/${festival.id}`);
  assert.match(await page.locator('[data-testid=event-when]').innerText(), /2021年10月23日\(土\)/);
  assert.match(await page.locator('[data-testid=event-place]').innerText(), new RegExp(festival.place));
  const mapHref = await page.locator('[data-testid=map-link]').first().getAttribute('href');
  assert.match(mapHref, /openstreetmap\.org|^geo:/);
  if (festival.organiser_group_id) {
    assert.equal(await page.locator('[data-testid=organiser-link]').getAttribute('href'), `/groups/${festival.organiser_group_id}`);
  }

  // Over: it says so, and offers no calendar button.
  assert.equal(await page.locator('[data-testid=event-ended]').innerText(), '終了しました');
  assert.equal(await page.locator('[data-testid=ics-download]').count(), 0);

  // A coming event's .ics is made on the phone, offline.
  await page.goto(`${url}/events/${coming.id}`);
  await page.locator('main h1').filter({ hasText: coming.title }).waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-testid=ics-download]').click(),
  ]);
  const ics = readFileSync(await download.path(), 'utf8');
  assert.match(ics, /^BEGIN:VCALENDAR\r\n/);
  assert.match(ics, new RegExp(`UID:${coming.id}@`));
  const basic = coming.date.replaceAll('-', '');
  assert.match(ics, new RegExp(`DTSTART;VALUE=DATE:${basic}\r\n`));
  for (const line of ics.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, `line ≤ 75 octets: ${line}`);

  // Month navigation: next month has the Civic Tech Summit.
  await page.goBack();
  await page.goBack();
  await page.locator('[data-testid=month-title]').filter({ hasText: '2021年10月' }).waitFor();
  await page.locator('[data-testid=next-month]').click();
  await page.locator('[data-testid=month-title]').filter({ hasText: '2021年11月' }).waitFor();
  assert.equal(await page.locator('[data-testid=day][data-date="2021-11-13"]').getAttribute('data-has-events'), 'true');
}));

test('the agenda lists past events on request and filters by text and category', () => withApp(() => phoneContext(browser), async ({ url, page }) => {
  await page.goto(`${url}/events`);
  await page.locator('html[data-events=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  const items = page.locator('[data-testid=agenda] [data-testid=event-link]');
  await page.locator('[data-testid=show-past]').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=agenda] [data-testid=event-link]').length === n, events.length);

  await page.locator('#event-search').fill('しびっく'); // hiragana finds "Civic Tech" through its reading
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=agenda] [data-testid=event-link]').length === 1);
  assert.match(await items.first().innerText(), /Civic Tech Summit/);

  await page.locator('#event-search').fill('');
  await page.locator('#category-filter').selectOption('exchange');
  const exchanges = events.filter((e) => e.category === 'exchange').length;
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=agenda] [data-testid=event-link]').length === n, exchanges);
}));

test('a group page lists its events', () => withApp(() => phoneContext(browser), async ({ url, page }) => {
  const withGroup = events.find((e) => e.organiser_group_id);
  assert.ok(withGroup, 'a demo event is organised by a directory group');
  await page.goto(`${url}/groups/${withGroup.organiser_group_id}`);
  await page.locator('html[data-events=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  await page.locator('[data-testid=group-events]').filter({ hasText: withGroup.title }).waitFor();
}));
