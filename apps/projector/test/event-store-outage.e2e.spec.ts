import { createEventStore, EventStore, EventStoreSelection, EventStoreUnavailableError, serializePosition } from '@flipside/event-store';
import { EventStoreDbDouble } from '@flipside/event-store/testing/eventstoredb-double';
import { openReadModels } from '@flipside/read-models';
import { createTestDatabase, requirePostgres, TestDatabase } from '@flipside/testing';
import { DataSource } from 'typeorm';
import { EventStoreReach } from '../src/engine/event-store-reach';
import { ProcessorLag } from '../src/engine/processor-lag';
import { ProcessorStatus } from '../src/engine/processor-status';
import { programScript } from './support/program-script';
import { eventually, startProjector } from './support/projector-in-process';
import { appendEvents } from './support/seed-events';

// Always on the EventStoreDB double, which can go away while the read models' PostgreSQL stays up.
describe('The projector while EventStoreDB cannot be reached', () => {
  let database: TestDatabase | undefined;
  let double: EventStoreDbDouble;
  let store: EventStore;
  let dataSource: DataSource;
  let selection: EventStoreSelection;

  beforeAll(async () => {
    if (!(await requirePostgres())) return;
    database = await createTestDatabase('flipside_esdb_down');
    double = await EventStoreDbDouble.start();
    selection = { eventStore: 'eventstoredb', databaseUrl: database.url, eventStoreUrl: double.connectionString };
    store = createEventStore(selection);
    await store.start();
    dataSource = await openReadModels({ databaseUrl: database.url, poolSize: 2 });
  });
  afterAll(async () => {
    if (!database) return;
    await store.close();
    await double.stop();
    await dataSource.destroy();
    await database.drop();
  });

  it('reports unready (503, eventStore unreachable, flipside_event_store_up 0), then ready and current once it is back', async () => {
    if (!database) return;
    const p = programScript('program-outage');
    await appendEvents(store, [p.created(), p.enrolled('m1', 'mentor'), p.enrolled('e1', 'mentee'), p.launched()]);
    const projector = await startProjector(selection);
    try {
      const ready = await eventually(() => projector.health(), (health) => health.status === 200);
      expect(ready.body.eventStore).toEqual({ reachable: true, unreachableSince: null, lastError: null });

      await double.stop();
      const down = await eventually(() => projector.health(), (health) => health.status === 503, 15_000);
      expect(down.body).toMatchObject({ status: 'unready', eventStore: { reachable: false, lastError: { message: expect.stringMatching(/EventStoreDB/) } } });
      // The projections themselves still look live: only the store's reach makes the instance unready.
      expect(down.body.projections.map((projection: { state: string }) => projection.state)).toEqual(['live', 'live']);
      expect(await projector.metrics()).toMatch(/^flipside_event_store_up 0$/m);

      await double.restart();
      // The test's own client may still be waiting out its reconnect backoff: its append is retried until it lands
      // (one event, refused before it was sent), since the projector's recovery is what is under test.
      const paired = p.paired('pair-o', 'm1', 'e1');
      const appended = await eventually(
        () => appendEvents(store, [paired]).catch((error: unknown) => {
          if (error instanceof EventStoreUnavailableError) return undefined;
          throw error;
        }),
        (position) => position !== undefined,
        15_000,
      );
      const last = serializePosition(appended!);
      const back = await eventually(() => projector.health(), (health) => health.status === 200, 15_000);
      expect(back.body.eventStore).toMatchObject({ reachable: true, unreachableSince: null });
      expect(await projector.metrics()).toMatch(/^flipside_event_store_up 1$/m);
      await eventually(
        () => dataSource.query(`SELECT position FROM read_models.projection_checkpoints ORDER BY name`),
        (rows: { position: string }[]) => rows.every((row) => row.position === last),
      );
    } finally {
      await projector.close();
    }
  });

  it('a standby instance, which samples no lag, still finds out that the store is gone and back', async () => {
    if (!database) return;
    const reach = new EventStoreReach();
    const lag = new ProcessorLag(store, [new ProcessorStatus('dashboard', 1)], { everyMs: 1000, countCap: 10 }, reach);
    await lag.sample();
    expect(reach.reachable).toBe(true);
    await double.stop();
    try {
      await lag.sample();
      expect(reach.snapshot()).toMatchObject({ reachable: false, unreachableSince: expect.any(String) });
    } finally {
      await double.restart();
    }
    await lag.sample();
    expect(reach.reachable).toBe(true);
  });
});
