/**
 * TEST DOUBLE of EventStoreDB, not a server: Streams.Append (client streaming) and Streams.BatchAppend (bidi),
 * answering as EventStoreDB does. A wrong expected version is a normal AppendResp on Append, and a
 * google.rpc.Status whose details pack event_store.client.WrongExpectedVersion on BatchAppend.
 */
import { ServerDuplexStream, ServerReadableStream, sendUnaryData, status } from '@grpc/grpc-js';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { AllStreamPosition, Empty, WrongExpectedVersion } from '@eventstore/db-client/generated/shared_pb';
import { Code } from '@eventstore/db-client/generated/code_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { AppendReq, AppendResp, BatchAppendReq, BatchAppendResp } from '@eventstore/db-client/generated/streams_pb';
import { ExpectedRevision } from '../../events';
import { AppendOutcome, DoubleLog, ProposedEvent } from './double-log';
import { expectationOf, googleEmpty, proposedEvent, streamIdentifier, streamNameOf } from './wire-messages';

export function handleAppend(log: DoubleLog) {
  return (call: ServerReadableStream<AppendReq, AppendResp>, reply: sendUnaryData<AppendResp>): void => {
    let options: AppendReq.Options | undefined;
    const proposed: ProposedEvent[] = [];
    call.on('data', (request: AppendReq) => {
      if (request.hasOptions()) options = request.getOptions();
      const message = request.getProposedMessage();
      if (message) proposed.push(proposedEvent(message));
    });
    call.on('error', () => undefined);
    call.on('end', () => {
      if (!options) return reply({ code: status.INVALID_ARGUMENT, details: 'Append needs Options first' });
      const expected = expectationOf(options, options.hasRevision() ? options.getRevision() : undefined);
      const outcome = log.append(streamNameOf(options.getStreamIdentifier()), expected, proposed);
      reply(null, appendResponse(outcome, expected));
    });
  };
}

function appendResponse(outcome: AppendOutcome, expected: ExpectedRevision): AppendResp {
  if (outcome.kind === 'written') {
    const success = new AppendResp.Success();
    if (outcome.lastRevision === 'no_stream') success.setNoStream(new Empty());
    else success.setCurrentRevision(outcome.lastRevision.toString());
    if (outcome.last) {
      success.setPosition(
        new AppendResp.Position()
          .setCommitPosition(outcome.last.commit.toString())
          .setPreparePosition(outcome.last.prepare.toString()),
      );
    } else {
      success.setNoPosition(new Empty());
    }
    return new AppendResp().setSuccess(success);
  }
  const refused = new AppendResp.WrongExpectedVersion();
  if (outcome.current === 'no_stream') refused.setCurrentNoStream(new Empty());
  else refused.setCurrentRevision(outcome.current.toString());
  if (expected === 'any') refused.setExpectedAny(new Empty());
  else if (expected === 'no_stream') refused.setExpectedNoStream(new Empty());
  else if (expected === 'stream_exists') refused.setExpectedStreamExists(new Empty());
  else refused.setExpectedRevision(expected.toString());
  return new AppendResp().setWrongExpectedVersion(refused);
}

interface PendingBatch {
  options?: BatchAppendReq.Options;
  readonly proposed: ProposedEvent[];
}

export function handleBatchAppend(log: DoubleLog) {
  return (call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void => {
    const pending = new Map<string, PendingBatch>();
    call.on('data', (request: BatchAppendReq) => {
      const correlationId = request.getCorrelationId()?.getString() ?? '';
      const batch = pending.get(correlationId) ?? { proposed: [] };
      pending.set(correlationId, batch);
      if (request.hasOptions()) batch.options = request.getOptions();
      batch.proposed.push(...request.getProposedMessagesList().map(proposedEvent));
      if (!request.getIsFinal()) return;
      pending.delete(correlationId);
      call.write(batchResponse(log, request, batch));
    });
    call.on('error', () => undefined);
    call.on('end', () => call.end());
  };
}

function batchResponse(log: DoubleLog, request: BatchAppendReq, batch: PendingBatch): BatchAppendResp {
  const options = batch.options ?? new BatchAppendReq.Options();
  const streamName = streamNameOf(options.getStreamIdentifier());
  const expected = expectationOf(options, options.hasStreamPosition() ? options.getStreamPosition() : undefined);
  const outcome = log.append(streamName, expected, batch.proposed);
  const response = new BatchAppendResp()
    .setCorrelationId(request.getCorrelationId())
    .setStreamIdentifier(streamIdentifier(streamName));
  if (outcome.kind === 'written') {
    const success = new BatchAppendResp.Success();
    if (outcome.lastRevision === 'no_stream') success.setNoStream(googleEmpty());
    else success.setCurrentRevision(outcome.lastRevision.toString());
    if (outcome.last) {
      success.setPosition(
        new AllStreamPosition()
          .setCommitPosition(outcome.last.commit.toString())
          .setPreparePosition(outcome.last.prepare.toString()),
      );
    } else {
      success.setNoPosition(googleEmpty());
    }
    return response.setSuccess(success);
  }
  const details = new WrongExpectedVersion();
  if (outcome.current === 'no_stream') details.setCurrentNoStream(googleEmpty());
  else details.setCurrentStreamRevision(outcome.current.toString());
  if (expected === 'any') details.setExpectedAny(googleEmpty());
  else if (expected === 'no_stream') details.setExpectedNoStream(googleEmpty());
  else if (expected === 'stream_exists') details.setExpectedStreamExists(googleEmpty());
  else details.setExpectedStreamPosition(expected.toString());
  const packed = new Any();
  packed.pack(details.serializeBinary(), 'event_store.client.WrongExpectedVersion');
  const status = new Status()
    .setCode(Code.FAILED_PRECONDITION)
    .setMessage(`Append failed due to WrongExpectedVersion. Stream: ${streamName}`)
    .setDetails(packed);
  return response.setError(status);
}
