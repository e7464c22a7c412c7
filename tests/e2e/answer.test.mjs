// The answer on the group's phone (issue 12, items 2, 4 and 6): a whole
// round from a group drafting offline on two phones to 採択 with the
// receipt on both; a draft started under version 1 of a round after
// version 2 lowered a cap; a submission after the deadline refused with
// the server's words while the draft is kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ROOT, PASSPHRASE, launchBrowser, persistentPhoneContext, phoneContext, withApp, withTwoPhones,
  DraftsApp, serverDrafts, eventually,
} from './fixtures.mjs';

const GROUP = 'shijima-kizuna-chokai';
const ROUND = JSON.parse(readFileSync(join(ROOT, 'data/rounds/2026.json'), 'utf8'));

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** `data/rounds/2026.json` changed by `edit`, written to a temporary file. */
function roundFile(edit = (r) => r) {
  const round = edit(structuredClone(ROUND));
  const file = join(mkdtempSync(join(tmpdir(), 'tsunagari-round-')), 'round.json');
  writeFileSync(file, JSON.stringify(round, null, 2));
  return file;
}

/** The city's staff through the staff API (the /staff page is another branch's). */
class Staff {
  static async signUp(server, url) {
    const out = await server.admin('invite-staff');
    const code = out.match(/\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b/)?.[0];
    assert.ok(code, `a staff invitation in: ${out}`);
    const r = await fetch(`${url}/api/auth/redeem`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, login: 'kyodo.staff', passphrase: PASSPHRASE }),
    });
    assert.equal(r.status, 200, 'the staff member redeems the code');
    return new Staff(url, (await r.json()).token);
  }
  constructor(url, token) { this.url = url; this.token = token; }
  async submissions() {
    const r = await fetch(`${this.url}/api/staff/submissions`, { headers: { authorization: `Bearer ${this.token}` } });
    assert.equal(r.status, 200);
    return r.json();
  }
  async move(id, to, comment = '') {
    const r = await fetch(`${this.url}/api/staff/submissions/${id}/transition`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ to, comment }),
    });
    assert.equal(r.status, 200, `${to}: ${await r.clone().text()}`);
    return r.json();
  }
}

/** Steps 1 and 2 of the form, as a member types them. */
async function fillText(app) {
  const { page } = app;
  await app.step(1);
  await app.field('事業の概要').fill('町会の有志が週に二度、通学路を歩いて子どもと高齢者を見守ります。');
  await app.field('希望する協働課').selectOption('市民協働推進課');
  await app.field('実施場所').fill('四十万町内');
  await app.field('担当者').fill('四十万 花子');
  await app.step(2);
  await app.field('事業の目的').fill('子どもと高齢者が安心して歩ける町にする。');
  await app.field('解決したい地域の課題').fill('見守りの担い手が減っている。');
  await app.field('活動内容').fill('週二回の見守り散歩。');
  await app.field('期待される成果').fill('見守りの担い手が20人になる。');
  await app.field('団体と市の役割分担').fill('団体は運営、市は広報。');
  await page.locator('#step-heading').waitFor();
}

/** Steps 3 and 4: one milestone, one income and one expense line of `expense`. */
async function fillLists(app, expense = '50,000円') {
  const { page } = app;
  await app.step(3);
  await page.getByRole('button', { name: '予定を追加' }).click();
  await app.field('予定の内容').fill('説明会');
  await app.step(4);
  await page.getByRole('button', { name: '収入を追加' }).click();
  await app.field('費目').nth(0).fill('市の補助金');
  await app.field('金額').nth(0).fill('5万');
  await page.getByRole('button', { name: '支出を追加' }).click();
  await app.field('費目').nth(1).fill('腕章と帽子');
  await app.field('金額').nth(1).fill(expense);
}

