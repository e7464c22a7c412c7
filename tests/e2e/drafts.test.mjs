// Proposal drafts end to end: a member registers with an invitation code,
// writes a draft, goes really offline (the server process is killed),
// reloads, finds the text, comes back and syncs; then two members of the
// same group edit one draft offline on two phones and both edits survive;
// the conflict screen; a second tab waits for the first; and Background
// Sync sends an offline edit through the service worker with the app closed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  Server, launchBrowser, phoneContext, persistentPhoneContext, withApp, DirectoryPage,
  DraftsApp, PASSPHRASE, serverDrafts, withTwoPhones,
} from './fixtures.mjs';

const GROUP = 'shijima-kizuna-chokai';

/** A fresh server and one phone: `body({ server, url, context, page, app })`, `app` the drafts pages. */
function withPhone(newContext, body) {
  return withApp(newContext, (env) => body({ ...env, app: new DraftsApp(env.page, env.url) }));
}

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('a draft written offline survives a reload and reaches the server when back online', () => withPhone(() => phoneContext(browser), async ({ server, url, page, app }) => {
    await page.goto(url);
    await new DirectoryPage(page, url).waitServiceWorker();

    await app.redeem(await server.invite(GROUP), 'mimamori.a');
    await app.newDraft();
    await app.type('事業名', 'しじま見守り散歩');
    await app.waitSaved();
    await app.waitState('送信済み');

    await server.stop(); // really offline
    await app.type('事業の概要', '町会の有志が週に二度、通学路を歩いて子どもと高齢者を見守ります。');
    await app.type('事業名', 'しじま見守り散歩2025');
    await app.waitSaved();
    await page.reload();
    await app.field('事業名').waitFor();
    assert.equal(await app.field('事業名').inputValue(), 'しじま見守り散歩2025');
    assert.equal(await app.field('事業の概要').inputValue(), '町会の有志が週に二度、通学路を歩いて子どもと高齢者を見守ります。');
    await app.waitState('まだ送っていません');
    await app.syncNow(); // still offline: the app says so and keeps the edit
    await page.locator('[data-testid=sync-status]', { hasText: 'サーバーに接続できません' }).waitFor({ timeout: 20_000 });

    await server.start(); // back online
    await app.syncNow();
    await app.waitState('送信済み');
    await app.openList();
    await app.waitAllSynced();
    assert.match(await page.locator('[data-testid=last-sync]').innerText(), /最終同期: \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}/);

    const drafts = await serverDrafts(url, 'mimamori.a');
    assert.equal(drafts.length, 1);
    assert.equal(drafts[0].proposal.title, 'しじま見守り散歩2025');
    assert.equal(drafts[0].proposal.summary, '町会の有志が週に二度、通学路を歩いて子どもと高齢者を見守ります。');

    const item = page.locator('[data-testid=draft-link]', { hasText: 'しじま見守り散歩2025' });
    await item.waitFor();
    assert.match(await item.innerText(), /送信済み/);
}));

test('two members edit different fields of one draft offline; after syncing both phones and the server have both edits', () => withTwoPhones(persistentPhoneContext, async ({ server, url, a, b }) => {
    await a.redeem(await server.invite(GROUP), 'kizuna.a');
    await b.redeem(await server.invite(GROUP), 'kizuna.b');

    // A writes the draft; B pulls it and opens it.
    await a.newDraft();
    await a.type('事業名', '町会の防災マップづくり');
    await a.type('実施場所', '四十万公民館');
    await a.waitSaved();
    await a.waitState('送信済み');
    await b.syncNow();
    await b.openDraft('町会の防災マップづくり');
    await b.field('事業名').waitFor();
    assert.equal(await b.field('実施場所').inputValue(), '四十万公民館');

    // Both phones offline; each changes a different field.
    await server.stop();
    await a.type('事業名', '町会の防災マップづくりと避難訓練');
    await a.waitSaved();
    await b.type('実施場所', '四十万小学校の体育館');
    await b.waitSaved();
    await a.waitState('まだ送っていません');
    await b.waitState('まだ送っていません');

    // Back online: A syncs first, then B (whose base is now stale: merged),
    // then A again to pull B's edit.
    await server.start();
    await a.syncNow();
    await a.waitState('送信済み');
    await b.syncNow();
    await b.waitState('送信済み');
    await a.syncNow();
    await a.waitState('送信済み');

    for (const phone of [a, b]) {
      await phone.page.waitForFunction(() => document.querySelector('#f-place')?.value === '四十万小学校の体育館' &&
        document.querySelector('#f-title')?.value === '町会の防災マップづくりと避難訓練', null, { timeout: 20_000 });
      assert.equal(await phone.field('事業名').inputValue(), '町会の防災マップづくりと避難訓練');
      assert.equal(await phone.field('実施場所').inputValue(), '四十万小学校の体育館');
      assert.doesNotMatch(await phone.draftState().innerText(), /競合/);
    }
    const drafts = await serverDrafts(url, 'kizuna.b');
    assert.equal(drafts.length, 1);
    assert.equal(drafts[0].proposal.title, '町会の防災マップづくりと避難訓練');
    assert.equal(drafts[0].proposal.place, '四十万小学校の体育館');
}));

