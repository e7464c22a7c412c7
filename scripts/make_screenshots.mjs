// Takes the manifest's screenshot of the directory from the real app:
// public/screenshots/directory-narrow.png, 360×800 (form_factor "narrow").
//
// Needs the release bundle in dist/ and the release server (as the browser
// tests do), Debian Chromium and a Japanese font (fonts-noto-cjk). From the
// repository root:
//   node scripts/make_screenshots.mjs
//   python3 scripts/shrink_png.py public/screenshots/directory-narrow.png   # Pillow: 64 colours
import { join } from 'node:path';
import { Server, launchBrowser, phoneContext, DirectoryPage, ROOT } from '../tests/e2e/fixtures.mjs';

const out = join(ROOT, 'public/screenshots/directory-narrow.png');
const server = new Server();
const url = await server.start();
const browser = await launchBrowser();
try {
  const page = await (await phoneContext(browser)).newPage();
  const app = new DirectoryPage(page, url);
  await app.open('/groups');
  await app.waitStored();
  await app.netStatus().filter({ hasText: 'オンライン' }).waitFor();
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: out, fullPage: false });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.dispose();
}
