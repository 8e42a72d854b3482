import { QueryResult, QueryResultRow } from 'pg';

/** A pool, a pooled client or a dedicated connection: checkpoints can be written through any of them. */
export interface Queryable {
  query<Row extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<Row>>;
}
