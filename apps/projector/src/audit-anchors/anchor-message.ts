import { OutgoingMessage, POSITION_EXTENSION } from '../kafka/integration-events/kafka-message';
import { Anchor } from './anchor-ledger';

export const AUDIT_ANCHORED_TYPE = 'dev.flipside.audit.anchored.v1';
export const AUDIT_ANCHOR_SOURCE = '/audit/anchors';
/** One key for every anchor: they all share a partition, so they arrive in the order they were written. */
export const AUDIT_ANCHOR_KEY = 'audit-anchors';

/** The anchor as a CloudEvent in binary content mode, like the integration events. */
export function toAnchorMessage(anchor: Anchor): OutgoingMessage {
  const data = {
    anchorId: anchor.anchorId,
    position: anchor.position,
    digest: anchor.digest,
    streams: anchor.streams,
    anchoredAt: anchor.anchoredAt,
    heads: anchor.heads.map(({ stream, revision, hash }) => ({ stream, revision, hash })),
  };
  return {
    key: AUDIT_ANCHOR_KEY,
    value: JSON.stringify(data),
    headers: {
      ce_specversion: '1.0',
      ce_id: String(anchor.anchorId),
      ce_source: AUDIT_ANCHOR_SOURCE,
      ce_type: AUDIT_ANCHORED_TYPE,
      ce_subject: `anchors/${anchor.anchorId}`,
      ce_time: anchor.anchoredAt,
      [`ce_${POSITION_EXTENSION}`]: anchor.position,
      'content-type': 'application/json',
    },
  };
}
