// The directory's search index kept in IndexedDB (issue 9, repeat visit):
// a repeat visit answers a search from the index kept with the stored
// groups, and when the groups change (a pull) the search answers for the
// new groups, online and offline; an index kept for older groups is never
// used for newer ones.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, phoneContext, withApp, demoGroups, eventually } from './fixtures.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** The kept index's record (its cursor, count, size, whether its index is
 * a Blob) and the stored groups cursor. */
function kept(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const req = indexedDB.open('tsunagari');
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const db = req.result;
      const tx = db.transaction(['search_index', 'meta']);
      const record = tx.objectStore('search_index').get('groups');
      const cursor = tx.objectStore('meta').get('cursor');
      tx.oncomplete = () => {
        db.close();
        const r = record.result;
        resolve({
          stored: cursor.result, cursor: r?.cursor, count: r?.count,
          bytes: r?.index instanceof Blob ? r.index.size : r?.index?.length, blob: r?.index instanceof Blob,
        });
      };
    };
  }));
}

/** The kept record's index as a Uint8Array (as an earlier release, or a
 * browser that cannot store a Blob, kept it). */
function indexAsBytes(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const req = indexedDB.open('tsunagari');
    req.onsuccess = () => {
      const db = req.result;
      const get = db.transaction('search_index').objectStore('search_index').get('groups');
      get.onsuccess = async () => {
        const r = get.result;
        r.index = new Uint8Array(await r.index.arrayBuffer());
        const tx = db.transaction('search_index', 'readwrite');
        tx.objectStore('search_index').put(r, 'groups');
        tx.oncomplete = () => { db.close(); resolve(); };
        tx.onerror = () => reject(tx.error);
      };
    };
  }));
}

/** How the stored directory was read: `early` (by the page's script before the wasm ran). */
function readBy(page) {
  return page.evaluate(() => document.documentElement.dataset.storedRead);
}

/** Where the directory's search index came from: `kept` or `built`. */
function indexFrom(page) {
  return page.evaluate(() => document.documentElement.dataset.searchIndex);
}

/** Where the list's base order came from: `kept` (with the index's record) or `computed`. */
function orderFrom(page) {
  return page.evaluate(() => document.documentElement.dataset.baseOrder);
}

/** Whether the kept record holds a base order. */
function hasOrder(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const req = indexedDB.open('tsunagari');
    req.onsuccess = () => {
      const db = req.result;
      const get = db.transaction('search_index').objectStore('search_index').get('groups');
      get.onsuccess = () => { db.close(); resolve(get.result?.order instanceof Uint8Array); };
    };
  }));
}

/** Changes the kept record's base order: `drop` takes it out (as an
 * earlier release kept the record), `cut` cuts it short (damaged). */
