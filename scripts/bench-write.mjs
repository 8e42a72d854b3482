// `npm run bench:write`: the write path's throughput, each figure beside a baseline measured in the same run.
//  (a) event store appends vs raw INSERTs of the same rows through pg (the ceiling);
//  (b) the API under autocannon: 32 connections logging sessions across 1,000 active pairs for 30 s, beside the
//      same load on a bare node:http server that checks the token and INSERTs one row per command (the ceiling).
//  (c) encryption's cost: the same API load with personal data encrypted (the default) and stored in plaintext
//      (FLIPSIDE_UNSAFE_PLAINTEXT_FOR_BENCHMARKS=1), alternately, --encryption-rounds times (default 2), each on
//      fresh pairs: medians side by side.
// Options: --seconds N (API phase, default 30), --appends N (store phase, default 20000), --encryption-rounds N, --no-build,
// --profile-dir DIR (write a CPU profile of the API process there).
import { execSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { SignJWT } from 'jose';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDependencies, root } from './lib/dev-env.mjs';

const { values: options } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    appends: { type: 'string', default: '20000' },
    'encryption-rounds': { type: 'string', default: '2' },
    'no-build': { type: 'boolean', default: false },
    'profile-dir': { type: 'string' },
  },
});
ensureDependencies();
if (!options['no-build']) execSync('npm run -s build', { cwd: root, stdio: 'inherit' });
const require = createRequire(join(root, 'package.json'));
const pg = require('pg');
const autocannon = require('autocannon');
const { PostgresEventStore } = require(join(root, 'dist/libs/event-store/src/postgres'));

const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `flipside_bench_${Date.now().toString(36)}`;
const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);

const WRITERS = 16;
const perSecond = (count, ms) => Math.round((count / ms) * 1000);
const ratio = (a, b) => (a / b).toFixed(2);
const event = (i) => ({
  id: randomUUID(),
  type: 'SessionHeld',
  data: { sessionId: randomUUID(), heldOn: '2026-11-01', durationMinutes: 45, format: 'video', topics: ['AI tools'], insights: `insight ${i}` },
  metadata: { eventId: randomUUID(), schemaVersion: 1, occurredAt: new Date().toISOString(), organizationId: 'bench' },
});

/** Waits until a server answers anything at the URL (20 s at most). */
async function waitFor(url) {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`Nothing answers at ${url}`);
}

async function timed(work) {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function inParallel(count, total, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: count }, async () => {
      while (next < total) await work(next++);
    }),
  );
}

