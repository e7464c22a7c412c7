// The group directory end to end: online first visit, then really offline
// (the server process is killed), reload, search with kana folding, detail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launchBrowser, phoneContext, persistentPhoneContext, withApp, demoGroups, eventually } from './fixtures.mjs';

const groups = demoGroups();
const byName = (part) => {
  const g = groups.find((g) => g.name.includes(part));
  assert.ok(g, `demo data has a group named …${part}…`);
  return g;
};


let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('after one online visit the whole directory works with the server gone', () => withApp(() => phoneContext(browser), async ({ server, context, page, app }) => {
    await app.open('/groups');
    await app.waitStored();
    await app.waitServiceWorker();
    await app.waitStored();
    await eventually(async () => (await app.resultLinks().count()) === groups.length,
      `all ${groups.length} demo groups listed`);

    await server.stop(); // really offline: connections to the server are refused
    await page.reload();
    await app.waitCached();
    await eventually(async () => (await app.resultLinks().count()) === groups.length,
      'the stored directory listed after an offline reload');
    assert.equal(await page.locator('link[rel=stylesheet][href^="/app-"]').count(), 0, 'index.html (the directory shell) runs /groups');
    assert.match(await app.lastUpdated().innerText(), /\d{1,2}:\d{2}/, 'the time of the last update is shown');

    // ぽれぽれ (hiragana) finds ポレポレ (katakana), ranked first.
    const porepore = byName('ポレポレ');
    await app.search('ぽれぽれ');
    await eventually(async () => (await app.resultNames())[0]?.includes('ポレポレ'), 'ぽれぽれ finds ポレポレ first');
    await app.openResult(0);
    await eventually(async () => (await app.heading().innerText()).includes('ポレポレ'), 'detail page heading');
    assert.equal(new URL(page.url()).pathname, `/groups/${porepore.id}`);
    const history = await app.programHistory().innerText();
    for (const p of porepore.programs) {
      assert.ok(history.includes(p.title.slice(0, 8)), `program history shows ${p.title}`);
      if (p.department) assert.ok(history.includes(p.department), `program history shows ${p.department}`);
    }

    // A deep link reloads offline too.
    await page.reload();
    await eventually(async () => (await app.heading().innerText()).includes('ポレポレ'), 'detail page after an offline reload');

    // The reading is searched: かなざわじょう finds 金沢城・兼六園研究会.
    const castle = byName('金沢城');
    await app.open('/groups');
    await app.search('かなざわじょう');
    await eventually(async () => (await app.resultNames())[0]?.includes(castle.name.slice(0, 5)), 'かなざわじょう finds 金沢城…');
    // Full-width letters fold to half-width and case: ｔｉｐｓ finds Tips.
    await app.search('ｔｉｐｓ');
    await eventually(async () => (await app.resultNames()).some((n) => /tips/i.test(n)), 'ｔｉｐｓ finds Tips');

    // The header leads out of the directory shell into the full app (a
    // second bundle, precached by the same worker): offline too, with the
    // events the shell stored.
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'カレンダー' }).click();
    await page.locator('[data-testid=month-grid]').waitFor({ timeout: 20_000 });
    assert.equal(new URL(page.url()).pathname, '/calendar');
    assert.equal(await page.locator('link[rel=stylesheet][href^="/app-"]').count(), 1, 'app.html (the full app) runs /calendar');
    await page.goto(`${page.url().replace(/\/calendar.*$/, '')}/events`);
    await page.locator('[data-testid=show-past]').click();
    await eventually(async () => (await page.locator('[data-testid=agenda] [data-testid=event-link]').count()) > 0,
      'the agenda lists the events stored while in the directory');
    // … and back: the full app has the directory too.
    await nav.getByRole('link', { name: '団体' }).click();
    await eventually(async () => (await app.resultLinks().count()) === groups.length, 'the directory in the full app');
}));

