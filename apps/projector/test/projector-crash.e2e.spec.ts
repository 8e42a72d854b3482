import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { EventStore, EventStoreSelection, serializePosition } from '@flipside/event-store';
import { allProjections, openReadModels, PROJECTION_TABLES } from '@flipside/read-models';
import { DataSource } from 'typeorm';
import { rebuildReadModel } from '../src/read-models/rebuild-read-model';
import { eventually, startProjector } from './support/projector-in-process';
import { startTestStore, TestStore } from './support/publishing-harness';
import { programStreams, seedProgram } from './support/seed-events';

const root = join(__dirname, '../../..');

/** The real projector in a process of its own, on the suite's event store, so that it can be SIGKILLed. */
function startChild(selection: EventStoreSelection): ChildProcess {
  const store = { DATABASE_URL: selection.databaseUrl, EVENT_STORE: selection.eventStore, EVENTSTORE_URL: selection.eventStoreUrl ?? '' };
  return spawn(process.execPath, ['-r', join(__dirname, 'support/register-typescript.cjs'), join(__dirname, 'support/projections-child.ts')], {
    cwd: root,
    env: { ...process.env, ...store, PROJECTOR_PORT: '0', BATCH_EVENTS: '200' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

/** Every row of every read-model table, in a stable order. */
async function snapshot(dataSource: DataSource): Promise<Record<string, unknown[]>> {
  const tables: Record<string, unknown[]> = {};
  for (const table of Object.values(PROJECTION_TABLES).flat()) {
    tables[table] = await dataSource.query(`SELECT * FROM read_models.${table} ORDER BY 1, 2`);
  }
  return tables;
}

// On PostgreSQL, or on the EventStoreDB double when TEST_EVENT_STORE=eventstoredb; read models in PostgreSQL.
describe('Crash safety and rebuilds', () => {
  let database: TestStore | undefined;
  let store: EventStore;
  let dataSource: DataSource;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    database = await startTestStore('flipside_crash');
    if (!database) return;
    store = database.store;
    dataSource = await openReadModels({ databaseUrl: database.databaseUrl, poolSize: 4 });
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (!database) return;
    await dataSource.destroy();
    await database.close();
  });

  it('a projector SIGKILLed while catching up resumes where its last transaction ended: tables equal a from-scratch rebuild', async () => {
    if (!database) return;
    for (let index = 0; index < 20; index++) await seedProgram(store, programStreams(index, { pairs: 6, eventsPerPair: 100 }));
    const all = await database.allEvents();
    const end = serializePosition(all[all.length - 1].position);
    const checkpoints = () =>
      dataSource.query(`SELECT name, position FROM read_models.projection_checkpoints ORDER BY name`) as Promise<{ name: string; position: string }[]>;

    const first = startChild(database.selection);
    children.push(first);
    // Kill it once it has committed some batches but not all.
    await eventually(checkpoints, (rows) => rows.length === 2 && rows.every((row) => row.position !== '-1/-1'), 60_000);
    first.kill('SIGKILL');
    await exited(first);
    const atKill = await checkpoints();
    expect(atKill.some((row) => row.position !== end)).toBe(true);

    const second = startChild(database.selection);
    children.push(second);
    await eventually(checkpoints, (rows) => rows.every((row) => row.position === end), 120_000);
    second.kill('SIGTERM');
    await exited(second);
    const resumed = await snapshot(dataSource);

    for (const projection of allProjections()) {
      await rebuildReadModel(projection, { store, dataSource, databaseUrl: database.databaseUrl });
    }
    const rebuilt = await snapshot(dataSource);
    expect(rebuilt.sessions.length).toBeGreaterThan(1000);
    for (const table of Object.keys(rebuilt)) expect({ table, rows: resumed[table] }).toEqual({ table, rows: rebuilt[table] });
    expect(await checkpoints()).toEqual([
      { name: 'dashboard', position: end },
      { name: 'program-kpis', position: end },
    ]);
  });

  it('a projection whose version changed in code is rebuilt at start, and the switch keeps every row', async () => {
    if (!database) return;
    const before = await snapshot(dataSource);
    // As if the tables had been built by an older version of the KPI projection, with a wrong row left in them.
    await dataSource.query(`UPDATE read_models.projection_checkpoints SET version = 0 WHERE name = 'program-kpis'`);
    await dataSource.query(`UPDATE read_models.program_weeks SET sessions = sessions + 1000`);
    const projector = await startProjector(database.selection);
    try {
      await eventually(
        () => dataSource.query(`SELECT version FROM read_models.projection_checkpoints WHERE name = 'program-kpis'`),
        (rows) => rows[0]?.version === 1,
      );
      await eventually(() => projector.health(), (health) => health.status === 200);
      expect(await snapshot(dataSource)).toEqual(before);
    } finally {
      await projector.close();
    }
  });
});
