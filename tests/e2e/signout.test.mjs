// サインアウト is reachable from /drafts (issue 10, item 5): before, it was
// only on /signin, which nothing links to once signed in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, phoneContext, withApp } from './fixtures.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('a member signs out from the drafts page, and stays signed out after a reload', () => withApp(() => phoneContext(browser), async ({ server, url, page }) => {
  await page.goto(`${url}/signin`);
  await page.getByRole('button', { name: '招待コードで登録' }).click();
  await page.getByLabel('招待コード').fill(await server.invite('shijima-kizuna-chokai'));
  await page.getByLabel('ログイン名').fill('signout.a');
  await page.getByLabel('パスフレーズ').fill('しじまの町を歩いて見守る');
  await page.getByRole('button', { name: '登録してサインイン' }).click();
  await page.waitForURL(/\/drafts$/);

  await page.getByRole('button', { name: 'サインアウト' }).click();
  const notice = page.locator('[data-testid=need-signin]');
  await notice.waitFor();
  assert.equal(await page.getByRole('button', { name: '新しい下書き' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: 'サインアウト' }).count(), 0);

  await page.reload();
  await notice.waitFor();
  assert.match(await notice.innerText(), /サインインしてください/);
}));
