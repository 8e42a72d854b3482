import { Pool } from 'pg';
import { StreamNotFoundError } from '../errors';
import { JsonObject, RecordedEvent } from '../events';
import { EventReader, ReadAllOptions, ReadStreamOptions } from '../reading/event-reader.port';
import { Position, START } from '../position';
import { whileReachable } from './connection';

export interface EventRow {
  transaction_id: string;
  global_position: string;
  stream_name: string;
  stream_revision: string;
  event_id: string;
  event_type: string;
  data: JsonObject;
  metadata: JsonObject;
  recorded_at: Date;
}

const COLUMNS = 'transaction_id, global_position, stream_name, stream_revision, event_id, event_type, data, metadata, recorded_at';

/** PostgreSQL's place in the log: the writing transaction's id, then the event's sequence number. */
export function logPosition(transactionId: string, globalPosition: string): Position {
  return { commit: BigInt(transactionId), prepare: BigInt(globalPosition) };
}

/** SQL parameters for a position; START becomes (0, 0), before every real event. */
function logBound(position: Position): [string, string] {
  return position.commit < 0n ? ['0', '0'] : [position.commit.toString(), position.prepare.toString()];
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.event_type,
    streamName: row.stream_name,
    revision: BigInt(row.stream_revision),
    position: logPosition(row.transaction_id, row.global_position),
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  };
}

export const DEFAULT_READ_ALL_COUNT = 1000;

/**
 * Subscriptions only read events whose transaction is older than every transaction still running
 * (pg_snapshot_xmin): that part of the (transaction_id, global_position) order is final, so a subscriber that
 * moves its position forward never passes over an event that commits later.
 */
export async function readSettledEvents(pool: Pool, after: Position, limit: number) {
  const { rows } = await whileReachable(() =>
    pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM event_store.events
        WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY transaction_id, global_position
        LIMIT $3`,
      [...logBound(after), limit],
    ),
  );
  return rows.map(toRecordedEvent);
}

export class PostgresEventReader implements EventReader {
  constructor(private readonly pool: Pool) {}

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = options.fromRevision ?? 0n;
    // Reading one event before `from` proves the stream exists in the same query (the common "nothing new" case).
    const readFrom = from > 0n ? from - 1n : 0n;
    const limit = options.maxCount === undefined ? null : options.maxCount + (from > 0n ? 1 : 0);
    const { rows } = await whileReachable(() =>
      this.pool.query<EventRow>(
        `SELECT ${COLUMNS} FROM event_store.events
          WHERE stream_name = $1 AND stream_revision >= $2
          ORDER BY stream_revision
          LIMIT $3`,
        [streamName, readFrom.toString(), limit],
      ),
    );
    if (rows.length === 0 && !(await this.streamExists(streamName))) throw new StreamNotFoundError(streamName);
    const events = rows.map(toRecordedEvent);
    return from > 0n && events.length > 0 && events[0].revision < from ? events.slice(1) : events;
  }

  /** A snapshot read, like EventStoreDB's: everything committed now. Followers of the log subscribe instead. */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const from = options.from ?? START;
    const { rows } = await whileReachable(() =>
      this.pool.query<EventRow>(
        `SELECT ${COLUMNS} FROM event_store.events
          WHERE (transaction_id, global_position) >= ($1::xid8, $2::bigint)
          ORDER BY transaction_id, global_position
          LIMIT $3`,
        [...logBound(from), options.maxCount ?? DEFAULT_READ_ALL_COUNT],
      ),
    );
    return rows.map(toRecordedEvent);
  }

  private async streamExists(streamName: string): Promise<boolean> {
    const { rowCount } = await whileReachable(() =>
      this.pool.query('SELECT 1 FROM event_store.events WHERE stream_name = $1 LIMIT 1', [streamName]),
    );
    return (rowCount ?? 0) > 0;
  }
}
