// `npm run bench:read`: the read side's figures, each beside a baseline measured in the same run.
//  (a) seed N events (default 1,000,000: ~1,000 programs, 20,000 participants, 10,000 pairs, sessions,
//      objectives, feedback) straight through the event store;
//  (b) a full rebuild with the real CLI (`projector rebuild`): events/s per projection and the process's peak
//      RSS, beside raw INSERTs of the same number of rows through pg;
//  (c) live lag at R commands/s (default 300): API and projector as child processes; each command is a logged
//      session, followed at once by a query with X-Min-Position: lag = command accepted → query answered.
//      Each request is counted as served, refused by load shedding (503 `overloaded`, with its latency), rate
//      limited (429: none expected, limits are off) or a connection failure (no HTTP answer at all).
//  (b') encryption's cost on a rebuild: the same N events (default 200,000) seeded at schema version 2 into two more
//      databases, once with every personal field encrypted (the real key vault and cipher) and once in plaintext;
//      the dashboard rebuilt from each, alternately, twice: events/s side by side.
// Options: --events N, --encryption-events N (0 skips b'), --rate N, --seconds N (live phase, default 20), --warmup N (seconds before the live phase,
// not measured, default 5: the rate rises linearly from 0 to R, as traffic does, so clients open their connections
// at a pace the server accepts; --step starts at the full rate instead), --no-build, --keep (keep the database),
// --commands-only (live phase without the queries: the command path alone, as a baseline),
// --profile-dir DIR (write CPU profiles of the live phase's API and projector there).
import { execSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { SignJWT } from 'jose';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureDependencies, root } from './lib/dev-env.mjs';

const { values: options } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    'encryption-events': { type: 'string', default: '200000' },
    rate: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    'no-build': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'commands-only': { type: 'boolean', default: false },
    step: { type: 'boolean', default: false },
    'profile-dir': { type: 'string' },
  },
});
const targetEvents = Number(options.events);
ensureDependencies();
if (!options['no-build']) execSync('npm run -s build', { cwd: root, stdio: 'inherit' });
const require = createRequire(join(root, 'package.json'));
const pg = require('pg');
const { PostgresEventStore } = require(join(root, 'dist/libs/event-store/src/postgres'));

const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `flipside_bench_read_${Date.now().toString(36)}`;
const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
const children = new Set();
const results = {};
const perSecond = (count, ms) => Math.round((count / ms) * 1000);

try {
  // ---------- (a) seed ----------
  const store = new PostgresEventStore({ connectionString: databaseUrl, poolSize: 12 });
  await store.start();
  const programs = Math.max(1, Math.round(targetEvents / 1000));
  const shape = { pairs: 10, eventsPerPair: 96 };
  let seeded = 0;
  const seedStarted = performance.now();
  let nextProgram = 0;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (nextProgram < programs) {
        const streams = programStreams(nextProgram++, shape);
        await appendChunks(store, `program-${streams.programId}`, streams.program);
        await Promise.all(streams.pairStreams.map((events) => appendChunks(store, `pair-${events[0].data.pairId}`, events)));
        seeded += streams.events;
        if (nextProgram % 100 === 0) process.stdout.write(`\rSeeded ${seeded} events…`);
      }
    }),
  );
  const seedMs = performance.now() - seedStarted;
  await store.close();
  results.seed = { programs, participants: programs * shape.pairs * 2, pairs: programs * shape.pairs, events: seeded, seconds: +(seedMs / 1000).toFixed(1), eventsPerSecond: perSecond(seeded, seedMs) };
  console.log(`\nSeeded ${seeded} events in ${(seedMs / 1000).toFixed(1)} s (${results.seed.eventsPerSecond}/s)`);

  // ---------- (b) rebuild vs raw INSERT ----------
  const env = { ...process.env, DATABASE_URL: databaseUrl, EVENT_STORE: 'postgres', PROJECTOR_PORT: '0', JWT_SECRET: randomBytes(32).toString('hex'), FLIPSIDE_MASTER_KEY: randomBytes(32).toString('base64') };
  const rebuild = await runMeasured(['dist/apps/projector/src/main.js', 'rebuild'], env);
  const perProjection = [...rebuild.stdout.matchAll(/^(\S+): rebuilt from (\d+) events in ([\d.]+) s \((\d+) events\/s\)/gm)].map((m) => ({
    projection: m[1],
    events: Number(m[2]),
    seconds: Number(m[3]),
    eventsPerSecond: Number(m[4]),
  }));
  results.rebuild = { exitCode: rebuild.code, wallSeconds: +(rebuild.ms / 1000).toFixed(1), peakRssMb: rebuild.peakRssMb, perProjection };
  console.log('Rebuild:', JSON.stringify(results.rebuild));

  results.rawInsert = await rawInserts(seeded);
  console.log('Raw INSERT baseline:', JSON.stringify(results.rawInsert));

  // ---------- (b') encryption's cost on a rebuild ----------
  if (Number(options['encryption-events']) > 0) {
    results.encryptionOnRebuild = await encryptionOnRebuild(Number(options['encryption-events']), env);
    console.log("Encryption's cost on a rebuild:", JSON.stringify(results.encryptionOnRebuild));
  }

  // ---------- (c) live lag ----------
  results.liveLag = await liveLag(env, Number(options.rate), Number(options.seconds));
  console.log('Live lag:', JSON.stringify(results.liveLag));
  console.log(`\n${JSON.stringify(results, null, 2)}`);
} finally {
  const exits = [...children].map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.race([Promise.all(exits), sleep(10_000)]);
  if (!options.keep) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
  else console.log(`Kept database ${database}`);
  await admin.end();
}

