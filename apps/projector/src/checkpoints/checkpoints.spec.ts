import { Client } from 'pg';
import { START } from '@flipside/event-store';
import { createTestDatabase, requirePostgres, TestDatabase } from '@flipside/testing';
import { CheckpointMovedError, ensureCheckpointTable, PostgresCheckpoints, ProcessorLease } from '.';

describe('checkpoints and the processor lease (PostgreSQL)', () => {
  let database: TestDatabase | undefined;
  const clients: Client[] = [];
  const connect = async () => {
    const client = new Client({ connectionString: database?.url });
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

  it('creates the projector schema and table idempotently, even from several connections at once', async () => {
    if (!database) return;
    const connections = await Promise.all([connect(), connect(), connect()]);
    await Promise.all(connections.map((client) => ensureCheckpointTable(client)));
    await ensureCheckpointTable(connections[0]);
    const { rows } = await connections[0].query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'projector' AND table_name = 'checkpoints'
        ORDER BY ordinal_position`,
    );
    expect(rows.map((row) => row.column_name)).toEqual(['name', 'position', 'updated_at']);
  });

  it('starts a new checkpoint at the beginning of the log and moves it only from where it is', async () => {
    if (!database) return;
    const client = await connect();
    await ensureCheckpointTable(client);
    const checkpoints = new PostgresCheckpoints(client);
    expect(await checkpoints.load('cas-test')).toEqual(START);
    const first = { commit: 10n, prepare: 3n };
    await checkpoints.compareAndSet('cas-test', START, first);
    expect(await checkpoints.load('cas-test')).toEqual(first);
    // A writer that still believes the checkpoint is at START has lost its turn.
    await expect(checkpoints.compareAndSet('cas-test', START, { commit: 11n, prepare: 1n })).rejects.toBeInstanceOf(CheckpointMovedError);
    expect(await checkpoints.load('cas-test')).toEqual(first);
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
