import { randomBytes } from 'node:crypto';
import { inTransaction } from '@flipside/event-store';
import { Pool, PoolClient } from 'pg';

/** Every process creating tables in the `audit` schema takes this advisory lock, so concurrent starts never collide on CREATE. */
export const AUDIT_SCHEMA_LOCK = 'flipside.audit.schema';

const SEAL_KEY_BYTES = 32;

// 42P01: the table does not exist yet; 3F000: nor its schema.
const NOT_CREATED = new Set(['42P01', '3F000']);

const codeOf = (error: unknown) => (error as { code?: unknown }).code;

async function storedKey(client: Pool | PoolClient): Promise<Buffer | undefined> {
  const { rows } = await client.query<{ key: Buffer }>('SELECT key FROM audit.seal_key');
  return rows[0]?.key;
}

/**
 * The store's seal key (see sealWith): 32 random bytes in the single row of `audit.seal_key`, created on first
 * use. Several processes starting at once on an empty database all get the one key the first of them wrote.
 */
export async function loadSealKey(pool: Pool): Promise<Buffer> {
  try {
    const key = await storedKey(pool);
    if (key) return key;
  } catch (error) {
    if (!NOT_CREATED.has(codeOf(error) as string)) throw error;
  }
  return createSealKey(pool);
}

function createSealKey(pool: Pool): Promise<Buffer> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [AUDIT_SCHEMA_LOCK]);
    await client.query('CREATE SCHEMA IF NOT EXISTS audit');
    await client.query(
      `CREATE TABLE IF NOT EXISTS audit.seal_key (
         singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
         key        bytea NOT NULL CHECK (octet_length(key) = ${SEAL_KEY_BYTES}),
         created_at timestamptz NOT NULL DEFAULT now())`,
    );
    await client.query('INSERT INTO audit.seal_key (key) VALUES ($1) ON CONFLICT (singleton) DO NOTHING', [randomBytes(SEAL_KEY_BYTES)]);
    const key = await storedKey(client);
    if (!key) throw new Error('audit.seal_key holds no key after creating it');
    return key;
  });
}