// ---------- helpers ----------

function start(args, env, output = 'pipe') {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', output, output] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Runs a child to its end, sampling its resident memory; VmHWM is the kernel's own peak. */
async function runMeasured(args, env) {
  const started = performance.now();
  const child = start(args, env);
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => process.stderr.write(chunk));
  let peakKb = 0;
  const sample = () => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peakKb = Math.max(peakKb, hwm);
    } catch {
      // The process has ended.
    }
  };
  const timer = setInterval(sample, 100);
  const code = await new Promise((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
  clearInterval(timer);
  process.stdout.write(stdout);
  return { code, ms: performance.now() - started, stdout, peakRssMb: Math.round(peakKb / 1024) };
}

async function rawInserts(rows) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`CREATE TABLE bench_raw_sessions (session_id text PRIMARY KEY, program_id text NOT NULL, pair_id text NOT NULL,
    held_on text NOT NULL, duration_minutes int NOT NULL, format text NOT NULL, topics jsonb NOT NULL, insights text NOT NULL)`);
  const chunk = 1000;
  const started = performance.now();
  for (let done = 0; done < rows; done += chunk) {
    const n = Math.min(chunk, rows - done);
    const ids = Array.from({ length: n }, (_, i) => `s-${done + i}`);
    await client.query(
      `INSERT INTO bench_raw_sessions SELECT id, 'program-' || (i % 1000), 'pair-' || (i % 10000), '2025-03-01', 45, 'video', '["posting"]'::jsonb, 'Be brief'
         FROM unnest($1::text[]) WITH ORDINALITY AS t(id, i)`,
      [ids],
    );
  }
  const clientMs = performance.now() - started;
  const serverStarted = performance.now();
  await client.query(`CREATE TABLE bench_raw_series AS SELECT g AS n, 'program-' || (g % 1000) AS program_id FROM generate_series(1, $1) g`, [rows]);
  const serverMs = performance.now() - serverStarted;
  await client.end();
  return {
    rows,
    batchedInsertRowsPerSecond: perSecond(rows, clientMs),
    batchedInsertSeconds: +(clientMs / 1000).toFixed(1),
    serverSideInsertRowsPerSecond: perSecond(rows, serverMs),
  };
}

