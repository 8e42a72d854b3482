import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { comparePositions, parsePosition, Position, START } from '@flipside/event-store';
import { DataSource } from 'typeorm';
import { READ_MODELS } from './read-models.provider';

const POLL_MS = 10;
/** A checkpoint read this recently still bounds what any later query sees (checkpoints only move forward). */
const FRESH_MS = 20;

interface Waiter {
  readonly projections: readonly string[];
  readonly min: Position;
  readonly deadline: number;
  readonly resolve: (outcome: { reached: boolean; position: Position }) => void;
}

/**
 * How far the projections have applied the log, read from their checkpoints. Requests waiting for a position
 * share one poll of the checkpoint table, however many they are.
 */
@Injectable()
export class ProjectionPositions implements OnApplicationShutdown {
  private readonly waiters = new Set<Waiter>();
  private polling?: Promise<void>;
  private closed = false;
  private latest?: { readAt: number; checkpoints: Map<string, Position> };
  private reading?: Promise<Map<string, Position>>;

  constructor(@Inject(READ_MODELS) private readonly dataSource: DataSource) {}

  /** The position every one of `projections` has reached: the least of their checkpoints. */
  async reached(projections: readonly string[]): Promise<Position> {
    return leastOf(projections, await this.checkpoints());
  }

  /** Waits until the projections reach `min`, at most `timeoutMs`; answers where they are either way. */
  async waitFor(projections: readonly string[], min: Position, timeoutMs: number): Promise<{ reached: boolean; position: Position }> {
    const position = await this.reached(projections);
    if (comparePositions(position, min) >= 0 || timeoutMs <= 0) return { reached: comparePositions(position, min) >= 0, position };
    return new Promise((resolve) => {
      this.waiters.add({ projections, min, deadline: Date.now() + timeoutMs, resolve });
      this.polling ??= this.poll().finally(() => {
        this.polling = undefined;
      });
    });
  }

  onApplicationShutdown(): void {
    this.closed = true;
  }

  private async poll(): Promise<void> {
    while (this.waiters.size > 0) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      let checkpoints: Map<string, Position>;
      try {
        checkpoints = await this.checkpoints(true);
      } catch {
        checkpoints = new Map();
      }
      const now = Date.now();
      for (const waiter of this.waiters) {
        const position = leastOf(waiter.projections, checkpoints);
        const reached = comparePositions(position, waiter.min) >= 0;
        if (reached || now >= waiter.deadline || this.closed) {
          this.waiters.delete(waiter);
          waiter.resolve({ reached, position });
        }
      }
    }
  }

  /** Concurrent requests share one read of the checkpoint table, and reuse it for a few milliseconds. */
  private async checkpoints(fresh = false): Promise<Map<string, Position>> {
    if (!fresh && this.latest && Date.now() - this.latest.readAt < FRESH_MS) return this.latest.checkpoints;
    this.reading ??= (async () => {
      try {
        const readAt = Date.now();
        const rows: { name: string; position: string }[] = await this.dataSource.query('SELECT name, position FROM read_models.projection_checkpoints');
        const checkpoints = new Map(rows.map((row) => [row.name, parsePosition(row.position) ?? START]));
        this.latest = { readAt, checkpoints };
        return checkpoints;
      } finally {
        this.reading = undefined;
      }
    })();
    return this.reading;
  }
}

function leastOf(projections: readonly string[], checkpoints: Map<string, Position>): Position {
  let least: Position | undefined;
  for (const name of projections) {
    const position = checkpoints.get(name) ?? START;
    if (!least || comparePositions(position, least) < 0) least = position;
  }
  return least ?? START;
}
