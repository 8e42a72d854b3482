import { headsDigest, StreamHead } from '@flipside/audit';
import { comparePositions, parsePosition, Position, RecordedEvent, serializePosition } from '@flipside/event-store';
import { Queryable } from '../engine/processor';

/** A stream head and the log position of the event that made it. */
export interface SeenHead extends StreamHead {
  readonly position: string;
}

/** An anchor as audit.anchors and audit.anchor_heads keep it, and as it is published. */
export interface Anchor {
  readonly anchorId: number;
  /** The last event the anchor includes. */
  readonly position: string;
  /** headsDigest over every stream head as of `position`. */
  readonly digest: string;
  /** How many streams had a head then. */
  readonly streams: number;
  readonly anchoredAt: string;
  /** The heads that changed since the previous anchor, by stream. */
  readonly heads: readonly StreamHead[];
}

export interface AnchorRecord extends Omit<Anchor, 'heads'> {
  readonly publishedAt: string | null;
}

const byStream = (a: StreamHead, b: StreamHead) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0);

/** What a link of the chain looks like (SHA-256, hex); anything else in metadata.hash is no head. */
const LINK_HASH = /^[0-9a-f]{64}$/;

/** The last hashed event of each stream in a batch; events written before hashing existed make no head. */
export function headsIn(events: readonly RecordedEvent[]): Map<string, SeenHead> {
  const heads = new Map<string, SeenHead>();
  for (const event of events) {
    const hash = event.metadata.hash;
    if (typeof hash !== 'string' || !LINK_HASH.test(hash)) continue;
    heads.set(event.streamName, { stream: event.streamName, revision: event.revision.toString(), hash, position: serializePosition(event.position) });
  }
  return heads;
}

const positionOf = (text: string): Position => {
  const position = parsePosition(text);
  if (!position) throw new Error(`audit.stream_heads holds "${text}", which is not a log position`);
  return position;
};

/** Heads that an anchor at `previous` did not include yet (all of them before the first anchor). */
export function changedSince(heads: readonly SeenHead[], previous: string | undefined): SeenHead[] {
  if (previous === undefined) return [...heads];
  const after = positionOf(previous);
  return heads.filter((head) => comparePositions(positionOf(head.position), after) > 0);
}

/** audit.* statements, each run inside the caller's transaction on the lease's connection. */
export const anchorLedger = {
  async recordHeads(db: Queryable, heads: Iterable<SeenHead>): Promise<void> {
    const rows = [...heads];
    if (rows.length === 0) return;
    await db.query(
      `INSERT INTO audit.stream_heads (stream, revision, hash, position)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[])
       ON CONFLICT (stream) DO UPDATE SET revision = EXCLUDED.revision, hash = EXCLUDED.hash, position = EXCLUDED.position`,
      [rows.map((h) => h.stream), rows.map((h) => h.revision), rows.map((h) => h.hash), rows.map((h) => h.position)],
    );
  },

  async heads(db: Queryable): Promise<SeenHead[]> {
    const { rows } = await db.query<SeenHead>('SELECT stream, revision::text AS revision, hash, position FROM audit.stream_heads');
    return rows;
  },

  async latest(db: Queryable): Promise<AnchorRecord | undefined> {
    return (await anchorLedger.records(db, 'ORDER BY anchor_id DESC LIMIT 1'))[0];
  },

  async unpublishedCount(db: Queryable): Promise<number> {
    const { rows } = await db.query<{ count: number }>('SELECT count(*)::int AS count FROM audit.anchors WHERE published_at IS NULL');
    return rows[0].count;
  },

  /**
   * Anchors every head as of `at` (the checkpoint the same transaction stores): the digest over all of them and
   * the rows of those changed since `previous`. Undefined when none changed: nothing new to anchor.
   */
  async anchor(db: Queryable, at: Position, anchoredAt: Date, previous: string | undefined): Promise<Anchor | undefined> {
    const all = await anchorLedger.heads(db);
    const changed = changedSince(all, previous)
      .map(({ stream, revision, hash }) => ({ stream, revision, hash }))
      .sort(byStream);
    if (changed.length === 0) return undefined;
    const digest = headsDigest(all);
    const position = serializePosition(at);
    const { rows } = await db.query<{ anchor_id: string }>(
      `INSERT INTO audit.anchors (position, digest, streams, anchored_at) VALUES ($1, $2, $3, $4) RETURNING anchor_id`,
      [position, digest, all.length, anchoredAt.toISOString()],
    );
    const anchorId = Number(rows[0].anchor_id);
    await db.query(
      `INSERT INTO audit.anchor_heads (anchor_id, stream, revision, hash)
       SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::text[])`,
      [anchorId, changed.map((h) => h.stream), changed.map((h) => h.revision), changed.map((h) => h.hash)],
    );
    return { anchorId, position, digest, streams: all.length, anchoredAt: anchoredAt.toISOString(), heads: changed };
  },

  /** The oldest anchors Kafka has not acknowledged yet, with their heads, in the order they were written. */
  async unpublished(db: Queryable, limit: number): Promise<Anchor[]> {
    const anchors = await anchorLedger.records(db, 'WHERE published_at IS NULL ORDER BY anchor_id LIMIT $1', [limit]);
    if (anchors.length === 0) return [];
    const { rows } = await db.query<{ anchor_id: string } & StreamHead>(
      `SELECT anchor_id, stream, revision::text AS revision, hash FROM audit.anchor_heads WHERE anchor_id = ANY($1::bigint[])`,
      [anchors.map((anchor) => anchor.anchorId)],
    );
    return anchors.map(({ publishedAt: _publishedAt, ...anchor }) => ({
      ...anchor,
      heads: rows
        .filter((row) => Number(row.anchor_id) === anchor.anchorId)
        .map(({ stream, revision, hash }) => ({ stream, revision, hash }))
        .sort(byStream),
    }));
  },

  async markPublished(db: Queryable, anchorIds: readonly number[], at: Date): Promise<void> {
    await db.query('UPDATE audit.anchors SET published_at = $2 WHERE anchor_id = ANY($1::bigint[]) AND published_at IS NULL', [anchorIds, at.toISOString()]);
  },

  async records(db: Queryable, tail: string, values: unknown[] = []): Promise<AnchorRecord[]> {
    const { rows } = await db.query<{ anchor_id: string; position: string; digest: string; streams: number; anchored_at: Date; published_at: Date | null }>(
      `SELECT anchor_id, position, digest, streams, anchored_at, published_at FROM audit.anchors ${tail}`,
      values,
    );
    return rows.map((row) => ({
      anchorId: Number(row.anchor_id),
      position: row.position,
      digest: row.digest,
      streams: row.streams,
      anchoredAt: row.anchored_at.toISOString(),
      publishedAt: row.published_at?.toISOString() ?? null,
    }));
  },
};