test('the same field changed on two phones offline: the conflict screen shows both versions and the choice syncs', () => withTwoPhones(() => phoneContext(browser), async ({ server, url, a, b }) => {
    await a.redeem(await server.invite(GROUP), 'matsuri.a');
    await b.redeem(await server.invite(GROUP), 'matsuri.b');
    await a.newDraft();
    await a.type('事業名', '夏まつり');
    await a.waitSaved();
    await a.waitState('送信済み');
    await b.syncNow();
    await b.openDraft('夏まつり');
    await b.field('事業名').waitFor();

    await server.stop();
    await a.type('事業名', '夏まつり2026');
    await a.waitSaved();
    await b.type('事業名', 'しじま夏まつり');
    await b.waitSaved();
    await server.start();
    await a.syncNow();
    await a.waitState('送信済み');
    await b.syncNow();

    // B sees both versions side by side, its own text kept.
    const conflict = b.page.locator('[data-testid=conflict]');
    await conflict.waitFor({ timeout: 20_000 });
    await b.waitState('競合');
    assert.equal(await conflict.locator('[data-testid=mine]').innerText(), 'しじま夏まつり');
    assert.equal(await conflict.locator('[data-testid=theirs]').innerText(), '夏まつり2026');
    assert.ok(await b.page.locator('[data-testid=resolve]').isDisabled(), 'nothing chosen yet');

    await conflict.getByRole('button', { name: '合わせて書き直す' }).click();
    await conflict.getByLabel('使う内容').fill('しじま夏まつり2026');
    await b.page.locator('[data-testid=resolve]').click();
    await b.field('事業名').waitFor();
    assert.equal(await b.field('事業名').inputValue(), 'しじま夏まつり2026');
    await b.waitState('送信済み');

    await a.syncNow();
    await a.page.waitForFunction(() => document.querySelector('#f-title')?.value === 'しじま夏まつり2026', null, { timeout: 20_000 });
    const drafts = await serverDrafts(url, 'matsuri.a');
    assert.equal(drafts[0].proposal.title, 'しじま夏まつり2026');
}));

test('a second tab waits while the first holds the drafts, then takes over with what the first saved', () => withPhone(() => phoneContext(browser), async ({ server, url, context, app: first }) => {
    await first.redeem(await server.invite(GROUP), 'mimamori.tab');
    await first.newDraft();
    await first.type('事業名', '二つのタブの下書き');
    await first.waitSaved();

    const page2 = await context.newPage();
    await page2.goto(`${url}/drafts`);
    const status = page2.locator('[data-testid=sync-status]');
    await status.filter({ hasText: '別のタブ' }).waitFor();
    assert.equal(await page2.locator('[data-testid=draft-link]').count(), 0, 'the waiting tab shows no stale list');

    await first.page.close();
    const item = page2.locator('[data-testid=draft-link]', { hasText: '二つのタブの下書き' });
    await item.waitFor({ timeout: 20_000 });
    assert.doesNotMatch(await status.innerText(), /別のタブ/);
}));

