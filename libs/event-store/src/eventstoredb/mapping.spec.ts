import {
  ANY,
  DeadlineExceededError,
  NO_STREAM,
  NotLeaderError,
  STREAM_EXISTS,
  StreamNotFoundError as ClientStreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
} from '@eventstore/db-client';
import { Metadata, status } from '@grpc/grpc-js';
import { EventStoreUnavailableError, StreamNotFoundError, WrongExpectedVersionError } from '../errors';
import { START } from '../position';
import { toClientExpectedRevision } from './appending';
import { isUnavailable, translateAppendError, translateReadError } from './error-mapping';
import { streamReadPosition, toReadPosition } from './position-mapping';
import { ProductStreams } from './product-streams';

const grpcError = (code: status, message: string) => Object.assign(new Error(message), { code, details: message, metadata: new Metadata() });

describe('EventStoreDB adapter mappings', () => {
  it('maps every expected revision to the client constant or the same bigint', () => {
    expect(toClientExpectedRevision('any')).toBe(ANY);
    expect(toClientExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toClientExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
    expect(toClientExpectedRevision(41n)).toBe(41n);
  });

  it("turns the client's wrong expected version into the port's, with our expectation and the actual revision", () => {
    const behind = new ClientWrongExpectedVersionError(undefined, { streamName: 'program-1', current: 7n, expected: 3n });
    const missing = new ClientWrongExpectedVersionError(undefined, { streamName: 'program-1', current: 'no_stream', expected: 0n });
    expect(translateAppendError(behind, 'program-1', 3n)).toEqual(new WrongExpectedVersionError('program-1', 3n, 7n));
    const translated = translateAppendError(missing, 'program-1', 'stream_exists');
    expect(translated).toBeInstanceOf(WrongExpectedVersionError);
    expect(translated).toMatchObject({ streamName: 'program-1', expected: 'stream_exists', actual: 'no_stream' });
  });

  it("turns the client's stream-not-found into the port's", () => {
    const translated = translateReadError(new ClientStreamNotFoundError(undefined, 'pair-9'), 'pair-9');
    expect(translated).toBeInstanceOf(StreamNotFoundError);
    expect(translated).toMatchObject({ streamName: 'pair-9' });
  });

  it.each([
    ['the client UnavailableError', new UnavailableError(grpcError(status.UNAVAILABLE, '14 UNAVAILABLE'))],
    ['the client DeadlineExceededError', new DeadlineExceededError(grpcError(status.DEADLINE_EXCEEDED, '4 DEADLINE_EXCEEDED'))],
    ['a raw gRPC UNAVAILABLE', grpcError(status.UNAVAILABLE, '14 UNAVAILABLE: No connection established')],
    ['a raw gRPC DEADLINE_EXCEEDED', grpcError(status.DEADLINE_EXCEEDED, '4 DEADLINE_EXCEEDED: Deadline exceeded')],
    ['a refused socket', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2113'), { code: 'ECONNREFUSED' })],
  ])('treats %s as the store being unavailable', (_, error) => {
    expect(isUnavailable(error)).toBe(true);
    expect(translateAppendError(error, 'program-1', 'any')).toBeInstanceOf(EventStoreUnavailableError);
    expect(translateReadError(error)).toBeInstanceOf(EventStoreUnavailableError);
  });

  it('treats a follower answering NotLeader as unavailable', () => {
    const metadata = new Metadata();
    metadata.set('exception', 'not-leader');
    metadata.set('leader-endpoint-host', '10.0.0.2');
    metadata.set('leader-endpoint-port', '2113');
    const error = new NotLeaderError(Object.assign(grpcError(status.NOT_FOUND, 'Leader info'), { metadata }));
    expect(translateAppendError(error, 'program-1', 'any')).toBeInstanceOf(EventStoreUnavailableError);
  });

  it('leaves other errors alone', () => {
    const error = grpcError(status.PERMISSION_DENIED, '7 PERMISSION_DENIED');
    expect(isUnavailable(error)).toBe(false);
    expect(translateAppendError(error, 'program-1', 'any')).toBe(error);
  });

  it('hides the u64 -1 commit some servers give on stream reads, keeping sane positions one to one', () => {
    expect(streamReadPosition({ commit: 2n ** 64n - 1n, prepare: 4679n })).toEqual(START);
    expect(streamReadPosition(undefined)).toEqual(START);
    expect(streamReadPosition({ commit: 4905n, prepare: 4792n })).toEqual({ commit: 4905n, prepare: 4792n });
    expect(toReadPosition(START)).toBe('start');
    expect(toReadPosition({ commit: 4905n, prepare: 4792n })).toEqual({ commit: 4905n, prepare: 4792n });
  });

  it('recognises product events by category and never by a system type', () => {
    const products = new ProductStreams();
    expect(products.includes({ streamName: 'program-1', type: 'ProgramLaunched' })).toBe(true);
    expect(products.includes({ streamName: 'pair-1', type: 'SessionHeld' })).toBe(true);
    expect(products.includes({ streamName: 'program-1', type: '$metadata' })).toBe(false);
    expect(products.includes({ streamName: '$stats-127.0.0.1:2113', type: '$statsCollected' })).toBe(false);
    expect(products.includes({ streamName: 'billing-1', type: 'InvoiceSent' })).toBe(false);
    expect(() => new ProductStreams([])).toThrow(RangeError);
    expect(() => new ProductStreams(['$ce-'])).toThrow(RangeError);
  });
});
