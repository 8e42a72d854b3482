import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { EventStore, serializePosition } from '@flipside/event-store';
import { PostgresEventStore } from '@flipside/event-store/postgres';
import { openReadModels, PROJECTION_TABLES } from '@flipside/read-models';
import { createTestDatabase, requirePostgres, TestDatabase } from '@flipside/testing';
import { DataSource } from 'typeorm';
import { allProjections } from '../src/projections/all-projections';
import { rebuildProjection } from '../src/rebuild/rebuild-projection';
import { eventually, startProjector } from './support/projector-in-process';
import { programStreams, seedProgram } from './support/seed-events';

const root = join(__dirname, '../../..');

function startChild(databaseUrl: string): ChildProcess {
  return spawn(process.execPath, ['-r', join(__dirname, 'support/register-typescript.cjs'), join(__dirname, 'support/projections-child.ts')], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, EVENT_STORE: 'postgres', PROJECTOR_PORT: '0', BATCH_EVENTS: '200' },
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

// Always on the PostgreSQL event store: with the EventStoreDB double in this process, an in-process projector
// catching up ~12k events ran jest out of heap (open defect, issue 5); the same catch-up in a child process works.
describe('Crash safety and rebuilds', () => {
  let database: TestDatabase | undefined;
  let store: EventStore;
  let dataSource: DataSource;
  let children: ChildProcess[] = [];

  beforeAll(async () => {
    if (!(await requirePostgres())) return;
    database = await createTestDatabase('flipside_crash');
    store = new PostgresEventStore({ connectionString: database.url, poolSize: 8 });
    await store.start();
    dataSource = await openReadModels({ databaseUrl: database.url, poolSize: 4 });
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (!database) return;
    await store.close();
    await dataSource.destroy();
    await database.drop();
  });

  it('a projector SIGKILLed while catching up resumes where its last transaction ended: tables equal a from-scratch rebuild', async () => {
    if (!database) return;
    for (let index = 0; index < 20; index++) await seedProgram(store, programStreams(index, { pairs: 6, eventsPerPair: 100 }));
    const all = await store.readAll({ maxCount: 1_000_000 });
    const end = serializePosition(all[all.length - 1].position);
    const checkpoints = () =>
      dataSource.query(`SELECT name, position FROM read_models.projection_checkpoints ORDER BY name`) as Promise<{ name: string; position: string }[]>;

    const first = startChild(database.url);
    children.push(first);
    // Kill it once it has committed some batches but not all.
    await eventually(checkpoints, (rows) => rows.length === 2 && rows.every((row) => row.position !== '-1/-1'), 60_000);
    first.kill('SIGKILL');
    await exited(first);
    const atKill = await checkpoints();
    expect(atKill.some((row) => row.position !== end)).toBe(true);

    const second = startChild(database.url);
    children.push(second);
    await eventually(checkpoints, (rows) => rows.every((row) => row.position === end), 120_000);
    second.kill('SIGTERM');
    await exited(second);
    const resumed = await snapshot(dataSource);

    for (const projection of allProjections()) {
      await rebuildProjection(projection, { store, dataSource, databaseUrl: database.url });
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
    const projector = await startProjector(database.url);
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
