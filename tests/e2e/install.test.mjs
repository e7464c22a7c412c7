// Installing and keeping: the manifest's shortcuts and screenshots, the
// install guide that fits the browser (Chromium's prompt, iOS Safari's
// steps, nothing once closed or installed), and persistent storage asked
// for at sign-in and named on /drafts when refused while drafts are unsent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launchBrowser, phoneContext, persistentPhoneContext, withApp, DraftsApp,
} from './fixtures.mjs';

const IPHONE_SAFARI = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 '
  + '(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes) {
  assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG', 'a PNG file');
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

/** A synthetic `beforeinstallprompt`, as Chromium fires it when the site is
 * installable; `window.__prompted` counts calls of its `prompt()`. */
function firePrompt(page, outcome = 'accepted') {
  return page.evaluate((outcome) => {
    window.__prompted = 0;
    const e = new Event('beforeinstallprompt', { cancelable: true });
    e.prompt = () => { window.__prompted += 1; return Promise.resolve(); };
    e.userChoice = Promise.resolve({ outcome, platform: 'web' });
    window.dispatchEvent(e);
    return e.defaultPrevented;
  }, outcome);
}

const card = (page) => page.locator('[data-testid=install-card]');

/** The directory drawn again (a group opened, then back): the card shows
 * only with the page, never moving the list after it is drawn. */
async function drawAgain(page) {
  await page.locator('[data-testid=group-link]').first().click();
  await page.waitForURL(/\/groups\/.+/);
  await page.goBack();
  await page.locator('[data-testid=group-link]').first().waitFor();
}

test('the manifest has shortcuts to 予定 and 提案書 and a narrow screenshot, and all of them load', () => withApp(persistentPhoneContext, async ({ context, page, app }) => {
  await app.open('/groups');
  await app.waitServiceWorker();
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors, []);
  const { url: manifestUrl, data, errors } = await cdp.send('Page.getAppManifest');
  assert.deepEqual(errors, [], 'Chromium parsed the manifest without complaint');
  const manifest = JSON.parse(data);

  const shortcuts = manifest.shortcuts.map((s) => [s.short_name, s.url]);
  assert.deepEqual(shortcuts, [['予定', '/calendar'], ['提案書', '/drafts']]);
  for (const s of manifest.shortcuts) {
    const page200 = await page.request.get(new URL(s.url, manifestUrl).href);
    assert.equal(page200.status(), 200, s.url);
    assert.ok(s.icons.length > 0, `${s.short_name} has an icon`);
    for (const icon of s.icons) {
      const res = await page.request.get(new URL(icon.src, manifestUrl).href);
      assert.equal(res.status(), 200, icon.src);
      assert.equal(pngSize(await res.body()), icon.sizes, icon.src);
    }
  }

  const narrow = manifest.screenshots.filter((s) => s.form_factor === 'narrow');
  assert.ok(narrow.length >= 1, 'a narrow screenshot');
  for (const shot of manifest.screenshots) {
    const res = await page.request.get(new URL(shot.src, manifestUrl).href);
    assert.equal(res.status(), 200, shot.src);
    assert.equal(res.headers()['content-type'], 'image/png');
    const body = await res.body();
    assert.equal(pngSize(body), shot.sizes, shot.src);
    assert.ok(body.length < 120_000, `${shot.src} is small (${body.length} bytes)`);
    assert.ok(shot.label, 'a label for screen readers');
  }
  // Offline too: the worker precached them.
  const cached = await page.evaluate(async (urls) => {
    const out = [];
    for (const u of urls) out.push(!!(await caches.match(u)));
    return out;
  }, ['/manifest.webmanifest', ...manifest.screenshots.map((s) => s.src)]);
  assert.deepEqual(cached, cached.map(() => true), 'manifest and screenshots precached');
}));

