import { EntityManager, EntityTarget, In, ObjectLiteral } from 'typeorm';

/**
 * The rows of one read-model table that a batch touches: loaded once by key, changed in memory by every event
 * of the batch, and written back with one upsert. This is what lets a batch of a thousand events
 * cost a handful of statements. Without load and flush it is a read model held in memory only.
 */
export class RowSet<Row extends ObjectLiteral> {
  private readonly rows = new Map<string, Row>();
  private readonly changed = new Set<string>();

  constructor(
    private readonly entity: EntityTarget<Row>,
    private readonly key: keyof Row & string,
    /** What a row is, in words an administrator understands ("pair", "participant"). */
    private readonly noun: string,
  ) {}

  async load(db: EntityManager, keys: Iterable<string>): Promise<void> {
    const missing = [...new Set(keys)].filter((key) => !this.rows.has(key));
    if (missing.length === 0) return;
    const found = await db.getRepository(this.entity).findBy({ [this.key]: In(missing) } as never);
    for (const row of found) this.rows.set(row[this.key] as string, row);
  }

  /** The row, or undefined when no event created it and no load found it. */
  find(key: string): Row | undefined {
    return this.rows.get(key);
  }

  /** Every row held, in the order they were loaded or added. */
  all(): Row[] {
    return [...this.rows.values()];
  }

  get(key: string): Row {
    const row = this.rows.get(key);
    if (!row) throw new Error(`${this.noun} ${key} is not known`);
    return row;
  }

  /** Marks a row read with `get` as changed. */
  changedRow(key: string): Row {
    const row = this.get(key);
    this.changed.add(key);
    return row;
  }

  add(row: Row): void {
    const key = row[this.key] as string;
    if (this.rows.has(key)) throw new Error(`${this.noun} ${key} already exists`);
    this.rows.set(key, row);
    this.changed.add(key);
  }

  /**
   * One upsert per table, whatever the number of rows: each column travels as one array parameter, unnested
   * server side (TypeORM's multi-row VALUES builder costs more CPU than the whole projection otherwise).
   */
  async flush(db: EntityManager): Promise<void> {
    if (this.changed.size === 0) return;
    const metadata = db.connection.getMetadata(this.entity);
    const columns = metadata.columns;
    const rows = [...this.changed].map((key) => this.rows.get(key)!);
    const arrays = columns.map((column) =>
      rows.map((row) => {
        const value = row[column.propertyName as keyof Row] as unknown;
        if (value === null || value === undefined) return null;
        return column.type === 'jsonb' ? JSON.stringify(value) : value;
      }),
    );
    const names = columns.map((column) => `"${column.databaseName}"`);
    const keys = metadata.primaryColumns.map((column) => `"${column.databaseName}"`);
    const updates = columns.filter((column) => !column.isPrimary).map((column) => `"${column.databaseName}" = EXCLUDED."${column.databaseName}"`);
    const unnest = columns.map((column, index) => `$${index + 1}::${column.type as string}[]`);
    await db.query(
      `INSERT INTO "${metadata.tableName}" (${names.join(', ')}) SELECT * FROM unnest(${unnest.join(', ')})
       ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${updates.join(', ')}`,
      arrays,
    );
    this.changed.clear();
  }
}