/** 確認 → 市に提出する (the confirmation accepted). */
async function submit(app) {
  const { page } = app;
  await app.step(5);
  await page.locator('[data-testid=review-ok]').waitFor();
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: '市に提出する' }).click();
}

const receiptNo = (page) => page.locator('[data-testid=review] [data-testid=receipt-no]');
const reviewStatus = (page) => page.locator('[data-testid=review] [data-testid=review-status]');

test('a whole round: two phones draft offline, submit (queued offline), 差し戻し read offline, resubmit, 採択 with the receipt on both', () => withTwoPhones(persistentPhoneContext, async ({ server, url, a, b }) => {
  await server.admin('publish-round', roundFile());
  const staff = await Staff.signUp(server, url);
  await a.redeem(await server.invite(GROUP), 'answer.a');
  await b.redeem(await server.invite(GROUP), 'answer.b');
  for (const p of [a, b]) await p.page.evaluate(async () => { await navigator.serviceWorker.ready; });

  // A starts the draft; B has it after a sync.
  await a.newDraft();
  await a.type('事業名', 'しじま見守り散歩');
  await a.waitSaved();
  await a.waitState('送信済み');
  await b.syncNow();
  await b.openDraft('しじま見守り散歩');
  await b.field('事業名').waitFor();

  // Offline (the server is down): A writes the text, B the schedule and budget.
  await server.stop();
  await fillText(a);
  await a.waitSaved();
  await fillLists(b);
  await b.waitSaved();

  // Online: both phones sync; A has B's lists.
  await server.start();
  await b.syncNow();
  await b.waitState('送信済み');
  await a.syncNow();
  await a.waitState('送信済み');
  await a.step(4);
  await eventually(async () => (await a.field('費目').count()) === 2, "B's budget lines on A");

  // Offline again, A submits: 送信待ち, also after a reload.
  await server.stop();
  await submit(a);
  await a.waitState('送信待ち');
  assert.match(await a.page.locator('[data-testid=read-only]').innerText(), /送信待ち/);
  await a.page.reload();
  await a.waitState('送信待ち');

  // Back online: the server takes it and answers the receipt.
  await server.start();
  await a.syncNow();
  await a.waitState('市に提出済み');
  await receiptNo(a.page).waitFor({ timeout: 20_000 });
  const number = await receiptNo(a.page).innerText();
  assert.match(number, /^2026-\d{4}$/);
  assert.match(await a.page.locator('[data-testid=review] [data-testid=received-at]').innerText(), /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}$/);

  // Staff return it with a comment.
  const [sub] = await staff.submissions();
  assert.equal(sub.receipt_no, number);
  const COMMENT = '予算の内訳をもう少し詳しく書いてください。';
  await staff.move(sub.draft_id, 'returned', COMMENT);

  // A syncs, then reads it offline after a reload: new on the list, the comment beside the editor.
  await a.openList();
  await a.syncNow();
  const item = a.page.locator('[data-testid=draft-link]', { hasText: 'しじま見守り散歩' });
  await item.locator('[data-testid=review-new]').waitFor({ timeout: 20_000 });
  await server.stop();
  await a.page.reload();
  await item.locator('[data-testid=review-new]').waitFor({ timeout: 20_000 });
  assert.match(await item.innerText(), /差し戻し/);
  await a.openDraft('しじま見守り散歩');
  await a.page.locator('[data-testid=review-comment]', { hasText: COMMENT }).waitFor();
  assert.equal(await reviewStatus(a.page).innerText(), '差し戻し');
  // Editable again; the edit is kept offline.
  await a.type('事業名', 'しじま見守り散歩（改訂）');
  await a.waitSaved();
  await a.openList();
  assert.equal(await item.locator('[data-testid=review-new]').count(), 0, 'seen on this phone: no longer new');

  // Online: A resubmits; the same 受付番号.
  await server.start();
  await a.syncNow();
  await a.openDraft('しじま見守り散歩（改訂）');
  await a.waitState('送信済み');
  await submit(a);
  await a.waitState('市に提出済み');
  await eventually(async () => (await receiptNo(a.page).innerText()) === number, 'the same 受付番号 after resubmitting', 20_000);

  // Staff take it in, review it and select it.
  await staff.move(sub.draft_id, 'received');
  await staff.move(sub.draft_id, 'under_review');
  await staff.move(sub.draft_id, 'selected');

  // Both phones show 採択 and the receipt.
  for (const phone of [a, b]) {
    await phone.page.goto(`${url}/drafts`);
    await phone.syncNow();
    const it = phone.page.locator('[data-testid=draft-link]', { hasText: 'しじま見守り散歩（改訂）' });
    await it.locator('[data-testid=review-status]', { hasText: '採択' }).waitFor({ timeout: 20_000 });
    await it.locator('[data-testid=review-new]').waitFor();
    await phone.openDraft('しじま見守り散歩（改訂）');
    await eventually(async () => (await reviewStatus(phone.page).innerText()) === '採択', '採択 on the draft');
    assert.equal(await receiptNo(phone.page).innerText(), number);
    // The printable receipt: an h1, the number and the server's time.
    await phone.page.locator('[data-testid=print-receipt]').click();
    await phone.page.locator('h1', { hasText: '受付票' }).waitFor();
    assert.equal(await phone.page.locator('[data-testid=receipt] [data-testid=receipt-no]').innerText(), number);
    assert.equal(await phone.page.locator('[data-testid=receipt] [data-testid=review-status]').innerText(), '採択');
  }
  const [stored] = await serverDrafts(url, 'answer.b');
  assert.equal(stored.review.status, 'selected');
  assert.equal(stored.proposal.title, 'しじま見守り散歩（改訂）');
}));

