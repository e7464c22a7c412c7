// Sync benchmarks against the real release server, on whatever database the
// environment names (DATABASE_URL unset: SQLite in a fresh data directory).
//
// 1. One device syncs 500 new drafts: pushes of at most 100 mutations, each
//    sent after the previous answer (as the app's outbox does), then one
//    full pull that must return all 500.
// 2. A load generator on loopback: CONNECTIONS workers, each a device with
//    its own client id and draft, push a fast-forward edit of its draft in a
//    loop for SECONDS (every request is a real write: new mutation number,
//    new revision); then the same for pulls of the group's feed. Prints
//    requests/s and latency p50/p99.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Server } from '../e2e/fixtures.mjs';

const GROUP = 'shijima-kizuna-chokai';
const CONNECTIONS = Number(process.env.SYNC_BENCH_CONNECTIONS ?? 16);
const SECONDS = Number(process.env.SYNC_BENCH_SECONDS ?? 10);
const RUNS = 3;

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS + 4 });

function request(base, method, path, token, body) {
  const url = new URL(path, base);
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((ok, fail) => {
    const req = http.request(url, {
      method, agent,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}),
      },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode >= 400) {
          fail(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
        } else {
          ok(text ? JSON.parse(text) : null);
        }
      });
    });
    req.on('error', fail);
    if (data) req.write(data);
    req.end();
  });
}

function proposal(title) {
  return {
    fiscal_year: 2026, division: 'general', group_id: GROUP,
    title, summary: '地域のつながりをつくるサロンを月に一度開きます。', purpose: '', local_issue: '',
    activities: '', schedule: [], place: '四十万公民館', outcomes: '', role_division: '',
    department: '', budget: [], contact_person: '',
  };
}

const id = () => randomUUID();

async function signIn(server, base) {
  const code = await server.invite(GROUP);
  const session = await request(base, 'POST', '/api/auth/redeem', null, {
    code, login: `bench-${id().slice(0, 8)}`, passphrase: 'bench passphrase 1234',
  });
  return session.token;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function syncFiveHundred(base, token) {
  const client = `bench-${id()}`;
  const drafts = Array.from({ length: 500 }, (_, i) => ({ id: id(), p: proposal(`下書き ${i + 1}`) }));
  const started = performance.now();
  let n = 0;
  for (let i = 0; i < drafts.length; i += 100) {
    const mutations = drafts.slice(i, i + 100).map((d) => ({
      id: { client, n: ++n }, draft: d.id, base_revision: 0, op: { type: 'put', proposal: d.p, base: null },
    }));
    const res = await request(base, 'POST', '/api/drafts/push', token, { client, mutations });
    if (res.results.length !== mutations.length || res.results.some((r) => r.outcome.type !== 'applied')) {
      throw new Error(`push not applied: ${JSON.stringify(res.results.find((r) => r.outcome.type !== 'applied'))}`);
    }
  }
  const pushed = performance.now();
  const page = await request(base, 'GET', '/api/drafts', token);
  const mine = new Set(drafts.map((d) => d.id));
  const got = page.items.filter((d) => mine.has(d.id)).length;
  if (got !== 500) throw new Error(`pull returned ${got} of the 500 drafts`);
  const done = performance.now();
  return { push_ms: Math.round(pushed - started), pull_ms: Math.round(done - pushed), total_ms: Math.round(done - started), pulled_items: page.items.length };
}

async function load(name, seconds, work) {
  const latencies = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, async (_, w) => {
    const step = await work(w);
    while (performance.now() < deadline) {
      const t = performance.now();
      try {
        await step();
        latencies.push(performance.now() - t);
      } catch (e) {
        errors++;
        if (errors === 1) console.error(`${name}: ${e.message}`);
      }
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  console.log(`${name.padEnd(34)} ${String(Math.round(latencies.length / elapsed)).padStart(6)} req/s   p50 ${percentile(latencies, 0.5).toFixed(1).padStart(6)} ms   p99 ${percentile(latencies, 0.99).toFixed(1).padStart(6)} ms   (${latencies.length} requests, ${errors} errors, ${CONNECTIONS} connections, ${SECONDS} s)`);
}

const server = new Server();
try {
  const base = await server.start();
  const token = await signIn(server, base);
  const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite';
  console.log(`database: ${db}`);

  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await syncFiveHundred(base, token));
  for (const k of ['push_ms', 'pull_ms', 'total_ms']) {
    const vals = runs.map((r) => r[k]);
    const median = [...vals].sort((a, b) => a - b)[Math.floor(RUNS / 2)];
    console.log(`sync 500 drafts, ${k.padEnd(9)} ${String(median).padStart(7)}   runs: ${vals.join(', ')}`);
  }

  await load('push (1 put, fast-forward write)', SECONDS, async () => {
    const client = `bench-${id()}`;
    const draft = id();
    let n = 0;
    let revision = 0;
    let last = null;
    return async () => {
      const p = proposal(`負荷試験 ${n}`);
      const res = await request(base, 'POST', '/api/drafts/push', token, {
        client,
        mutations: [{ id: { client, n: ++n }, draft, base_revision: revision, op: { type: 'put', proposal: p, base: last } }],
      });
      const out = res.results[0].outcome;
      if (out.type !== 'applied') throw new Error(`not applied: ${JSON.stringify(out)}`);
      revision = out.revision;
      last = p;
    };
  });
  const head = await request(base, 'GET', '/api/drafts', token);
  await load('pull (delta since the latest cursor)', SECONDS, async () => async () => {
    await request(base, 'GET', `/api/drafts?since=${encodeURIComponent(head.cursor)}`, token);
  });
  await load(`pull (all ${head.items.length} drafts)`, SECONDS, async () => async () => {
    await request(base, 'GET', '/api/drafts', token);
  });
} finally {
  agent.destroy();
  await server.dispose();
}
