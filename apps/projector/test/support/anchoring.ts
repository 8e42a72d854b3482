import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { StreamHead } from '@flipside/audit';
import { parsePosition, Position, RecordedEvent } from '@flipside/event-store';
import { AnchorSettings, ANCHOR_CHECKPOINT } from '../../src/audit-anchors/anchor-settings';
import { AnchorStatusSnapshot } from '../../src/audit-anchors/anchor-status';
import { AuditAnchors, auditAnchors } from '../../src/audit-anchors/audit-anchors.processor';
import { DEFAULT_ENGINE_SETTINGS } from '../../src/engine/processor-engine';
import { DEFAULT_LAG_SAMPLING } from '../../src/engine/processor-lag';
import { ProcessorHost } from '../../src/engine/processor-host';
import { HealthServer } from '../../src/health/health-server';
import { ProjectorModule } from '../../src/projector.module';
import { changedHeads, digestAsOf, headsAsOf } from './chained-events';
import { ConsumedRecord } from './kafka-topic';
import { TestStore } from './publishing-harness';

/** Settings as the environment would give them, with quick retries for tests. */
export function anchorSettings(store: Pick<TestStore, 'selection' | 'databaseUrl'>, overrides: Partial<AnchorSettings> = {}): AnchorSettings {
  return {
    everySeconds: 0.5,
    maxHeadsPerAnchor: 3000,
    batchSize: 1000,
    lingerMs: 10,
    eventStore: store.selection,
    databaseUrl: store.databaseUrl,
    checkpointName: ANCHOR_CHECKPOINT,
    standbyRetryMs: 100,
    clientId: 'flipside-anchors-test',
    topic: 'unused',
    replicationFactor: 1,
    retryInitialMs: 100,
    retryMaxMs: 1000,
    ...overrides,
  };
}

export interface RunningAnchors {
  readonly app: INestApplicationContext;
  status(): AnchorStatusSnapshot;
  health(): Promise<{ status: number; body: any }>;
  metrics(): Promise<string>;
  close(): Promise<void>;
}

/** The audit anchor processor as the projector runs it (under the engine), alone, beside the projector's health port. */
export async function startAnchoring(settings: AnchorSettings): Promise<RunningAnchors> {
  const app = await NestFactory.createApplicationContext(
    ProjectorModule.forRoot({
      settings: {
        config: { databaseUrl: settings.databaseUrl, eventStore: settings.eventStore.eventStore, eventStoreUrl: settings.eventStore.eventStoreUrl },
        healthPort: 0,
        readyMaxLagSeconds: 30,
        lagSampling: DEFAULT_LAG_SAMPLING,
        engine: DEFAULT_ENGINE_SETTINGS,
      },
      processors: [auditAnchors(settings)],
    }),
    { logger: false },
  );
  await app.init();
  const port = app.get(HealthServer).port();
  const engine = app.get(ProcessorHost).engines.find((candidate) => candidate.processor instanceof AuditAnchors)!;
  const anchors = engine.processor as unknown as AuditAnchors;
  return {
    app,
    status: () => anchors.status.snapshot(engine.status.snapshot()),
    async health() {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      return { status: response.status, body: await response.json() };
    },
    metrics: async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text(),
    close: () => app.close(),
  };
}

export interface AnchorRow {
  readonly anchorId: number;
  readonly position: string;
  readonly digest: string;
  readonly streams: number;
  readonly anchoredAt: string;
  readonly publishedAt: string | null;
  readonly heads: StreamHead[];
}

/** What the audit tables hold, read over a connection of its own with plain SQL (not the code under test). */
export class AuditTables {
  private constructor(private readonly client: Client) {}

  static async open(databaseUrl: string): Promise<AuditTables> {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    return new AuditTables(client);
  }

  /** Every anchor with its heads (sorted by stream), oldest first; none before the tables exist. */
  async anchors(): Promise<AnchorRow[]> {
    const anchors = await this.query<{ anchor_id: string; position: string; digest: string; streams: number; anchored_at: Date; published_at: Date | null }>(
      'SELECT * FROM audit.anchors ORDER BY anchor_id',
    );
    const heads = await this.query<{ anchor_id: string; stream: string; revision: string; hash: string }>(
      'SELECT anchor_id, stream, revision::text AS revision, hash FROM audit.anchor_heads ORDER BY anchor_id',
    );
    return anchors.map((row) => ({
      anchorId: Number(row.anchor_id),
      position: row.position,
      digest: row.digest,
      streams: row.streams,
      anchoredAt: row.anchored_at.toISOString(),
      publishedAt: row.published_at?.toISOString() ?? null,
      heads: heads
        .filter((head) => head.anchor_id === row.anchor_id)
        .map(({ stream, revision, hash }) => ({ stream, revision, hash }))
        .sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0)),
    }));
  }

  /** audit.stream_heads by stream. */
  async streamHeads(): Promise<Map<string, StreamHead & { position: string }>> {
    const rows = await this.query<{ stream: string; revision: string; hash: string; position: string }>(
      'SELECT stream, revision::text AS revision, hash, position FROM audit.stream_heads',
    );
    return new Map(rows.map((row) => [row.stream, row]));
  }

  async checkpoint(name = ANCHOR_CHECKPOINT): Promise<string | undefined> {
    return (await this.query<{ position: string }>('SELECT position FROM projector.checkpoints WHERE name = $1', [name]))[0]?.position;
  }

  /** Checkpoint, heads and anchors read in one snapshot, so they can be compared with each other. */
  async snapshot(): Promise<{ checkpoint: string | undefined; heads: Map<string, StreamHead & { position: string }>; anchors: AnchorRow[] }> {
    await this.client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      return { checkpoint: await this.checkpoint(), heads: await this.streamHeads(), anchors: await this.anchors() };
    } finally {
      await this.client.query('COMMIT');
    }
  }

  close(): Promise<void> {
    return this.client.end();
  }

  private async query<Row extends object>(text: string, values: unknown[] = []): Promise<Row[]> {
    try {
      return (await this.client.query(text, values)).rows as Row[];
    } catch (error) {
      // 42P01: the tables do not exist yet (the processor has not started).
      if ((error as { code?: string }).code === '42P01') return [];
      throw error;
    }
  }
}

const positionOf = (text: string): Position => parsePosition(text)!;

/** Every anchor checked against the store: digest, stream count and changed heads recomputed from the events. */
export function anchorProblems(events: readonly RecordedEvent[], anchors: readonly AnchorRow[]): string[] {
  const problems: string[] = [];
  anchors.forEach((anchor, index) => {
    const previous = index > 0 ? positionOf(anchors[index - 1].position) : undefined;
    const position = positionOf(anchor.position);
    if (anchor.digest !== digestAsOf(events, position)) problems.push(`anchor ${anchor.anchorId}: digest differs from the store's heads`);
    if (anchor.streams !== headsAsOf(events, position).size) problems.push(`anchor ${anchor.anchorId}: ${anchor.streams} streams`);
    const expected = changedHeads(events, previous, position);
    if (JSON.stringify(anchor.heads) !== JSON.stringify(expected)) {
      problems.push(`anchor ${anchor.anchorId}: lists ${anchor.heads.length} heads, ${expected.length} changed`);
    }
  });
  return problems;
}

/** The anchor a record carries, as its row has it. */
export function rowOf(record: ConsumedRecord): Omit<AnchorRow, 'publishedAt'> {
  return JSON.parse(record.value);
}