function changeOrder(page, how) {
  return page.evaluate((how) => new Promise((resolve, reject) => {
    const req = indexedDB.open('tsunagari');
    req.onsuccess = () => {
      const db = req.result;
      const tx = db.transaction('search_index', 'readwrite');
      const store = tx.objectStore('search_index');
      const get = store.get('groups');
      get.onsuccess = () => {
        const r = get.result;
        if (how === 'drop') delete r.order; else r.order = r.order.slice(4);
        store.put(r, 'groups');
      };
      tx.oncomplete = () => { db.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  }), how);
}

/** Copies the record under key `from` to key `to` in `search_index`. */
function copyRecord(page, from, to) {
  return page.evaluate(([from, to]) => new Promise((resolve, reject) => {
    const req = indexedDB.open('tsunagari');
    req.onsuccess = () => {
      const db = req.result;
      const tx = db.transaction('search_index', 'readwrite');
      const store = tx.objectStore('search_index');
      const get = store.get(from);
      get.onsuccess = () => store.put(get.result, to);
      tx.oncomplete = () => { db.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  }), [from, to]);
}

/** Types `query` and waits until the list answers it: its first card
 * matches `first`, or (`first` null) nothing is found. */
async function answers(app, query, first, where) {
  await app.search(query);
  await eventually(async () => {
    if (first === null) return (await app.page.locator('[data-testid=no-match]').count()) === 1;
    const names = await app.resultNames();
    return names.length > 0 && first.test(names[0]);
  }, `${where}: ${query} → ${first ?? 'nothing'}`);
}

test('a repeat visit searches with the kept index; after the groups change the search finds the new groups, online and offline', () => withApp(() => phoneContext(browser), async ({ server, page, app }) => {
  const groups = demoGroups();
  await app.open('/groups');
  await app.waitServiceWorker();
  await app.waitStored();
  // Kept when the page was idle, for the stored groups.
  await eventually(async () => { const k = await kept(page); return k.cursor && k.cursor === k.stored; }, 'the index kept for the stored groups', 20_000);
  const before = await kept(page);
  assert.equal(before.count, groups.length);
  assert.ok(before.bytes > 1000, `index bytes: ${before.bytes}`);
  assert.ok(before.blob, 'the index is kept as a Blob');
  await copyRecord(page, 'groups', 'before-the-change');
  const listed = await app.resultNames();
  assert.ok(listed.length > 10, `the list: ${listed.length}`);

  await page.reload();
  await app.waitCached();
  // The list in the order kept with the index: the order the first visit computed.
  await eventually(async () => (await app.resultNames()).length === listed.length, 'the list again');
  assert.deepEqual(await app.resultNames(), listed, 'the same order');
  assert.equal(await orderFrom(page), 'kept', 'the base order kept with the index');
  await answers(app, 'ぽれぽれ', /ポレポレ/, 'a repeat visit');
  assert.equal(await indexFrom(page), 'kept', 'the repeat visit read the kept index');
  assert.equal(await readBy(page), 'early', 'read by the page before the wasm ran');

  // A record kept by an earlier release, without the order: the order is
  // computed, and added to the record for the next visit.
  await changeOrder(page, 'drop');
  assert.equal(await hasOrder(page), false);
  await page.reload();
  await app.waitCached();
  await eventually(async () => (await app.resultNames()).length === listed.length, 'the list, no order kept');
  assert.deepEqual(await app.resultNames(), listed);
  assert.equal(await orderFrom(page), 'computed');
  await answers(app, 'ぽれぽれ', /ポレポレ/, 'a repeat visit, no order kept');
  await eventually(() => hasOrder(page), 'the order added to the kept record', 20_000);
  await app.search('');
  await page.reload();
  await app.waitCached();
  await eventually(async () => (await app.resultNames()).length === listed.length, 'the list, the order added');
  assert.deepEqual(await app.resultNames(), listed);
  assert.equal(await orderFrom(page), 'kept', 'the order added is used');

  // A damaged base order is not used: the list is sorted as before.
  await app.search('');
  await changeOrder(page, 'cut');
  await page.reload();
  await app.waitCached();
  await eventually(async () => (await app.resultNames()).length === listed.length, 'the list, its kept order damaged');
  assert.deepEqual(await app.resultNames(), listed, 'the same order, computed');
  assert.equal(await orderFrom(page), 'computed');
  await answers(app, 'ぽれぽれ', /ポレポレ/, 'a repeat visit, the kept order damaged');
  assert.equal(await indexFrom(page), 'kept', 'the index itself is still used');

  // An index kept as bytes (not a Blob) is read too.
  await indexAsBytes(page);
  assert.equal((await kept(page)).blob, false);
  await page.reload();
  await app.waitCached();
  await answers(app, 'ぽれぽれ', /ポレポレ/, 'a repeat visit, the index kept as bytes');
  assert.equal(await indexFrom(page), 'kept', 'the index kept as bytes was read');

  // The server's directory changes: ポレポレ renamed, a group added, one removed.
  const changed = structuredClone(groups);
  const porepore = changed.find((g) => g.id === 'porepore');
  porepore.name = '特定非営利活動法人地域支援センター「ツララ」';
  porepore.reading = 'とくていひえいりかつどうほうじんちいきしえんせんたーつらら';
  changed.push({ id: 'yukidaruma', name: 'ゆきだるまの会', reading: 'ゆきだるまのかい', kind: 'civic', description: '雪の日に子どもと遊ぶ会。' });
  changed.splice(changed.findIndex((g) => g.id === 'nijinowa'), 1)[0];
  const dir = mkdtempSync(join(tmpdir(), 'tsunagari-kept-'));
  try {
    writeFileSync(join(dir, 'groups.json'), JSON.stringify({ groups: changed }));
    await server.admin('import-groups', join(dir, 'groups.json'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const searches = async (where) => {
    await answers(app, 'ゆきだるま', /^ゆきだるまの会/, `${where}, the new group`);
    await answers(app, 'つらら', /ツララ/, `${where}, the renamed group by its new name`);
    await answers(app, 'ぽれぽれ', null, `${where}, not by its old name`);
    await answers(app, 'にじのわ', null, `${where}, the removed group`);
  };
  // Online: the stored groups (and their kept index) first, then the pull.
  await page.reload();
  await app.waitStored();
  await searches('after the pull');
  assert.equal(await indexFrom(page), 'built', 'the changed groups got an index of their own');
  await eventually(async () => { const k = await kept(page); return k.cursor === k.stored && k.cursor !== before.cursor; }, 'the index kept for the new groups', 20_000);
  assert.equal((await kept(page)).count, changed.length);

  // Offline: the new groups with their kept index.
  await server.stop();
  await page.reload();
  await app.waitCached();
  await searches('offline');
  assert.equal(await indexFrom(page), 'kept');
  assert.equal(await readBy(page), 'early');

  // The index kept for the groups before the change (as if the newer one
  // had never been written) is not used for the newer groups.
  await copyRecord(page, 'before-the-change', 'groups');
  const stale = await kept(page);
  assert.notEqual(stale.cursor, stale.stored);
  await page.reload();
  await app.waitCached();
  await searches('offline, with a stale index kept');
  assert.equal(await indexFrom(page), 'built');
  assert.equal(await orderFrom(page), 'computed', 'nor its base order');
}));
