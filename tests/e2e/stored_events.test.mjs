// Events in IndexedDB (schema version 5: JSON buckets, like the
// directory): what a phone stored under the release before survives the
// upgrade and shows offline; a deletion on the server leaves the calendar
// and the store.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launchBrowser, phoneContext, withApp } from './fixtures.mjs';

const events = JSON.parse(readFileSync(join(ROOT, 'data/events.json'), 'utf8')).events;
const festival = events.find((e) => e.title.includes('まちなか学生まつり'));
const PLAIN_PAGE = '/manifest.webmanifest'; // same origin, 200, no app code

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** What IndexedDB holds, read in `page` (any page of the origin). */
function storedState(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const req = indexedDB.open('tsunagari');
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const db = req.result;
      const stores = [...db.objectStoreNames];
      let tx;
      try {
        tx = db.transaction(['event_buckets', 'group_buckets', 'meta']);
      } catch (e) { // a schema without these stores
        db.close();
        reject(new Error(`stores ${stores.join()}: ${e}`));
        return;
      }
      const out = { version: db.version, stores };
      tx.objectStore('event_buckets').getAll().onsuccess = (e) => {
        out.eventIds = e.target.result.flatMap((b) => JSON.parse(new TextDecoder().decode(b.json)).map((ev) => ev.id));
      };
      tx.objectStore('group_buckets').getAll().onsuccess = (e) => {
        out.groupIds = e.target.result.flatMap((b) => JSON.parse(new TextDecoder().decode(b.json)).map((g) => g.id));
      };
      tx.objectStore('meta').get('events_cursor').onsuccess = (e) => { out.eventsCursor = e.target.result; };
      tx.objectStore('meta').get('cursor').onsuccess = (e) => { out.groupsCursor = e.target.result; };
      tx.oncomplete = () => { db.close(); resolve(out); };
      tx.onerror = () => reject(tx.error);
    };
  }));
}

/** The agenda with past events shown, once it lists `n` events; their titles. */
async function agendaWithPast(page, n) {
  await page.locator('[data-testid=show-past]').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=agenda] [data-testid=event-link]').length === n, n);
  return page.locator('[data-testid=agenda] [data-testid=event-link]').allInnerTexts();
}

