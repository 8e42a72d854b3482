import { ActualRevision, ExpectedRevision } from './events';

export function describeRevision(revision: ExpectedRevision | ActualRevision): string {
  return typeof revision === 'bigint' ? revision.toString() : revision;
}

/** The stream was not at the revision the writer expected; nothing was written. */
export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    readonly actual: ActualRevision,
  ) {
    super(
      `Stream ${streamName} was expected at ${describeRevision(expected)} but is at ${describeRevision(actual)}`,
    );
    this.name = 'WrongExpectedVersionError';
  }
}

export class StreamNotFoundError extends Error {
  constructor(readonly streamName: string) {
    super(`Stream ${streamName} does not exist`);
    this.name = 'StreamNotFoundError';
  }
}

/** The store cannot be reached; callers should retry later (the API answers 503 with Retry-After). */
export class EventStoreUnavailableError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'EventStoreUnavailableError';
  }
}

/** Some, but not all, of an append's event ids were already written: the caller reused ids by mistake. */
export class DuplicateEventIdError extends Error {
  constructor(readonly streamName: string, readonly eventIds: readonly string[]) {
    super(`Event ids already used on another append: ${eventIds.join(', ')}`);
    this.name = 'DuplicateEventIdError';
  }
}
