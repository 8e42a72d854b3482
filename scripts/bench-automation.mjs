// `npm run bench:automation`: the engagement automation deciding a day's worth of due timers, beside the plain
// append rate of the same run.
//  seed:  P pairs (default 50,000) formed through the write path on one launch day, in programs of 100 pairs; the
//         automation folds the log (arming 2 timers per pair: no first session after 14 days, the automatic-end
//         warning after 83): 100,000 armed timers;
//  (a)    the clock moves to day 14: every pair's "no first session" timer falls due at once. The automation's
//         firing rounds (fire-due-timers, as the processor runs them: 500 timers a round, 16 pairs at once) decide
//         them all through the write path → PairFlagged, its program states held as a running automation holds
//         them; then day 83, the automatic-end warnings, through a fresh write path (after a restart: nothing
//         held, every program read and opened on first use) → PairEndingWarned;
//  (b)    baseline: the same number of single-event appends to as many fresh streams, 16 at once, straight to
//         the store (no read, no decision, no hashing, no ledger): what the store alone takes.
// Options: --pairs N, --concurrency N, --no-build, --keep, --profile FILE (a CPU profile of the measured rounds).
import { execSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDependencies, root } from './lib/dev-env.mjs';

const { values: options } = parseArgs({
  options: {
    pairs: { type: 'string', default: '50000' },
    concurrency: { type: 'string', default: '16' },
    'no-build': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    profile: { type: 'string' },
  },
});
const pairCount = Number(options.pairs);
const concurrency = Number(options.concurrency);
const PAIRS_PER_PROGRAM = 100;
ensureDependencies();
if (!options['no-build']) execSync('npm run -s build', { cwd: root, stdio: 'inherit' });
const require = createRequire(join(root, 'package.json'));
const pg = require('pg');
const dist = (path) => require(join(root, 'dist', path));
const { PostgresEventStore } = dist('libs/event-store/src/postgres');
const { loadSealKey, sealWith } = dist('libs/audit/src');
const { KeyVault, MasterKeys, PersonalDataCipher } = dist('libs/personal-data/src');
const { createWritePath } = dist('libs/write-path/src');
const { engagementLedger } = dist('apps/projector/src/automation/engagement-ledger');
const { armTimers } = dist('apps/projector/src/automation/arm-timers');
const { fireDueTimers } = dist('apps/projector/src/automation/fire-due-timers');
const { WritePathDecisions } = dist('apps/projector/src/automation/write-path-decisions');

const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `flipside_bench_automation_${Date.now().toString(36)}`;
const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();
const organizationId = 'bench-automation';
const LAUNCH_DAY = '2027-01-04';
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
const perSecond = (count, ms) => Math.round((count / ms) * 1000);
const masterKeys = new MasterKeys({ id: 'bench', key: randomBytes(32) });

async function writePathOn(store, pool) {
  const seal = sealWith(await loadSealKey(pool));
  const vault = await KeyVault.open(pool, masterKeys);
  return createWritePath({ store, seal, cipher: new PersonalDataCipher(vault), vault });
}

/** A CPU profile of the firing rounds alone (--profile FILE), for finding where a decision's time goes. */
async function startProfiler() {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** Runs `work(i)` for i < count, `limit` at a time. */
async function inParallel(count, limit, work) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, count) }, async () => {
    while (next < count) await work(next++);
  }));
}

