import { AppendResult, EventToAppend, ExpectedRevision } from '../events';

export interface EventAppender {
  /**
   * Appends all events atomically, or none. Throws WrongExpectedVersionError when the stream is not where
   * `expected` says. Appending the same event ids again with the same expectation succeeds without writing
   * them twice, and answers with the original result.
   */
  append(streamName: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult>;
}
