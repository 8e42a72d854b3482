import { Pool } from 'pg';

/**
 * Every row of every table outside PostgreSQL's own schemas, as text, keyed by `schema.table`: what a search of
 * the whole database finds (events, read models, idempotency records, checkpoints, keys).
 */
export async function everyTableAsText(pool: Pool): Promise<Map<string, string>> {
  const { rows: tables } = await pool.query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
  );
  const texts = new Map<string, string>();
  for (const table of tables) {
    const { rows } = await pool.query<{ row: string }>(`SELECT t::text AS row FROM "${table.schema}"."${table.name}" t`);
    texts.set(`${table.schema}.${table.name}`, rows.map((row) => row.row).join('\n'));
  }
  return texts;
}