test('where the browser offers installing, the card shows ホーム画面に追加 and a tap calls prompt()', () => withApp(() => phoneContext(browser), async ({ page, app }) => {
  await app.open('/groups');
  await app.waitCached();
  assert.equal(await card(page).count(), 0, 'no card before the browser says the app can be installed');

  assert.equal(await firePrompt(page), true, 'the mini-infobar is held back for the card');
  await page.waitForTimeout(300);
  assert.equal(await card(page).count(), 0, 'the list drawn stays where it is');
  await drawAgain(page);
  const button = page.getByRole('button', { name: 'ホーム画面に追加', exact: true });
  await button.waitFor();
  assert.equal(await page.locator('[data-testid=install-steps]').count(), 0, 'no iPhone steps in Chromium');
  await button.click();
  assert.equal(await page.evaluate(() => window.__prompted), 1, 'prompt() called once');
  await card(page).waitFor({ state: 'detached' });

  // Another visit, in English, and a person who says no: the button goes
  // (an event's prompt() works once).
  await page.reload();
  await app.waitCached();
  await app.switchLanguage();
  await firePrompt(page, 'dismissed');
  await drawAgain(page);
  const en = page.getByRole('button', { name: 'Add to home screen', exact: true });
  await en.waitFor();
  await en.click();
  assert.equal(await page.evaluate(() => window.__prompted), 1);
  await card(page).waitFor({ state: 'detached' });
}));

test('closing the card is remembered across a reload, and the browser keeps its own prompt then', () => withApp(() => phoneContext(browser), async ({ page, app }) => {
  await app.open('/groups');
  await app.waitCached();
  await firePrompt(page);
  await drawAgain(page);
  await card(page).waitFor();
  await page.getByRole('button', { name: 'ホーム画面に追加の案内を閉じる' }).click();
  await card(page).waitFor({ state: 'detached' });

  await page.reload();
  await app.waitCached();
  assert.equal(await firePrompt(page), false, 'closed: the browser may show its own prompt');
  await drawAgain(page);
  await page.waitForTimeout(300);
  assert.equal(await card(page).count(), 0, 'still closed after a reload');
}));

test('in iOS Safari the card gives the 共有 → ホーム画面に追加 steps in words; installed, nothing', async () => {
  const iphone = () => browser.newContext({
    viewport: { width: 360, height: 800 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo',
    userAgent: IPHONE_SAFARI, isMobile: true, hasTouch: true,
  });
  await withApp(iphone, async ({ page, app }) => {
    await app.open('/groups');
    await app.waitCached();
    const steps = page.locator('[data-testid=install-steps] li');
    await steps.first().waitFor();
    const texts = await steps.allInnerTexts();
    assert.equal(texts.length, 3);
    assert.match(texts[0], /共有/);
    assert.match(texts[1], /ホーム画面に追加/);
    assert.equal(await page.locator('[data-testid=install-button]').count(), 0, 'Safari has no prompt() to call');
    await app.switchLanguage();
    await page.locator('[data-testid=install-steps] li', { hasText: 'Share' }).waitFor();
    assert.match((await steps.allInnerTexts())[1], /Add to Home Screen/);
  });
  // Opened from the home screen: Safari sets navigator.standalone.
  await withApp(async () => {
    const context = await iphone();
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'standalone', { get: () => true }));
    return context;
  }, async ({ page, app }) => {
    await app.open('/groups');
    await app.waitCached();
    await page.waitForTimeout(300);
    assert.equal(await card(page).count(), 0, 'no guide inside the installed app');
  });
});

test('signing in asks for persistent storage; refused with an unsent draft, /drafts says so until it is sent', () => withApp(async () => {
  const context = await phoneContext(browser);
  // The browser refuses, as one under storage pressure or without engagement does.
  await context.addInitScript(() => {
    window.__persistCalls = 0;
    StorageManager.prototype.persist = async function persist() { window.__persistCalls += 1; return false; };
    StorageManager.prototype.persisted = async function persisted() { return false; };
  });
  return context;
}, async ({ server, url, page }) => {
  const app = new DraftsApp(page, url);
  await app.redeem(await server.invite('shijima-kizuna-chokai'), 'hozon.a');
  assert.ok(await page.evaluate(() => window.__persistCalls) >= 1, 'persist() asked at sign-in');
  const warning = page.locator('[data-testid=storage-warning]');
  assert.equal(await warning.count(), 0, 'nothing unsent yet: no warning');

  await server.stop(); // offline: the new draft stays unsent
  const before = await page.evaluate(() => window.__persistCalls);
  await app.newDraft();
  assert.ok(await page.evaluate(() => window.__persistCalls) > before, 'persist() asked when a draft starts');
  await app.type('事業名', '消えては困る下書き');
  await app.waitSaved();
  await app.openList();
  await warning.waitFor();
  assert.match(await warning.innerText(), /未送信の下書きを消すことがあります/);

  await server.start();
  await app.syncNow();
  await app.waitAllSynced();
  await warning.waitFor({ state: 'detached' });
}));
