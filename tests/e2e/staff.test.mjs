// The city's review page (issue 12, item 5), at a phone's width in
// Japanese and English: staff sign in on /signin with a staff invitation,
// filter the submissions by 部門 and status, open one in the print layout,
// try to return it without a comment (asked for at the field, nothing
// sent), return it with a comment, and the history shows who, from, to
// and the comment. Two groups' proposals are submitted through the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { ROOT, launchBrowser, phoneContext, withApp, DraftsApp, PASSPHRASE, eventually } from './fixtures.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const SHOTS = join(ROOT, 'target', 'e2e-shots');

async function api(url, path, token, body) {
  const res = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A complete proposal of `group` in Kanazawa's FY2026 round. */
function proposal(group, title, division, spend) {
  return {
    fiscal_year: 2026, division, group_id: group, title,
    summary: '高齢者世帯の雪かきを学生と町会で行う。', purpose: '冬の暮らしを地域で支える。',
    local_issue: '高齢化で雪かきができない世帯が増えている。', activities: '説明会、雪かき、振り返りの会。',
    schedule: [{ id: 'm1', date: '2026-12-20', what: '説明会' }],
    place: '金沢市内の町会', outcomes: '30世帯の雪かき', role_division: '団体は運営、市は広報。',
    department: '市民協働推進課',
    budget: [{ id: 'b1', kind: 'income', item: '補助金', amount_yen: spend },
      { id: 'b2', kind: 'expense', item: 'スコップ', amount_yen: spend }],
    contact_person: '金沢 花子', representative: '金沢 太郎', address: '金沢市広坂1-1-1',
    phone: '076-220-2026', email: 'yuki@example.jp',
    round: { id: 'kanazawa-challenge-2026', version: 1 },
  };
}

/** A member of `group` submits `p` as draft `id`. */
async function submitAs(server, url, group, login, id, p) {
  const code = await server.invite(group);
  const { token } = await api(url, '/api/auth/redeem', null, { code, login, passphrase: PASSPHRASE });
  const client = `phone-${login.replace(/\W/g, '')}`.slice(0, 30);
  await api(url, '/api/drafts/push', token, {
    client, mutations: [{ id: { client, n: 1 }, draft: id, base_revision: 0, op: { type: 'put', proposal: p, base: null } }],
  });
  return api(url, `/api/drafts/${id}/submit`, token, { base_revision: 1 });
}

for (const lang of ['ja', 'en']) {
  test(`staff filter, open, return with a comment; the history shows it (${lang}, 360 px)`, () => withApp(() => phoneContext(browser), async ({ server, url, page }) => {
    await server.admin('publish-round', join(ROOT, 'data/rounds/2026.json'));
    const first = await submitAs(server, url, 'shijima-kizuna-chokai', 'yuki.a', 'draft-snow1', proposal('shijima-kizuna-chokai', '雪かきボランティアの輪', 'general', 200000));
    await submitAs(server, url, 'porepore', 'pore.a', 'draft-start1', proposal('porepore', 'はじめての子ども食堂', 'start', 90000));
    assert.equal(first.receipt_no, '2026-0001');

    // Staff sign in on the same /signin with a staff invitation.
    const out = await server.admin('invite-staff');
    const code = out.match(/\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b/)?.[0];
    const app = new DraftsApp(page, url);
    await app.redeem(code, 'tanaka.staff');
    await page.goto(`${url}/staff`);
    if (lang === 'en') {
      await page.locator('[data-testid=lang-switch]').click();
      await page.locator('main h1', { hasText: 'Review of submitted proposals' }).waitFor();
    }
    const items = page.locator('[data-testid=staff-item]');
    await eventually(async () => (await items.count()) === 2, 'both submissions listed');

    // Filter by 部門, then by a status nothing has: the list says so.
    const division = page.locator('#staff-division');
    await division.selectOption('start');
    await eventually(async () => (await items.count()) === 1, 'one in スタート部門');
    assert.ok((await items.first().innerText()).includes('はじめての子ども食堂'));
    await division.selectOption('general');
    await eventually(async () => (await items.count()) === 1 && (await items.first().innerText()).includes('雪かき'), 'one in 一般部門');
    await page.locator('#staff-status').selectOption('selected');
    await page.locator('[data-testid=staff-empty]').waitFor();
    await page.locator('#staff-status').selectOption('submitted');
    await eventually(async () => (await items.count()) === 1, 'the submitted one');

    // Open it: the print layout, read-only (no field to type in but the comment).
    await page.locator('[data-testid=staff-open]').first().click();
    const detail = page.locator('[data-testid=staff-detail]');
    await detail.waitFor();
    assert.ok((await detail.innerText()).includes('金沢 太郎'), 'the representative in the print layout');
    assert.ok((await detail.innerText()).includes('076-220-2026'), 'the group phone');
    assert.equal(await detail.locator('input').count(), 0, 'staff never edit the text');

    // 差し戻し without a comment: asked for at the field, nothing sent.
    const returned = lang === 'ja' ? '差し戻し' : 'Returned for changes';
    await detail.locator('[data-testid=staff-move]', { hasText: returned }).click();
    const fieldError = page.locator('[data-testid=staff-comment-error]');
    await eventually(async () => (await fieldError.innerText()).length > 10, 'the comment is asked for');
    assert.equal(await page.locator('#staff-comment').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('[data-testid=staff-detail-status]').innerText(), lang === 'ja' ? '提出' : 'Submitted');

    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `staff-${lang}-comment-required.png`), fullPage: true });

    const why = '予算の内訳をもう少し詳しく書いてください。';
    await page.locator('#staff-comment').fill(why);
    await detail.locator('[data-testid=staff-move]', { hasText: returned }).click();
    await eventually(async () => (await page.locator('[data-testid=staff-detail-status]').innerText()) === returned, 'returned');
    const rows = page.locator('[data-testid=staff-history-row]');
    await eventually(async () => (await rows.count()) === 2, 'two moves in the history');
    const last = await rows.nth(1).innerText();
    assert.ok(last.includes('tanaka.staff'), last);
    assert.ok(last.includes(why), last);
    assert.ok(last.includes(lang === 'ja' ? '提出 → 差し戻し' : 'Submitted → Returned for changes'), last);
    assert.ok((await rows.nth(0).innerText()).includes('yuki.a'), 'the group submitted it');

    // No sideways scroll at 360 px.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `scrolls sideways by ${overflow}px`);
    await page.screenshot({ path: join(SHOTS, `staff-${lang}-returned.png`), fullPage: true });
  }));
}
