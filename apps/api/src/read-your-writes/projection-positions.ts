import { Inject, Injectable } from '@nestjs/common';
import { comparePositions, parsePosition, Position, START } from '@flipside/event-store';
import { setTimeout as delay } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { READ_MODELS } from './read-models.provider';

const POLL_MS = 10;

/** How far the projections have applied the log, read from their checkpoints. */
@Injectable()
export class ProjectionPositions {
  constructor(@Inject(READ_MODELS) private readonly dataSource: DataSource) {}

  /** The position every one of `projections` has reached: the least of their checkpoints. */
  async reached(projections: readonly string[]): Promise<Position> {
    const rows: { name: string; position: string }[] = await this.dataSource.query(
      'SELECT name, position FROM read_models.projection_checkpoints WHERE name = ANY($1)',
      [projections],
    );
    let least: Position | undefined;
    for (const name of projections) {
      const text = rows.find((row) => row.name === name)?.position;
      const position = (text && parsePosition(text)) || START;
      if (!least || comparePositions(position, least) < 0) least = position;
    }
    return least ?? START;
  }

  /** Waits until the projections reach `min`, at most `timeoutMs`; answers where they are either way. */
  async waitFor(projections: readonly string[], min: Position, timeoutMs: number): Promise<{ reached: boolean; position: Position }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const position = await this.reached(projections);
      if (comparePositions(position, min) >= 0) return { reached: true, position };
      if (Date.now() >= deadline) return { reached: false, position };
      await delay(Math.min(POLL_MS, Math.max(1, deadline - Date.now())));
    }
  }
}