async function waitForHttp(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer in ${timeoutMs} ms`);
}

async function liveLag(baseEnv, rate, seconds) {
  const port = 3900 + Math.floor(Math.random() * 50);
  const healthPort = port + 100;
  // Rate limits off: this measures capacity and shedding, not one token's quota (any 429 below is a bug).
  const env = { ...baseEnv, PORT: String(port), PROJECTOR_PORT: String(healthPort), RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0' };
  const profile = options['profile-dir'] ? ['--cpu-prof', `--cpu-prof-dir=${options['profile-dir']}`] : [];
  const api = start([...profile, 'dist/apps/api/src/main.js'], env, 'ignore');
  const projector = start([...profile, 'dist/apps/projector/src/main.js'], env, 'ignore');
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/health/live`);
  await waitForHttp(`http://127.0.0.1:${healthPort}/health/live`);
  // The projector catches up on the seeded log before live figures mean anything.
  for (let ready = false; !ready; await sleep(500)) ready = (await fetch(`http://127.0.0.1:${healthPort}/health`)).status === 200;

  const org = `bench-${randomUUID().slice(0, 8)}`;
  const token = await new SignJWT({ sub: 'bench-admin', org, roles: ['admin'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(env.JWT_SECRET));
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const post = async (path, body) => {
    const response = await fetch(`${base}${path}`, { method: 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.status >= 300) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
    return response.json();
  };
  const today = new Date().toISOString().slice(0, 10);
  const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const pairs = [];
  for (let p = 0; p < 3; p++) {
    const program = await post('/v1/programs', {
      name: `Bench ${p}`, description: '', focusAreas: ['technology'], goals: ['Measure'], cadence: { sessionEveryDays: 14, minSessionMinutes: 30 },
      startsOn: day(-30), endsOn: day(180), maxMenteesPerMentor: 1,
    });
    const people = [];
    for (let n = 0; n < 10; n++) {
      const mentor = await post(`/v1/programs/${program.id}/participants`, { role: 'mentor', personId: `m${n}-${randomUUID().slice(0, 6)}`, displayName: `Mentor ${n}`, email: `m${n}.${randomUUID().slice(0, 6)}@bench.example`, seniority: 2, department: 'IT', skills: ['ai'], interests: [] });
      const mentee = await post(`/v1/programs/${program.id}/participants`, { role: 'mentee', personId: `e${n}-${randomUUID().slice(0, 6)}`, displayName: `Mentee ${n}`, email: `e${n}.${randomUUID().slice(0, 6)}@bench.example`, seniority: 9, department: 'Board', skills: [], interests: ['ai'] });
      people.push([mentor.id, mentee.id]);
    }
    await post(`/v1/programs/${program.id}/launch`);
    for (const [mentorId, menteeId] of people) {
      const pair = await post(`/v1/programs/${program.id}/pairs`, { mentorId, menteeId });
      pairs.push({ programId: program.id, pairId: pair.id });
    }
  }

  // A fresh process compiles its hot paths in its first seconds; load before measuring keeps that out.
  const warmup = newTally();
  await drive(Number(options.warmup), warmup, { ramp: !options.step });
  const measured = newTally();
  const cpuBefore = cpuTimes({ api: api.pid, projector: projector.pid });
  const { total, sendSeconds, elapsedSeconds } = await drive(seconds, measured);
  const cpu = cpuShares(cpuBefore, cpuTimes({ api: api.pid, projector: projector.pid }));

  function newTally() {
    return { lags: [], served: { command: [], query: [] }, refused: { command: [], query: [] }, rateLimited: 0, otherStatuses: {}, connectionFailures: {} };
  }

  /**
   * One request, classified: served (2xx), refused by load shedding (503 `overloaded`), rate limited (429), any
   * other status, or a connection failure (fetch threw: no HTTP answer at all). Answers the response when served.
   */
  async function call(kind, url, init, into) {
    const sent = performance.now();
    let status;
    let text;
    try {
      const response = await fetch(url, init);
      status = response.status;
      text = await response.text();
    } catch (error) {
      const code = error?.cause?.code ?? error?.cause?.message ?? error?.message ?? String(error);
      into.connectionFailures[code] = (into.connectionFailures[code] ?? 0) + 1;
      return undefined;
    }
    const ms = performance.now() - sent;
    if (status >= 200 && status < 300) {
      into.served[kind].push(ms);
      return { text, answeredAt: sent + ms };
    }
    if (status === 503 && text.includes('/problems/overloaded')) into.refused[kind].push(ms);
    else if (status === 429) into.rateLimited++;
    else {
      const slug = /\/problems\/([a-z-]+)/.exec(text)?.[1] ?? 'no-problem-body';
      const key = `${kind} ${status} ${slug}`;
      into.otherStatuses[key] = (into.otherStatuses[key] ?? 0) + 1;
    }
    return undefined;
  }

  /**
   * Sends `rate` commands a second for `forSeconds` (with `ramp`, rising linearly from 0 to `rate`), each followed
   * by its read-your-writes query; records into `into`.
   */
  async function drive(forSeconds, into, { ramp = false } = {}) {
    const total = Math.round(rate * forSeconds * (ramp ? 0.5 : 1));
    const interval = 1000 / rate;
    const started = performance.now();
    const inFlight = [];
    for (let i = 0; i < total; i++) {
      // On a linear ramp the i-th command is due when rate·t²/(2·forSeconds) commands have been sent.
      const due = started + (ramp ? 1000 * Math.sqrt((2 * forSeconds * i) / rate) : i * interval);
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const { programId, pairId } = pairs[i % pairs.length];
      inFlight.push(
        (async () => {
          const command = await call('command', `${base}/v1/programs/${programId}/pairs/${pairId}/sessions`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ heldOn: today, durationMinutes: 45, format: 'video', topics: ['bench'], insights: 'lag', actionItems: [] }),
          }, into);
          if (!command || options['commands-only']) return;
          const { position } = JSON.parse(command.text);
          const query = await call('query', `${base}/v1/programs/${programId}/pairs/${pairId}`, { headers: { ...headers, 'X-Min-Position': position } }, into);
          if (query) into.lags.push(query.answeredAt - command.answeredAt);
        })(),
      );
    }
    const sendSeconds = (performance.now() - started) / 1000;
    await Promise.all(inFlight);
    return { total, sendSeconds, elapsedSeconds: (performance.now() - started) / 1000 };
  }
  const pct = (list, p) => {
    const sorted = [...list].sort((a, b) => a - b);
    return +(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN).toFixed(1);
  };
  const figures = (list) => ({ count: list.length, p50Ms: pct(list, 50), p99Ms: pct(list, 99), maxMs: pct(list, 100) });
  const summary = ({ served, refused, rateLimited, connectionFailures }) => ({
    served: served.command.length + served.query.length,
    refused503: figures([...refused.command, ...refused.query]),
    rateLimited429: rateLimited,
    connectionFailures: Object.values(connectionFailures).reduce((sum, n) => sum + n, 0),
  });
  const { lags, served, refused, rateLimited, otherStatuses, connectionFailures } = measured;
  const allRefused = [...refused.command, ...refused.query];
  const connectionFailureCount = Object.values(connectionFailures).reduce((sum, n) => sum + n, 0);
  console.log(
    `Rate limits off (RATE_LIMIT_PER_MINUTE=0, RATE_LIMIT_PER_ADDRESS_PER_MINUTE=0): ${rateLimited} answers were 429${rateLimited === 0 ? ', as expected' : ': UNEXPECTED'}`,
  );
  return {
    rate, seconds, commands: total, sentPerSecond: Math.round(total / sendSeconds), drainedAfterSeconds: +(elapsedSeconds - sendSeconds).toFixed(1),
    servedCommands: figures(served.command), servedQueries: figures(served.query),
    refused503: { ...figures(allRefused), commands: refused.command.length, queries: refused.query.length },
    rateLimited429: rateLimited, connectionFailures: connectionFailureCount, connectionFailureKinds: connectionFailures, otherStatuses,
    // Lag: command accepted → its read-your-writes query answered, for pairs where both were served.
    lag: { measured: lags.length, p50Ms: pct(lags, 50), p90Ms: pct(lags, 90), p99Ms: pct(lags, 99), maxMs: pct(lags, 100) },
    // The machine is shared: how busy each process and the whole machine were while measuring (100% = one core).
    cpuPercent: cpu,
    warmup: { seconds: Number(options.warmup), shape: options.step ? 'step' : 'linear ramp', ...summary(warmup) },
  };
}

