import { ConfigurationError, FlipsideConfig, loadConfig } from '@flipside/config';
import { EventStoreSelection } from '@flipside/event-store';

export const DEFAULT_TOPIC = 'flipside.mentorship.events.v1';

/** Everything the integration-event publisher reads from the environment, checked once at start. */
export interface PublishingSettings {
  /** Undefined when KAFKA_BROKERS is not set: publishing is off and its checkpoint stays where it is. */
  readonly brokers?: readonly string[];
  readonly clientId: string;
  readonly topic: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly eventStore: EventStoreSelection;
  /** Where the checkpoint and the lease live (projector schema). */
  readonly databaseUrl: string;
  /** Its checkpoint in projector.checkpoints (the processor name): one per topic, so a new topic version starts over. */
  readonly checkpointName: string;
  /** Most events in one producer.send. */
  readonly batchSize: number;
  /** Most bytes (estimated generously) in one producer.send, under the broker's default 1 MiB record batch limit. */
  readonly maxBatchBytes: number;
  /** Once a batch has an event, how long to wait for more before sending it. */
  readonly lingerMs: number;
  /** How often a standby instance tries to take the lease. */
  readonly standbyRetryMs: number;
  /** Back-off between attempts to reach the broker: first and longest wait. */
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
}

function positiveInteger(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  problems: string[],
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    problems.push(`${name} must be a whole number from 1 to ${max}, got "${raw}"`);
    return fallback;
  }
  return value;
}

// Kafka's own rule for topic names.
export const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export function loadPublishingSettings(
  env: NodeJS.ProcessEnv = process.env,
  config: FlipsideConfig = loadConfig(env, { jwt: false }),
): PublishingSettings {
  const problems: string[] = [];
  const topic = env.KAFKA_TOPIC || DEFAULT_TOPIC;
  if (!TOPIC_NAME.test(topic) || topic === '.' || topic === '..') {
    problems.push(`KAFKA_TOPIC must be 1-249 letters, digits, ".", "_" or "-", got "${topic}"`);
  }
  const settings: PublishingSettings = {
    brokers: config.kafkaBrokers && config.kafkaBrokers.length > 0 ? config.kafkaBrokers : undefined,
    clientId: env.KAFKA_CLIENT_ID || 'flipside-projector',
    topic,
    partitions: positiveInteger(env, 'KAFKA_TOPIC_PARTITIONS', 6, problems, 10_000),
    replicationFactor: positiveInteger(env, 'KAFKA_REPLICATION_FACTOR', 1, problems, 32),
    eventStore: { eventStore: config.eventStore, databaseUrl: config.databaseUrl, eventStoreUrl: config.eventStoreUrl },
    databaseUrl: config.databaseUrl,
    checkpointName: `integration-events:${topic}`,
    batchSize: positiveInteger(env, 'KAFKA_PUBLISH_BATCH_SIZE', 1000, problems, 10_000),
    // A send's part for one partition is one record batch, refused above message.max.bytes (1 MiB by default);
    // the size estimate overcounts every record, and a smaller limit is handled by sending in halves.
    maxBatchBytes: 900 * 1024,
    lingerMs: 10,
    standbyRetryMs: positiveInteger(env, 'PUBLISHER_STANDBY_RETRY_MS', 1000, problems, 60_000),
    retryInitialMs: 250,
    retryMaxMs: 5000,
  };
  if (problems.length > 0) throw new ConfigurationError(problems);
  return settings;
}
