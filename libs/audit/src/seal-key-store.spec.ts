import { Pool } from 'pg';
import { createTestDatabase, requirePostgres, TestDatabase } from '@flipside/testing';
import { loadSealKey } from './seal-key-store';

describe('The seal key in PostgreSQL', () => {
  let database: TestDatabase | undefined;
  const pools: Pool[] = [];
  const pool = () => {
    const opened = new Pool({ connectionString: database!.url, max: 2 });
    opened.on('error', () => undefined); // the database is dropped WITH (FORCE) after each test
    pools.push(opened);
    return opened;
  };

  beforeEach(async () => {
    database = (await requirePostgres()) ? await createTestDatabase('flipside_seal_key') : undefined;
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((opened) => opened.end()));
    await database?.drop();
  });

  it('is 32 random bytes, created on first use and the same on every later load', async () => {
    if (!database) return;
    const first = await loadSealKey(pool());
    expect(first).toBeInstanceOf(Buffer);
    expect(first).toHaveLength(32);
    expect(first.equals(Buffer.alloc(32))).toBe(false);
    expect((await loadSealKey(pool())).equals(first)).toBe(true);
    const { rows } = await pool().query('SELECT count(*)::int AS keys FROM audit.seal_key');
    expect(rows).toEqual([{ keys: 1 }]);
  });

  it('is one key when several processes start at once on an empty database', async () => {
    if (!database) return;
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadSealKey(pool())));
    expect(new Set(keys.map((key) => key.toString('hex'))).size).toBe(1);
    const { rows } = await pool().query('SELECT count(*)::int AS keys FROM audit.seal_key');
    expect(rows).toEqual([{ keys: 1 }]);
  });

  it('differs between two databases: a key is never a constant of the code', async () => {
    if (!database) return;
    const other = await createTestDatabase('flipside_seal_key');
    const otherPool = new Pool({ connectionString: other.url, max: 1 });
    try {
      expect((await loadSealKey(otherPool)).equals(await loadSealKey(pool()))).toBe(false);
    } finally {
      await otherPool.end();
      await other.drop();
    }
  });
});
