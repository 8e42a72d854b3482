import { INestApplication } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { FlipsideConfig, loadConfig } from '@flipside/config';
import { EVENT_STORE, EventStore, RecordedEvent } from '@flipside/event-store';
import { createTestDatabase, requirePostgres, TestDatabase } from '@flipside/testing';
import { EventStoreDbDouble } from '@flipside/event-store/testing/eventstoredb-double';
import { createApp } from '../../src/app.factory';
import { Role } from '../../src/identity/actor';
import { mintBearerToken } from '../../src/identity/bearer-token';
import { testLogger } from './test-log';

export interface ApiHarness {
  readonly app: INestApplication;
  readonly config: FlipsideConfig;
  readonly store: EventStore;
  /** The EventStoreDB test double the API writes to, when TEST_EVENT_STORE=eventstoredb and no EVENTSTORE_URL. */
  readonly eventStoreDouble?: EventStoreDbDouble;
  http(): ReturnType<typeof request>;
  token(claims?: { sub?: string; org?: string; roles?: Role[] }): string;
  /** Every event in the store, in log order: to assert that bad input left it untouched. */
  allEvents(): Promise<RecordedEvent[]>;
  close(): Promise<void>;
}

/** Which store the API suites run on: TEST_EVENT_STORE=eventstoredb runs them on the EventStoreDB double. */
export const testEventStore = process.env.TEST_EVENT_STORE === 'eventstoredb' ? 'eventstoredb' : 'postgres';

/**
 * The real API on a fresh PostgreSQL database (idempotency keys, and events unless TEST_EVENT_STORE says
 * eventstoredb: then events go through the real gRPC client to the EventStoreDB test double, or to a real
 * server at EVENTSTORE_URL). Returns undefined only outside CI with no PostgreSQL, after a loud warning.
 */
export async function startApi(
  env: Record<string, string> = {},
  appOptions: Parameters<typeof createApp>[1] = { logger: testLogger() },
): Promise<ApiHarness | undefined> {
  if (!(await requirePostgres())) return undefined;
  const database: TestDatabase = await createTestDatabase('flipside_api');
  const double = testEventStore === 'eventstoredb' && !process.env.EVENTSTORE_URL ? await EventStoreDbDouble.start() : undefined;
  const config = loadConfig({
    DATABASE_URL: database.url,
    JWT_SECRET: randomBytes(32).toString('hex'),
    FLIPSIDE_MASTER_KEY: randomBytes(32).toString('base64'),
    EVENT_STORE: testEventStore,
    ...(testEventStore === 'eventstoredb' ? { EVENTSTORE_URL: double?.connectionString ?? process.env.EVENTSTORE_URL ?? '' } : {}),
    ...env,
  });
  const app = await createApp(config, appOptions).catch(async (error: unknown) => {
    // Nothing of a failed start may outlive it: the suite would never end.
    await double?.stop();
    await database.drop();
    throw error;
  });
  const store = app.get<EventStore>(EVENT_STORE);
  const organization = `org-${randomUUID()}`;
  return {
    app,
    config,
    store,
    eventStoreDouble: double,
    http: () => request(app.getHttpServer()),
    token: ({ sub = 'admin-1', org = organization, roles = ['admin'] as Role[] } = {}) =>
      mintBearerToken({ sub, org, roles }, config.jwtSecret),
    async allEvents() {
      return store.readAll({ maxCount: 1_000_000 });
    },
    async close() {
      await app.close();
      await double?.stop();
      await database.drop();
    },
  };
}

export interface AnsweredRequest {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Sends a request that must be refused: the status, a problem+json body whose detail names the problem, and no new event. */
export async function expectRefused(api: ApiHarness, send: () => Promise<AnsweredRequest>, status: number, detail: RegExp) {
  const before = await api.allEvents();
  const response = await send();
  expect({ status: response.status, body: response.body }).toMatchObject({ status, body: { status } });
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ type: expect.any(String), title: expect.any(String) });
  expect(`${response.body.detail}`).toMatch(detail);
  expect((await api.allEvents()).length).toBe(before.length);
  return response.body;
}

const today = () => new Date().toISOString().slice(0, 10);
const daysFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

export const examples = {
  program: (overrides: Record<string, unknown> = {}) => ({
    name: 'Digital fluency for the leadership team',
    description: 'Junior colleagues help senior leaders with social media, AI tools and culture.',
    focusAreas: ['technology', 'social-media'],
    goals: ['Every executive publishes on the company network monthly'],
    cadence: { sessionEveryDays: 14, minSessionMinutes: 30 },
    startsOn: daysFromToday(-30),
    endsOn: daysFromToday(180),
    ...overrides,
  }),
  mentor: (overrides: Record<string, unknown> = {}) => ({
    personId: `emp-mentor-${randomUUID().slice(0, 8)}`,
    role: 'mentor',
    displayName: 'Kavya Rao',
    email: `kavya.${randomUUID().slice(0, 8)}@example.com`,
    seniority: 2,
    department: 'Marketing',
    skills: ['social media', 'short video'],
    interests: ['strategy'],
    ...overrides,
  }),
  mentee: (overrides: Record<string, unknown> = {}) => ({
    personId: `emp-mentee-${randomUUID().slice(0, 8)}`,
    role: 'mentee',
    displayName: 'Jack Miller',
    email: `jack.${randomUUID().slice(0, 8)}@example.com`,
    seniority: 9,
    department: 'Executive office',
    interests: ['social media'],
    ...overrides,
  }),
  session: (overrides: Record<string, unknown> = {}) => ({
    heldOn: today(),
    durationMinutes: 45,
    format: 'video',
    topics: ['LinkedIn posting'],
    insights: 'Short, personal posts outperform press releases.',
    actionItems: [{ description: 'Draft a first post', owner: 'mentee', dueOn: daysFromToday(7) }],
    confidentialNotes: 'CONFIDENTIAL-MARKER feels unsure about video',
    ...overrides,
  }),
  objective: (overrides: Record<string, unknown> = {}) => ({
    title: 'Publish confidently on LinkedIn',
    area: 'social-media',
    successCriteria: 'Two posts a month without help',
    targetDate: daysFromToday(60),
    baselineLevel: 2,
    targetLevel: 7,
    ...overrides,
  }),
};

/** A launched program with one mentor and one mentee paired (each a person of their own): the usual starting point of pair tests. */
export async function runningPair(api: ApiHarness, token = api.token()) {
  const auth = { Authorization: `Bearer ${token}` };
  const program = await api.http().post('/v1/programs').set(auth).send(examples.program()).expect(201);
  const programId = program.body.id as string;
  const mentorBody = examples.mentor();
  const menteeBody = examples.mentee();
  const mentor = await api.http().post(`/v1/programs/${programId}/participants`).set(auth).send(mentorBody).expect(201);
  const mentee = await api.http().post(`/v1/programs/${programId}/participants`).set(auth).send(menteeBody).expect(201);
  await api.http().post(`/v1/programs/${programId}/launch`).set(auth).expect(200);
  const pair = await api
    .http()
    .post(`/v1/programs/${programId}/pairs`)
    .set(auth)
    .send({ mentorId: mentor.body.id, menteeId: mentee.body.id })
    .expect(201);
  return {
    programId,
    mentorId: mentor.body.id as string,
    menteeId: mentee.body.id as string,
    pairId: pair.body.id as string,
    /** The persons behind the two participant records: the `sub` of their participant tokens. */
    mentorPersonId: mentorBody.personId,
    menteePersonId: menteeBody.personId,
  };
}
