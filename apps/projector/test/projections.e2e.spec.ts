import { EventStore, serializePosition } from '@flipside/event-store';
import { openReadModels } from '@flipside/read-models';
import { DataSource } from 'typeorm';
import { programScript } from './support/program-script';
import { eventually, startProjector } from './support/projector-in-process';
import { appendEvents } from './support/seed-events';
import { startTestStore, TestStore } from './support/publishing-harness';

const checkpoint = (dataSource: DataSource, name: string) =>
  dataSource.query(`SELECT position FROM read_models.projection_checkpoints WHERE name = $1`, [name]).then((rows) => rows[0]?.position as string | undefined);

describe('The projector against a real event store', () => {
  // On PostgreSQL, or on the EventStoreDB double when TEST_EVENT_STORE=eventstoredb; read models in PostgreSQL.
  let database: TestStore | undefined;
  let store: EventStore;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await startTestStore('flipside_projector');
    if (!database) return;
    store = database.store;
    dataSource = await openReadModels({ databaseUrl: database.databaseUrl, poolSize: 2 });
  });
  afterAll(async () => {
    if (!database) return;
    await dataSource.destroy();
    await database.close();
  });

  it('two projectors at once never double count; the standby takes over when the active one stops', async () => {
    if (!database) return;
    const p = programScript('program-twins');
    await appendEvents(store, [p.created(), p.enrolled('m1', 'mentor'), p.enrolled('e1', 'mentee'), p.launched(), p.paired('pair-t', 'm1', 'e1')]);
    const first = await startProjector(database.selection);
    const second = await startProjector(database.selection);
    try {
      let last = serializePosition(await appendEvents(store, Array.from({ length: 40 }, (_, k) => p.session('pair-t', `s${k}`, '2025-03-10', 30))));
      await eventually(() => checkpoint(dataSource, 'dashboard'), (position) => position === last);
      await eventually(() => checkpoint(dataSource, 'program-kpis'), (position) => position === last);
      const states = [(await first.health()).body, (await second.health()).body].map((health) => health.projections.map((s: any) => s.state).sort());
      expect(states).toEqual(expect.arrayContaining([['standby', 'standby']]));

      await first.close();
      last = serializePosition(await appendEvents(store, Array.from({ length: 10 }, (_, k) => p.session('pair-t', `t${k}`, '2025-03-11', 30))));
      await eventually(() => checkpoint(dataSource, 'dashboard'), (position) => position === last);
      await eventually(() => checkpoint(dataSource, 'program-kpis'), (position) => position === last);
      const [pair] = await dataSource.query(`SELECT sessions, minutes FROM read_models.pairs WHERE pair_id = 'pair-t'`);
      expect(pair).toEqual({ sessions: 50, minutes: 1500 });
      const [program] = await dataSource.query(`SELECT sessions_held FROM read_models.programs WHERE program_id = 'program-twins'`);
      expect(program.sessions_held).toBe(50);
      const [weeks] = await dataSource.query(`SELECT sum(sessions)::int AS sessions FROM read_models.program_weeks WHERE program_id = 'program-twins'`);
      expect(weeks.sessions).toBe(50);
      expect((await second.health()).status).toBe(200);
      const metrics = await second.metrics();
      expect(metrics).toMatch(/flipside_projection_events_applied_total\{projection="dashboard"\} \d+/);
      expect(metrics).toMatch(/flipside_projection_state\{projection="dashboard",state="live"\} 1/);
      expect(metrics).toMatch(/flipside_projection_batch_duration_seconds_count\{projection="program-kpis"\} \d+/);
    } finally {
      await first.close().catch(() => undefined);
      await second.close();
    }
  });

  it('a malformed stored event halts its projection visibly while the others go on; unknown types pass by', async () => {
    if (!database) return;
    const p = programScript('program-broken');
    const projector = await startProjector(database.selection);
    try {
      await appendEvents(store, [p.created(), p.enrolled('bm1', 'mentor'), p.enrolled('be1', 'mentee'), p.launched(), p.paired('pair-b', 'bm1', 'be1')]);
      await appendEvents(store, [{ type: 'SomeFutureEvent', data: { programId: 'program-broken' } }]);
      const broken = p.enrolled('bm2', 'mentor');
      delete (broken.data as Record<string, unknown>).role;
      const brokenAt = serializePosition(await appendEvents(store, [broken]));
      const last = serializePosition(await appendEvents(store, [p.session('pair-b', 'sb1', '2025-03-10', 60)]));

      const health = await eventually(() => projector.health(), (h) => h.body.projections.some((s: any) => s.state === 'halted'));
      expect(health.status).toBe(503);
      const dashboard = health.body.projections.find((s: any) => s.name === 'dashboard');
      expect(dashboard).toMatchObject({
        state: 'halted',
        haltedOn: { type: 'ParticipantEnrolled', position: brokenAt, reason: expect.stringContaining('role must be one of mentor, mentee') },
      });
      // Everything before the malformed event was applied, nothing after it.
      const [pair] = await dataSource.query(`SELECT sessions FROM read_models.pairs WHERE pair_id = 'pair-b'`);
      expect(pair.sessions).toBe(0);
      expect(await checkpoint(dataSource, 'dashboard')).not.toBe(last);
      // The KPI projection does not use enrolments: it went on.
      await eventually(() => checkpoint(dataSource, 'program-kpis'), (position) => position === last);
      const [week] = await dataSource.query(`SELECT sessions FROM read_models.program_weeks WHERE program_id = 'program-broken'`);
      expect(week.sessions).toBe(1);
    } finally {
      await projector.close();
    }
  });
});
