import { inTransaction } from '@flipside/event-store';
import { Pool } from 'pg';

/** Every process creating the `personal_data` tables takes this advisory lock, so concurrent starts never collide. */
const SCHEMA_LOCK = 'flipside.personal_data.schema';

/**
 * The `personal_data` schema, in PostgreSQL also when events live in EventStoreDB: data keys are the one thing
 * erasure must be able to destroy, so they never go where events go.
 */
export function createPersonalDataSchema(pool: Pool): Promise<void> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [SCHEMA_LOCK]);
    await client.query('CREATE SCHEMA IF NOT EXISTS personal_data');
    await client.query(`
      CREATE TABLE IF NOT EXISTS personal_data.data_keys (
        key_id          uuid PRIMARY KEY,
        organization_id text NOT NULL,
        owner_kind      text NOT NULL CHECK (owner_kind IN ('person', 'pair')),
        owner_id        text NOT NULL,
        -- The persons whose erasure destroys this key: a person's own key names the person, a pair's its two members.
        members         text[] NOT NULL,
        master_key_id   text,
        wrapped         bytea,
        created_at      timestamptz NOT NULL DEFAULT now(),
        destroyed_at    timestamptz,
        CHECK ((wrapped IS NULL) = (destroyed_at IS NOT NULL)),
        CHECK ((wrapped IS NULL) = (master_key_id IS NULL))
      )`);
    await client.query(`
      CREATE UNIQUE INDEX IF NOT EXISTS data_keys_live_owner
        ON personal_data.data_keys (organization_id, owner_kind, owner_id) WHERE destroyed_at IS NULL`);
    await client.query('CREATE INDEX IF NOT EXISTS data_keys_by_member ON personal_data.data_keys USING gin (members)');
    await client.query(`
      CREATE TABLE IF NOT EXISTS personal_data.person_programs (
        organization_id text NOT NULL,
        person_id       text NOT NULL,
        program_id      text NOT NULL,
        recorded_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organization_id, person_id, program_id)
      )`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS personal_data.erasures (
        organization_id text NOT NULL,
        person_id       text NOT NULL,
        requested_at    timestamptz NOT NULL DEFAULT now(),
        keys_destroyed  int NOT NULL,
        PRIMARY KEY (organization_id, person_id, requested_at)
      )`);
  });
}