const results = {};
try {
  // (a) Event store vs raw INSERT.
  const store = new PostgresEventStore({ connectionString: databaseUrl, poolSize: WRITERS });
  await store.start();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: WRITERS });
  // The ceiling: the same rows into a table shaped exactly like the store's (same columns and indexes).
  await pool.query('CREATE TABLE raw_events (LIKE event_store.events INCLUDING ALL)');

  const appends = Number(options.appends);
  const batches = Math.max(20, Math.round(appends / 100 / 2));
  const rawSingleRound = (events) =>
    timed(() =>
      inParallel(WRITERS, events.length, (i) =>
        pool.query('INSERT INTO raw_events (stream_name, stream_revision, event_id, event_type, data, metadata) VALUES ($1, 0, $2, $3, $4, $5)', [
          `pair-${randomUUID()}`, events[i].id, events[i].type, JSON.stringify(events[i].data), JSON.stringify(events[i].metadata),
        ]),
      ),
    );
  const storeSingleRound = (events) => timed(() => inParallel(WRITERS, events.length, (i) => store.append(`pair-${randomUUID()}`, [events[i]], 'no_stream')));
  const rawBatchRound = (batchList) =>
    timed(() =>
      inParallel(WRITERS, batchList.length, (b) => {
        const params = [];
        const stream = `pair-${randomUUID()}`;
        const values = batchList[b].map((e, i) => {
          params.push(stream, i, e.id, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata));
          const o = i * 6;
          return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6})`;
        });
        return pool.query(`INSERT INTO raw_events (stream_name, stream_revision, event_id, event_type, data, metadata) VALUES ${values.join(', ')}`, params);
      }),
    );
  const storeBatchRound = (batchList) => timed(() => inParallel(WRITERS, batchList.length, (b) => store.append(`pair-${randomUUID()}`, batchList[b], 'no_stream')));

  // Alternate the two sides over three rounds and keep each side's median, so drift on a shared machine
  // (autovacuum, page cache, other processes) does not favour whichever ran second.
  const ROUNDS = 3;
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const measured = { rawSingle: [], storeSingle: [], rawBatch: [], storeBatch: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const singles = () => Array.from({ length: appends }, (_, i) => event(i));
    const batchList = () => Array.from({ length: batches }, () => Array.from({ length: 100 }, (_, i) => event(i)));
    measured.rawSingle.push(await rawSingleRound(singles()));
    measured.storeSingle.push(await storeSingleRound(singles()));
    measured.rawBatch.push(await rawBatchRound(batchList()));
    measured.storeBatch.push(await storeBatchRound(batchList()));
  }
  const rawSingle = median(measured.rawSingle);
  const storeSingle = median(measured.storeSingle);
  const rawBatch = median(measured.rawBatch);
  const storeBatch = median(measured.storeBatch);
  await pool.end();
  await store.close();
  results.store = {
    singleAppends: { events: appends, storePerSecond: perSecond(appends, storeSingle), rawInsertPerSecond: perSecond(appends, rawSingle), ratio: ratio(rawSingle, storeSingle) },
    batchAppends: { events: batches * 100, storePerSecond: perSecond(batches * 100, storeBatch), rawInsertPerSecond: perSecond(batches * 100, rawBatch), ratio: ratio(rawBatch, storeBatch) },
  };
  console.log('\n(a) event store, 16 concurrent writers');
  console.table(results.store);

  // (b) The API as a separate process, sessions logged across 1,000 active pairs.
  const secret = randomBytes(32).toString('hex');
  const masterKey = randomBytes(32).toString('base64');
  const port = 3900 + Math.floor(Math.random() * 90);
  const token = await new SignJWT({ sub: 'bench-admin', org: 'bench', roles: ['admin'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const today = new Date().toISOString().slice(0, 10);
  const body = JSON.stringify({
    heldOn: today, durationMinutes: 45, format: 'video', topics: ['AI tools'], insights: 'Prompting beats searching',
    actionItems: [{ description: 'Write three prompts a day', owner: 'mentee', dueOn: today }], confidentialNotes: 'secret',
  });
  const underLoad = async (target, child, pairs) => {
    let cursor = 0;
    const load = await autocannon({
      url: target,
      connections: 32,
      duration: Number(options.seconds),
      requests: [{ method: 'POST', headers, body, setupRequest: (request) => ({ ...request, path: pairs[cursor++ % pairs.length] }) }],
    });
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return {
      requestsPerSecond: Math.round(load.requests.average),
      p50Ms: load.latency.p50,
      p99Ms: load.latency.p99,
      errors: load.errors + load.non2xx,
      non2xx: load.non2xx,
      total: load.requests.total,
      peakRssMb: Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024),
    };
  };
  /** One API process: 10 programs of 100 pairs set up through it, then the load; stopped afterwards. */
  const measureApi = async (extraEnv = {}, profile = []) => {
    const apiProcess = spawn(process.execPath, [...profile, join(root, 'dist/apps/api/src/main.js')], {
      cwd: root,
      // Rate limits off: one token at full speed is the load being measured, not abuse to refuse.
      env: { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: masterKey, EVENT_STORE: 'postgres', RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0', ...extraEnv },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitFor(`${base}/docs/openapi.json`);
      const post = async (path, payload) => {
        const response = await fetch(base + path, { method: 'POST', headers, body: payload ? JSON.stringify(payload) : undefined });
        if (response.status >= 300) throw new Error(`${path}: ${response.status} ${await response.text()}`);
        return response.json();
      };
      const pairs = [];
      const PROGRAMS = 10;
      const PAIRS_PER_PROGRAM = 100;
      const run = randomUUID().slice(0, 8);
      for (let p = 0; p < PROGRAMS; p++) {
        const program = await post('/v1/programs', {
          name: `Bench program ${p}`, focusAreas: ['technology'], goals: ['Throughput'],
          cadence: { sessionEveryDays: 14, minSessionMinutes: 30 }, startsOn: '2026-01-01', endsOn: '2027-12-31', maxMenteesPerMentor: 5,
        });
        const mentors = [];
        for (let m = 0; m < PAIRS_PER_PROGRAM / 5; m++) {
          mentors.push((await post(`/v1/programs/${program.id}/participants`, { role: 'mentor', personId: `m-${run}-${p}-${m}`, displayName: `Mentor ${m}`, email: `m${m}@bench.test`, seniority: 2, department: 'IT', capacity: 5 })).id);
        }
        const mentees = [];
        for (let m = 0; m < PAIRS_PER_PROGRAM; m++) {
          mentees.push((await post(`/v1/programs/${program.id}/participants`, { role: 'mentee', personId: `e-${run}-${p}-${m}`, displayName: `Mentee ${m}`, email: `e${m}@bench.test`, seniority: 9, department: 'Board' })).id);
        }
        await post(`/v1/programs/${program.id}/launch`);
        for (let m = 0; m < PAIRS_PER_PROGRAM; m++) {
          const pair = await post(`/v1/programs/${program.id}/pairs`, { mentorId: mentors[Math.floor(m / 5)], menteeId: mentees[m] });
          pairs.push(`/v1/programs/${program.id}/pairs/${pair.id}/sessions`);
        }
      }
      return { figures: await underLoad(base, apiProcess, pairs), pairs };
    } finally {
      if (apiProcess.exitCode === null && apiProcess.signalCode === null) {
        apiProcess.kill('SIGTERM');
        await new Promise((resolve) => apiProcess.once('exit', resolve));
      }
    }
  };
  const profile = options['profile-dir'] ? ['--cpu-prof', `--cpu-prof-dir=${options['profile-dir']}`] : [];
  const { figures: api, pairs } = await measureApi({}, profile);

  // The baseline, on the same paths, body and token, once the API has stopped.
  const barePort = port + 1;
  const bare = spawn(process.execPath, [join(root, 'scripts/lib/bare-command-server.mjs')], {
    cwd: root,
    env: { ...process.env, PORT: String(barePort), DATABASE_URL: databaseUrl, JWT_SECRET: secret },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    await waitFor(`http://127.0.0.1:${barePort}/`);
    const baseline = await underLoad(`http://127.0.0.1:${barePort}`, bare, pairs);
    results.api = { ...api, bareServerRequestsPerSecond: baseline.requestsPerSecond, ratio: ratio(api.requestsPerSecond, baseline.requestsPerSecond) };
    console.log(`\n(b) API: 32 connections, SessionHeld across ${pairs.length} active pairs, ${options.seconds} s each, beside a bare node:http server (token check + one INSERT)`);
    console.table({ api, 'bare server (ceiling)': baseline });
    console.log(`API / bare server: ${results.api.ratio}`);
  } finally {
    bare.kill('SIGTERM');
    await new Promise((resolve) => (bare.exitCode !== null ? resolve() : bare.once('exit', resolve)));
  }

  // (c) Encryption's cost: plaintext and encrypted API runs, alternately.
  const rounds = Number(options['encryption-rounds']);
  if (rounds > 0) {
    const runs = { plaintext: [], encrypted: [] };
    for (let round = 0; round < rounds; round++) {
      runs.plaintext.push((await measureApi({ FLIPSIDE_UNSAFE_PLAINTEXT_FOR_BENCHMARKS: '1' })).figures);
      runs.encrypted.push((await measureApi()).figures);
    }
    const median = (list, field) => {
      const sorted = list.map((run) => run[field]).sort((a, b) => a - b);
      const middle = Math.floor(sorted.length / 2);
      return sorted.length % 2 === 1 ? sorted[middle] : Math.round((sorted[middle - 1] + sorted[middle]) / 2);
    };
    const summary = (list) => ({ requestsPerSecond: median(list, 'requestsPerSecond'), p50Ms: median(list, 'p50Ms'), p99Ms: median(list, 'p99Ms'), errors: median(list, 'errors'), peakRssMb: median(list, 'peakRssMb'), runs: list.map((run) => run.requestsPerSecond).join(' / ') });
    results.encryption = { plaintext: summary(runs.plaintext), encrypted: summary(runs.encrypted) };
    results.encryption.cost = `${Math.round((1 - results.encryption.encrypted.requestsPerSecond / results.encryption.plaintext.requestsPerSecond) * 100)} %`;
    console.log(`\n(c) encryption's cost: the same load, personal data in plaintext vs encrypted, ${rounds} alternating rounds (medians)`);
    console.table({ plaintext: results.encryption.plaintext, encrypted: results.encryption.encrypted });
    console.log(`throughput lost to encryption: ${results.encryption.cost} (target ≤ 15 %)`);
  }
  console.log('\nTargets: store ≥ 0.7× raw insert; API ≥ 1,000 commands/s, p99 ≤ 50 ms, 0 errors, RSS ≤ 250 MB (the bare server shows what this machine allows)');
  console.log(JSON.stringify(results));
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
}