test('Background Sync: an edit made offline reaches the server through the service worker after the app was closed', () => withPhone(persistentPhoneContext, async ({ server, url, context: phone, page, app }) => {
    await page.goto(url);
    await new DirectoryPage(page, url).waitServiceWorker();
    await app.redeem(await server.invite(GROUP), 'mimamori.bg');
    await app.newDraft();
    await app.type('事業名', '夜回りの見守り');
    await app.waitSaved();
    await app.waitState('送信済み');

    await phone.setOffline(true); // the phone has no network (page and service worker)
    await app.type('実施場所', '四十万町内一円');
    await app.waitSaved();
    await page.locator('[data-testid=sync-status]', { hasText: 'オフライン' }).waitFor();
    const syncTags = () => page.evaluate(async () => (await navigator.serviceWorker.ready).sync.getTags());
    let tags = await syncTags();
    for (let i = 0; i < 50 && tags.length === 0; i++) {
      await new Promise((ok) => setTimeout(ok, 200));
      tags = await syncTags();
    }
    assert.deepEqual(tags, ['tsunagari-drafts'], 'the app asked for Background Sync');

    // The app is closed, then the network comes back: the browser fires
    // `sync` and the service worker sends the stored edit.
    const keepAlive = await phone.newPage();
    await page.close();
    await phone.setOffline(false);
    let drafts = [];
    for (let i = 0; i < 75 && drafts[0]?.proposal.place !== '四十万町内一円'; i++) {
      await new Promise((ok) => setTimeout(ok, 200));
      drafts = await serverDrafts(url, 'mimamori.bg');
    }
    assert.equal(drafts.length, 1);
    assert.equal(drafts[0].proposal.place, '四十万町内一円', 'the service worker sent the stored edit');
    assert.equal(drafts[0].proposal.title, '夜回りの見守り');

    // The app, opened again, re-sends the same request: applied once, synced.
    const reopened = new DraftsApp(keepAlive, url);
    await keepAlive.goto(`${url}/drafts`);
    await reopened.waitAllSynced();
    const again = await serverDrafts(url, 'mimamori.bg');
    assert.equal(again[0].revision, drafts[0].revision, 'the replayed request changed nothing');
    assert.match(await keepAlive.locator('[data-testid=draft-link]', { hasText: '夜回りの見守り' }).innerText(), /送信済み/);
}));

test('a phone shared by two groups: each member sees and syncs only their own group\'s drafts', () => withPhone(() => phoneContext(browser), async ({ server, url, page, app }) => {
    await app.redeem(await server.invite(GROUP), 'mimamori.shared');
    await app.newDraft();
    await app.type('事業名', '町会の見守り');
    await app.waitSaved();
    await app.waitState('送信済み');

    await page.goto(`${url}/signin`);
    await page.getByRole('button', { name: 'サインアウト' }).click();
    await page.getByRole('button', { name: '招待コードで登録' }).waitFor();
    const other = await server.invite('porepore');
    await app.redeem(other, 'porepore.shared');
    assert.equal(await page.locator('[data-testid=draft-link]', { hasText: '町会の見守り' }).count(), 0,
      'the other group\'s draft is not listed');
    await app.newDraft();
    await app.type('事業名', 'ポレポレの居場所づくり');
    await app.waitSaved();
    await app.waitState('送信済み');

    assert.deepEqual((await serverDrafts(url, 'porepore.shared')).map((d) => d.proposal.title), ['ポレポレの居場所づくり']);
    assert.deepEqual((await serverDrafts(url, 'mimamori.shared')).map((d) => d.proposal.title), ['町会の見守り']);
}));

test('a change pulled from another phone keeps the caret in the field being typed in', () => withTwoPhones(() => phoneContext(browser), async ({ server, a, b }) => {
    await a.redeem(await server.invite(GROUP), 'caret.a');
    await a.newDraft();
    await a.type('事業名', 'しじま');
    await a.waitSaved();
    await a.waitState('送信済み');
    await b.redeem(await server.invite(GROUP), 'caret.b');
    await b.openDraft('しじま');
    await b.type('実施場所', '四十万公民館');
    await b.waitSaved();
    await b.waitState('送信済み');

    // A types in the title; its sync pulls B's place and updates the form
    // (in place: Leptos rebuilds the same view without replacing elements).
    await a.page.evaluate(() => { document.getElementById('f-title').dataset.mark = 'before'; });
    await a.field('事業名').click();
    await a.page.keyboard.press('End');
    await a.page.keyboard.type('見守り');
    await a.page.waitForFunction(() => document.querySelector('[data-testid=draft-state]')?.textContent.includes('送信済み')
      && [...document.querySelectorAll('input')].some((i) => i.value === '四十万公民館'), null, { timeout: 20_000 });
    assert.equal(await a.page.evaluate(() => document.activeElement?.dataset.mark), 'before',
      'the form was updated in place: the same input still has the focus');
    await a.page.keyboard.type('隊');
    assert.equal(await a.field('事業名').inputValue(), 'しじま見守り隊', 'typing went on in the same field after the redraw');
    assert.equal(await a.field('実施場所').inputValue(), '四十万公民館');
}));

