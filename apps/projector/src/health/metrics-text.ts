import { EventStoreReach } from '../projections/event-store-reach';
import { ProjectionStatus, BATCH_SECONDS_BUCKETS } from '../projections/projection-status';

/** The few Prometheus text-format lines the projector exposes; written by hand to keep the process lean. */
export interface PublishingFigures {
  readonly state: string;
  readonly connected: boolean;
  readonly pendingEvents: number;
  readonly lagSeconds: number;
  readonly publishedEvents: number;
  readonly skippedEvents: number;
  readonly failedAttempts: number;
}

/** What /metrics shows of the audit anchor processor. */
export interface AnchorFigures {
  readonly state: string;
  readonly connected: boolean;
  readonly anchorsWritten: number;
  readonly anchorsPublished: number;
  readonly unpublishedAnchors: number;
  readonly lastAnchor: { readonly anchorId: number; readonly position: string; readonly streams: number; readonly anchoredAt: string } | null;
}

const STATES = ['starting', 'standby', 'rebuilding', 'catching-up', 'live', 'retrying', 'halted', 'stopped'];

function family(lines: string[], name: string, type: 'counter' | 'gauge' | 'histogram', help: string): void {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
}

const label = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

export function metricsText(
  statuses: readonly ProjectionStatus[],
  reach: Pick<EventStoreReach, 'reachable'>,
  publishing?: PublishingFigures,
  anchors?: AnchorFigures,
): string {
  const lines: string[] = [];
  family(lines, 'flipside_event_store_up', 'gauge', 'One while the last read of the event store got an answer.');
  lines.push(`flipside_event_store_up ${reach.reachable ? 1 : 0}`);
  const each = (name: string, value: (status: ProjectionStatus) => number | string) => {
    for (const status of statuses) lines.push(`${name}{projection="${label(status.name)}"} ${value(status)}`);
  };
  family(lines, 'flipside_projection_events_applied_total', 'counter', 'Events applied to the read models since the process started.');
  each('flipside_projection_events_applied_total', (s) => s.eventsApplied);
  family(lines, 'flipside_projection_events_ignored_total', 'counter', 'Events of types the projection does not use, passed over.');
  each('flipside_projection_events_ignored_total', (s) => s.eventsIgnored);
  family(lines, 'flipside_projection_checkpoint_commit', 'gauge', 'Commit part of the checkpoint position (PostgreSQL: transaction id).');
  each('flipside_projection_checkpoint_commit', (s) => (s.checkpoint ? s.checkpoint.split('/')[0] : -1));
  family(lines, 'flipside_projection_checkpoint_prepare', 'gauge', 'Prepare part of the checkpoint position (PostgreSQL: global sequence).');
  each('flipside_projection_checkpoint_prepare', (s) => (s.checkpoint ? s.checkpoint.split('/')[1] : -1));
  family(lines, 'flipside_projection_lag_events', 'gauge', 'Stored events not yet applied (sampled; counts at most 1000).');
  each('flipside_projection_lag_events', (s) => s.lagEvents);
  family(lines, 'flipside_projection_lag_seconds', 'gauge', 'Age of the oldest stored event not yet applied.');
  each('flipside_projection_lag_seconds', (s) => s.lagSeconds.toFixed(3));
  family(lines, 'flipside_projection_state', 'gauge', 'One for the state the projection is in.');
  for (const status of statuses) {
    for (const state of STATES) lines.push(`flipside_projection_state{projection="${label(status.name)}",state="${state}"} ${status.state === state ? 1 : 0}`);
  }
  family(lines, 'flipside_projection_batch_duration_seconds', 'histogram', 'Time to apply one batch and move the checkpoint.');
  for (const status of statuses) {
    const name = label(status.name);
    BATCH_SECONDS_BUCKETS.forEach((bound, index) =>
      lines.push(`flipside_projection_batch_duration_seconds_bucket{projection="${name}",le="${bound}"} ${status.batchSecondsBuckets[index]}`),
    );
    lines.push(`flipside_projection_batch_duration_seconds_bucket{projection="${name}",le="+Inf"} ${status.batches}`);
    lines.push(`flipside_projection_batch_duration_seconds_sum{projection="${name}"} ${status.batchSecondsSum.toFixed(6)}`);
    lines.push(`flipside_projection_batch_duration_seconds_count{projection="${name}"} ${status.batches}`);
  }
  if (publishing) {
    family(lines, 'flipside_publishing_events_published_total', 'counter', 'Integration events acknowledged by Kafka.');
    lines.push(`flipside_publishing_events_published_total ${publishing.publishedEvents}`);
    family(lines, 'flipside_publishing_events_skipped_total', 'counter', 'Events not published (unknown types or versions).');
    lines.push(`flipside_publishing_events_skipped_total ${publishing.skippedEvents}`);
    family(lines, 'flipside_publishing_failed_attempts_total', 'counter', 'Sends to Kafka that failed and were retried.');
    lines.push(`flipside_publishing_failed_attempts_total ${publishing.failedAttempts}`);
    family(lines, 'flipside_publishing_pending_events', 'gauge', 'Events read and not yet acknowledged by Kafka.');
    lines.push(`flipside_publishing_pending_events ${publishing.pendingEvents}`);
    family(lines, 'flipside_publishing_lag_seconds', 'gauge', 'Age of the oldest event not yet acknowledged by Kafka.');
    lines.push(`flipside_publishing_lag_seconds ${publishing.lagSeconds.toFixed(3)}`);
    family(lines, 'flipside_publishing_connected', 'gauge', 'One while the last exchange with Kafka succeeded.');
    lines.push(`flipside_publishing_connected ${publishing.connected ? 1 : 0}`);
  }
  if (anchors) {
    family(lines, 'flipside_audit_anchors_written_total', 'counter', 'Audit anchors written since the process started.');
    lines.push(`flipside_audit_anchors_written_total ${anchors.anchorsWritten}`);
    family(lines, 'flipside_audit_anchors_published_total', 'counter', 'Audit anchors acknowledged by Kafka since the process started.');
    lines.push(`flipside_audit_anchors_published_total ${anchors.anchorsPublished}`);
    family(lines, 'flipside_audit_unpublished_anchors', 'gauge', 'Audit anchors written and not yet acknowledged by Kafka.');
    lines.push(`flipside_audit_unpublished_anchors ${anchors.unpublishedAnchors}`);
    family(lines, 'flipside_audit_anchor_processor_anchoring', 'gauge', 'One while this instance holds the lease and anchors.');
    lines.push(`flipside_audit_anchor_processor_anchoring ${anchors.state === 'anchoring' ? 1 : 0}`);
    const last = anchors.lastAnchor;
    if (last) {
      const [commit, prepare] = last.position.split('/');
      family(lines, 'flipside_audit_last_anchor_id', 'gauge', 'Id of the latest audit anchor.');
      lines.push(`flipside_audit_last_anchor_id ${last.anchorId}`);
      family(lines, 'flipside_audit_last_anchor_position', 'gauge', 'Log position of the last event the latest anchor includes (commit and prepare parts).');
      lines.push(`flipside_audit_last_anchor_position{part="commit"} ${commit}`, `flipside_audit_last_anchor_position{part="prepare"} ${prepare}`);
      family(lines, 'flipside_audit_last_anchor_streams', 'gauge', 'Streams with a head in the latest anchor.');
      lines.push(`flipside_audit_last_anchor_streams ${last.streams}`);
      family(lines, 'flipside_audit_last_anchor_timestamp_seconds', 'gauge', 'When the latest anchor was written (Unix time).');
      lines.push(`flipside_audit_last_anchor_timestamp_seconds ${(Date.parse(last.anchoredAt) / 1000).toFixed(3)}`);
    }
  }
  family(lines, 'process_resident_memory_bytes', 'gauge', 'Resident memory of the projector process.');
  lines.push(`process_resident_memory_bytes ${process.memoryUsage.rss()}`);
  return `${lines.join('\n')}\n`;
}