/** CPU seconds used so far by each child (from /proc), by this process, and by the whole machine. */
function cpuTimes(pids) {
  const ticks = (pid) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
    } catch {
      return NaN;
    }
  };
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  const usage = process.cpuUsage();
  return {
    at: performance.now(),
    processes: { ...Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, ticks(pid)])), benchClient: (usage.user + usage.system) / 1e6 },
    machineBusy: (user + nice + system + irq + softirq + steal) / 100,
    machineAll: (user + nice + system + idle + iowait + irq + softirq + steal) / 100,
  };
}

function cpuShares(before, after) {
  const wall = (after.at - before.at) / 1000;
  const shares = Object.fromEntries(Object.keys(after.processes).map((name) => [name, Math.round(((after.processes[name] - before.processes[name]) / wall) * 100)]));
  const cores = Math.round((after.machineAll - before.machineAll) / wall);
  return { ...shares, machine: Math.round(((after.machineBusy - before.machineBusy) / wall) * 100), machineCores: cores };
}

async function appendChunks(store, stream, events, chunk = 200, schemaVersion = 1) {
  for (let start = 0; start < events.length; start += chunk) {
    await store.append(stream, events.slice(start, start + chunk).map((event) => toAppend(event, schemaVersion)), 'any');
  }
}

function toAppend(event, schemaVersion = 1) {
  const id = randomUUID();
  return {
    id,
    type: event.type,
    data: event.data,
    metadata: { eventId: id, schemaVersion, occurredAt: new Date().toISOString(), organizationId: 'bench', actor: { id: 'seed', roles: ['admin'] }, correlationId: id, causationId: id },
  };
}

