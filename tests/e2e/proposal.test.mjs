// The proposal form a 町会 secretary can finish (issue 10, item 5): five
// steps with a progress; the main task, signed out → 市に提出済み with one
// milestone, one income and one expense line, in at most 20 taps besides
// typing; 確認 lists what to fix and each entry leads to its field; a
// deleted row can be brought back and each 削除 is named for its row; the
// sign-in form says each problem at its field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, phoneContext, withApp, DraftsApp, PASSPHRASE, serverDrafts } from './fixtures.mjs';

const GROUP = 'shijima-kizuna-chokai';
const MAX_TAPS = 20;

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** Counts what a person taps: a click is one tap, choosing in a list two (open, choose), answering a dialog one. */
class Taps {
  constructor(page) {
    this.n = 0;
    this.log = [];
    page.on('dialog', (d) => { this.count(`dialog: ${d.message().slice(0, 20)}`); d.accept(); });
  }
  count(what) { this.n += 1; this.log.push(what); }
  async tap(locator, what) { this.count(what); await locator.click(); }
  async choose(locator, value, what) { this.count(`${what} (open)`); this.count(`${what} (choose)`); await locator.selectOption(value); }
}

const activeId = (page) => page.evaluate(() => document.activeElement?.id ?? '');

test(`the main task, signed out to 市に提出済み, takes at most ${MAX_TAPS} taps`, () => withApp(() => phoneContext(browser), async ({ server, url, page }) => {
  const code = await server.invite(GROUP);
  const taps = new Taps(page);
  const label = (l) => page.getByLabel(l, { exact: true });
  const next = page.getByRole('button', { name: '次へ' });

  await page.goto(`${url}/drafts`);
  await taps.tap(page.getByRole('link', { name: 'サインインへ' }), 'サインインへ');
  await label('招待コード').fill(code);
  await label('ログイン名').fill('shoki.a');
  await label('パスフレーズ').fill(PASSPHRASE);
  await taps.tap(page.getByRole('button', { name: '登録してサインイン' }), '登録してサインイン');
  await page.waitForURL(/\/drafts$/);
  await taps.tap(page.getByRole('button', { name: '新しい下書き' }), '新しい下書き');

  // 1 基本情報
  await page.locator('#step-heading', { hasText: '基本情報' }).waitFor();
  assert.equal(await page.locator('[data-testid=step-link][aria-current=step]').innerText(), '1\n基本情報');
  await label('事業名').fill('しじま見守り散歩');
  await label('事業の概要').fill('町会の有志が週に二度、通学路を歩いて子どもと高齢者を見守ります。');
  await taps.choose(label('希望する協働課'), '市民協働推進課', '希望する協働課');
  await label('実施場所').fill('四十万町内');
  await label('担当者').fill('四十万 花子');
  await taps.tap(next, '次へ (1)');

  // 2 内容: the heading has the focus, as after a page change.
  await page.locator('#step-heading', { hasText: '内容' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'step-heading');
  await label('事業の目的').fill('子どもと高齢者が安心して歩ける町にする。');
  await label('解決したい地域の課題').fill('見守りの担い手が減っている。');
  await label('活動内容').fill('週二回の見守り散歩。');
  await label('期待される成果').fill('見守りの担い手が20人になる。');
  await label('団体と市の役割分担').fill('団体は運営、市は広報。');
  await taps.tap(next, '次へ (2)');

  // 3 日程: one milestone (its date starts as today, inside this fiscal year).
  await page.locator('#step-heading', { hasText: '日程' }).waitFor();
  await taps.tap(page.getByRole('button', { name: '予定を追加' }), '予定を追加');
  await label('予定の内容').fill('説明会');
  await taps.tap(next, '次へ (3)');

  // 4 予算: one income and one expense line.
  await page.locator('#step-heading', { hasText: '予算' }).waitFor();
  await taps.tap(page.getByRole('button', { name: '収入を追加' }), '収入を追加');
  await label('費目').nth(0).fill('市の補助金');
  await label('金額').nth(0).fill('5万');
  await taps.tap(page.getByRole('button', { name: '支出を追加' }), '支出を追加');
  await label('費目').nth(1).fill('腕章と帽子');
  await label('金額').nth(1).fill('50,000円');
  await page.locator('[data-testid=amount-read]').nth(0).filter({ hasText: '50,000円' }).waitFor();
  await taps.tap(next, '次へ (4)');

  // 5 確認: nothing to fix; before submitting, the status says sent, not submitted.
  await page.locator('#step-heading', { hasText: '確認' }).waitFor();
  await page.locator('[data-testid=review-ok]').waitFor();
  assert.equal(await page.locator('[data-testid=error-summary]').count(), 0);
  await page.locator('[data-testid=draft-state]', { hasText: '送信済み・まだ提出していません' }).waitFor({ timeout: 20_000 });
  await taps.tap(page.getByRole('button', { name: '市に提出する' }), '市に提出する');

  const status = page.locator('[data-testid=draft-status]');
  await page.locator('[data-testid=draft-state]', { hasText: '市に提出済み' }).waitFor({ timeout: 20_000 });
  assert.match(await status.getAttribute('class'), /\bsubmitted\b/, 'the submitted look, with its own icon');
  assert.equal(await status.locator('.status-icon svg').count(), 1);

  console.log(`taps: ${taps.n} (${taps.log.join(', ')})`);
  assert.ok(taps.n <= MAX_TAPS, `${taps.n} taps: ${taps.log.join(', ')}`);

  const drafts = await serverDrafts(url, 'shoki.a');
  assert.equal(drafts.length, 1);
  const [d] = drafts;
  assert.ok(d.submitted_at, 'submitted on the server');
  assert.equal(d.proposal.title, 'しじま見守り散歩');
  assert.deepEqual(d.proposal.schedule.map((m) => m.what), ['説明会']);
  assert.deepEqual(d.proposal.budget.map((l) => [l.kind, l.item]), [['income', '市の補助金'], ['expense', '腕章と帽子']]);

  // The list tells submitted from sent in words, in both languages.
  await page.goto(`${url}/drafts`);
  const item = page.locator('[data-testid=draft-link]', { hasText: 'しじま見守り散歩' });
  assert.match(await item.innerText(), /市に提出済み/);
  await page.locator('[data-testid=lang-switch]').click();
  await item.filter({ hasText: 'Submitted to the city' }).waitFor();
}));

test('確認 lists what is left to fix; an entry opens its step and focuses the field, and the step survives a reload', () => withApp(() => phoneContext(browser), async ({ server, url, page }) => {
  const app = new DraftsApp(page, url);
  await app.redeem(await server.invite(GROUP), 'kakunin.a');
  await app.newDraft();
  await app.type('事業名', '防災マップづくり');
  await app.type('活動内容', '町内を歩いて危ない場所を地図にする。');
  await app.waitSaved();

  await app.step(5);
  const summary = page.locator('[data-testid=error-summary]');
  await summary.waitFor();
  const entries = summary.locator('[data-testid=summary-link]');
  const texts = await entries.allInnerTexts();
  assert.ok(texts.some((t) => /事業の概要/.test(t)), texts.join('\n'));
  assert.ok(!texts.some((t) => /事業名/.test(t)), 'the title is filled in: not listed');
  assert.ok(await page.getByRole('button', { name: '市に提出する' }).isDisabled());
  // In the order of the steps: 基本情報 first, 予算 last.
  assert.match(texts[0], /^基本情報/);
  assert.match(texts.at(-1), /^予算/);

  await entries.filter({ hasText: '事業の概要' }).click();
  await page.waitForURL(/step=1$/);
  await page.waitForFunction(() => document.activeElement?.id === 'f-summary');
  const field = page.locator('.field', { has: page.locator('#f-summary') });
  await field.locator('[data-testid=field-error]').waitFor();
  assert.equal(await page.locator('#f-summary').getAttribute('aria-invalid'), 'true');
  const box = await page.locator('#f-summary').boundingBox();
  assert.ok(box.y >= 0 && box.y + box.height <= 800, `the field is on screen (y ${box.y})`);

  // Fixed, and straight back to 確認.
  await app.type('事業の概要', '地域で防災マップを作ります。');
  await page.getByRole('button', { name: '確認へ戻る' }).click();
  await page.locator('#step-heading', { hasText: '確認' }).waitFor();
  assert.ok(!(await entries.allInnerTexts()).some((t) => /事業の概要/.test(t)));

  // 予算's entry leads to the add button of the budget.
  await entries.filter({ hasText: '支出の項目を1つ以上追加してください' }).click();
  await page.waitForURL(/step=4$/);
  await page.waitForFunction(() => document.activeElement?.id === 'f-budget-add');

  // The step is in the address: a reload keeps it, and what was typed.
  await app.step(2);
  await page.reload();
  await page.locator('#step-heading', { hasText: '内容' }).waitFor();
  assert.equal(await app.field('活動内容').inputValue(), '町内を歩いて危ない場所を地図にする。');
  // 戻る goes one step back and moves the focus to the step's heading.
  await page.getByRole('button', { name: '戻る' }).click();
  await page.locator('#step-heading', { hasText: '基本情報' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'step-heading');
  assert.equal(await app.field('事業の概要').inputValue(), '地域で防災マップを作ります。');
}));

test('each 削除 is named for its row, and 元に戻す brings a deleted row back where it was', () => withApp(() => phoneContext(browser), async ({ server, url, page }) => {
  const app = new DraftsApp(page, url);
  await app.redeem(await server.invite(GROUP), 'modosu.a');
  await app.newDraft();
  await app.step(4);
  const add = (name) => page.getByRole('button', { name }).click();
  await add('収入を追加');
  await add('支出を追加');
  await add('支出を追加');
  const items = page.getByLabel('費目', { exact: true });
  await items.nth(0).fill('補助金');
  await items.nth(1).fill('腕章');
  await items.nth(2).fill('お茶代');

  // Three buttons, three names (before: three times 削除).
  for (const name of ['収入 1行目を削除', '支出 1行目を削除', '支出 2行目を削除']) {
    assert.equal(await page.getByRole('button', { name, exact: true }).count(), 1, name);
  }
  await page.getByRole('button', { name: '支出 1行目を削除', exact: true }).click();
  assert.deepEqual(await items.evaluateAll((els) => els.map((e) => e.value)), ['補助金', 'お茶代']);
  const bar = page.locator('[data-testid=undo-bar]');
  assert.match(await bar.innerText(), /支出 1行目を削除しました/);
  assert.equal(await activeId(page), 'undo-remove', 'the focus is on 元に戻す, not lost with the deleted button');
  await page.getByRole('button', { name: '元に戻す' }).click();
  assert.deepEqual(await items.evaluateAll((els) => els.map((e) => e.value)), ['補助金', '腕章', 'お茶代']);
  assert.equal(await bar.count(), 0);

  // The next change ends the offer.
  await page.getByRole('button', { name: '支出 2行目を削除', exact: true }).click();
  await bar.waitFor();
  await items.nth(0).fill('市の補助金');
  await bar.waitFor({ state: 'detached' });

  // What the server holds after the sync: the row brought back, not the one deleted last.
  await app.waitSaved();
  await app.waitState('送信済み');
  const [d] = await serverDrafts(url, 'modosu.a');
  assert.deepEqual(d.proposal.budget.map((l) => l.item), ['市の補助金', '腕章']);

  // 日程 too.
  await app.step(3);
  await page.getByRole('button', { name: '予定を追加' }).click();
  await page.getByLabel('予定の内容', { exact: true }).fill('説明会');
  await page.getByRole('button', { name: '予定 1行目を削除', exact: true }).click();
  await page.getByRole('button', { name: '元に戻す' }).click();
  assert.equal(await page.getByLabel('予定の内容', { exact: true }).inputValue(), '説明会');

  // In English the names follow.
  await page.locator('[data-testid=lang-switch]').click();
  await page.getByRole('button', { name: 'Delete milestone 1', exact: true }).waitFor();
}));

test('the sign-in form says each problem at its field: an empty code, a wrong code', () => withApp(() => phoneContext(browser), async ({ server, url, page }) => {
  await page.goto(`${url}/signin`);
  const codeField = page.locator('.field', { has: page.locator('#invite-code') });
  await page.getByLabel('ログイン名').fill('machigai.a');
  await page.getByLabel('パスフレーズ').fill(PASSPHRASE);
  await page.getByRole('button', { name: '登録してサインイン' }).click();
  await codeField.locator('[data-testid=field-error]', { hasText: '招待コードを入力してください' }).waitFor();
  assert.equal(await page.locator('#invite-code').getAttribute('aria-invalid'), 'true');
  assert.equal(await activeId(page), 'invite-code');

  await page.getByLabel('招待コード').fill('AAAA-BBBB-CCCC');
  await page.getByRole('button', { name: '登録してサインイン' }).click();
  await codeField.locator('[data-testid=field-error]', { hasText: '招待コードが正しくないか' }).waitFor();
  assert.equal(await activeId(page), 'invite-code');
  assert.equal((await page.locator('[data-testid=form-error]').innerText()).trim(), '', 'not far away above the button');

  // A good code: signed in.
  await page.getByLabel('招待コード').fill(await server.invite(GROUP));
  await page.getByRole('button', { name: '登録してサインイン' }).click();
  await page.waitForURL(/\/drafts$/);
}));
