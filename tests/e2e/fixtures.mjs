// Fixtures for the browser tests: the real server (release binary) on a
// fresh data directory, and headless Debian Chromium driven by playwright-core.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, cpSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SERVER_BIN = process.env.TSUNAGARI_SERVER_BIN ?? join(ROOT, 'target/release/tsunagari-server');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** The demo data the server loads, so tests compare with the file, not with copied numbers. */
export function demoGroups() {
  return JSON.parse(readFileSync(join(ROOT, 'data/groups.json'), 'utf8')).groups;
}

/**
 * A running tsunagari server. `stop()` kills it (the network is really gone
 * for the page: connections are refused); `start()` brings it back on the
 * same port with the same database.
 */
export class Server {
  constructor({ dist = process.env.TSUNAGARI_DIST ?? join(ROOT, 'dist') } = {}) {
    this.dataDir = mkdtempSync(join(tmpdir(), 'tsunagari-e2e-'));
    this.dist = dist;
    this.port = 0;
    this.proc = null;
  }

  /** Copy the built bundle so a test can change it (a "new release"). */
  static withOwnDist() {
    const dist = mkdtempSync(join(tmpdir(), 'tsunagari-dist-'));
    cpSync(join(ROOT, 'dist'), dist, { recursive: true });
    const server = new Server({ dist });
    server.ownDist = true;
    return server;
  }

  async start() {
    const args = ['serve', '--host', '127.0.0.1', '--port', String(this.port),
      '--data-dir', this.dataDir, '--dist', this.dist, '--seed', join(ROOT, 'data/groups.json')];
    this.proc = spawn(SERVER_BIN, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    this.proc.stderr.on('data', (d) => { log += d; });
    const url = await new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`server did not start:\n${log}`)), 30_000);
      let out = '';
      this.proc.stdout.on('data', (d) => {
        out += d;
        const m = out.match(/serving (http:\/\/[^\s]+?)\/?\s/);
        if (m) { clearTimeout(timer); ok(m[1]); }
      });
      this.proc.on('exit', (code) => { clearTimeout(timer); fail(new Error(`server exited (${code}):\n${log}`)); });
    });
    this.url = url;
    this.port = Number(new URL(url).port);
    return url;
  }

  async stop() {
    if (!this.proc) return;
    const p = this.proc;
    this.proc = null;
    p.removeAllListeners('exit');
    await new Promise((ok) => { p.on('exit', ok); p.kill('SIGKILL'); });
  }

  /** A single-use invitation code for `group`'s account (`invite` prints
   * the code on stdout; `admin` also returns its note on stderr). */
  async invite(group = 'shijima-kizuna-chokai') {
    const out = await this.admin('invite', '--group', group);
    const code = out.match(/\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b/)?.[0];
    if (!code) throw new Error(`no invitation code in: ${out}`);
    return code;
  }

  /** Run a server admin command against the same database. */
  async admin(...args) {
    const p = spawn(SERVER_BIN, [...args, '--data-dir', this.dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    const code = await new Promise((ok) => p.on('exit', ok));
    if (code !== 0) throw new Error(`${args.join(' ')} failed (${code}): ${out}`);
    return out;
  }

  async dispose() {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
    if (this.ownDist) rmSync(this.dist, { recursive: true, force: true });
  }
}

/** Headless Chromium with a fresh profile, at a phone's width. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * A browser with a real (non-incognito) profile in a fresh directory, as a
 * phone's browser is: Chromium reports installability only there.
 * `dispose()` closes it and removes the profile.
 */
export async function persistentPhoneContext() {
  const profile = mkdtempSync(join(tmpdir(), 'tsunagari-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS,
    viewport: { width: 360, height: 800 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo',
  });
  context.dispose = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  };
  return context;
}

export async function phoneContext(browser) {
  return browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
}

/** The directory as a person uses it. */
export class DirectoryPage {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
  }

  // actions
  async open(path = '/groups') { await this.page.goto(this.baseUrl + path); }
  async search(text) { await this.page.locator('#group-search').fill(text); }
  async filterKind(code) { await this.page.locator('#kind-filter').selectOption(code); }
  async openResult(n = 0) { await this.page.locator('[data-testid=group-link]').nth(n).click(); }
  async switchLanguage() { await this.page.locator('[data-testid=lang-switch]').click(); }

  /** Wait until the directory pulled from the server is in IndexedDB. */
  async waitStored() { await this.page.locator('html[data-directory=stored]').waitFor({ state: 'attached', timeout: 20_000 }); }
  /** Wait until the app shows what IndexedDB holds (no server needed). */
  async waitCached() { await this.page.locator('html[data-directory=cached], html[data-directory=stored]').waitFor({ state: 'attached', timeout: 20_000 }); }

  /** Wait until a service worker controls the page and has precached the shell. */
  async waitServiceWorker() {
    await this.page.evaluate(async () => { await navigator.serviceWorker.ready; });
    if (!(await this.page.evaluate(() => !!navigator.serviceWorker.controller))) {
      await this.page.reload();
      await this.page.waitForFunction(() => !!navigator.serviceWorker.controller);
    }
  }

  // results
  resultLinks() { return this.page.locator('[data-testid=group-link]'); }
  async resultNames() { return this.resultLinks().allInnerTexts(); }
  heading() { return this.page.locator('main h1'); }
  programHistory() { return this.page.locator('[data-testid=program-history]'); }
  netStatus() { return this.page.locator('[data-testid=net-status]'); }
  lastUpdated() { return this.page.locator('[data-testid=last-updated]'); }
}

