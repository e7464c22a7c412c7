// The app's start, task by task, on a first visit: what Lighthouse's TBT is
// made of, measured so that two builds can be compared on a loaded machine.
//
// Each run opens a public page in a fresh Chromium context (no service
// worker, no storage) against the release server, records a trace, and
// lists the renderer main thread's tasks after the first contentful paint
// with their wall time and their *thread* (CPU) time: the CPU time does
// not grow when other processes take the cores, so it is the steadier
// figure. `tbt4` is Lighthouse's rule applied to it (4x CPU slowdown, a
// task blocks for what it takes beyond 50 ms): the sum over tasks of
// max(0, 4 * cpu - 50).
//
//   node tests/bench/tasks.mjs                  (dist/ and target/release)
//   TSUNAGARI_DIST=… TSUNAGARI_SERVER_BIN=… RUNS=5 PAGES=/,/calendar node tests/bench/tasks.mjs
//   VERBOSE=1 prints every task above 3 ms with what ran in it.
import { Server, launchBrowser } from '../e2e/fixtures.mjs';
import { publicPages } from './chromium.mjs';

const RUNS = Number(process.env.RUNS ?? 3);
const VERBOSE = Boolean(process.env.VERBOSE);

const CATEGORIES = [
  'devtools.timeline', 'v8', 'disabled-by-default-v8.wasm.detailed', 'disabled-by-default-v8.wasm.turbofan', 'disabled-by-default-devtools.timeline', 'toplevel',
  'v8.execute', 'v8.wasm', 'disabled-by-default-v8.compile', 'loading', 'blink.user_timing',
].join(',');

async function trace(page, path, url) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
  const done = new Promise((ok) => cdp.once('Tracing.tracingComplete', ok));
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  await page.goto(`${url}${path}`);
  // Long enough for the app to start, pull and take over. (No
  // waitForSelector: Playwright's injected script would be a task too.)
  await page.waitForTimeout(Number(process.env.WAIT_MS ?? 5000));
  await cdp.send('Tracing.end');
  await done;
  await cdp.detach();
  return events;
}

/** The renderer main thread's tasks after FCP of the page's frame. */
function tasks(events) {
  const names = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const fcp = events.find((e) => e.name === 'firstContentfulPaint');
  const main = fcp ? names.find((n) => n.pid === fcp.pid && n.tid === fcp.tid) ?? names[0] : names[0];
  const on = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
  // Outermost tasks only (RunTask and ThreadControllerImpl::RunTask nest).
  const all = on.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask')
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const top = [];
  for (const t of all) {
    const last = top[top.length - 1];
    if (last && t.ts >= last.ts && t.ts + t.dur <= last.ts + last.dur) continue;
    top.push(t);
  }
  const start = fcp?.ts ?? 0;
  const nav = events.find((e) => e.name === 'navigationStart' && e.pid === main.pid)?.ts ?? top[0]?.ts ?? 0;
  const out = [];
  for (const t of top) {
    if (t.ts + t.dur < start) continue;
    const inside = on.filter((e) => e !== t && e.ts >= t.ts && e.ts + (e.dur ?? 0) <= t.ts + t.dur);
    const kinds = {};
    for (const e of inside) {
      if (process.env.VERBOSE !== '2' && !['FunctionCall', 'TimerFire', 'FireAnimationFrame', 'Layout', 'UpdateLayoutTree', 'ParseHTML',
        'EvaluateScript', 'v8.compile', 'v8.compileModule', 'wasm.CompileLazy', 'v8.wasm.compileLazy', 'v8.wasm.lazyCompile',
        'RunMicrotasks', 'Paint', 'PrePaint', 'ResourceReceivedData', 'XHRReadyStateChange', 'EventDispatch',
        'v8.callFunction', 'V8.Execute', 'wasm.StartInstantiation', 'wasm.FinishedInstantiation', 'v8.wasm.streamFromResponseCallback',
        'v8.wasm.compiledModule', 'v8.wasm.cachedModule', 'v8.wasm.moduleCacheHit', 'wasm.SyncInstantiate',
        'HitTest', 'ScheduleStyleRecalculation', 'InvalidateLayout'].includes(e.name)) continue;
      kinds[e.name] = (kinds[e.name] ?? 0) + (e.dur ?? 0) / 1000;
    }
    out.push({ at: (t.ts - nav) / 1000, wall: t.dur / 1000, cpu: (t.tdur ?? t.dur) / 1000, kinds });
  }
  return { fcp: fcp ? (fcp.ts - nav) / 1000 : NaN, out };
}

const tbt = (list, key) => list.reduce((s, t) => s + Math.max(0, 4 * t[key] - 50), 0);

const server = new Server();
const browser = await launchBrowser();
try {
  const url = await server.start();
  const pages = process.env.PAGES?.split(',') ?? await publicPages(url);
  console.log('page                 run  fcp_ms  tasks>12.5ms(cpu)  tbt4_cpu  tbt4_wall  max_cpu  sum_cpu_after_fcp');
  for (const path of pages) {
    const rows = [];
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true });
      const page = await context.newPage();
      const events = await trace(page, path, url);
      await context.close();
      const { fcp, out } = tasks(events);
      const row = {
        fcp, long: out.filter((t) => t.cpu > 12.5).length, tbtCpu: tbt(out, 'cpu'), tbtWall: tbt(out, 'wall'),
        max: Math.max(...out.map((t) => t.cpu)), sum: out.reduce((s, t) => s + t.cpu, 0),
      };
      rows.push(row);
      console.log(`${path.slice(0, 20).padEnd(20)} ${String(run + 1).padStart(3)} ${fcp.toFixed(0).padStart(7)} ${String(row.long).padStart(18)} ${row.tbtCpu.toFixed(0).padStart(9)} ${row.tbtWall.toFixed(0).padStart(10)} ${row.max.toFixed(1).padStart(8)} ${row.sum.toFixed(0).padStart(18)}`);
      if (VERBOSE) {
        for (const t of out.filter((t) => t.wall > 3 || t.cpu > 3)) {
          const what = Object.entries(t.kinds).sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 6)).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
          console.log(`    at ${t.at.toFixed(0).padStart(5)} ms  wall ${t.wall.toFixed(1).padStart(6)}  cpu ${t.cpu.toFixed(1).padStart(6)}  ${what}`);
        }
      }
    }
    const med = (k) => [...rows.map((r) => r[k])].sort((a, b) => a - b)[Math.floor(rows.length / 2)];
    console.log(`${path.slice(0, 20).padEnd(20)} med ${med('fcp').toFixed(0).padStart(7)} ${String(med('long')).padStart(18)} ${med('tbtCpu').toFixed(0).padStart(9)} ${med('tbtWall').toFixed(0).padStart(10)} ${med('max').toFixed(1).padStart(8)} ${med('sum').toFixed(0).padStart(18)}`);
  }
} finally {
  await browser.close();
  await server.dispose();
}