test('typing without a pause is stored on the device while typing, not only after a pause', () => withPhone(() => phoneContext(browser), async ({ server, app }) => {
    await app.redeem(await server.invite(GROUP), 'autosave.a');
    await app.newDraft();
    await app.field('事業名').click();
    const storedTitle = () => app.page.evaluate(() => new Promise((ok, fail) => {
      const open = indexedDB.open('tsunagari');
      open.onerror = () => fail(open.error);
      open.onsuccess = () => {
        const all = open.result.transaction('drafts').objectStore('drafts').getAll();
        all.onsuccess = () => { ok(all.result.map((l) => l.draft.proposal.title).join('|')); open.result.close(); };
        all.onerror = () => fail(all.error);
      };
    }));
    // 40 keystrokes 100 ms apart: never a 300 ms pause.
    const typing = app.page.keyboard.type('x'.repeat(40), { delay: 100 });
    await app.page.waitForTimeout(2500);
    // What the field shows and what the device holds, read together: the
    // store trails the typing by at most the last half second's keys (about
    // 5 at this pace; 10 allowed for a loaded machine), never by everything
    // typed since the start, as an autosave that waits for a pause would.
    const shown = await app.field('事業名').inputValue();
    const midway = await storedTitle();
    await typing;
    assert.ok(shown.length >= 10, `only ${shown.length} characters typed after 2.5 s`);
    assert.ok(midway.length >= shown.length - 10,
      `while typing, ${midway.length} of the ${shown.length} characters shown were stored`);
    await app.waitSaved();
    assert.equal(await storedTitle(), 'x'.repeat(40));
}));

/** Completes the group's draft titled `title` and submits it through the API, as another phone of member `login` would. */
async function completeAndSubmit(url, login, title) {
  const signin = await fetch(`${url}/api/auth/signin`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, passphrase: PASSPHRASE }),
  });
  const { token } = await signin.json();
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const page = await (await fetch(`${url}/api/drafts`, { headers: auth })).json();
  const draft = page.items.find((d) => d.proposal.title === title);
  assert.ok(draft, `the server has the draft ${title}`);
  const proposal = {
    ...draft.proposal,
    summary: '町会の有志が通学路を歩いて見守ります。',
    purpose: '子どもと高齢者が安心して歩ける町にする。',
    local_issue: '見守りの担い手が減っている。',
    activities: '週二回の見守り散歩。',
    schedule: [{ id: 'm1', date: `${draft.proposal.fiscal_year}-11-01`, what: '説明会' }],
    place: '四十万町内',
    outcomes: '見守りの担い手が20人になる。',
    role_division: '団体は運営、市は広報。',
    department: '市民協働推進課',
    budget: [
      { id: 'b1', kind: 'income', item: '補助金', amount_yen: 50000 },
      { id: 'b2', kind: 'expense', item: '腕章', amount_yen: 50000 },
    ],
    contact_person: '四十万 太郎',
  };
  const client = `e2e-other-phone-${Date.now()}`;
  const push = await fetch(`${url}/api/drafts/push`, {
    method: 'POST', headers: auth,
    body: JSON.stringify({
      client,
      mutations: [
        { id: { client, n: 1 }, draft: draft.id, base_revision: draft.revision, op: { type: 'put', proposal, base: draft.proposal } },
        { id: { client, n: 2 }, draft: draft.id, base_revision: draft.revision + 1, op: { type: 'submit' } },
      ],
    }),
  });
  const { results } = await push.json();
  assert.deepEqual(results.map((r) => r.outcome.type), ['applied', 'applied'], JSON.stringify(results));
}