test('a draft started under version 1 opens after version 2 lowers the cap: the change is shown and the new cap checked', () => withApp(() => phoneContext(browser), async ({ server, url, page }) => {
  await server.admin('publish-round', roundFile());
  const app = new DraftsApp(page, url);
  await app.redeem(await server.invite(GROUP), 'answer.v');
  await page.locator('[data-testid=round-guidance]').waitFor();
  await app.newDraft();
  await app.type('事業名', '版の変わる提案');
  await fillText(app);
  await fillLists(app, '50,000円');
  await app.step(5);
  await page.locator('[data-testid=review-ok]').waitFor();
  await app.waitState('送信済み');
  const [before] = await serverDrafts(url, 'answer.v');
  assert.deepEqual(before.proposal.round, { id: ROUND.id, version: 1 });

  // Staff publish version 2: the general division's cap down to 30,000 yen.
  await server.admin('publish-round', roundFile((r) => {
    r.version = 2;
    r.divisions.find((d) => d.code === 'general').budget_cap_yen = 30000;
    return r;
  }));
  await page.goto(`${url}/drafts`);
  await app.openDraft('版の変わる提案');
  const changes = page.locator('[data-testid=round-changes]');
  await changes.waitFor({ timeout: 20_000 });
  assert.match(await changes.innerText(), /500,000円から30,000円/);
  await app.step(5);
  const summary = page.locator('[data-testid=error-summary]');
  await summary.waitFor();
  assert.match(await summary.innerText(), /30,000円以内/);
  assert.ok(await page.getByRole('button', { name: '市に提出する' }).isDisabled());

  // 確認しました: the draft records version 2 (on the server too); the notice goes, the check stays.
  await page.locator('[data-testid=round-changes-ok]').click();
  await changes.waitFor({ state: 'detached' });
  await app.waitSaved();
  await eventually(async () => (await serverDrafts(url, 'answer.v'))[0].proposal.round.version === 2, 'version 2 recorded on the server', 20_000);
  await page.reload();
  await app.step(5);
  await summary.waitFor();
  assert.equal(await changes.count(), 0);
  // Within the new cap (income and expense balanced) it can be submitted.
  await app.step(4);
  await app.field('金額').nth(0).fill('3万');
  await app.field('金額').nth(1).fill('30,000円');
  await submit(app);
  await app.waitState('市に提出済み');
}));

