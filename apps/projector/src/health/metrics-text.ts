import { EventStoreReach } from '../engine/event-store-reach';
import { Processor } from '../engine/processor';
import { BATCH_SECONDS_BUCKETS, PROCESSOR_STATES, ProcessorStatus } from '../engine/processor-status';

/** One engine as /metrics reads it: its status and the processor's own lines. */
export interface MeteredProcessor {
  readonly status: ProcessorStatus;
  readonly processor: Pick<Processor<unknown>, 'readModel' | 'metrics'>;
}

function family(lines: string[], name: string, type: 'counter' | 'gauge' | 'histogram', help: string): void {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
}

const label = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/**
 * The engine's figures for every processor (`flipside_processor_*{processor=…}`), the same figures under their
 * earlier names for the read models (`flipside_projection_*{projection=…}`, which dashboards read), then each
 * processor's own lines. Prometheus text format, written by hand to keep the process lean.
 */
export function metricsText(engines: readonly MeteredProcessor[], reach: Pick<EventStoreReach, 'reachable'>): string {
  const lines: string[] = [];
  family(lines, 'flipside_event_store_up', 'gauge', 'One while the last read of the event store got an answer.');
  lines.push(`flipside_event_store_up ${reach.reachable ? 1 : 0}`);
  engineFigures(lines, 'processor', 'processor', engines.map((engine) => engine.status));
  engineFigures(lines, 'projection', 'projection', engines.filter((engine) => engine.processor.readModel).map((engine) => engine.status));
  for (const engine of engines) lines.push(...(engine.processor.metrics?.(engine.status.snapshot()) ?? []));
  family(lines, 'process_resident_memory_bytes', 'gauge', 'Resident memory of the projector process.');
  lines.push(`process_resident_memory_bytes ${process.memoryUsage.rss()}`);
  return `${lines.join('\n')}\n`;
}

function engineFigures(lines: string[], prefix: string, labelName: string, statuses: readonly ProcessorStatus[]): void {
  if (statuses.length === 0) return;
  const metric = (name: string) => `flipside_${prefix}_${name}`;
  const each = (name: string, value: (status: ProcessorStatus) => number | string) => {
    for (const status of statuses) lines.push(`${metric(name)}{${labelName}="${label(status.name)}"} ${value(status)}`);
  };
  family(lines, metric('events_applied_total'), 'counter', 'Events handled and committed since the process started.');
  each('events_applied_total', (s) => s.eventsApplied);
  family(lines, metric('events_ignored_total'), 'counter', 'Events of types the processor does not use, passed over.');
  each('events_ignored_total', (s) => s.eventsIgnored);
  family(lines, metric('checkpoint_commit'), 'gauge', 'Commit part of the checkpoint position (PostgreSQL: transaction id).');
  each('checkpoint_commit', (s) => (s.checkpoint ? s.checkpoint.split('/')[0] : -1));
  family(lines, metric('checkpoint_prepare'), 'gauge', 'Prepare part of the checkpoint position (PostgreSQL: global sequence).');
  each('checkpoint_prepare', (s) => (s.checkpoint ? s.checkpoint.split('/')[1] : -1));
  family(lines, metric('lag_events'), 'gauge', 'Stored events not yet handled (sampled; counts at most 1000).');
  each('lag_events', (s) => s.lagEvents);
  family(lines, metric('lag_seconds'), 'gauge', 'Age of the oldest stored event not yet handled.');
  each('lag_seconds', (s) => s.lagSeconds.toFixed(3));
  family(lines, metric('state'), 'gauge', 'One for the state the processor is in.');
  for (const status of statuses) {
    for (const state of PROCESSOR_STATES) lines.push(`${metric('state')}{${labelName}="${label(status.name)}",state="${state}"} ${status.state === state ? 1 : 0}`);
  }
  family(lines, metric('batch_duration_seconds'), 'histogram', 'Time to commit one batch with its checkpoint.');
  for (const status of statuses) {
    const name = label(status.name);
    BATCH_SECONDS_BUCKETS.forEach((bound, index) =>
      lines.push(`${metric('batch_duration_seconds_bucket')}{${labelName}="${name}",le="${bound}"} ${status.batchSecondsBuckets[index]}`),
    );
    lines.push(`${metric('batch_duration_seconds_bucket')}{${labelName}="${name}",le="+Inf"} ${status.batches}`);
    lines.push(`${metric('batch_duration_seconds_sum')}{${labelName}="${name}"} ${status.batchSecondsSum.toFixed(6)}`);
    lines.push(`${metric('batch_duration_seconds_count')}{${labelName}="${name}"} ${status.batches}`);
  }
}
