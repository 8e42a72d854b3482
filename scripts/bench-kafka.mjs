// `npm run bench:kafka`: integration-event publishing on a real Kafka broker, each figure beside its baseline.
//  (a) Throughput: a backlog of 200,000 stored events published by the projector's publisher (read from the
//      store, translated, sent in batches, acknowledged, checkpointed) vs a raw kafkajs producer sending the very
//      same messages, prepared in memory beforehand, with the same producer settings and batch size: the ceiling.
//      Three alternating rounds, median of each side. Target: publisher ≥ 0.7× raw.
//  (b) Latency: 200 commands/s (SessionHeld) through the API over HTTP, projector process publishing, a test
//      consumer on the topic; from the HTTP response (command accepted) to the record consumed. Target p99 ≤ 500 ms.
// Starts what it needs: a broker via infra/kafka when KAFKA_BROKERS is unset (stopped again at the end if it
// started it), fresh PostgreSQL databases (dropped at the end), the API and the projector built into dist/.
// Options: --events N (200000), --rounds N (3), --rate N (200), --seconds N (30, after 5 s of warm-up at the same
// rate that are not counted), --batch N (1000), --only throughput|latency, --no-build.
import { execFileSync, execSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { SignJWT } from 'jose';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDependencies, root } from './lib/dev-env.mjs';

const { values: options } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '3' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '30' },
    batch: { type: 'string', default: '1000' },
    only: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
const EVENTS = Number(options.events);
const ROUNDS = Number(options.rounds);
const RATE = Number(options.rate);
const SECONDS = Number(options.seconds);
const BATCH = Number(options.batch);
const PARTITIONS = 6;

ensureDependencies();
if (!options['no-build']) execSync('npm run -s build', { cwd: root, stdio: 'inherit' });
const require = createRequire(join(root, 'package.json'));
const pg = require('pg');
const { Kafka, logLevel } = require('kafkajs');
const { createEventStore } = require(join(root, 'dist/libs/event-store/src'));
const publishing = require(join(root, 'dist/apps/projector/src/kafka'));
const { KafkaPublisher, PRODUCER_SETTINGS, ACKS_ALL, toIntegrationEvent, toKafkaMessage } = publishing;
const { ProcessorHost } = require(join(root, 'dist/apps/projector/src/engine/processor-host'));
const { DEFAULT_ENGINE_SETTINGS } = require(join(root, 'dist/apps/projector/src/engine/processor-engine'));
const { DEFAULT_LAG_SAMPLING } = require(join(root, 'dist/apps/projector/src/engine/processor-lag'));
const { openReadModels } = require(join(root, 'dist/libs/read-models/src'));
const { Logger } = require('@nestjs/common');
Logger.overrideLogger(['error']);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const perSecond = (count, ms) => Math.round((count / ms) * 1000);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

// ---------------------------------------------------------------- infrastructure the bench starts itself
const kafkaPort = Number(process.env.KAFKA_PORT ?? 9092);
let startedBroker = false;
const listening = (port) =>
  new Promise((resolve) => {
    const socket = new Socket();
    const done = (open) => (socket.destroy(), resolve(open));
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => done(true));
  });
