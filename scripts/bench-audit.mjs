// `npm run bench:audit`: the auditors' figures, each beside a baseline measured in the same run.
//  seed: N events (default 1,000,000) straight through the event store, hash-chained as the write path chains
//        them: one large audited program (a fifth of the log: up to 100 pairs whose streams interleave) and
//        ordinary programs of ~1,000 events (10 pairs) for the rest;
//  (a) export of the large program: the CLI (`audit export`, its own process: events/s, peak RSS) and the route
//      (NDJSON over HTTP), each after a warm-up run, beside a raw `COPY (SELECT … FROM event_store.events …) TO
//      STDOUT` of the same rows in log order through psql's \copy (pg-copy-streams is not a dependency); the
//      export is then checked with `audit verify`;
//  (b) history pages of 100 events: p50/p99 at random cursors through the large program and an ordinary one,
//      after walking every page once as the warm-up, beside GET /health/live (the HTTP floor) and one indexed
//      SQL query for the same 100 rows;
//  (c) as-of of a program with ~10,000 events (100 pairs): GET /v1/programs/{id}?asOf=<now> after a warm-up,
//      beside one SQL read of the same program's rows (what the store alone costs);
//  (d) hashing's cost on command throughput is bench:write's: alternate a build with hashing stubbed out.
// Options: --events N, --requests N (measured page requests per program, default 1000), --large-pairs N (pairs of
// the large program; default one per 2,000 of its events, 5 to 100), --no-build, --keep.
import { execSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { SignJWT } from 'jose';
import { ensureDependencies, root } from './lib/dev-env.mjs';

const { values: options } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    requests: { type: 'string', default: '1000' },
    'large-pairs': { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const targetEvents = Number(options.events);
const requests = Number(options.requests);
ensureDependencies();
if (!options['no-build']) execSync('npm run -s build', { cwd: root, stdio: 'inherit' });
const require = createRequire(join(root, 'package.json'));
const pg = require('pg');
const { PostgresEventStore } = require(join(root, 'dist/libs/event-store/src/postgres'));
const { GENESIS_HASH, linkHash, loadSealKey, sealData, sealWith } = require(join(root, 'dist/libs/audit/src'));
const CLI = join(root, 'dist/apps/api/src/audit/program-history/audit-cli.js');

const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `flipside_bench_audit_${Date.now().toString(36)}`;
const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();
const organizationId = 'bench-audit';
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
const children = new Set();
const results = {};
const exportFile = join(tmpdir(), `${database}.ndjson`);
const perSecond = (count, ms) => Math.round((count / ms) * 1000);
/** Each stream's chain end as the seed has written it: the write path's hashing, done here. */
const chainEnds = new Map();
/** The store's seal key, as the API reads it: confidential fields enter the chain sealed with it. */
let seal;

try {
  // ---------- seed ----------
  const store = new PostgresEventStore({ connectionString: databaseUrl, poolSize: 12 });
  await store.start();
  const keyPool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  seal = sealWith(await loadSealKey(keyPool));
  await keyPool.end();

  const largeEvents = Math.round(targetEvents / 5);
  const largePairs = Number(options['large-pairs'] ?? Math.min(100, Math.max(5, Math.round(largeEvents / 2000))));
  const large = programScript(0, largePairs, Math.floor(largeEvents / largePairs));
  const ordinaryPrograms = Math.max(1, Math.round((targetEvents - large.events) / 1000));
  let seeded = 0;
  const seedStarted = performance.now();
  // The large program's pair streams are appended round by round, so their events interleave in the log.
  const seedLarge = (async () => {
    await appendChained(store, large.programStream, large.program);
    for (let round = 0; large.pairs.some((pair) => pair.events.length > 0); round++) {
      await Promise.all(large.pairs.map((pair) => appendChained(store, pair.stream, pair.events.splice(0, 100))));
      seeded += large.pairs.length * 100;
    }
  })();
  let nextProgram = 1;
  let ordinary;
  await Promise.all([
    seedLarge,
    ...Array.from({ length: 5 }, async () => {
      while (nextProgram <= ordinaryPrograms) {
        const script = programScript(nextProgram++, 10, 96);
        ordinary ??= script;
        await appendChained(store, script.programStream, script.program);
        await Promise.all(script.pairs.map((pair) => appendChained(store, pair.stream, pair.events)));
        seeded += script.events;
        if (nextProgram % 50 === 0) process.stdout.write(`\rSeeded ~${seeded} events…`);
      }
    }),
  ]);
  // (c)'s program: 100 pairs of 98 events, about 10,000 events in all.
  const asOfProgram = programScript(ordinaryPrograms + 1, 100, 98);
  await appendChained(store, asOfProgram.programStream, asOfProgram.program);
  await Promise.all(asOfProgram.pairs.map((pair) => appendChained(store, pair.stream, pair.events)));
  seeded += asOfProgram.events;
  const seedMs = performance.now() - seedStarted;
  await store.close();
  const counted = await queryOne(`SELECT count(*)::int AS n FROM event_store.events`);
  results.seed = { events: counted.n, largeProgram: { events: large.events, streams: large.streamNames.length }, ordinaryPrograms, seconds: +(seedMs / 1000).toFixed(1) };
  console.log(`\nSeeded ${counted.n} events in ${(seedMs / 1000).toFixed(1)} s; the large program has ${large.events} events in ${large.streamNames.length} streams`);

  // ---------- (a) export ----------
  const storeEnv = { ...process.env, DATABASE_URL: databaseUrl, EVENT_STORE: 'postgres' };
  const exportArgs = [CLI, 'export', '--program', large.programId, '--out'];
  await runMeasured([...exportArgs, '/dev/null'], storeEnv); // warm-up: caches, the first run's compilation
  const cli = await runMeasured([...exportArgs, exportFile], storeEnv);
  const exportedLines = countLines(exportFile) - 1;
  const copyRows = `SELECT transaction_id, global_position, stream_name, stream_revision, event_id, event_type, data, metadata, recorded_at
    FROM event_store.events WHERE stream_name IN (${large.streamNames.map((name) => `'${name}'`).join(', ')})
    ORDER BY transaction_id, global_position`;
  const copyArgs = [databaseUrl, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `\\copy (${copyRows}) TO STDOUT`];
  await runMeasured(copyArgs, process.env, 'psql'); // warm-up
  const copy = await runMeasured(copyArgs, process.env, 'psql');
  const verify = await runMeasured([CLI, 'verify', exportFile], process.env);
  results.export = {
    events: exportedLines,
    cli: { exitCode: cli.code, seconds: +(cli.ms / 1000).toFixed(2), eventsPerSecond: perSecond(exportedLines, cli.ms), peakRssMb: cli.peakRssMb, megabytes: +(statSync(exportFile).size / 1e6).toFixed(1) },
    rawCopyBaseline: { via: 'psql \\copy … TO STDOUT', exitCode: copy.code, rows: copy.lines, seconds: +(copy.ms / 1000).toFixed(2), rowsPerSecond: perSecond(copy.lines, copy.ms), peakRssMb: copy.peakRssMb },
    verify: { exitCode: verify.code, seconds: +(verify.ms / 1000).toFixed(2), eventsPerSecond: perSecond(exportedLines, verify.ms), peakRssMb: verify.peakRssMb, said: verify.stdout.trim() },
  };
  console.log('Export:', JSON.stringify(results.export));

  // ---------- the API, for the route's export and (b) pages ----------
  const port = 3950 + Math.floor(Math.random() * 40);
  const secret = randomBytes(32).toString('hex');
  const api = start([join(root, 'dist/apps/api/src/main.js')], {
    ...storeEnv, PORT: String(port), JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: randomBytes(32).toString('base64'), RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0',
  }, 'ignore');
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/health/live`);
  const token = await new SignJWT({ sub: 'bench-auditor', org: organizationId, roles: ['auditor'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(secret));
  const auth = { Authorization: `Bearer ${token}` };
  const historyOf = (programId) => `${base}/v1/programs/${programId}/history`;

  const routeExport = async () => {
    const started = performance.now();
    const response = await fetch(historyOf(large.programId), { headers: { ...auth, Accept: 'application/x-ndjson' } });
    if (response.status !== 200) throw new Error(`export answered ${response.status}`);
    let lines = 0;
    for await (const chunk of response.body) for (const byte of chunk) if (byte === 10) lines++;
    return { lines: lines - 1, ms: performance.now() - started };
  };
  await routeExport(); // warm-up
  const route = await routeExport();
  results.export.route = { events: route.lines, seconds: +(route.ms / 1000).toFixed(2), eventsPerSecond: perSecond(route.lines, route.ms), apiPeakRssMb: peakRssMb(api.pid) };
  console.log('Route export:', JSON.stringify(results.export.route));

  // ---------- (b) pages ----------
  const timed = async (url) => {
    const started = performance.now();
    const response = await fetch(url, { headers: auth });
    const body = await response.json();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${JSON.stringify(body)}`);
    return { body, ms: performance.now() - started };
  };
  const pct = (list, p) => {
    const sorted = [...list].sort((a, b) => a - b);
    return +(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN).toFixed(2);
  };
  const figures = (list) => ({ requests: list.length, p50Ms: pct(list, 50), p99Ms: pct(list, 99), maxMs: pct(list, 100) });
  const sqlPool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  results.pages = {};
  for (const [name, script] of [['largeProgram', large], ['ordinaryProgram', ordinary]]) {
    // Warm-up: every page once, which also gives the cursors to ask for at random.
    const cursors = [null];
    const walkStarted = performance.now();
    for (let cursor = null; ; ) {
      const { body } = await timed(`${historyOf(script.programId)}?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      if (!body.nextCursor) break;
      cursors.push((cursor = body.nextCursor));
    }
    const walkMs = performance.now() - walkStarted;
    const latencies = [];
    for (let i = 0; i < requests; i++) {
      const cursor = cursors[Math.floor(Math.random() * cursors.length)];
      latencies.push((await timed(`${historyOf(script.programId)}?limit=100${cursor ? `&cursor=${cursor}` : ''}`)).ms);
    }
    // Baseline: the same streams' next 100 rows after a random position, one indexed query.
    const positions = (await sqlPool.query(`SELECT transaction_id::text AS t, global_position::text AS g FROM event_store.events WHERE stream_name = ANY($1) ORDER BY transaction_id, global_position`, [script.streamNames])).rows;
    const sql = [];
    for (let i = 0; i < requests; i++) {
      const at = positions[Math.floor(Math.random() * positions.length)];
      const started = performance.now();
      await sqlPool.query(
        `SELECT * FROM event_store.events WHERE stream_name = ANY($1) AND (transaction_id, global_position) > ($2::xid8, $3::bigint)
          ORDER BY transaction_id, global_position LIMIT 100`,
        [script.streamNames, at.t, at.g],
      );
      sql.push(performance.now() - started);
    }
    results.pages[name] = { events: script.events, streams: script.streamNames.length, pages: cursors.length, walkSeconds: +(walkMs / 1000).toFixed(2), page100: figures(latencies), rawSqlBaseline: figures(sql) };
    console.log(`Pages (${name}):`, JSON.stringify(results.pages[name]));
  }
  await sqlPool.end();
  const health = [];
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    await (await fetch(`${base}/health/live`)).text();
    health.push(performance.now() - started);
  }
  results.pages.healthLiveBaseline = figures(health);
  // ---------- (c) as-of ----------
  const asOfUrl = `${base}/v1/programs/${asOfProgram.programId}?asOf=${encodeURIComponent(new Date().toISOString())}`;
  for (let i = 0; i < 5; i++) await timed(asOfUrl); // warm-up
  const asOfLatencies = [];
  for (let i = 0; i < 30; i++) asOfLatencies.push((await timed(asOfUrl)).ms);
  const rowsPool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  const rowReads = [];
  for (let i = 0; i < 30; i++) {
    const started = performance.now();
    await rowsPool.query('SELECT * FROM event_store.events WHERE stream_name = ANY($1) ORDER BY transaction_id, global_position', [asOfProgram.streamNames]);
    rowReads.push(performance.now() - started);
  }
  await rowsPool.end();
  results.asOf = { events: asOfProgram.events, streams: asOfProgram.streamNames.length, route: figures(asOfLatencies), rawSqlReadBaseline: figures(rowReads) };
  console.log('As of:', JSON.stringify(results.asOf));
  results.hashingCost = 'measured with bench:write, alternating a build with hashing stubbed out (docs/benchmarks.md)';
  console.log(`\n${JSON.stringify(results, null, 2)}`);
} finally {
  const exits = [...children].map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.race([Promise.all(exits), sleep(10_000)]);
  rmSync(exportFile, { force: true });
  if (!options.keep) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
  else console.log(`Kept database ${database}`);
  await admin.end();
}

// ---------- helpers ----------

async function queryOne(sql) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0];
  } finally {
    await client.end();
  }
}

function start(args, env, output = 'pipe', command = process.execPath) {
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', output, output === 'ignore' ? 'inherit' : output] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

function peakRssMb(pid) {
  try {
    return Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
  } catch {
    return undefined;
  }
}

/** Runs a child to its end, sampling its peak resident memory (VmHWM), counting its stdout lines. */
async function runMeasured(args, env, command = process.execPath) {
  const started = performance.now();
  const child = start(args, env, 'pipe', command);
  let lines = 0;
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    for (const byte of chunk) if (byte === 10) lines++;
    if (stdout.length < 10_000) stdout += chunk;
  });
  child.stderr.on('data', (chunk) => process.stderr.write(chunk));
  let peakMb = 0;
  const timer = setInterval(() => (peakMb = Math.max(peakMb, peakRssMb(child.pid) ?? 0)), 50);
  const code = await new Promise((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
  clearInterval(timer);
  return { code, ms: performance.now() - started, lines, stdout, peakRssMb: peakMb };
}

function countLines(file) {
  let lines = 0;
  for (const byte of readFileSync(file)) if (byte === 10) lines++;
  return lines;
}

async function waitForHttp(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer in ${timeoutMs} ms`);
}

async function appendChained(store, stream, events) {
  if (events.length === 0) return;
  for (let from = 0; from < events.length; from += 200) {
    const end = chainEnds.get(stream) ?? { revision: 0n, previousHash: GENESIS_HASH };
    const chunk = events.slice(from, from + 200).map((event, offset) => {
      const id = randomUUID();
      const metadata = {
        eventId: id, schemaVersion: 1, occurredAt: new Date().toISOString(), organizationId, actor: { id: 'bench-seed', roles: ['admin'] },
        command: event.command, correlationId: id, causationId: id,
      };
      const hash = linkHash({ previousHash: end.previousHash, streamName: stream, revision: end.revision + BigInt(offset), type: event.type, data: sealData(event.type, id, event.data, seal), metadata });
      end.previousHash = hash;
      return { id, type: event.type, data: event.data, metadata: { ...metadata, hash } };
    });
    const expected = end.revision === 0n ? 'no_stream' : end.revision - 1n;
    await store.append(stream, chunk, expected);
    chainEnds.set(stream, { revision: end.revision + BigInt(chunk.length), previousHash: end.previousHash });
  }
}

/** One program's streams: the program stream, and `pairs` pair streams of `eventsPerPair` events each. */
function programScript(index, pairs, eventsPerPair) {
  const programId = randomUUID();
  const day = (offset) => new Date(Date.UTC(2025, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
  const e = (command, type, data) => ({ command, type, data: { programId, ...data } });
  const program = [
    e('CreateProgram', 'ProgramCreated', {
      organizationId, name: `Program ${index}`, description: '', focusAreas: ['technology'], goals: ['Learn'],
      cadence: { sessionEveryDays: 14, minSessionMinutes: 30 }, startsOn: day(0), endsOn: day(300), maxMenteesPerMentor: 1, pairingRule: 'reverse', createdOn: day(0),
    }),
  ];
  const members = Array.from({ length: pairs }, () => [randomUUID(), randomUUID()]);
  for (const [mentorId, menteeId] of members) {
    for (const [participantId, role] of [[mentorId, 'mentor'], [menteeId, 'mentee']]) {
      program.push(e('EnrolParticipant', 'ParticipantEnrolled', {
        participantId, role, displayName: `Person ${participantId.slice(0, 8)}`, email: `${participantId}@bench.example`, seniority: role === 'mentor' ? 2 : 9,
        department: 'Sales', skills: ['video'], interests: ['strategy'], enrolledOn: day(1),
      }));
    }
  }
  program.push(e('LaunchProgram', 'ProgramLaunched', { launchedOn: day(3) }));
  const pairStreams = members.map(([mentorId, menteeId]) => {
    const pairId = randomUUID();
    program.push(e('PairParticipants', 'Paired', { pairId, mentorId, menteeId, pairedBy: 'admin', pairedOn: day(4) }));
    const events = [];
    for (let k = 0; events.length < eventsPerPair; k++) {
      const on = day(5 + (k % 280));
      if (k % 10 === 0) {
        events.push(e('SetObjective', 'ObjectiveSet', { pairId, objectiveId: randomUUID(), title: 'Use AI weekly', area: 'technology', successCriteria: 'Four weeks', targetDate: day(200), baselineLevel: 2, targetLevel: 7, setOn: on }));
      } else if (k % 2 === 0) {
        events.push(e('GiveFeedback', 'FeedbackGiven', { pairId, feedbackId: randomUUID(), fromRole: 'mentee', givenBy: menteeId, rating: 1 + (k % 5), comment: 'useful', fit: 'good', givenOn: on }));
      } else {
        events.push(e('LogSession', 'SessionHeld', {
          pairId, sessionId: randomUUID(), heldOn: on, durationMinutes: 20 + (k % 5) * 15, format: 'video', topics: ['prompts'], insights: 'Be specific.',
          actionItems: [{ description: 'Try it', owner: 'mentee', dueOn: day(8 + (k % 280)) }], confidentialNotes: 'private', loggedOn: on,
        }));
      }
    }
    return { stream: `pair-${pairId}`, events };
  });
  const events = program.length + pairStreams.reduce((sum, pair) => sum + pair.events.length, 0);
  return { programId, programStream: `program-${programId}`, program, pairs: pairStreams, streamNames: [`program-${programId}`, ...pairStreams.map((pair) => pair.stream)], events };
}
