// Backup and restore with two phones: both sync a draft, the server is
// backed up while it runs, phone A writes more (online: the server has it,
// the backup does not) and phone B writes more offline, the server is
// stopped and the backup restored. The restored server has a new epoch, so
// both phones reset and re-send what they hold: every word ends up on the
// server and both phones show the same draft.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, phoneContext, withTwoPhones, serverDrafts, PASSPHRASE } from './fixtures.mjs';

const GROUP = 'shijima-kizuna-chokai';
const TITLE = '公園の花壇づくり';
const LATER_TITLE = 'バックアップの後の下書き';
const BEFORE = '公園を毎週掃除します。';
const A_AFTER = '花壇に季節の花を植えます。';
const B_OFFLINE = '毎月第二土曜の朝に集まります。';
const LATER_PURPOSE = 'バックアップの後に書いた目的です。';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

async function epoch(url) {
  return (await (await fetch(`${url}/api/health`)).json()).epoch;
}

/** Polls the server's live drafts (one sign-in, then the member's token)
 * until `ok(drafts)`, or fails with what it last saw. */
async function waitServer(url, login, ok) {
  const signin = await fetch(`${url}/api/auth/signin`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, passphrase: PASSPHRASE }),
  });
  assert.equal(signin.status, 200, `${login} signs in`);
  const { token } = await signin.json();
  let drafts = [];
  for (let i = 0; i < 100; i++) {
    const page = await (await fetch(`${url}/api/drafts`, { headers: { authorization: `Bearer ${token}` } })).json();
    drafts = page.items.filter((d) => !d.deleted);
    if (ok(drafts)) return drafts;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`the server never got there: ${JSON.stringify(drafts.map((d) => d.proposal))}`);
}

test('after a restore both phones re-send what the backup lacks: every word is on the server and the phones converge', () => withTwoPhones(() => phoneContext(browser), async ({ server, url, a, b }) => {
  const backups = mkdtempSync(join(tmpdir(), 'tsunagari-backup-'));
  try {
    await a.redeem(await server.invite(GROUP), 'kadan.a');
    await b.redeem(await server.invite(GROUP), 'kadan.b');
    await a.newDraft();
    await a.type('事業名', TITLE);
    await a.type('事業の目的', BEFORE);
    await a.waitSaved();
    await a.waitState('送信済み');
    await b.syncNow();
    await b.openDraft(TITLE);
    await b.field('事業名').waitFor();
    await b.show('事業の目的');
    assert.equal(await b.field('事業の目的').inputValue(), BEFORE);

    // The backup, taken while the server runs.
    const file = join(backups, 'tsunagari.sqlite');
    assert.match(await server.admin('backup', file), /backed up/);
    const epochBefore = await epoch(url);

    // A writes more online: only the live server has it.
    await a.type('事業の目的', BEFORE + A_AFTER);
    await a.waitSaved();
    await a.waitState('送信済み');
    await a.openList();
    await a.newDraft();
    await a.type('事業名', LATER_TITLE);
    await a.type('事業の目的', LATER_PURPOSE);
    await a.waitSaved();
    await a.waitState('送信済み');
    assert.equal((await serverDrafts(url, 'kadan.a')).length, 2);

    // The server goes down; B writes offline.
    await server.stop();
    await b.type('活動内容', B_OFFLINE);
    await b.waitSaved();
    await b.waitState('まだ送っていません');

    // Restored from the backup: A's later words and draft are gone from the server.
    assert.match(await server.admin('restore', file), /restored/);
    await server.start();
    assert.notEqual(await epoch(url), epochBefore, 'a restored server has a new epoch');

    await a.syncNow();
    await b.syncNow();
    const drafts = await waitServer(url, 'kadan.b', (ds) => ds.length === 2 &&
      ds.some((d) => d.proposal.title === TITLE && d.proposal.purpose === BEFORE + A_AFTER &&
        d.proposal.activities === B_OFFLINE));
    const later = drafts.find((d) => d.proposal.title === LATER_TITLE);
    assert.equal(later?.proposal.purpose, LATER_PURPOSE);

    // Each phone takes in what the other re-sent.
    await a.syncNow();
    await b.syncNow();
    await a.openList();
    await a.openDraft(TITLE);
    await b.openList();
    await b.openDraft(LATER_TITLE);
    await b.field('事業名').waitFor();
    await b.show('事業の目的');
    assert.equal(await b.field('事業の目的').inputValue(), LATER_PURPOSE);
    await b.openList();
    await b.openDraft(TITLE);
    for (const phone of [a, b]) {
      await phone.step(2); // 内容: the purpose and the activities
      await phone.page.waitForFunction(([purpose, activities]) =>
        document.querySelector('#f-purpose')?.value === purpose &&
        document.querySelector('#f-activities')?.value === activities,
      [BEFORE + A_AFTER, B_OFFLINE], { timeout: 20_000 });
      await phone.waitState('送信済み');
      assert.doesNotMatch(await phone.draftState().innerText(), /競合/);
    }
  } finally {
    rmSync(backups, { recursive: true, force: true });
  }
}));
