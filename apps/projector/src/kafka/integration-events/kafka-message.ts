import { IntegrationEvent } from './integration-event';

/** The record kafkajs sends: CloudEvents 1.0, Kafka protocol binding, binary content mode. */
export interface OutgoingMessage {
  readonly key: string;
  readonly value: string;
  readonly headers: { readonly [name: string]: string };
}

/** CloudEvents extension attribute carrying the stored position (lowercase alphanumeric, at most 20 characters). */
export const POSITION_EXTENSION = 'flipsideposition';

/**
 * Binary content mode: the payload is the record's value as plain JSON, the attributes are `ce_` headers, and
 * `content-type` carries datacontenttype. The key is the program, so a program's events share a partition.
 */
export function toKafkaMessage(event: IntegrationEvent): OutgoingMessage {
  return {
    key: event.programId,
    value: JSON.stringify(event.data),
    headers: {
      ce_specversion: '1.0',
      ce_id: event.id,
      ce_source: event.source,
      ce_type: event.type,
      ce_subject: event.subject,
      ce_time: event.time,
      [`ce_${POSITION_EXTENSION}`]: event.position,
      'content-type': 'application/json',
    },
  };
}

/**
 * Roughly what the message weighs on the wire, to keep a batch well under the broker's size limit. The value is
 * measured in UTF-8 bytes; key and headers (ids, URL-encoded paths, dates) by their length, which is cheaper and
 * off by little on a batch limit that leaves half the broker's limit spare.
 */
export function approximateSize(message: OutgoingMessage): number {
  let size = message.key.length + Buffer.byteLength(message.value) + 64;
  for (const name in message.headers) size += name.length + message.headers[name].length + 8;
  return size;
}
