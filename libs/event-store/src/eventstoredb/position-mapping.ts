import { Position as ClientPosition, ReadPosition, START as CLIENT_START } from '@eventstore/db-client';
import { Position, START } from '../position';

// EventStoreDB positions are signed 64-bit log offsets; u64 -1 (2^64 - 1) on the wire means "not known here".
const LARGEST_LOG_POSITION = 2n ** 63n - 1n;

/** The client's {commit, prepare} is the port's Position, one to one. */
export function toPortPosition(position: ClientPosition): Position {
  return { commit: position.commit, prepare: position.prepare };
}

/** A position that names a real record: commit and prepare inside the log, and the commit not before its prepare. */
export function isLogPosition(position: ClientPosition | undefined): position is ClientPosition {
  if (!position) return false;
  const { commit, prepare } = position;
  return prepare >= 0n && commit >= prepare && commit <= LARGEST_LOG_POSITION;
}

/** The port's START (or any negative pair) is the client's START; anything else goes through unchanged. */
export function toReadPosition(position: Position | undefined): ReadPosition {
  if (!position || position.commit < 0n || position.prepare < 0n) return CLIENT_START;
  return { commit: position.commit, prepare: position.prepare };
}

/**
 * Stream reads on some server versions carry commit = 2^64 - 1. Readers of a stream only need the revision, so
 * such events get START: a checkpoint taken from one by mistake replays events rather than skipping any.
 */
export function streamReadPosition(position: ClientPosition | undefined): Position {
  return isLogPosition(position) ? toPortPosition(position) : START;
}