test('events and groups stored by the release before (schema 4, one record per event) show offline after the upgrade', () => withApp(() => phoneContext(browser), async ({ server, url, context, page }) => {
  assert.ok(festival, 'demo events include まちなか学生まつり');
  // One visit: the service worker has the pages.
  await page.goto(`${url}/calendar`);
  await page.locator('html[data-events=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  const feeds = {
    groups: await (await fetch(`${url}/api/groups`)).json(),
    events: await (await fetch(`${url}/api/events`)).json(),
  };
  await page.close();

  // The phone as the release before left it: schema 4, the directory in
  // buckets of JS objects, one record per event, both cursors; and an event
  // only this phone has, so what shows can only come from the old store.
  const oldOnly = { ...festival, id: 'old-layout-only', title: '旧版で保存した行事' };
  const plain = await context.newPage();
  await plain.goto(url + PLAIN_PAGE);
  await plain.evaluate(({ groups, events, oldOnly }) => new Promise((resolve, reject) => {
    const bucketOf = (id) => { // core::bucket_of: FNV-1a of the UTF-8 bytes, modulo 64
      let h = 0x811c9dc5;
      for (const b of new TextEncoder().encode(id)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
      return h % 64;
    };
    const del = indexedDB.deleteDatabase('tsunagari');
    del.onblocked = () => reject(new Error('the app still holds the database'));
    del.onerror = () => reject(del.error);
    del.onsuccess = () => {
      const req = indexedDB.open('tsunagari', 4);
      req.onerror = () => reject(req.error);
      req.onupgradeneeded = () => {
        const db = req.result;
        db.createObjectStore('meta');
        db.createObjectStore('events', { keyPath: 'id' }).createIndex('start', 'start.date');
        db.createObjectStore('drafts', { keyPath: 'draft.id' });
        db.createObjectStore('group_buckets', { keyPath: 'bucket' });
        const tx = req.transaction;
        const buckets = new Map();
        for (const g of groups.items) {
          const b = bucketOf(g.id);
          buckets.set(b, [...(buckets.get(b) ?? []), g]);
        }
        for (const [bucket, items] of buckets) tx.objectStore('group_buckets').put({ bucket, items });
        for (const e of [...events.items, oldOnly]) tx.objectStore('events').put(e);
        tx.objectStore('meta').put(groups.cursor, 'cursor');
        tx.objectStore('meta').put(events.cursor, 'events_cursor');
        tx.objectStore('meta').put(Date.now(), 'last_updated');
      };
      req.onsuccess = () => { req.result.close(); resolve(); };
    };
  }), { groups: feeds.groups, events: feeds.events, oldOnly });

  await server.stop(); // really offline: the new release opens the old data
  const offline = await context.newPage();
  await offline.goto(`${url}/calendar?m=2021-10`);
  await offline.locator('html[data-events=cached]').waitFor({ state: 'attached', timeout: 20_000 });
  await offline.locator('[data-testid=day][data-date="2021-10-23"]').click();
  const dayEvents = offline.locator('[data-testid=day-events] [data-testid=event-link]');
  await dayEvents.filter({ hasText: 'まちなか学生まつり' }).waitFor();
  await dayEvents.filter({ hasText: '旧版で保存した行事' }).waitFor();

  await offline.goto(`${url}/events`);
  await offline.locator('html[data-events=cached]').waitFor({ state: 'attached', timeout: 20_000 });
  const titles = await agendaWithPast(offline, events.length + 1);
  assert.ok(titles.some((t) => t.includes('旧版で保存した行事')), titles.join(' / '));

  await offline.goto(`${url}/groups`);
  await offline.locator('html[data-directory=cached]').waitFor({ state: 'attached', timeout: 20_000 });
  await offline.waitForFunction((n) => document.querySelectorAll('[data-testid=group-link]').length === n, feeds.groups.items.length);

  const stored = await storedState(offline);
  assert.equal(stored.version, 6);
  assert.ok(stored.stores.includes('event_buckets') && !stored.stores.includes('events'), stored.stores.join());
  assert.ok(stored.stores.includes('search_index'), stored.stores.join());
  assert.deepEqual([...stored.eventIds].sort(), [...feeds.events.items.map((e) => e.id), oldOnly.id].sort(),
    'every stored event moved into the buckets, once');
  assert.deepEqual([...stored.groupIds].sort(), feeds.groups.items.map((g) => g.id).sort());
  assert.equal(stored.eventsCursor, feeds.events.cursor, 'the cursor still matches what is stored');
  assert.equal(stored.groupsCursor, feeds.groups.cursor);
}));

test('an event deleted on the server leaves the agenda and the store, and stays gone offline', () => withApp(() => phoneContext(browser), async ({ server, url, page }) => {
  await page.goto(`${url}/events`);
  await page.locator('html[data-events=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await agendaWithPast(page, events.length);

  await server.admin('delete-event', festival.id);
  const after = await (await fetch(`${url}/api/events`)).json();
  assert.equal(after.items.length, events.length - 1);
  await page.reload(); // pulls the change since the stored cursor: the tombstone
  await page.locator('html[data-events=stored]').waitFor({ state: 'attached', timeout: 20_000 });
  const stored = await storedState(page);
  assert.ok(!stored.eventIds.includes(festival.id), 'the tombstoned event is out of its bucket');
  assert.equal(stored.eventIds.length, events.length - 1, 'nothing else went');
  assert.equal(stored.eventsCursor, after.cursor);

  await server.stop();
  await page.reload(); // offline: what shows is what is stored
  await page.locator('html[data-events=cached]').waitFor({ state: 'attached', timeout: 20_000 });
  const titles = await agendaWithPast(page, events.length - 1);
  assert.ok(!titles.some((t) => t.includes('まちなか学生まつり')), titles.join(' / '));
}));
