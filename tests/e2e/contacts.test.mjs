// Reaching a group (issue 10, item 3): every phone number and e-mail on a
// group page is a link a phone can call or write to, in the server's first
// HTML and once the app has taken over; a group page names its own contact
// where the seeds give one and only the city office relevant to it; the
// student-recruitment notice is on no group page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, phoneContext, withApp, demoGroups } from './fixtures.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** What a person sees of the page's contacts: links by text and target, the office cards' names. */
async function contacts(page) {
  return page.evaluate(() => ({
    links: [...document.querySelectorAll('main a[href^="tel:"], main a[href^="mailto:"]')]
      .map((a) => `${a.textContent.trim()} → ${a.getAttribute('href')}`),
    offices: [...document.querySelectorAll('main [data-testid=city-contact] h3')].map((h) => h.textContent.trim()),
    text: document.querySelector('main').innerText,
  }));
}

async function openTakenOver(page, url, path) {
  await page.goto(url + path);
  await page.locator('#ssr').waitFor({ state: 'detached', timeout: 20_000 });
  await page.locator('main h1').waitFor();
}

test('the student council: its own contact, phone and e-mail as links; its fax stays text', () => withApp(() => phoneContext(browser), async ({ page, url }) => {
  // The server's first HTML, before any script.
  const first = await (await fetch(`${url}/groups/machizukuri-gakusei-kaigi`)).text();
  assert.match(first, /<a class="tel" href="tel:0762550162" rel="external">076-255-0162<\/a>/);
  assert.match(first, /<a class="mail" href="mailto:shiminkouryukan@city.kanazawa.lg.jp" rel="external">/);
  assert.doesNotMatch(first, /href="tel:0762550164"/, 'the fax number is not a phone link');

  await openTakenOver(page, url, '/groups/machizukuri-gakusei-kaigi');
  const c = await contacts(page);
  assert.ok(c.text.includes('団体の連絡先'), 'a section with the group\'s own contact');
  assert.ok(c.links.includes('076-255-0162 → tel:0762550162'), c.links.join('\n'));
  assert.ok(c.links.includes('shiminkouryukan@city.kanazawa.lg.jp → mailto:shiminkouryukan@city.kanazawa.lg.jp'));
  assert.ok(c.text.includes('FAX: 076-255-0164'), 'the fax number is shown as text');
  assert.deepEqual(c.offices, ['金沢市市民活動サポートセンター'], 'one office: the one for civic groups');
  assert.ok(!c.text.includes('メンバー募集'), 'no recruitment notice');
}));

test('each group page names only its office, with its number as a link; the recruitment notice is on none', () => withApp(() => phoneContext(browser), async ({ page, url }) => {
  // 協働課 市民協働推進課 in its programme.
  await openTakenOver(page, url, '/groups/and');
  let c = await contacts(page);
  assert.deepEqual(c.offices, ['金沢市市民局市民協働推進課']);
  assert.ok(c.links.includes('076-220-2026 → tel:0762202026'), c.links.join('\n'));
  assert.ok(c.links.includes('kyoudou@city.kanazawa.lg.jp → mailto:kyoudou@city.kanazawa.lg.jp'));
  // A partner department without a listed contact: the programme's office.
  await openTakenOver(page, url, '/groups/porepore');
  c = await contacts(page);
  assert.deepEqual(c.offices, ['協働をすすめる市民会議事務局']);
  // The council's own contact is linked; it names no city office (it is one).
  await openTakenOver(page, url, '/groups/kyodo-shimin-kaigi');
  c = await contacts(page);
  assert.deepEqual(c.offices, []);
  assert.ok(c.links.includes('076-220-2026 → tel:0762202026'), c.links.join('\n'));

  // Every group's first HTML: at most one or two offices, never the recruitment notice.
  for (const g of demoGroups()) {
    const html = await (await fetch(`${url}/groups/${encodeURIComponent(g.id)}`)).text();
    assert.ok(!html.includes('メンバー募集'), `no recruitment notice on ${g.id}`);
    const cards = html.match(/data-testid="city-contact"/g)?.length ?? 0;
    assert.ok(cards <= 2, `${g.id} names ${cards} offices`);
    for (const m of html.matchAll(/\b0\d{1,3}-\d{2,4}-\d{4}\b/g)) {
      const before = html.slice(Math.max(0, m.index - 80), m.index);
      const linked = /href="tel:[0-9]+" rel="external">$/.test(before);
      const fax = /FAX[:：]?\s*$/i.test(before);
      assert.ok(linked || fax, `${m[0]} on ${g.id} is a tel: link`);
    }
  }
}));

test('in English, the office has its English name and the Japanese words are marked lang="ja"', () => withApp(() => phoneContext(browser), async ({ page, url }) => {
  await openTakenOver(page, url, '/groups/porepore');
  await page.locator('[data-testid=lang-switch]').click();
  await page.locator('html[lang=en]').waitFor({ state: 'attached' });
  const c = await contacts(page);
  assert.deepEqual(c.offices, ['Secretariat of the Citizens\' Council for Promoting Collaboration']);
  assert.equal(await page.locator('main h1').getAttribute('lang'), 'ja', 'the group\'s name is read as Japanese');
  assert.equal(await page.locator('main [data-testid=city-contact] .role').getAttribute('lang'), 'ja');
}));
