import { Position, RecordedEvent, serializePosition } from '@flipside/event-store';

/**
 * The engine's one error vocabulary. Control flow: CheckpointMoved (start over from the stored checkpoint),
 * ProcessorVersionChanged (stop: a newer instance owns the processor), transient failures (retry the same batch).
 * Fatal: UnappliableEvent (halt on that event), anything else (halt).
 */

/** The checkpoint is not where this instance left it: another instance (or a rebuild's switch) moved it. */
export class CheckpointMoved extends Error {
  constructor(
    readonly checkpoint: string,
    readonly expected: Position,
    readonly actual: string | undefined,
  ) {
    super(`Checkpoint "${checkpoint}" is at ${actual ?? 'nothing'}, not ${serializePosition(expected)}: another writer moved it`);
    this.name = 'CheckpointMoved';
  }
}

/** The stored version is not the running code's: another version of the processor owns it now. */
export class ProcessorVersionChanged extends Error {
  constructor(
    readonly processor: string,
    readonly stored: number | null,
    readonly running: number | null,
  ) {
    super(`Processor "${processor}" is now at version ${stored}; this instance runs version ${running} and stops writing it`);
    this.name = 'ProcessorVersionChanged';
  }
}

/** A known event that the processor cannot apply: it stops on it, and health names it. */
export class UnappliableEvent extends Error {
  constructor(
    readonly event: Pick<RecordedEvent, 'id' | 'type' | 'streamName' | 'revision' | 'position'>,
    readonly reason: string,
  ) {
    super(`${event.type} ${event.id} (${event.streamName}@${event.revision}) cannot be applied: ${reason}`);
    this.name = 'UnappliableEvent';
  }
}

/** Errors worth retrying with the same batch: PostgreSQL is unreachable or asked us to try again. */
export function isTransientFailure(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  if (typeof code === 'string' && /^(08|53|57P|40001|40P01)/.test(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|ECONNREFUSED|ECONNRESET|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    message,
  );
}

/** The engine's own signals, as opposed to a processor failing. */
export function isControlFlow(error: unknown): boolean {
  return error instanceof CheckpointMoved || error instanceof ProcessorVersionChanged || isTransientFailure(error);
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function describePosition(position: Position): string {
  return position.commit < 0n ? 'the beginning of the log' : `position ${serializePosition(position)}`;
}
