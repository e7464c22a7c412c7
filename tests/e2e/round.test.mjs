// The open round's guidance on /drafts (issue 12): its title, period and
// deadline in Japan time as people read times (not the file's RFC 3339
// text), from the round file the server publishes; still there after an
// offline reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launchBrowser, persistentPhoneContext, withApp, DraftsApp } from './fixtures.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const round = JSON.parse(readFileSync(join(ROOT, 'data/rounds/2026.json'), 'utf8'));

/** `2027-01-29T17:00:00+09:00` → `2027/01/29 17:00` (Japan time). */
function jst(rfc3339) {
  const d = new Date(new Date(rfc3339).getTime() + 9 * 3600 * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

test('/drafts shows the round: title, and the deadline in Japan time, also offline', () => withApp(persistentPhoneContext, async ({ server, page, url }) => {
  await server.admin('publish-round', join(ROOT, 'data/rounds/2026.json'));
  const app = new DraftsApp(page, url);
  await app.redeem(await server.invite(), 'round.a');
  const guidance = page.locator('[data-testid=round-guidance]');
  await guidance.waitFor();
  assert.ok((await guidance.innerText()).includes(round.title_ja), 'the round title');
  assert.equal(await page.locator('[data-testid=round-deadline]').innerText(), jst(round.period.closes));
  assert.ok(!(await page.locator('[data-testid=round-period]').innerText()).includes('T'), 'no RFC 3339 text');

  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await server.stop();
  await page.reload();
  await guidance.waitFor({ timeout: 20_000 });
  assert.equal(await page.locator('[data-testid=round-deadline]').innerText(), jst(round.period.closes));
}));
