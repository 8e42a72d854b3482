import { EventData, RecordedEvent as ClientRecordedEvent, jsonEvent } from '@eventstore/db-client';
import { EventToAppend, JsonObject, RecordedEvent } from '../events';
import { Position } from '../position';

/** Every event is written as JSON, with the caller's id so that a retried append is recognised. */
export function toEventData(event: EventToAppend): EventData {
  return jsonEvent({ id: event.id, type: event.type, data: event.data, metadata: event.metadata });
}

export function toRecordedEvent(event: ClientRecordedEvent, position: Position): RecordedEvent {
  if (!event.isJson || !isJsonObject(event.data)) {
    throw new TypeError(
      `Event ${event.id} (${event.type}) in ${event.streamId} is not a JSON object; this store only reads JSON events`,
    );
  }
  const metadata = event.metadata ?? {};
  if (!isJsonObject(metadata)) {
    throw new TypeError(`Event ${event.id} (${event.type}) in ${event.streamId} has metadata that is not a JSON object`);
  }
  return {
    id: event.id,
    type: event.type,
    streamName: event.streamId,
    revision: event.revision,
    position,
    data: event.data,
    metadata,
    recordedAt: event.created,
  };
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