test('back online, the app pulls only the delta: a deleted group disappears', () => withApp(() => phoneContext(browser), async ({ server, context, page, app }) => {
    await app.open('/groups');
    await app.waitStored();
    // The offline reload below needs the worker's cache, which must be
    // complete before the server stops (a faster store no longer hides it).
    await app.waitServiceWorker();
    const gone = groups[groups.length - 1];

    // While the phone is away: one group deleted, another one's description
    // changed (a re-import of the seed file with that edit).
    const changed = groups[0];
    const newDescription = `${changed.description} 【更新】防災マップづくりを始めました。`;
    const file = join(server.dataDir, 'groups-edited.json');
    const full = JSON.parse(readFileSync(join(ROOT, 'data/groups.json'), 'utf8'));
    full.groups = full.groups.filter((g) => g.id !== gone.id)
      .map((g) => (g.id === changed.id ? { ...g, description: newDescription } : g));
    writeFileSync(file, JSON.stringify(full));
    await server.stop();
    await server.admin('delete-group', gone.id);
    await server.admin('import-groups', file);
    await server.start();

    const feedRequests = [];
    page.on('request', (r) => { if (r.url().includes('/api/groups')) feedRequests.push(r.url()); });
    await page.reload();
    await app.waitStored();
    await eventually(async () => (await app.resultLinks().count()) === groups.length - 1, 'the deleted group is gone');
    assert.ok(!(await app.resultNames()).some((n) => n.includes(gone.name)), `${gone.name} is no longer listed`);
    assert.ok(feedRequests.some((u) => new URL(u).searchParams.has('since')), `the pull asked for a delta: ${feedRequests}`);
    // The changed group is stored once, with its new text: after an offline
    // reload (what IndexedDB holds) the search finds the new words, and the
    // count above already excludes a duplicate.
    await server.stop();
    await page.reload();
    await app.waitCached();
    await eventually(async () => (await app.resultLinks().count()) === groups.length - 1, 'the stored directory after the delta');
    await app.search('防災マップづくり');
    await eventually(async () => (await app.resultNames())[0]?.includes(changed.name), 'the changed description is stored');
}));

test('filter by kind, and the English switch persists across reloads', () => withApp(() => phoneContext(browser), async ({ server, context, page, app }) => {
    await app.open('/groups');
    await app.waitStored();

    const npos = groups.filter((g) => g.kind === 'npo');
    assert.ok(npos.length > 0, 'demo data has NPOs');
    await app.filterKind('npo');
    await eventually(async () => (await app.resultLinks().count()) === npos.length, `${npos.length} NPOs listed`);

    const label = () => page.locator('label[for=group-search]').innerText();
    const japanese = await label();
    await app.switchLanguage();
    await eventually(async () => (await page.getAttribute('html', 'lang')) === 'en', 'html lang=en');
    const english = await label();
    assert.notEqual(english, japanese);
    assert.match(english, /[A-Za-z]/);
    await page.reload();
    await app.waitCached();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await label(), english);
}));

test('Chromium reports the app as installable', () => withApp(persistentPhoneContext, async ({ server, context, page, app }) => {
    await app.open('/groups');
    await app.waitServiceWorker();
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, []);
    const { url: manifestUrl, data } = await cdp.send('Page.getAppManifest');
    assert.ok(manifestUrl.endsWith('.webmanifest'), manifestUrl);
    const manifest = JSON.parse(data);
    assert.equal(manifest.display, 'standalone');
    assert.equal(manifest.lang, 'ja');
    const sizes = manifest.icons.map((i) => i.sizes);
    assert.ok(sizes.includes('192x192') && sizes.includes('512x512'), sizes.join());
    assert.ok(manifest.icons.some((i) => (i.purpose ?? '').includes('maskable')), 'a maskable icon');
    for (const icon of manifest.icons) {
      const res = await page.request.get(new URL(icon.src, manifestUrl).href);
      assert.equal(res.status(), 200, icon.src);
      assert.equal(res.headers()['content-type'], 'image/png');
    }
    assert.ok(await page.locator('link[rel=apple-touch-icon]').count() > 0, 'apple-touch-icon link');
}));
