import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Pool, QueryResultRow } from 'pg';
import { FlipsideConfig } from '@flipside/config';
import { EventStoreUnavailableError, createPool, isConnectionFailure } from '@flipside/event-store';
import { FLIPSIDE_CONFIG } from '../../streams/event-store.provider';

/** The latest anchor the projector published, as integrity answers name it. */
export interface AnchorSummary {
  readonly anchorId: number;
  /** The log position the anchor covers, as commands answer positions. */
  readonly position: string;
  readonly anchoredAt: string;
}

/** A stream's head as the latest anchor naming it saw it. */
export interface AnchoredHead {
  readonly revision: bigint;
  readonly hash: string;
}

/** Reads audit.anchors and audit.anchor_heads (the read-models migrations create them; the projector's anchor processor fills them). */
@Injectable()
export class AnchoredHeads implements OnApplicationShutdown {
  private readonly pool: Pool;

  constructor(@Inject(FLIPSIDE_CONFIG) config: FlipsideConfig) {
    this.pool = createPool(config.databaseUrl, { max: 2, application_name: 'flipside-api-audit' });
  }

  /** The latest anchor; null before the first one. */
  async latest(): Promise<AnchorSummary | null> {
    const rows = await this.read<{ anchor_id: string; position: string; anchored_at: Date }>(
      'SELECT anchor_id::text, position, anchored_at FROM audit.anchors ORDER BY anchor_id DESC LIMIT 1',
    );
    const anchor = rows[0];
    return anchor ? { anchorId: Number(anchor.anchor_id), position: anchor.position, anchoredAt: anchor.anchored_at.toISOString() } : null;
  }

  /** For each of `streams`, the head recorded by the latest anchor up to `anchor` that names the stream. */
  async headsOf(streams: readonly string[], anchor: AnchorSummary): Promise<Map<string, AnchoredHead>> {
    // An anchor records only the heads that changed since the one before: the latest per stream is what counts.
    const rows = await this.read<{ stream: string; revision: string; hash: string }>(
      `SELECT DISTINCT ON (stream) stream, revision::text, hash FROM audit.anchor_heads
        WHERE stream = ANY ($1) AND anchor_id <= $2 ORDER BY stream, anchor_id DESC`,
      [streams, anchor.anchorId],
    );
    return new Map(rows.map((row) => [row.stream, { revision: BigInt(row.revision), hash: row.hash }]));
  }

  private async read<T extends object>(sql: string, params: unknown[] = []): Promise<T[]> {
    try {
      return (await this.pool.query<T & QueryResultRow>(sql, params)).rows;
    } catch (error) {
      if (isConnectionFailure(error)) throw new EventStoreUnavailableError('The audit anchors (PostgreSQL) cannot be reached', error);
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
