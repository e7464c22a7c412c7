// Amounts as people type them (issue 10, item 1): `30万` in a budget line is
// 300,000円 beside the field, in the totals and in the print view; a new
// line starts empty and is not an error until it is left; what cannot be
// read says so and is never another number.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, phoneContext, withApp } from './fixtures.mjs';

const GROUP = 'shijima-kizuna-chokai';

/** The budget part of the proposal editor, as a member uses it. */
class BudgetForm {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
  }

  // actions
  async redeemAndStartDraft(code) {
    await this.page.goto(`${this.baseUrl}/signin`);
    await this.page.getByRole('button', { name: '招待コードで登録' }).click();
    await this.page.getByLabel('招待コード').fill(code);
    await this.page.getByLabel('ログイン名').fill('kingaku.a');
    await this.page.getByLabel('パスフレーズ').fill('しじまの町を歩いて見守る');
    await this.page.getByRole('button', { name: '登録してサインイン' }).click();
    await this.page.waitForURL(/\/drafts$/);
    await this.page.getByRole('button', { name: '新しい下書き' }).click();
    await this.page.waitForURL(/\/drafts\/[A-Za-z0-9_-]{8,}$/);
    await this.page.locator('[data-testid=step-link][data-step="4"]').click(); // 予算
    await this.page.locator('#step-heading', { hasText: '予算' }).waitFor();
  }
  async addExpense() { await this.page.getByRole('button', { name: '支出を追加' }).click(); }
  async addIncome() { await this.page.getByRole('button', { name: '収入を追加' }).click(); }
  amount(n) { return this.page.getByLabel('金額', { exact: true }).nth(n); }
  async typeAmount(n, text) { await this.amount(n).fill(text); }
  async leaveAmount(n) { await this.amount(n).blur(); }
  async waitSaved() { await this.page.locator('[data-testid=draft-status][data-save=saved]').waitFor(); }

  // results
  amountRead(n) { return this.page.locator('[data-testid=amount-read]').nth(n); }
  row(n) { return this.page.locator('[data-testid=budget] > li').nth(n); }
  rowErrors(n) { return this.row(n).locator('[data-testid=field-error]'); }
  totals() { return this.page.locator('[data-testid=budget-totals]'); }
}

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('30万 is read as 300,000円 beside the field, in the totals and in the print view', () => withApp(() => phoneContext(browser), async ({ server, url, page }) => {
  const form = new BudgetForm(page, url);
  await form.redeemAndStartDraft(await server.invite(GROUP));

  // A new line starts empty and says nothing until it is left.
  await form.addExpense();
  assert.equal(await form.amount(0).inputValue(), '', 'a new line starts empty, not 0');
  await form.amount(0).focus();
  assert.equal(await form.rowErrors(0).count(), 0, 'no error while the new line is being filled');
  await form.leaveAmount(0);
  await form.rowErrors(0).filter({ hasText: '金額を入力してください' }).waitFor();

  await form.typeAmount(0, '30万');
  await form.amountRead(0).filter({ hasText: '300,000円' }).waitFor();
  await form.addIncome();
  assert.equal(await form.page.getByLabel('収入・支出の区分').nth(1).inputValue(), 'income', 'the line added by 収入を追加 is income');
  await form.typeAmount(1, '1万5千');
  await form.leaveAmount(1);
  await form.amountRead(1).filter({ hasText: '15,000円' }).waitFor();
  await form.typeAmount(1, '３０万');
  await form.amountRead(1).filter({ hasText: '300,000円' }).waitFor();
  const totals = await form.totals().innerText();
  assert.match(totals, /収入合計\s*300,000円/, totals);
  assert.match(totals, /支出合計\s*300,000円/, totals);
  assert.equal(await form.rowErrors(0).count(), 0, 'the line is fine now');

  // What was typed is kept as typed, across a reload.
  await form.waitSaved();
  await page.reload();
  await form.amount(0).waitFor();
  assert.equal(await form.amount(0).inputValue(), '30万');
  await form.amountRead(0).filter({ hasText: '300,000円' }).waitFor();

  // In English the same amount reads ¥300,000.
  await page.locator('[data-testid=lang-switch]').click();
  await form.amountRead(0).filter({ hasText: '¥300,000' }).waitFor();
  await page.locator('[data-testid=lang-switch]').click();

  await page.getByRole('link', { name: '印刷用の表示' }).click();
  const doc = page.locator('[data-testid=proposal-doc]');
  await doc.waitFor();
  const text = await doc.innerText();
  assert.match(text, /支出\s+300,000円/, text);
  assert.match(text, /支出合計\s*300,000円/, text);
  assert.match(text, /収入合計\s*300,000円/, text);
  assert.doesNotMatch(text, /(^|[^,\d])30円/, 'never 30円');
}));

test('an amount that cannot be read gets a message and no number', () => withApp(() => phoneContext(browser), async ({ server, url, page }) => {
  const form = new BudgetForm(page, url);
  await form.redeemAndStartDraft(await server.invite(GROUP));
  await form.addExpense();
  await form.typeAmount(0, '3o万');
  await form.leaveAmount(0);
  await form.rowErrors(0).filter({ hasText: '「3o万」は金額として読めません' }).waitFor();
  assert.equal((await form.amountRead(0).innerText()).trim(), '', 'no amount shown for what cannot be read');
  await page.locator('[data-testid=amounts-unread]').waitFor();
  assert.equal(await form.amount(0).getAttribute('aria-invalid'), 'true');
}));