/**
 * A fresh server and a fresh browser context with one page at phone size:
 * `body({ server, url, context, page, app })`, then everything is torn down.
 */
export async function withApp(newContext, body) {
  const server = new Server();
  const url = await server.start();
  const context = await newContext();
  try {
    const page = await context.newPage();
    await body({ server, url, context, page, app: new DirectoryPage(page, url) });
  } finally {
    await (context.dispose ? context.dispose() : context.close());
    await server.dispose();
  }
}

/** The passphrase the drafts tests' members choose. */
export const PASSPHRASE = 'しじまの町を歩いて見守る';

/** The server's copy of the group's live drafts, read with the member's own sign-in. */
export async function serverDrafts(url, login) {
  const signin = await fetch(`${url}/api/auth/signin`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, passphrase: PASSPHRASE }),
  });
  if (signin.status !== 200) throw new Error(`${login} cannot sign in through the API (${signin.status})`);
  const { token } = await signin.json();
  const page = await (await fetch(`${url}/api/drafts`, { headers: { authorization: `Bearer ${token}` } })).json();
  return page.items.filter((d) => !d.deleted);
}

/** Which step of the proposal form (1 基本情報 … 5 確認) holds a field, by its label. */
export const STEP_OF = {
  年度: 1, 部門: 1, 事業名: 1, 事業の概要: 1, 希望する協働課: 1, 実施場所: 1, 担当者: 1,
  事業の目的: 2, 解決したい地域の課題: 2, 活動内容: 2, 期待される成果: 2, 団体と市の役割分担: 2,
  予定の日付: 3, 予定の内容: 3,
  '収入・支出の区分': 4, 費目: 4, 金額: 4,
};

