import { Pool } from 'pg';

/**
 * Ordered, append-only list of migrations; a migration once shipped is never edited, only followed by another.
 * The log is ordered by (transaction_id, global_position): every transaction older than the oldest one still
 * running is finished, so that prefix of the order can never gain an event and subscribers never skip one.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE event_store.events (
    global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
    stream_name     text NOT NULL,
    stream_revision bigint NOT NULL,
    event_id        uuid NOT NULL,
    event_type      text NOT NULL,
    data            jsonb NOT NULL,
    metadata        jsonb NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT events_stream_revision_unique UNIQUE (stream_name, stream_revision),
    CONSTRAINT events_event_id_unique UNIQUE (event_id)
  );
  CREATE INDEX events_log_order ON event_store.events (transaction_id, global_position);

  CREATE FUNCTION event_store.append_events(
    p_stream text, p_expected text, p_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb[])
  RETURNS TABLE (outcome text, last_revision bigint, last_transaction xid8, last_position bigint)
  LANGUAGE plpgsql AS $fn$
  DECLARE
    v_count    int := cardinality(p_ids);
    v_current  bigint;
    v_first    record;
    v_found    int;
    v_max_rev  bigint;
    v_max_pos  bigint;
    v_max_txn  xid8;
  BEGIN
    -- Appends to one stream queue on a lock held until commit: an advisory lock writes nothing to disk.
    PERFORM pg_advisory_xact_lock(hashtextextended(p_stream, 0));
    SELECT coalesce(max(e.stream_revision), -1) INTO v_current FROM event_store.events e WHERE e.stream_name = p_stream;

    SELECT e.stream_name, e.stream_revision INTO v_first FROM event_store.events e WHERE e.event_id = p_ids[1];
    IF FOUND THEN
      SELECT count(*), max(e.stream_revision), max(e.global_position), max(e.transaction_id)
        INTO v_found, v_max_rev, v_max_pos, v_max_txn
        FROM event_store.events e WHERE e.event_id = ANY (p_ids) AND e.stream_name = p_stream;
      IF v_first.stream_name = p_stream AND v_found = v_count AND v_max_rev - v_first.stream_revision = v_count - 1
         AND (p_expected IN ('any', 'stream_exists')
              OR (p_expected = 'no_stream' AND v_first.stream_revision = 0)
              OR (p_expected ~ '^[0-9]+$' AND v_first.stream_revision = p_expected::bigint + 1)) THEN
        RETURN QUERY SELECT 'idempotent'::text, v_max_rev, v_max_txn, v_max_pos;
        RETURN;
      END IF;
      IF v_first.stream_name <> p_stream OR v_found <> v_count THEN
        RAISE EXCEPTION 'duplicate_event_ids' USING ERRCODE = 'FS001';
      END IF;
      RAISE EXCEPTION 'wrong_expected_version' USING ERRCODE = 'FS002', DETAIL = v_current::text;
    END IF;

    IF (p_expected = 'no_stream' AND v_current <> -1)
       OR (p_expected = 'stream_exists' AND v_current = -1)
       OR (p_expected ~ '^[0-9]+$' AND v_current <> p_expected::bigint) THEN
      RAISE EXCEPTION 'wrong_expected_version' USING ERRCODE = 'FS002', DETAIL = v_current::text;
    END IF;

    WITH inserted AS (
      INSERT INTO event_store.events (stream_name, stream_revision, event_id, event_type, data, metadata)
      SELECT p_stream, v_current + t.ord, t.id, t.type, t.data, t.meta
        FROM unnest(p_ids, p_types, p_data, p_metadata) WITH ORDINALITY AS t(id, type, data, meta, ord)
       ORDER BY t.ord
      RETURNING global_position
    )
    SELECT max(global_position) INTO v_max_pos FROM inserted;

    RETURN QUERY SELECT 'appended'::text, v_current + v_count, pg_current_xact_id(), v_max_pos;
  END
  $fn$;
  `,
];

const MIGRATION_LOCK = 'flipside.event_store.migrations';

/** Applies pending migrations under an advisory lock, so concurrent starts (API, projector, tests) are safe. */
export async function migrateEventStore(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK]);
    await client.query('CREATE SCHEMA IF NOT EXISTS event_store');
    await client.query(
      `CREATE TABLE IF NOT EXISTS event_store.schema_migrations (
         version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number }>('SELECT version FROM event_store.schema_migrations');
    const applied = new Set(rows.map((row) => row.version));
    for (const [index, sql] of MIGRATIONS.entries()) {
      const version = index + 1;
      if (applied.has(version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO event_store.schema_migrations (version) VALUES ($1)', [version]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}
