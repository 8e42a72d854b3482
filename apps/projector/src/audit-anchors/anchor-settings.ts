import { ConfigurationError, FlipsideConfig, loadConfig } from '@flipside/config';
import { EventStoreSelection } from '@flipside/event-store';
import { loadPublishingSettings, TOPIC_NAME } from '../kafka/publishing.settings';

export const DEFAULT_ANCHOR_TOPIC = 'flipside.audit.anchors';
export const ANCHOR_CHECKPOINT = 'audit-anchors';

/** Everything the audit anchor processor reads from the environment, checked once at start. */
export interface AnchorSettings {
  /** At most one anchor this often (AUDIT_ANCHOR_EVERY_SECONDS). */
  readonly everySeconds: number;
  /**
   * Changed heads that make an anchor due before its time: one anchor stays one Kafka record under the broker's
   * 1 MiB default however much changed (catching up on a large log).
   */
  readonly maxHeadsPerAnchor: number;
  readonly batchSize: number;
  readonly lingerMs: number;
  readonly eventStore: EventStoreSelection;
  /** Heads, anchors, the checkpoint and the lease (the read-model database). */
  readonly databaseUrl: string;
  /** Row in projector.checkpoints and lease name. */
  readonly checkpointName: string;
  readonly standbyRetryMs: number;
  /** Undefined when KAFKA_BROKERS is not set: anchors are written and wait in the outbox until it is. */
  readonly brokers?: readonly string[];
  readonly clientId: string;
  readonly topic: string;
  readonly replicationFactor: number;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
}

/** The publisher's broker, client and retry settings; the anchors' own interval and topic. */
export function loadAnchorSettings(
  env: NodeJS.ProcessEnv = process.env,
  config: FlipsideConfig = loadConfig(env, { jwt: false }),
): AnchorSettings {
  const publishing = loadPublishingSettings(env, config);
  const topic = env.AUDIT_ANCHOR_TOPIC || DEFAULT_ANCHOR_TOPIC;
  if (!TOPIC_NAME.test(topic) || topic === '.' || topic === '..') {
    throw new ConfigurationError([`AUDIT_ANCHOR_TOPIC must be 1-249 letters, digits, ".", "_" or "-", got "${topic}"`]);
  }
  return {
    everySeconds: config.auditAnchorEverySeconds,
    // About 150 bytes a head: 3,000 plus one batch of 1,000 stays near 600 KB.
    maxHeadsPerAnchor: 3000,
    batchSize: 1000,
    lingerMs: 10,
    eventStore: publishing.eventStore,
    databaseUrl: publishing.databaseUrl,
    checkpointName: ANCHOR_CHECKPOINT,
    standbyRetryMs: publishing.standbyRetryMs,
    brokers: publishing.brokers,
    clientId: publishing.clientId,
    topic,
    replicationFactor: publishing.replicationFactor,
    retryInitialMs: publishing.retryInitialMs,
    retryMaxMs: publishing.retryMaxMs,
  };
}