/** The drafts pages as a member uses them. */
export class DraftsApp {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
  }

  // actions
  async redeem(code, login) {
    await this.page.goto(`${this.baseUrl}/signin`);
    await this.page.getByRole('button', { name: '招待コードで登録' }).click();
    await this.page.getByLabel('招待コード').fill(code);
    await this.page.getByLabel('ログイン名').fill(login);
    await this.page.getByLabel('パスフレーズ').fill(PASSPHRASE);
    await this.page.getByRole('button', { name: '登録してサインイン' }).click();
    await this.page.waitForURL(/\/drafts$/);
    await this.page.locator('main h1', { hasText: '提案書の下書き' }).waitFor();
  }
  async newDraft() {
    await this.page.getByRole('button', { name: '新しい下書き' }).click();
    await this.page.waitForURL(/\/drafts\/[A-Za-z0-9_-]{8,}$/);
    await this.field('事業名').waitFor();
  }
  field(label) { return this.page.getByLabel(label, { exact: true }); }
  /** Opens the form's step `n` (1 to 5) from the progress at the top. */
  async step(n) {
    await this.page.locator(`[data-testid=step-link][data-step="${n}"]`).click();
    await this.page.waitForURL(new RegExp(`[?&]step=${n}$`));
  }
  /** Opens the step that holds the field `label`, unless it is on screen. */
  async show(label) {
    if (await this.field(label).first().isVisible()) return;
    await this.step(STEP_OF[label] ?? 1);
    await this.field(label).first().waitFor();
  }
  async type(label, text) { await this.show(label); await this.field(label).fill(text); }
  /** What was typed is stored on this device (the status line says so). */
  async waitSaved() { await this.page.locator('[data-testid=draft-status][data-save=saved]').waitFor(); }
  async syncNow() { await this.page.locator('[data-testid=sync-now]').click(); }
  async openList() {
    await this.page.getByRole('link', { name: '提案書', exact: true }).click();
    await this.page.waitForURL(/\/drafts$/);
  }
  async openDraft(title) { await this.page.locator('[data-testid=draft-link]', { hasText: title }).click(); }

  // results
  draftState() { return this.page.locator('[data-testid=draft-state]').first(); }
  async waitState(text) {
    await this.page.locator('[data-testid=draft-state]', { hasText: text }).first().waitFor({ timeout: 20_000 });
  }
  async waitAllSynced() {
    await this.page.locator('[data-testid=sync-status]', { hasText: 'すべて同期済み' }).waitFor({ timeout: 20_000 });
  }
  syncStatus() { return this.page.locator('[data-testid=sync-status]'); }
}

/** A fresh server and two phones of `newContext`: `body({ server, url, a, b })`, each a `DraftsApp`. */
export async function withTwoPhones(newContext, body) {
  const server = new Server();
  const url = await server.start();
  const phones = [];
  try {
    phones.push(await newContext(), await newContext());
    const [a, b] = await Promise.all(phones.map(async (p) => new DraftsApp(await p.newPage(), url)));
    await body({ server, url, a, b });
  } finally {
    for (const p of phones) await (p.dispose ? p.dispose() : p.close());
    await server.dispose();
  }
}

/** Poll until `fn` returns true (an assertion that waits, as a person would). */
export async function eventually(fn, what, timeout = 10_000) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try { if (await fn()) return; } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for: ${what}${last ? ` (${last.message})` : ''}`);
}

/** An init script: every layout shift without recent input, from the first
 * paint on, into `window.__shifts` (the CLS numerator, with its nodes). */
export function observeShifts() {
  window.__shifts = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (!e.hadRecentInput) {
        window.__shifts.push({ value: e.value, at: Math.round(e.startTime),
          nodes: (e.sources ?? []).map((s) => s.node?.outerHTML?.slice(0, 80) ?? '?') });
      }
    }
  }).observe({ type: 'layout-shift', buffered: true });
}

/** A day `offset` days from today in Japan, `YYYY-MM-DD`. */
export function jstDate(offset = 0) {
  return new Date(Date.now() + 9 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Events imported as the city does it: the open-data イベント一覧 CSV through
 * `import-events`. `rows`: `{ id, title, date, start, end, place, organiser }`.
 */
export async function importEvents(server, rows) {
  const dir = mkdtempSync(join(tmpdir(), 'tsunagari-csv-'));
  const file = join(dir, 'events.csv');
  const lines = ['NO,イベント名,開始日,終了日,開始時間,終了時間,場所名称,主催者',
    ...rows.map((r) => [r.id, r.title, r.date, '', r.start ?? '', r.end ?? '', r.place ?? '', r.organiser ?? ''].join(','))];
  writeFileSync(file, lines.join('\n') + '\n');
  try {
    await server.admin('import-events', file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
