import { Client } from 'pg';
import { START } from '@flipside/event-store';
import { createReadModelsDataSource, migrateReadModels, openReadModels, READ_MODEL_MIGRATIONS } from '@flipside/read-models';
import { createTestDatabase, requirePostgres, TestDatabase } from '@flipside/testing';
import { DataSource } from 'typeorm';
import { checkpointStore } from './checkpoint-store';
import { CheckpointMoved, ProcessorVersionChanged } from './errors';
import { ProcessorLease } from './processor-lease';

describe('the checkpoint store and the processor lease (PostgreSQL)', () => {
  let database: TestDatabase | undefined;
  const clients: Client[] = [];
  const connect = async (url = database?.url) => {
    const client = new Client({ connectionString: url });
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    if (await requirePostgres()) database = await createTestDatabase('flipside_checkpoints');
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    await database?.drop();
  });

  it('creates the one checkpoint table idempotently (the read-model migrations), even from several processes at once', async () => {
    if (!database) return;
    const opened = await Promise.all([1, 2, 3].map(() => openReadModels({ databaseUrl: database!.url, poolSize: 1 })));
    await Promise.all(opened.map((dataSource) => dataSource.destroy()));
    const client = await connect();
    const { rows } = await client.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'projector' AND table_name = 'checkpoints'
        ORDER BY ordinal_position`,
    );
    expect(rows.map((row) => row.column_name)).toEqual(['name', 'position', 'updated_at', 'version']);
  });

  it('moves the checkpoints of a deployed projector into the one table as they are: read models with their versions, Kafka and anchors untouched', async () => {
    if (!database) return;
    const deployed = await createTestDatabase('flipside_checkpoint_move');
    let dataSource: DataSource | undefined;
    try {
      // The database as the previous projector left it: read-model checkpoints in their own table, the others in
      // projector.checkpoints (created by the publisher and the anchor processor themselves).
      const before = createReadModelsDataSource({ databaseUrl: deployed.url, poolSize: 1 });
      const migrations = READ_MODEL_MIGRATIONS.slice(0, READ_MODEL_MIGRATIONS.findIndex((migration) => migration.name === 'OneCheckpointStore1767000000000'));
      before.setOptions({ migrations });
      await before.initialize();
      await migrateReadModels(before, deployed.url);
      await before.destroy();
      const client = await connect(deployed.url);
      await client.query(`INSERT INTO read_models.projection_checkpoints (name, version, position) VALUES ('dashboard', 2, '120/118'), ('program-kpis', 1, '120/118'), ('dashboard:rebuild', 2, '40/40')`);
      await client.query(`CREATE SCHEMA projector; CREATE TABLE projector.checkpoints (name text PRIMARY KEY, position text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`);
      await client.query(`INSERT INTO projector.checkpoints (name, position) VALUES ('integration-events:flipside.mentorship.events.v1', '100/99'), ('audit-anchors', '120/118')`);

      dataSource = await openReadModels({ databaseUrl: deployed.url, poolSize: 1 });
      const { rows } = await client.query('SELECT name, position, version FROM projector.checkpoints ORDER BY name');
      expect(rows).toEqual([
        { name: 'audit-anchors', position: '120/118', version: null },
        { name: 'dashboard', position: '120/118', version: 2 },
        { name: 'dashboard:rebuild', position: '40/40', version: 2 },
        { name: 'integration-events:flipside.mentorship.events.v1', position: '100/99', version: null },
        { name: 'program-kpis', position: '120/118', version: 1 },
      ]);
      // The old name still answers readers of it (the API's read-your-writes), and takes the old writers' statements.
      const old = await client.query(`SELECT name, position FROM read_models.projection_checkpoints WHERE name = 'dashboard'`);
      expect(old.rows).toEqual([{ name: 'dashboard', position: '120/118' }]);
      await client.query(`UPDATE read_models.projection_checkpoints SET position = '121/119' WHERE name = 'dashboard'`);
      expect(await checkpointStore.read(client, 'dashboard')).toEqual({ position: { commit: 121n, prepare: 119n }, version: 2 });
    } finally {
      await dataSource?.destroy();
      await deployed.drop();
    }
  });

  it('starts a new checkpoint at the beginning of the log and moves it only from where it is, at its version', async () => {
    if (!database) return;
    const client = await connect();
    expect(await checkpointStore.ensure(client, 'cas-test', 3)).toEqual({ position: START, version: 3 });
    const first = { commit: 10n, prepare: 3n };
    await checkpointStore.compareAndSet(client, 'cas-test', START, first, 3);
    expect(await checkpointStore.read(client, 'cas-test')).toEqual({ position: first, version: 3 });
    // A writer that still believes the checkpoint is at START has lost its turn.
    await expect(checkpointStore.compareAndSet(client, 'cas-test', START, { commit: 11n, prepare: 1n }, 3)).rejects.toBeInstanceOf(CheckpointMoved);
    // A writer of another version stops writing it.
    await expect(checkpointStore.compareAndSet(client, 'cas-test', first, { commit: 11n, prepare: 1n }, 2)).rejects.toBeInstanceOf(ProcessorVersionChanged);
    expect(await checkpointStore.read(client, 'cas-test')).toEqual({ position: first, version: 3 });
    // Without a version (null) as well.
    expect(await checkpointStore.ensure(client, 'cas-unversioned', null)).toEqual({ position: START, version: null });
    await checkpointStore.compareAndSet(client, 'cas-unversioned', START, first, null);
    expect((await checkpointStore.read(client, 'cas-unversioned'))?.position).toEqual(first);
  });

  it('lets one instance hold a lease; another waits and takes over when the holder’s connection dies', async () => {
    if (!database) return;
    const options = { connectionString: database.url, name: 'lease-test', retryMs: 50 };
    const stop = new AbortController();
    const first = await new ProcessorLease(options).acquire(stop.signal);
    expect(first).toBeDefined();

    let waiting = false;
    const second = new ProcessorLease(options).acquire(stop.signal, () => (waiting = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(waiting).toBe(true);

    // The holder's session ends as it would if its process were killed.
    const admin = await connect();
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted
          AND l.objid = (hashtextextended('lease-test', 0) & x'ffffffff'::bigint)::oid`,
    );
    expect(rows).toHaveLength(1);
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);

    const taken = await second;
    expect(taken).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(first?.lost.aborted).toBe(true);
    expect(taken?.lost.aborted).toBe(false);
    await taken?.release();
    await first?.release();
    stop.abort();
  });

  it('gives up waiting when asked to stop', async () => {
    if (!database) return;
    const options = { connectionString: database.url, name: 'lease-stop-test', retryMs: 50 };
    const holder = new AbortController();
    const held = await new ProcessorLease(options).acquire(holder.signal);
    const stop = new AbortController();
    const waiting = new ProcessorLease(options).acquire(stop.signal);
    setTimeout(() => stop.abort(), 200);
    await expect(waiting).resolves.toBeUndefined();
    await held?.release();
  });
});
