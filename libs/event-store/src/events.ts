import { Position } from './position';

export type JsonObject = { [key: string]: unknown };

/** What a caller hands to the store; `id` is a UUID chosen by the caller so that re-appends are idempotent. */
export interface EventToAppend {
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

/** An event as the store recorded it. */
export interface RecordedEvent {
  readonly id: string;
  readonly type: string;
  readonly streamName: string;
  /** Zero-based index of the event within its stream. */
  readonly revision: bigint;
  readonly position: Position;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  readonly recordedAt: Date;
}

/**
 * EventStoreDB's expected-revision semantics: `any` always passes, `no_stream` needs the stream absent,
 * `stream_exists` needs it present, a bigint must equal the stream's last revision.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

/** What the stream looked like when a write was refused: its last revision, or `no_stream`. */
export type ActualRevision = 'no_stream' | bigint;

export interface AppendResult {
  /** Revision of the last event written; pass it as the next expected revision. */
  readonly nextExpectedRevision: bigint;
  /** Position of the last event written. */
  readonly position: Position;
}
