import { RecordedEvent } from '../events';
import { Position } from '../position';

export interface ReadStreamOptions {
  /** First revision to read (inclusive); default 0. */
  readonly fromRevision?: bigint;
  /** Default: the whole stream. */
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** First position to read (inclusive); default the start of the log. */
  readonly from?: Position;
  /** Default 1000: the log can be large, so callers page by passing the position after the last event read. */
  readonly maxCount?: number;
}

export interface EventReader {
  /** Events of one stream in revision order; throws StreamNotFoundError when the stream has none. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events of every product stream in global order, forwards from a position (inclusive). */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
}
