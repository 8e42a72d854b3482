import { RecordedEvent } from '@flipside/event-store';
import { upcast } from '@flipside/personal-data';

/**
 * The projector's one gate between the log and its processors (projections, the Kafka publisher, the audit
 * anchors, rebuilds): every stored event is brought to the current schema version here, exactly once, and its
 * personal fields stay as stored (ciphertext, or the plaintext of an event written before encryption). The
 * projector holds no master key and never decrypts. Upcasting changes `data` only, never metadata, so the
 * anchors' heads (metadata.hash) are what the store holds.
 */
export const readableEvent = (stored: RecordedEvent): RecordedEvent => upcast(stored);

export const readableEvents = (stored: readonly RecordedEvent[]): RecordedEvent[] => stored.map(readableEvent);