if (!process.env.KAFKA_BROKERS) {
  if (!(await listening(kafkaPort))) {
    console.log('Starting a Kafka broker (infra/kafka/start.sh)…');
    execFileSync('bash', [join(root, 'infra/kafka/start.sh')], { stdio: 'inherit' });
    startedBroker = true;
  }
  process.env.KAFKA_BROKERS = `127.0.0.1:${kafkaPort}`;
}
const brokers = process.env.KAFKA_BROKERS.split(',');
const kafka = new Kafka({ clientId: 'bench-kafka', brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const topics = [];
const newTopic = async (name) => {
  const topic = `flipside.bench.${name}.${Date.now().toString(36)}.${randomBytes(2).toString('hex')}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
  topics.push(topic);
  return topic;
};

const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const pgAdmin = new pg.Client({ connectionString: adminUrl });
await pgAdmin.connect();
const databases = [];
async function freshDatabase(purpose) {
  const name = `flipside_bench_kafka_${purpose}_${Date.now().toString(36)}`;
  await pgAdmin.query(`CREATE DATABASE ${name}`);
  databases.push(name);
  return Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
}

// ---------------------------------------------------------------- a realistic backlog
const day = (offset) => new Date(Date.UTC(2026, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
function* programLives(total) {
  const PAIRS = 50;
  let written = 0;
  for (let p = 0; written < total; p++) {
    const organizationId = `org-${p % 7}`;
    const programId = randomUUID();
    const meta = (occurredAt) => ({ eventId: randomUUID(), schemaVersion: 1, occurredAt, organizationId, actor: { id: 'bench-admin', roles: ['admin'] }, correlationId: randomUUID(), causationId: randomUUID() });
    const ev = (type, data, offset) => {
      const metadata = meta(`${day(offset)}T10:00:00.000Z`);
      return { id: metadata.eventId, type, data, metadata };
    };
    const programEvents = [ev('ProgramCreated', {
      programId, organizationId, name: `Program ${p}`, description: 'Leaders learn from juniors', focusAreas: ['technology'], goals: ['Daily AI use'],
      cadence: { sessionEveryDays: 14, minSessionMinutes: 30 }, startsOn: day(0), endsOn: day(300), maxMenteesPerMentor: 1, pairingRule: 'reverse', createdOn: day(-5),
    }, -5)];
    const pairs = [];
    for (let i = 0; i < PAIRS; i++) {
      const mentorId = `emp-${p}-m${i}`;
      const menteeId = `emp-${p}-e${i}`;
      programEvents.push(
        ev('ParticipantEnrolled', { programId, participantId: mentorId, role: 'mentor', displayName: `Mentor ${i}`, email: `m${i}@bench.example`, seniority: 2, department: 'IT', skills: ['AI tools'], interests: ['strategy'], capacity: 1, enrolledOn: day(-3) }, -3),
        ev('ParticipantEnrolled', { programId, participantId: menteeId, role: 'mentee', displayName: `Exec ${i}`, email: `e${i}@bench.example`, seniority: 9, department: 'Board', skills: ['strategy'], interests: ['AI tools'], enrolledOn: day(-3) }, -3),
      );
      pairs.push({ pairId: randomUUID(), mentorId, menteeId });
    }
    programEvents.push(ev('ProgramLaunched', { programId, launchedOn: day(0) }, 0));
    for (const { pairId, mentorId, menteeId } of pairs) {
      programEvents.push(ev('Paired', { programId, pairId, mentorId, menteeId, pairedBy: 'algorithm', matchScore: 0.7, rationale: 'fit', pairedOn: day(1) }, 1));
    }
    yield { streamName: `program-${programId}`, events: programEvents };
    written += programEvents.length;
    for (const { pairId, menteeId } of pairs) {
      if (written >= total) return;
      const pairEvents = [];
      for (let s = 0; s < 18 && written + pairEvents.length < total; s++) {
        const sessionId = randomUUID();
        pairEvents.push(ev('SessionHeld', {
          programId, pairId, sessionId, heldOn: day(2 + s * 7), durationMinutes: 45, format: 'video', topics: ['prompting', 'personal brand'],
          insights: 'Short posts work', actionItems: [{ description: 'Draft a post', owner: 'mentee', dueOn: day(9 + s * 7) }], confidentialNotes: 'private', loggedOn: day(2 + s * 7),
        }, 2 + s * 7));
        if (written + pairEvents.length < total) {
          pairEvents.push(ev('FeedbackGiven', { programId, pairId, feedbackId: randomUUID(), sessionId, fromRole: 'mentee', givenBy: menteeId, rating: 4, comment: 'candid', fit: 'good', givenOn: day(2 + s * 7) }, 2 + s * 7));
        }
      }
      yield { streamName: `pair-${pairId}`, events: pairEvents };
      written += pairEvents.length;
    }
  }
}

async function seed(store, total) {
  const appends = [];
  for (const life of programLives(total)) {
    for (let i = 0; i < life.events.length; i += 100) appends.push({ streamName: life.streamName, events: life.events.slice(i, i + 100) });
  }
  // Streams are independent: 8 writers, each stream's chunks in order.
  const byStream = new Map();
  for (const append of appends) byStream.set(append.streamName, [...(byStream.get(append.streamName) ?? []), append]);
  const streams = [...byStream.values()];
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < streams.length) {
      for (const append of streams[next++]) await store.append(append.streamName, append.events, 'any');
    }
  }));
}

async function readAll(store) {
  const all = [];
  for (;;) {
    const page = await store.readAll({ maxCount: 10_000, ...(all.length ? { from: all[all.length - 1].position } : {}) });
    const fresh = all.length ? page.slice(1) : page;
    if (!fresh.length) return all;
    for (const event of fresh) all.push(event);
  }
}

const results = {};
const cleanups = [];
try {
  // ------------------------------------------------------------ (a) throughput
  if (options.only !== 'latency') {
  const throughputUrl = await freshDatabase('throughput');
  const selection = { eventStore: 'postgres', databaseUrl: throughputUrl };
  const store = createEventStore(selection);
  await store.start();
  cleanups.push(() => store.close());
  let t0 = performance.now();
  await seed(store, EVENTS);
  // The ceiling's input: exactly the messages the publisher sends, built before the clock starts (and let go of
  // after each raw round, so the publisher rounds do not run beside a heap of 200,000 prepared messages).
  async function preparedMessages() {
    const messages = [];
    for (const event of await readAll(store)) {
      const translation = toIntegrationEvent(event);
      if (translation.publish) messages.push(toKafkaMessage(translation.event));
    }
    return messages;
  }
  console.log(`Seeded the backlog in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // The projector's tables (its checkpoints among them) exist before any round's clock starts.
  await (await openReadModels({ databaseUrl: throughputUrl, poolSize: 1 })).destroy();
  let messages = await preparedMessages();
  const lastPosition = messages[messages.length - 1].headers.ce_flipsideposition;
  const publishedCount = messages.length;
  const payloadBytes = messages.reduce((sum, m) => sum + Buffer.byteLength(m.value), 0);
  messages = undefined;

  async function rawRound() {
    const messages = await preparedMessages();
    const topic = await newTopic('raw');
    const producer = kafka.producer(PRODUCER_SETTINGS);
    await producer.connect();
    const started = performance.now();
    for (let i = 0; i < messages.length; i += BATCH) {
      await producer.send({ topic, acks: ACKS_ALL, messages: messages.slice(i, i + BATCH) });
    }
    const ms = performance.now() - started;
    await producer.disconnect();
    return ms;
  }

  async function publisherRound() {
    const topic = await newTopic('publisher');
    const settings = {
      brokers, clientId: 'bench-publisher', topic, partitions: PARTITIONS, replicationFactor: 1, eventStore: selection,
      databaseUrl: throughputUrl, checkpointName: `integration-events:${topic}`, batchSize: BATCH, maxBatchBytes: 900 * 1024,
      lingerMs: 10, standbyRetryMs: 1000, retryInitialMs: 250, retryMaxMs: 5000,
    };
    // The publisher under the projector's engine, alone, as the projector runs it.
    const publisher = new KafkaPublisher(settings);
    const host = new ProcessorHost({ config: selection, lagSampling: DEFAULT_LAG_SAMPLING, engine: DEFAULT_ENGINE_SETTINGS }, [() => publisher]);
    const status = { snapshot: () => publisher.status.snapshot(host.engines[0].status.snapshot()) };
    const started = performance.now();
    await host.start();
    while (status.snapshot().checkpoint !== lastPosition) {
      if (status.snapshot().lastError && status.snapshot().state === 'retrying') throw new Error(status.snapshot().lastError.message);
      await sleep(5);
    }
    const ms = performance.now() - started;
    await host.close();
    if (status.snapshot().publishedEvents !== publishedCount) throw new Error(`published ${status.snapshot().publishedEvents} of ${publishedCount}`);
    return ms;
  }

  const raw = [];
  const published = [];
  for (let round = 0; round < ROUNDS; round++) {
    raw.push(await rawRound());
    published.push(await publisherRound());
    console.log(`  round ${round + 1}: raw producer ${perSecond(publishedCount, raw[round])}/s, publisher ${perSecond(publishedCount, published[round])}/s`);
    // Each round writes two topics of this backlog; drop them as we go.
    await admin.deleteTopics({ topics: topics.splice(0) }).catch(() => undefined);
  }
  results.throughput = {
    events: publishedCount,
    averagePayloadBytes: Math.round(payloadBytes / publishedCount),
    batch: BATCH,
    publisherPerSecond: perSecond(publishedCount, median(published)),
    rawProducerPerSecond: perSecond(publishedCount, median(raw)),
    ratio: Number((median(raw) / median(published)).toFixed(2)),
  };
  console.log(`\n(a) throughput: ${publishedCount} events, batches of ${BATCH}, idempotent producer, acks=all, ${PARTITIONS} partitions; median of ${ROUNDS} rounds`);
  console.table(results.throughput);
  await store.close();
  cleanups.pop();
  }

  // ------------------------------------------------------------ (b) latency through the API
  if (options.only !== 'throughput') {
  const latencyUrl = await freshDatabase('latency');
  const topic = await newTopic('latency');
  const secret = randomBytes(32).toString('hex');
  const port = 3900 + Math.floor(Math.random() * 90);
  const env = { ...process.env, PORT: String(port), PROJECTOR_PORT: String(port + 100), DATABASE_URL: latencyUrl, JWT_SECRET: secret, FLIPSIDE_MASTER_KEY: randomBytes(32).toString('base64'), EVENT_STORE: 'postgres', KAFKA_BROKERS: brokers.join(','), KAFKA_TOPIC: topic };
  const children = [];
  const spawnApp = (entry) => {
    const child = spawn(process.execPath, [join(root, entry)], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(child);
    return child;
  };
  cleanups.push(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
  });
  spawnApp('dist/apps/api/src/main.js');
  spawnApp('dist/apps/projector/src/main.js');
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    try {
      await fetch(`${base}/docs/openapi.json`);
      break;
    } catch {
      await sleep(200);
    }
  }
  const token = await new SignJWT({ sub: 'bench-admin', org: 'bench', roles: ['admin'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const post = async (path, body) => {
    const response = await fetch(base + path, { method: 'POST', headers, body: body ? JSON.stringify(body) : undefined });
    if (response.status >= 300) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const program = await post('/v1/programs', {
    name: 'Latency program', focusAreas: ['technology'], goals: ['Latency'], cadence: { sessionEveryDays: 14, minSessionMinutes: 30 },
    startsOn: '2026-01-01', endsOn: '2027-12-31', maxMenteesPerMentor: 5,
  });
  const sessionPaths = [];
  const mentors = [];
  for (let m = 0; m < 20; m++) {
    mentors.push((await post(`/v1/programs/${program.id}/participants`, { role: 'mentor', displayName: `Mentor ${m}`, email: `m${m}@bench.test`, seniority: 2, department: 'IT', capacity: 5 })).id);
  }
  await post(`/v1/programs/${program.id}/launch`);
  for (let m = 0; m < 100; m++) {
    const mentee = await post(`/v1/programs/${program.id}/participants`, { role: 'mentee', displayName: `Mentee ${m}`, email: `e${m}@bench.test`, seniority: 9, department: 'Board' });
    const pair = await post(`/v1/programs/${program.id}/pairs`, { mentorId: mentors[Math.floor(m / 5)], menteeId: mentee.id });
    sessionPaths.push(`/v1/programs/${program.id}/pairs/${pair.id}/sessions`);
  }

  const accepted = new Map();
  const sent = new Map();
  const consumedAt = new Map();
  const consumer = kafka.consumer({ groupId: `bench-${topic}`, maxWaitTimeInMs: 50 });
  const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.headers?.ce_type?.toString() !== 'dev.flipside.mentorship.session-held.v1') return;
      const sessionId = JSON.parse(message.value.toString()).sessionId;
      if (!consumedAt.has(sessionId)) consumedAt.set(sessionId, performance.now());
    },
  });
  cleanups.push(() => consumer.disconnect());
  await joined;

  const today = new Date().toISOString().slice(0, 10);
  const failures = [];
  const inFlight = new Set();
  const interval = 1000 / RATE;
  const WARM_UP = RATE * 5;
  const total = RATE * SECONDS + WARM_UP;
  const counted = new Set();
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const sessionId = randomUUID();
    if (i >= WARM_UP) counted.add(sessionId);
    const request = (async () => {
      sent.set(sessionId, performance.now());
      const response = await fetch(base + sessionPaths[i % sessionPaths.length], {
        method: 'POST', headers,
        body: JSON.stringify({ id: sessionId, heldOn: today, durationMinutes: 45, format: 'video', topics: ['AI tools'], insights: 'Prompting', confidentialNotes: 'secret' }),
      });
      if (response.status === 201) accepted.set(sessionId, performance.now());
      else failures.push(`${response.status} ${await response.text()}`);
    })().catch((error) => failures.push(error.message));
    inFlight.add(request);
    request.finally(() => inFlight.delete(request));
  }
  const offeredSeconds = (performance.now() - started) / 1000 - 5;
  await Promise.all(inFlight);
  const deadline = Date.now() + 30_000;
  while ([...accepted.keys()].some((id) => !consumedAt.has(id)) && Date.now() < deadline) await sleep(50);
  for (const id of [...accepted.keys()]) if (!counted.has(id)) accepted.delete(id);
  const fromAccepted = [...accepted].filter(([id]) => consumedAt.has(id)).map(([id, at]) => consumedAt.get(id) - at).sort((a, b) => a - b);
  const fromSent = [...accepted.keys()].filter((id) => consumedAt.has(id)).map((id) => consumedAt.get(id) - sent.get(id)).sort((a, b) => a - b);
  results.latency = {
    commands: total - WARM_UP,
    offeredPerSecond: Math.round((total - WARM_UP) / offeredSeconds),
    accepted: accepted.size,
    consumed: fromAccepted.length,
    failures: failures.length,
    sentToAcceptedP50Ms: Math.round(percentile([...accepted].map(([id, at]) => at - sent.get(id)).sort((a, b) => a - b), 50)),
    sentToAcceptedP99Ms: Math.round(percentile([...accepted].map(([id, at]) => at - sent.get(id)).sort((a, b) => a - b), 99)),
    acceptedToConsumedP50Ms: Math.round(percentile(fromAccepted, 50)),
    acceptedToConsumedP99Ms: Math.round(percentile(fromAccepted, 99)),
    acceptedToConsumedMaxMs: Math.round(fromAccepted[fromAccepted.length - 1]),
    sentToConsumedP50Ms: Math.round(percentile(fromSent, 50)),
    sentToConsumedP99Ms: Math.round(percentile(fromSent, 99)),
  };
  console.log(`\n(b) latency: ${RATE} SessionHeld commands/s for ${SECONDS} s through the API (HTTP); projector process; consumer on the topic`);
  console.table(results.latency);
  if (failures.length) console.log('first failures:', failures.slice(0, 3));
  }
  console.log('\nTargets: publisher ≥ 0.7× raw producer; latency p99 ≤ 500 ms (accepted → consumed)');
  console.log(JSON.stringify(results));
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => console.error(error.message));
  if (topics.length) await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
  for (const name of databases) await pgAdmin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await pgAdmin.end();
  if (startedBroker) execFileSync('bash', [join(root, 'infra/kafka/stop.sh')], { stdio: 'inherit' });
}
