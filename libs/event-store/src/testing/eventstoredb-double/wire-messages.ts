/**
 * TEST DOUBLE of EventStoreDB, not a server: turns the double's log records into the protobuf messages the real
 * client expects. Replies are built with the client's own generated classes, because its serializers check
 * `instanceof`.
 */
import { Empty as GoogleEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { Empty, StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { ExpectedRevision } from '../../events';
import { LoggedEvent, ProposedEvent } from './double-log';

/** What some EventStoreDB versions put in `commit_position` of an event read from a stream: u64 -1. */
export const NO_COMMIT_POSITION = '18446744073709551615';

interface ProposedMessageLike {
  getId(): UUID | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}

export function streamNameOf(identifier: StreamIdentifier | undefined): string {
  return identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : '';
}

export function streamIdentifier(streamName: string): StreamIdentifier {
  return new StreamIdentifier().setStreamName(Buffer.from(streamName, 'utf8'));
}

export function uuid(id: string): UUID {
  return new UUID().setString(id);
}

export function proposedEvent(message: ProposedMessageLike): ProposedEvent {
  const metadata = message.getMetadataMap();
  return {
    id: (message.getId()?.getString() ?? '').toLowerCase(),
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  };
}

interface ExpectationOptions {
  hasAny(): boolean;
  hasNoStream(): boolean;
  hasStreamExists(): boolean;
}

/** Reads the oneof both append RPCs use for the expectation; only the revision field is named differently. */
export function expectationOf(options: ExpectationOptions, revision: string | undefined): ExpectedRevision {
  if (options.hasAny()) return 'any';
  if (options.hasNoStream()) return 'no_stream';
  if (options.hasStreamExists()) return 'stream_exists';
  return BigInt(revision ?? '0');
}

/**
 * `fromStream` reproduces stream reads on the server versions that only know the prepare position there:
 * commit is u64 -1 and the outer position is `no_position`.
 */
export function readEventMessage(event: LoggedEvent, fromStream: boolean): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(uuid(event.id))
    .setStreamIdentifier(streamIdentifier(event.streamName))
    .setStreamRevision(event.revision.toString())
    .setCommitPosition(fromStream ? NO_COMMIT_POSITION : event.commit.toString())
    .setPreparePosition(event.prepare.toString())
    .setData(event.data)
    .setCustomMetadata(event.customMetadata);
  recorded
    .getMetadataMap()
    .set('type', event.type)
    .set('content-type', event.contentType)
    .set('created', event.createdTicks.toString());
  const readEvent = new ReadResp.ReadEvent().setEvent(recorded);
  if (fromStream) readEvent.setNoPosition(new Empty());
  else readEvent.setCommitPosition(event.commit.toString());
  return new ReadResp().setEvent(readEvent);
}

export function checkpointMessage(event: LoggedEvent): ReadResp {
  return new ReadResp().setCheckpoint(
    new ReadResp.Checkpoint().setCommitPosition(event.commit.toString()).setPreparePosition(event.prepare.toString()),
  );
}

export function googleEmpty(): GoogleEmpty {
  return new GoogleEmpty();
}
