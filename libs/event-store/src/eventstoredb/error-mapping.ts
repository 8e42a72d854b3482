import {
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  StreamNotFoundError as ClientStreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
} from '@eventstore/db-client';
import { status } from '@grpc/grpc-js';
import { EventStoreUnavailableError, StreamNotFoundError, WrongExpectedVersionError } from '../errors';
import { ActualRevision, ExpectedRevision } from '../events';

const UNAVAILABLE_GRPC_CODES: ReadonlySet<unknown> = new Set([status.UNAVAILABLE, status.DEADLINE_EXCEEDED]);
const UNAVAILABLE_SOCKET_CODES: ReadonlySet<unknown> = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND']);

/**
 * EventStoreDB cannot be reached right now; the same request may succeed later. A CANCELLED that reaches us as an
 * error came from the server's side (our own cancellations are swallowed by the client): it went away mid-call.
 */
export function isUnavailable(error: unknown): boolean {
  if (
    error instanceof UnavailableError ||
    error instanceof CancelledError ||
    error instanceof DeadlineExceededError ||
    error instanceof NotLeaderError ||
    error instanceof EventStoreUnavailableError
  ) {
    return true;
  }
  if (!(error instanceof Error)) return false;
  // Raw grpc-js errors (e.g. from the server-features probe) carry the status as a numeric `code`.
  const code: unknown = Reflect.get(error, 'code');
  return UNAVAILABLE_GRPC_CODES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code) || /ECONNREFUSED/.test(error.message);
}

/** Worth subscribing again: the connection went away, or the server cut the call. */
export function isTransient(error: unknown): boolean {
  return isUnavailable(error) || Reflect.get(Object(error), 'code') === status.INTERNAL;
}

export function unavailable(error: unknown): EventStoreUnavailableError {
  if (error instanceof EventStoreUnavailableError) return error;
  const detail = error instanceof Error ? `: ${error.message}` : '';
  return new EventStoreUnavailableError(`The event store (EventStoreDB) cannot be reached${detail}`, error);
}

export function closedStore(): EventStoreUnavailableError {
  return new EventStoreUnavailableError('The event store (EventStoreDB) connection has been closed');
}

export function translateAppendError(error: unknown, streamName: string, expected: ExpectedRevision): unknown {
  if (error instanceof ClientWrongExpectedVersionError) {
    const actual: ActualRevision =
      typeof error.actualVersion === 'bigint' && error.actualVersion >= 0n ? error.actualVersion : 'no_stream';
    return new WrongExpectedVersionError(streamName, expected, actual);
  }
  return translateCommonError(error);
}

export function translateReadError(error: unknown, streamName?: string): unknown {
  if (error instanceof ClientStreamNotFoundError) return new StreamNotFoundError(streamName ?? error.streamName);
  return translateCommonError(error);
}

function translateCommonError(error: unknown): unknown {
  return isUnavailable(error) ? unavailable(error) : error;
}