test('submitted on another phone while this one had unsent text: the text is kept, shown plainly, and never called synced', () => withTwoPhones(() => phoneContext(browser), async ({ server, url, a, b }) => {
    await a.redeem(await server.invite(GROUP), 'teishutsu.a');
    await b.redeem(await server.invite(GROUP), 'teishutsu.b');
    await a.newDraft();
    await a.type('事業名', 'しじま見守り散歩');
    await a.waitSaved();
    await a.waitState('送信済み');
    await b.syncNow();
    await b.openDraft('しじま見守り散歩');
    await b.field('事業名').waitFor();

    // B's phone loses its network and B writes a sentence; meanwhile the
    // proposal is completed and submitted from another phone.
    await b.page.context().setOffline(true);
    const sentence = 'Bの文章：月に一度、公民館で見守りの振り返り会を開きます。';
    await b.type('期待される成果', sentence);
    await b.waitSaved();
    await completeAndSubmit(url, 'teishutsu.a', 'しじま見守り散歩');

    await b.page.context().setOffline(false);
    await b.syncNow();
    const notice = b.page.locator('[data-testid=left-out]');
    await notice.waitFor({ timeout: 20_000 });
    assert.match(await notice.innerText(), /この端末で書いた文章は提出に含まれていません/);
    assert.equal(await b.page.locator('[data-testid=left-out-text]').first().innerText(), sentence);
    assert.match(await b.page.locator('[data-testid=left-out-all]').inputValue(), new RegExp(`期待される成果：${sentence}`));
    assert.ok(await b.page.locator('[data-testid=copy-left-out]').isVisible(), 'a copy button');
    assert.equal(await b.page.locator('[data-testid=conflict-panel]').count(), 0, 'no conflict screen');
    assert.equal(await b.draftState().innerText(), 'この端末の文章は未提出');
    assert.doesNotMatch(await b.syncStatus().innerText(), /すべて同期済み|送信済み/);

    // Kept on the phone: still there after a reload and in the list.
    await b.page.reload();
    await notice.waitFor({ timeout: 20_000 });
    assert.equal(await b.page.locator('[data-testid=left-out-text]').first().innerText(), sentence);
    await b.openList();
    const item = b.page.locator('[data-testid=draft-link]', { hasText: 'しじま見守り散歩' });
    await item.waitFor();
    assert.match(await item.innerText(), /この端末の文章は未提出/);
    await b.page.locator('[data-testid=sync-status]', { hasText: '件の提出にこの端末の文章が含まれていません' }).waitFor();
    assert.doesNotMatch(await b.syncStatus().innerText(), /すべて同期済み/);

    const drafts = await serverDrafts(url, 'teishutsu.b');
    assert.ok(drafts[0].submitted_at, 'the proposal is submitted');
    assert.equal(drafts[0].proposal.outcomes, '見守りの担い手が20人になる。', 'as the other phone submitted it');
}));

test('a push answered with a 408 (a timeout page, not our JSON) is sent again, and the draft reaches the server', () => withPhone(() => phoneContext(browser), async ({ server, url, page, app }) => {
    await app.redeem(await server.invite(GROUP), 'timeout.a');
    // The first push carrying the title gets a proxy's timeout page; no
    // edit follows, so only a retry can bring the title to the server.
    let timedOut = 0;
    let after = 0;
    await page.route('**/api/drafts/push', async (route) => {
      const title = (route.request().postData() || '').includes('時間切れでも届く下書き');
      if (title && timedOut === 0) {
        timedOut += 1;
        await route.fulfill({ status: 408, contentType: 'text/html', body: '<html><body>Request Timeout</body></html>' });
      } else {
        if (title) after += 1;
        await route.continue();
      }
    });
    await app.newDraft();
    await app.type('事業名', '時間切れでも届く下書き');
    await app.waitSaved();
    await app.waitState('送信済み');
    assert.equal(timedOut, 1, 'the push was answered with a 408 once');
    assert.ok(after >= 1, 'and sent again');
    assert.equal(await page.locator('[data-testid=rejected]').count(), 0, 'no refusal shown');
    const drafts = await serverDrafts(url, 'timeout.a');
    assert.deepEqual(drafts.map((d) => d.proposal.title), ['時間切れでも届く下書き']);
}));
