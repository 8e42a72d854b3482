/**
 * A place in the global log, neutral between stores: EventStoreDB's commit/prepare pair, or PostgreSQL's
 * (transaction id, global sequence number) pair. Serialised as "commit/prepare" for checkpoints,
 * HTTP headers and Kafka extension attributes.
 */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const START: Position = Object.freeze({ commit: -1n, prepare: -1n });

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function serializePosition(position: Position): string {
  return `${position.commit}/${position.prepare}`;
}

const POSITION_TEXT = /^(-1|\d{1,20})\/(-1|\d{1,20})$/;

/** Returns undefined for text that is not a serialised position, so callers can answer 400. */
export function parsePosition(text: string): Position | undefined {
  const match = POSITION_TEXT.exec(text.trim());
  if (!match) return undefined;
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}