const store = new PostgresEventStore({ connectionString: databaseUrl, poolSize: concurrency + 4 });
const pool = new pg.Pool({ connectionString: databaseUrl, max: concurrency + 4 });
// The database is dropped WITH (FORCE) at the end: its connections' termination is expected.
pool.on('error', () => undefined);
try {
  await store.start();
  // ---------- seed ----------
  const writePath = await writePathOn(store, pool);
  const context = () => ({
    actor: { id: 'bench-admin', roles: ['admin'], organizationId },
    correlationId: randomUUID(),
    causationId: randomUUID(),
    now: `${LAUNCH_DAY}T09:00:00.000Z`,
  });
  const programs = Math.ceil(pairCount / PAIRS_PER_PROGRAM);
  const seedStarted = performance.now();
  await inParallel(programs, concurrency, async (p) => {
    const programId = `bench-program-${p}`;
    const record = (type, data) => writePath.programs.record(type, { programId, ...data }, context(), { id: programId });
    await record('CreateProgram', {
      organizationId,
      name: `Bench program ${p}`,
      focusAreas: ['technology'],
      goals: ['Measure the automation'],
      cadence: { sessionEveryDays: 14, minSessionMinutes: 30 },
      startsOn: LAUNCH_DAY,
      endsOn: '2027-12-31',
      maxMenteesPerMentor: 1,
      pairingRule: 'mutual',
    });
    await record('LaunchProgram', {});
    const pairs = Math.min(PAIRS_PER_PROGRAM, pairCount - p * PAIRS_PER_PROGRAM);
    for (let i = 0; i < pairs; i++) {
      const enrol = (role, seniority) =>
        record('EnrolParticipant', {
          participantId: `${role}-${i}`,
          personId: `bench-${p}-${role}-${i}`,
          role,
          displayName: `Bench ${role} ${i}`,
          email: `${role}-${i}@p${p}.bench.test`,
          seniority,
          department: 'Bench',
        });
      await enrol('mentor', 2);
      await enrol('mentee', 8);
      await record('PairParticipants', { pairId: `${programId}-pair-${i}`, mentorId: `mentor-${i}`, menteeId: `mentee-${i}`, pairedBy: 'admin' });
    }
  });
  const seedMs = performance.now() - seedStarted;
  console.log(`seed: ${pairCount} pairs in ${programs} programs through the write path, ${(seedMs / 1000).toFixed(1)} s`);

  // The automation folds the log: the processor's batches, here straight from the store.
  await engagementLedger.setUp(pool);
  const armStarted = performance.now();
  let folded = 0;
  let batch = [];
  const flush = async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await armTimers(client, batch);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    folded += batch.length;
    batch = [];
  };
  // readAll pages from a position, inclusive: each page after the first starts with the last event already folded.
  for (let from, lastId; ; ) {
    const page = (await store.readAll({ from, maxCount: 1000 })).filter((event) => event.id !== lastId);
    if (page.length === 0) break;
    batch = page;
    await flush();
    ({ position: from, id: lastId } = page[page.length - 1]);
  }
  const armMs = performance.now() - armStarted;
  const armed = await engagementLedger.summary(pool, '2027-01-17');
  console.log(`armed: ${armed.armed} timers from ${folded} events in ${(armMs / 1000).toFixed(1)} s (${perSecond(folded, armMs)} events/s folded)`);

  // ---------- (a) a day's worth of due timers, twice ----------
  const { programDecider, programStreamName } = dist('libs/domain/src');
  const stop = new AbortController().signal;
  const limits = { batch: 500, concurrency };
  /** Decides every timer due on `day` (the first round is the warm-up, not counted); figures of the rest. */
  async function fireDay(day, decisions) {
    const due = (await engagementLedger.summary(pool, day.toISOString().slice(0, 10))).due;
    const warm = await fireDueTimers(pool, decisions, day, limits, stop);
    const profiler = options.profile ? await startProfiler() : undefined;
    const started = performance.now();
    let decided = 0;
    const outcomes = {};
    for (;;) {
      const fired = await fireDueTimers(pool, decisions, day, limits, stop);
      if (fired.length === 0) break;
      decided += fired.length;
      for (const { outcome } of fired) outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    const ms = performance.now() - started;
    await profiler?.stop(options.profile);
    return { due, warmUp: warm.length, decided, ms, outcomes };
  }
  // Running: the automation's write path holds the programs' states, as it does once it has decided for them before.
  const running = await writePathOn(store, pool);
  for (let p = 0; p < programs; p++) await running.states.load(programDecider, programStreamName(`bench-program-${p}`));
  const day14 = await fireDay(new Date('2027-01-18T06:00:00.000Z'), new WritePathDecisions(running));
  // After a restart: a fresh write path holds nothing; each program is read and opened (decrypted) on first use.
  const day83 = await fireDay(new Date('2027-03-28T06:00:00.000Z'), new WritePathDecisions(await writePathOn(store, pool)));
  const decided = day14.decided;
  const left = await engagementLedger.summary(pool, '2027-03-28');

  // ---------- (b) baseline: plain appends ----------
  const appendCount = decided;
  await inParallel(500, concurrency, (i) => store.append(`bench-warmup-${i}`, [{ id: randomUUID(), type: 'BenchAppended', data: { i }, metadata: {} }], 'no_stream'));
  const appendStarted = performance.now();
  await inParallel(appendCount, concurrency, (i) =>
    store.append(`bench-append-${i}`, [{ id: randomUUID(), type: 'BenchAppended', data: { i }, metadata: {} }], 'no_stream'),
  );
  const appendMs = performance.now() - appendStarted;

  const line = (name, run) =>
    `| ${name} | ${run.due} due; **${perSecond(run.decided, run.ms)} /s** (${run.decided} in ${(run.ms / 1000).toFixed(1)} s after a warm-up round of ${run.warmUp}; ${JSON.stringify(run.outcomes)}) |`;
  console.log('');
  console.log(`| measure | figure |`);
  console.log(`| --- | --- |`);
  console.log(`| armed timers | ${armed.armed} |`);
  console.log(line('day 14, running automation (program states held): "no first session" flags', day14));
  console.log(line('day 83, after a restart (nothing held): automatic-end warnings', day83));
  console.log(`| baseline: plain single-event appends, ${concurrency} at once | ${perSecond(appendCount, appendMs)} /s (${appendCount} in ${(appendMs / 1000).toFixed(1)} s) |`);
  console.log(`| folding the log into timers | ${perSecond(folded, armMs)} events/s |`);
  console.log(`| left due after the run | ${left.due} |`);
} finally {
  await store.close().catch(() => undefined);
  await pool.end().catch(() => undefined);
  if (!options.keep) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
}