test('submitting after the deadline is refused with the server\'s message; the draft stays an editable draft', () => withApp(() => phoneContext(browser), async ({ server, url, page }) => {
  await server.admin('publish-round', roundFile((r) => {
    r.period.closes = '2026-06-30T17:00:00+09:00';
    return r;
  }));
  const app = new DraftsApp(page, url);
  await app.redeem(await server.invite(GROUP), 'answer.late');
  await app.newDraft();
  await app.type('事業名', '締切後の提案');
  await fillText(app);
  await fillLists(app);
  await app.waitSaved();
  await app.waitState('送信済み');
  await submit(app);
  const refused = page.locator('[data-testid=submit-refused]');
  await refused.waitFor({ timeout: 20_000 });
  assert.match(await refused.innerText(), /提出できませんでした/);
  assert.match(await page.locator('[data-testid=submit-refused-reason]').innerText(), /締切（2026-06-30 17:00:00\+09:00、Asia\/Tokyo）を過ぎたため提出できません/);
  await app.waitState('送信済み・まだ提出していません');
  // Still a draft: editable, nothing lost, not submitted on the server.
  await app.step(1);
  assert.equal(await app.field('事業名').inputValue(), '締切後の提案');
  await app.field('事業名').fill('締切後の提案（保存）');
  await app.waitSaved();
  await page.reload();
  await refused.waitFor();
  assert.equal(await app.field('事業名').inputValue(), '締切後の提案（保存）');
  await eventually(async () => (await serverDrafts(url, 'answer.late'))[0]?.proposal.title === '締切後の提案（保存）', 'the edit on the server', 20_000);
  const [stored] = await serverDrafts(url, 'answer.late');
  assert.equal(stored.submitted_at ?? null, null);
  assert.equal(stored.review ?? null, null);
}));

test('a submission waiting on one phone is not sent once another phone changed the proposal: the member sees why and submits again', () => withTwoPhones(() => phoneContext(browser), async ({ server, url, a, b }) => {
  await server.admin('publish-round', roundFile());
  await a.redeem(await server.invite(GROUP), 'answer.c');
  await b.redeem(await server.invite(GROUP), 'answer.d');
  await a.newDraft();
  await a.type('事業名', '見せた版だけ提出');
  await fillText(a);
  await fillLists(a);
  await a.waitSaved();
  await a.waitState('送信済み');
  await b.syncNow();
  await b.openDraft('見せた版だけ提出');
  await b.field('事業名').waitFor();

  // The server is down: A submits (送信待ち); B changes the title.
  await server.stop();
  await submit(a);
  await a.waitState('送信待ち');
  await b.type('事業名', '見せた版だけ提出（Bが直した）');
  await b.waitSaved();

  // B's edit reaches the server first; A's pull brings it: not submitted.
  await server.start();
  await b.syncNow();
  await b.waitState('送信済み');
  await a.syncNow();
  const refused = a.page.locator('[data-testid=submit-refused]');
  await refused.waitFor({ timeout: 20_000 });
  assert.match(await refused.innerText(), /別の端末で内容が変わったため、提出しませんでした/);
  await a.step(1);
  assert.equal(await a.field('事業名').inputValue(), '見せた版だけ提出（Bが直した）');
  const [stored] = await serverDrafts(url, 'answer.c');
  assert.equal(stored.submitted_at ?? null, null, 'nothing submitted that A did not see');

  // A has seen it now and submits again.
  await submit(a);
  await a.waitState('市に提出済み');
  const [done] = await serverDrafts(url, 'answer.c');
  assert.equal(done.proposal.title, '見せた版だけ提出（Bが直した）');
  assert.ok(done.submitted_at);
}));