/**
 * The same program shapes at schema version 2 (personId on enrolments) in two databases: personal fields encrypted
 * under person and pair keys by the real cipher, or left in plaintext. The dashboard is then rebuilt from each,
 * alternately, twice; the cipher's work happens while seeding, so the rebuilds differ only in what they read.
 */
async function encryptionOnRebuild(events, baseEnv) {
  const { KeyVault, MasterKeys, PersonalDataCipher, generateMasterKeyText, parseMasterKey } = require(join(root, 'dist/libs/personal-data/src'));
  const variants = {};
  for (const variant of ['encrypted', 'plaintext']) {
    const name = `${database}_${variant}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
    const store = new PostgresEventStore({ connectionString: url, poolSize: 8 });
    await store.start();
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    const vault = await KeyVault.open(pool, new MasterKeys(parseMasterKey(generateMasterKeyText())));
    const cipher = new PersonalDataCipher(vault);
    let seeded = 0;
    for (let index = 0; seeded < events; index++) {
      const streams = programStreams(index, { pairs: 10, eventsPerPair: 96 }, { personIds: true });
      const owners = {
        person: (event) => ({ kind: 'person', organizationId: 'bench', personId: event.data.personId ?? event.data.participantId }),
        pair: (event) => ({ kind: 'pair', organizationId: 'bench', pairId: event.data.pairId, members: streams.membersOf[event.data.pairId] }),
      };
      const stored = async (list) => (variant === 'encrypted' ? cipher.encrypt(list, owners) : list);
      await appendChunks(store, `program-${streams.programId}`, await stored(streams.program), 200, 2);
      for (const pairEvents of streams.pairStreams) await appendChunks(store, `pair-${pairEvents[0].data.pairId}`, await stored(pairEvents), 200, 2);
      seeded += streams.events;
    }
    await vault.close();
    await pool.end();
    await store.close();
    variants[variant] = { url, name, events: seeded, rebuilds: [] };
  }
  for (let round = 0; round < 2; round++) {
    for (const variant of ['plaintext', 'encrypted']) {
      const run = await runMeasured(['dist/apps/projector/src/main.js', 'rebuild', 'dashboard'], { ...baseEnv, DATABASE_URL: variants[variant].url });
      const match = /^dashboard: rebuilt from (\d+) events in ([\d.]+) s \((\d+) events\/s\)/m.exec(run.stdout);
      variants[variant].rebuilds.push({ eventsPerSecond: Number(match?.[3] ?? 0), peakRssMb: run.peakRssMb });
    }
  }
  for (const variant of Object.values(variants)) await admin.query(`DROP DATABASE IF EXISTS ${variant.name} WITH (FORCE)`).catch(() => undefined);
  const best = (variant) => Math.max(...variants[variant].rebuilds.map((rebuild) => rebuild.eventsPerSecond));
  return {
    events: variants.encrypted.events,
    plaintextEventsPerSecond: variants.plaintext.rebuilds.map((rebuild) => rebuild.eventsPerSecond),
    encryptedEventsPerSecond: variants.encrypted.rebuilds.map((rebuild) => rebuild.eventsPerSecond),
    encryptedOverPlaintext: +(best('encrypted') / best('plaintext')).toFixed(2),
  };
}

/** One program's streams with a realistic mix; the same shape as the projector tests' seed. */
function programStreams(index, { pairs, eventsPerPair }, { personIds = false } = {}) {
  const programId = randomUUID();
  const day = (offset) => new Date(Date.UTC(2025, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
  const e = (type, data) => ({ type, data: { programId, ...data } });
  const program = [
    e('ProgramCreated', {
      organizationId: `org-${index % 20}`, name: `Program ${index}`, description: '', focusAreas: ['technology'], goals: ['Learn'],
      cadence: { sessionEveryDays: 14, minSessionMinutes: 30 }, startsOn: day(0), endsOn: day(300), maxMenteesPerMentor: 1, pairingRule: 'reverse', createdOn: day(0),
    }),
  ];
  const person = (participantId, role) =>
    e('ParticipantEnrolled', {
      participantId, ...(personIds ? { personId: participantId } : {}), role, displayName: `Person ${participantId.slice(0, 8)}`, email: `${participantId}@bench.example`, seniority: role === 'mentor' ? 2 : 9,
      department: 'Sales', skills: ['video', 'ai'], interests: ['strategy'], enrolledOn: day(1),
    });
  const members = [];
  for (let n = 0; n < pairs; n++) {
    const mentorId = randomUUID();
    const menteeId = randomUUID();
    members.push([mentorId, menteeId]);
    program.push(person(mentorId, 'mentor'), person(menteeId, 'mentee'));
    if (n % 3 === 0) program.push(e('TrainingCompleted', { participantId: mentorId, module: 'Mentoring 101', completedOn: day(2) }));
  }
  program.push(e('ProgramLaunched', { launchedOn: day(3) }));
  const pairStreams = [];
  const membersOf = {};
  members.forEach(([mentorId, menteeId], n) => {
    const pairId = randomUUID();
    membersOf[pairId] = [mentorId, menteeId];
    program.push(e('Paired', { pairId, mentorId, menteeId, pairedBy: 'algorithm', matchScore: 0.7, pairedOn: day(4) }));
    const events = [];
    const open = [];
    for (let k = 0; events.length < eventsPerPair; k++) {
      const on = day(5 + k * 3);
      const kind = k % 10;
      if (kind === 0 && open.length < 5) {
        const objectiveId = randomUUID();
        open.push(objectiveId);
        events.push(e('ObjectiveSet', { pairId, objectiveId, title: 'Use AI weekly', area: 'technology', successCriteria: 'Four weeks running', targetDate: day(200), baselineLevel: 2, targetLevel: 7, setOn: on }));
      } else if (kind === 4 && open.length > 0) {
        events.push(e('ObjectiveProgressRecorded', { pairId, objectiveId: open[0], level: 5, note: '', recordedOn: on }));
      } else if (kind === 8 && open.length > 0) {
        const objectiveId = open.shift();
        events.push(k % 3 === 0 ? e('ObjectiveDropped', { pairId, objectiveId, reason: 'Changed focus', droppedOn: on }) : e('ObjectiveAchieved', { pairId, objectiveId, finalLevel: 6 + (k % 4), achievedOn: on }));
      } else {
        events.push(e('SessionHeld', {
          pairId, sessionId: randomUUID(), heldOn: on, durationMinutes: 20 + (k % 5) * 15, format: 'video', topics: ['prompts'], insights: 'Be specific.',
          actionItems: [{ description: 'Try it', owner: 'mentee', dueOn: day(8 + k * 3) }], confidentialNotes: 'private', loggedOn: on,
        }));
        if (k % 2 === 0) events.push(e('FeedbackGiven', { pairId, feedbackId: randomUUID(), fromRole: k % 4 === 0 ? 'mentee' : 'mentor', givenBy: k % 4 === 0 ? menteeId : mentorId, rating: 1 + (k % 5), comment: 'ok', fit: k % 17 === 0 ? 'not-a-fit' : 'good', givenOn: on }));
      }
    }
    pairStreams.push(events.slice(0, eventsPerPair));
  });
  if (index % 5 === 0) program.push(e('PairEnded', { pairId: pairStreams[0][0].data.pairId, reason: 'completed', note: '', endedOn: day(250) }));
  return { programId, program, pairStreams, membersOf, events: program.length + pairStreams.reduce((sum, s) => sum + s.length, 0) };
}
